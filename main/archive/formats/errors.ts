import { HuellaError } from '../errors';

/**
 * Errors of the stripping layer. Messages name the format and the reason only: never a file name, a metadata
 * value or evidence content (they end up in the UI and in logs).
 */
export function stripFailed(format: string, reason: string, cause?: unknown): HuellaError {
  return new HuellaError('STRIP_FAILED', `Could not strip metadata from this ${format} file: ${reason}.`, cause === undefined ? undefined : { cause });
}

export function stripUnsupported(format: string, reason: string): HuellaError {
  return new HuellaError('STRIP_UNSUPPORTED', `Metadata cannot be stripped from this ${format} file: ${reason}.`);
}

/** Raised by the byte reader when the input ends inside a structure; each stripper maps it to STRIP_FAILED. */
export class TruncatedInputError extends Error {
  constructor(readonly needed: number) {
    super('input ended early');
    this.name = 'TruncatedInputError';
  }
}
