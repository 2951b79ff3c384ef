import { API, type ApiMethod } from '../../shared/api';
import type { Result } from '../../shared/errors';
import { HuellaError, msg } from '../archive/errors';
import { fieldIssues } from '../../shared/validation';
import type { Handlers } from './handlers';

const MAX_INPUT_JSON = 4 * 1024 * 1024;

/**
 * The single entry from any transport (Electron IPC, test host): checks the method name, validates the input with
 * the contract's schema, runs the handler, and turns every outcome into a Result. Never lets a stack trace, a key
 * or an unexpected message through: unexpected errors become INTERNAL with a fixed text.
 */
export async function dispatch(handlers: Handlers, methodName: string, rawInput: unknown): Promise<Result<unknown>> {
  if (!Object.prototype.hasOwnProperty.call(API, methodName)) {
    return { ok: false, error: new HuellaError('INVALID_INPUT', msg('problem.validation.unknownMethod')).toApiError() };
  }
  const m = methodName as ApiMethod;
  try {
    if (JSON.stringify(rawInput ?? null).length > MAX_INPUT_JSON) {
      return { ok: false, error: new HuellaError('INVALID_INPUT', msg('problem.validation.tooLargeRequest')).toApiError() };
    }
  } catch {
    return { ok: false, error: new HuellaError('INVALID_INPUT', msg('problem.validation.notSerialisable')).toApiError() };
  }
  const parsed = API[m].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    // Every refused field with its reason as a Message: the renderer shows each at its field, translated.
    const issues = fieldIssues(parsed.error);
    return { ok: false, error: new HuellaError('INVALID_INPUT', msg('problem.validation.invalidInput'), { issues }).toApiError() };
  }
  try {
    const handler = handlers[m] as (input: unknown) => Promise<unknown>;
    const value = await handler(parsed.data);
    return { ok: true, value };
  } catch (e) {
    if (e instanceof HuellaError) return { ok: false, error: e.toApiError() };
    return { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong in the archive. Nothing was changed that was not already reported.' } };
  }
}
