import type { ApiError, ErrorCode, FieldIssue, Message, MessageParams } from '../../shared/errors';
import { englishText } from '../../shared/i18n/english';
import { englishIssues } from '../../shared/validation';
import type { MessageKey } from '../../shared/i18n/keys';

/** A Message whose key is checked at compile time against shared/i18n (en.json and problems/en.json). */
export type KnownMessage = { readonly key: MessageKey; readonly params?: MessageParams };

/** Builds a Message: `msg('problem.vault.notFound', { path })`. */
export function msg(key: MessageKey, params?: MessageParams): KnownMessage {
  return params ? { key, params } : { key };
}

/**
 * The one error class of the archive. `code` is stable (UI, CLI --json); the text is a Message (a key of
 * shared/i18n and its parameters) that the renderer translates, and `message` is its English text for the CLI and
 * logs. A plain string is still accepted for English-only text, but the renderer can then show only the code's
 * general sentence: every error a person can meet should carry a Message. Neither may contain keys, passphrases,
 * evidence content, evidence file names or GPS.
 */
export class HuellaError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, string | number | boolean>> | undefined;
  readonly text: Message | undefined;
  readonly issues: readonly FieldIssue[] | undefined;

  constructor(code: ErrorCode, message: string | KnownMessage, options?: { cause?: unknown; details?: Record<string, string | number | boolean>; issues?: readonly FieldIssue[] }) {
    const text = typeof message === 'string' ? undefined : message;
    const english = text ? englishText(text) : (message as string);
    // The CLI shows only `message`: refused fields are named in it ("… title: Required.").
    const full = options?.issues && options.issues.length > 0 ? `${english} ${englishIssues(options.issues)}` : english;
    super(full, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HuellaError';
    this.code = code;
    this.details = options?.details;
    this.text = text;
    this.issues = options?.issues;
  }

  toApiError(): ApiError {
    return {
      code: this.code,
      message: this.message,
      ...(this.text ? { key: this.text.key, ...(this.text.params ? { params: this.text.params } : {}) } : {}),
      ...(this.issues && this.issues.length > 0 ? { issues: this.issues } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export function isHuellaError(e: unknown, code?: ErrorCode): e is HuellaError {
  return e instanceof HuellaError && (code === undefined || e.code === code);
}

/** Maps low-level failures (ENOSPC, EACCES…) to an error a person can act on. */
export function fromSystemError(e: unknown, context: string): HuellaError {
  if (e instanceof HuellaError) return e;
  const code = (e as { code?: string } | null)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
    case 'SQLITE_FULL':
      return new HuellaError('DISK_FULL', `Disk full while ${context}: this was not stored, and nothing already in the vault was lost. Free some space and try again.`, { cause: e });
    case 'EACCES':
    case 'EPERM':
      return new HuellaError('FILE_UNREADABLE', `Permission denied while ${context}`, { cause: e });
    case 'ENOENT':
      return new HuellaError('FILE_UNREADABLE', `File not found while ${context}`, { cause: e });
    case 'EISDIR':
      return new HuellaError('FILE_UNREADABLE', `Expected a file but found a folder while ${context}`, { cause: e });
    default:
      return new HuellaError('INTERNAL', `Unexpected failure while ${context}`, { cause: e });
  }
}
