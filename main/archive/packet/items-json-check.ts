import type { ItemsJson } from './items-json';
import schema from './items.schema.json';

/**
 * custody/items.json checked without zod, for `huella packet verify` (issue 19 item 3): loading zod and running its
 * schema cost a reviewer's start more than every other check of items.json together.
 *
 * One source of rules: items.schema.json is `z.toJSONSchema(itemsJsonSchema)` (./items-json.ts), committed, and
 * items-json-check.test.ts fails, naming the difference, when the two part (a change to the zod schema then takes
 * the command the test prints). The file is also the format's published description for reviewers' own tools.
 * This module runs that JSON Schema with the few keywords it uses, each read as zod reads the rule it came from
 * (string lengths in UTF-16 code units as zod counts them, integers as safe integers); any other keyword makes the
 * compile throw, so a schema this reader does not fully understand can never be half-checked.
 *
 * A value that passes is one itemsJsonSchema accepts, returned as it is (the schema has no defaults or transforms
 * and all its objects are strict, so zod's output holds the same fields and values). Anything else gives undefined
 * and the caller asks itemsJsonSchema, which says precisely what is wrong.
 */

type Check = (v: unknown) => boolean;
type Node = Readonly<Record<string, unknown>>;

const KNOWN = new Set(['$schema', 'type', 'const', 'enum', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'items', 'minItems', 'maxItems', 'properties', 'required', 'additionalProperties']);

function num(node: Node, key: string): number | undefined {
  const v = node[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number') throw new Error(`items.schema.json: ${key} is not a number`);
  return v;
}

const within = (n: number, node: Node, min: string, max: string): boolean => n >= (num(node, min) ?? -Infinity) && n <= (num(node, max) ?? Infinity);

function stringCheck(node: Node): Check {
  const re = typeof node.pattern === 'string' ? new RegExp(node.pattern) : undefined;
  return (v) => typeof v === 'string' && within(v.length, node, 'minLength', 'maxLength') && (re === undefined || re.test(v));
}

function arrayCheck(node: Node): Check {
  const of = compile(node.items as Node);
  return (v) => Array.isArray(v) && within(v.length, node, 'minItems', 'maxItems') && v.every(of);
}

/** A strict object of plain JSON: every required key, any other listed one, no other. */
function objectCheck(node: Node): Check {
  if (node.additionalProperties !== false) throw new Error('items.schema.json: an object that is not strict');
  const required = new Set(node.required as readonly string[]);
  const fields = Object.entries(node.properties as Readonly<Record<string, Node>>).map(([k, sub]) => [k, compile(sub), required.has(k)] as const);
  return (v) => {
    if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
    const o = v as Record<string, unknown>;
    let keys = 0;
    for (const [k, check, isRequired] of fields) {
      if (!Object.hasOwn(o, k)) {
        if (isRequired) return false;
        continue;
      }
      if (!check(o[k])) return false;
      keys++;
    }
    return Object.keys(o).length === keys;
  };
}

const typeChecks: Readonly<Record<string, (node: Node) => Check>> = {
  string: stringCheck,
  integer: (node) => (v) => typeof v === 'number' && Number.isSafeInteger(v) && within(v, node, 'minimum', 'maximum'),
  boolean: () => (v) => typeof v === 'boolean',
  array: arrayCheck,
  object: objectCheck,
};

function compile(node: Node): Check {
  for (const k of Object.keys(node)) if (!KNOWN.has(k)) throw new Error(`items.schema.json: keyword ${k} is not understood here`);
  const byType = typeChecks[node.type as string];
  if (byType === undefined) throw new Error(`items.schema.json: type ${String(node.type)} is not understood here`);
  const check = byType(node);
  if ('const' in node) return (v) => v === node.const && check(v);
  if (Array.isArray(node.enum)) {
    const values: readonly unknown[] = node.enum;
    return (v) => values.includes(v) && check(v);
  }
  return check;
}

const itemsJson = compile(schema);

/** `value` (parsed JSON) as ItemsJson if itemsJsonSchema certainly accepts it unchanged; undefined otherwise (ask the schema). */
export function itemsJsonIfValid(value: unknown): ItemsJson | undefined {
  return itemsJson(value) ? (value as ItemsJson) : undefined;
}
