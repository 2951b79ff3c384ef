import type { ApiEventName, ApiEvents, ApiInput, ApiMethod, ApiOutput, HuellaBridge } from '../../../shared/api';
import type { ApiError, ErrorCode, FieldIssue, Message } from '../../../shared/errors';

declare global {
  // A global augmentation must be an interface (TypeScript merges only interfaces into Window).
  interface Window {
    readonly huella: HuellaBridge;
  }
}

/**
 * An API call that came back { ok: false }: carries the stable code, the sentence as a Message the UI translates
 * (absent when main sent only English text), and the refused fields. `message` (English) is never shown.
 */
export class ApiFailure extends Error {
  readonly code: ErrorCode;
  readonly details: ApiError['details'];
  readonly text: Message | undefined;
  readonly issues: readonly FieldIssue[];
  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ApiFailure';
    this.code = error.code;
    this.details = error.details;
    this.text = error.key ? { key: error.key, ...(error.params ? { params: error.params } : {}) } : undefined;
    this.issues = error.issues ?? [];
  }
}

function bridge(): HuellaBridge {
  const b = (window as Partial<Window>).huella;
  if (!b) throw new ApiFailure({ code: 'INTERNAL', message: 'The app bridge is missing.', key: 'problem.app.noBridge' });
  return b;
}

/** Calls one API method; resolves with the value or rejects with ApiFailure. The renderer's only way out. */
export async function call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
  let result;
  try {
    result = await bridge().call(method, input);
  } catch {
    throw new ApiFailure({ code: 'INTERNAL', message: 'The app did not answer.', key: 'problem.app.noAnswer' });
  }
  if (!result.ok) throw new ApiFailure(result.error);
  return result.value;
}

export function subscribe<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
  return bridge().on(event, listener);
}

export function previewUrl(itemId: string): string {
  return bridge().previewUrl(itemId);
}

export function pathForFile(file: File): string | undefined {
  return bridge().pathForFile(file);
}

export function errorCode(e: unknown): ErrorCode {
  return e instanceof ApiFailure ? e.code : 'INTERNAL';
}

/**
 * The refusal of one field of the last call, or undefined: `path` is the field's path in the input ("title",
 * "details.duration"). Forms pass it to the field, which marks itself invalid and shows the reason.
 */
export function issueAt(e: unknown, path: string): Message | undefined {
  if (!(e instanceof ApiFailure)) return undefined;
  return e.issues.find((i) => i.path.join('.') === path)?.message;
}
