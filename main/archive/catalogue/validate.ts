import type { z } from 'zod';
import { fieldIssues } from '../../../shared/validation';
import { HuellaError, msg } from '../errors';

/**
 * Parses catalogue input with its schema. A refusal carries one issue per refused field (its path and a Message
 * naming the rule), shown at the field by the renderer and listed by the CLI ("title: Too long: at most 500
 * characters."); it never repeats the value: it may be a name or a line of testimony.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, _what: string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = fieldIssues(r.error);
  const field = issues[0]?.path.length ? issues[0].path.map(String).join('.') : 'input';
  throw new HuellaError('INVALID_INPUT', msg('problem.validation.invalidInput'), { details: { field }, issues });
}

/** A NOT_FOUND naming the field the id came from, e.g. "witnessId: no person per_… in this vault". */
export function notFound(field: string, kind: string, id: string): never {
  throw new HuellaError('NOT_FOUND', `${field}: there is no ${kind} ${id} in this vault.`, { details: { field } });
}

export function conflict(field: string, message: string): never {
  throw new HuellaError('CONFLICT', message, { details: { field } });
}
