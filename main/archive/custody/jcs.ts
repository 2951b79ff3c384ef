/**
 * RFC 8785 JSON Canonicalization Scheme (https://www.rfc-editor.org/rfc/rfc8785), the byte form of custody events
 * (DESIGN §5). Serialisation is delegated to the `canonicalize` package (the reference implementation by the RFC's
 * authors); this module only narrows the input to what custody events may hold, because JCS quietly maps some
 * JavaScript values to JSON (undefined → dropped, Date → string, NaN → error) and a signed event must mean exactly
 * what its bytes say:
 *  - integers only, within ±(2^53 − 1): non-integers would bring in ECMAScript number formatting, unsafe integers
 *    lose precision when a verifier parses them back;
 *  - strings must be well-formed UTF-16 (RFC 8785 §3.2.2.2 requires I-JSON, which forbids lone surrogates);
 *  - only plain objects and arrays; no undefined, functions, symbols, bigint, class instances, cycles.
 */
import canonicalize from 'canonicalize';
import { HuellaError } from '../errors';

// A lone high surrogate (not followed by a low one) or a lone low surrogate (not preceded by a high one).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function invalid(path: string, why: string): HuellaError {
  return new HuellaError('FORMAT_INVALID', `Cannot write a custody record: the value at ${path} ${why}.`);
}

function checkString(s: string, path: string): void {
  if (LONE_SURROGATE.test(s)) throw invalid(path, 'contains a broken Unicode character (lone surrogate)');
}

function check(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
      checkString(value, path);
      return;
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw invalid(path, 'is not a finite number');
      if (!Number.isInteger(value)) throw invalid(path, 'is not an integer');
      if (!Number.isSafeInteger(value)) throw invalid(path, 'is an integer too large to be exact in JSON');
      return;
    case 'undefined':
      throw invalid(path, 'is undefined');
    case 'object':
      break;
    case 'bigint':
    case 'function':
    case 'symbol':
      throw invalid(path, `is a ${typeof value}`);
  }
  if (value === null) return;
  if (ancestors.has(value)) throw invalid(path, 'refers to itself (cycle)');
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw invalid(`${path}[${i}]`, 'is a hole in an array');
      check(value[i], `${path}[${i}]`, ancestors);
    }
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw invalid(path, 'is not a plain object');
    if (Object.getOwnPropertySymbols(value).length > 0) throw invalid(path, 'has symbol keys');
    for (const [k, v] of Object.entries(value)) {
      checkString(k, `${path} (a key)`);
      // Keys are field names chosen by code, but cap them: an error message must never carry much data.
      check(v, `${path}.${k.length > 40 ? `${k.slice(0, 40)}…` : k}`, ancestors);
    }
  }
  ancestors.delete(value);
}

/** RFC 8785 canonical JSON text of `value`; throws FORMAT_INVALID for anything a custody event may not hold. */
export function canonicalJson(value: unknown): string {
  check(value, '$', new Set());
  const text = canonicalize(value);
  if (text === undefined) throw invalid('$', 'has no JSON form');
  return text;
}

/** UTF-8 bytes of `canonicalJson(value)`: what is hashed, signed and logged. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses bytes that must already be canonical JSON (a stored or shipped custody event) and returns the value;
 * throws FORMAT_INVALID if they are not UTF-8, not JSON, or not byte-identical to their canonical form (duplicate
 * keys, other key order, whitespace, escapes, number spellings, out-of-range values all fail).
 */
export function parseCanonicalJson(bytes: Uint8Array): unknown {
  let text: string;
  let value: unknown;
  try {
    text = UTF8.decode(bytes);
    value = JSON.parse(text);
  } catch (e) {
    throw new HuellaError('FORMAT_INVALID', 'A custody record is not valid UTF-8 JSON.', { cause: e });
  }
  // Most records are canonical: the one-pass form below says so. Any other goes through canonicalJson, which decides.
  if (canonicalOfParsed(value) === text) return value;
  if (canonicalJson(value) !== text) throw new HuellaError('FORMAT_INVALID', 'A custody record is not in canonical (RFC 8785) form.');
  return value;
}

/**
 * canonicalJson(value) for a value JSON.parse gave, in one pass: a packet's verification parses every event, and
 * `check` then canonicalize walking each value apart cost 48–90 ms of CPU for 601 events in a fresh process, against
 * 28–54 ms for this. Undefined when the value holds what `check` refuses (a lone surrogate, a number that is not a
 * safe integer), so that canonicalJson names it.
 * The same text as the canonicalize package for such values: keys in the order of Array.prototype.sort (UTF-16 code
 * units), strings and numbers spelled by JSON.stringify, no whitespace. JSON.parse gives only plain objects, dense
 * arrays, strings, finite numbers, booleans and null, and no cycles: the rest of `check` has nothing to refuse there.
 * Exported for its test against canonicalJson.
 */
export function canonicalOfParsed(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return LONE_SURROGATE.test(value) ? undefined : JSON.stringify(value);
    case 'number':
      return Number.isSafeInteger(value) ? JSON.stringify(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return 'null';
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (const v of value as unknown[]) {
      const t = canonicalOfParsed(v);
      if (t === undefined) return undefined;
      parts.push(t);
    }
    return `[${parts.join(',')}]`;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o).sort()) {
    if (LONE_SURROGATE.test(k)) return undefined;
    const t = canonicalOfParsed(o[k]);
    if (t === undefined) return undefined;
    parts.push(`${JSON.stringify(k)}:${t}`);
  }
  return `{${parts.join(',')}}`;
}
