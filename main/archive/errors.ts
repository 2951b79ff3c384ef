import type { ApiError, ErrorCode } from '../../shared/errors';

/**
 * The one error class of the archive. `code` is stable (UI, CLI --json); `message` is for a person and
 * must never contain keys, passphrases, evidence content, evidence file names or GPS.
 */
export class HuellaError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, string | number | boolean>> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, string | number | boolean> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HuellaError';
    this.code = code;
    this.details = options?.details;
  }

  toApiError(): ApiError {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
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
