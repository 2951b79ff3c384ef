import type { PgpSignatureCheck } from '../../../shared/model/items';

/**
 * What the main process needs to know about an OpenPGP signature check (./pgp.ts, run in the pgp worker): the
 * request and result shapes, the size limits and the verifier's name. Kept apart from ./pgp.ts so that importing
 * them does not load openpgp.js (600 KB of JavaScript, compiled and run at every CLI start before this split, while
 * only the worker uses it).
 */
export const PGP_VERIFIER = 'openpgp.js 6.3.2';

/** Larger than any real key or signature (a 4096-bit RSA public key with subkeys armored is ~3 KB). */
export const MAX_KEY_BYTES = 256 * 1024;
export const MAX_SIGNATURE_BYTES = 64 * 1024;

export type SignatureCheckRequest = {
  readonly publicKey: string;
  readonly signature: string;
  /** The signed bytes: given, or read (streamed) from `path`. */
  readonly data?: Uint8Array;
  readonly path?: string;
};

export type SignatureCheckResult = Omit<PgpSignatureCheck, 'signatureFile'>;
