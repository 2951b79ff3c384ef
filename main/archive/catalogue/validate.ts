import type { z } from 'zod';
import { HuellaError } from '../errors';

/**
 * Parses catalogue input with its schema. A refusal names the field and the rule ("title is too long (at most 500
 * characters)") and never repeats the value: it may be a name or a line of testimony.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 3).map((i) => {
    const field = i.path.length > 0 ? i.path.map(String).join('.') : 'input';
    return { field, text: `${field} ${describe(i)}` };
  });
  const more = r.error.issues.length > 3 ? ` (and ${r.error.issues.length - 3} more problems)` : '';
  return fail(`Invalid ${what}: ${issues.map((i) => i.text).join('; ')}${more}.`, issues[0]?.field ?? 'input');
}

function fail(message: string, field: string): never {
  throw new HuellaError('INVALID_INPUT', message, { details: { field } });
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.message.endsWith('received undefined') ? 'is required' : `must be ${article(issue.expected)}`;
    case 'too_big':
      return issue.message.startsWith('is ') || issue.message.startsWith('has ') ? issue.message : `is too large (at most ${String(issue.maximum)})`;
    case 'too_small':
      return issue.message.startsWith('is ') || issue.message.startsWith('needs ') ? issue.message : `is too small (at least ${String(issue.minimum)})`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `has unknown fields: ${issue.keys.map((k) => (k.length > 40 ? `${k.slice(0, 40)}…` : k)).join(', ')}`;
    case 'invalid_format':
    case 'custom':
      return issue.message.startsWith('is ') || issue.message.startsWith('contains ') ? issue.message : 'is not valid';
    case 'invalid_union':
      return 'is not a valid value';
    default:
      return 'is not valid';
  }
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/** A NOT_FOUND naming the field the id came from, e.g. "witnessId: no person per_… in this vault". */
export function notFound(field: string, kind: string, id: string): never {
  throw new HuellaError('NOT_FOUND', `${field}: there is no ${kind} ${id} in this vault.`, { details: { field } });
}

export function conflict(field: string, message: string): never {
  throw new HuellaError('CONFLICT', message, { details: { field } });
}
