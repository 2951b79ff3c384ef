import crypto from 'node:crypto';
import canonicalize from 'canonicalize';
import { HuellaError } from '../errors';
import { randomBytesPooled } from '../crypto/random-pool';

/**
 * Salted commitments to private data (file names, metadata with GPS, testimony text, personal data).
 *
 * Custody events may leave the vault inside packets, so they must not carry such data in clear; but the log must
 * still bind it, so that a later edit is detectable and the holder can prove what was recorded by revealing the
 * value and its salt. commitment = hex(SHA-256(salt ‖ RFC 8785 canonical JSON of the value)). The salt (16 random
 * bytes, stored only in the encrypted database) stops anyone from confirming a guess (e.g. a GPS position or a
 * name) against the hash.
 *
 * Unlike custody events themselves (integers only, see jcs.ts), the committed value may hold non-integer numbers
 * (GPS coordinates): RFC 8785 defines their canonical form, and the commitment is only ever recomputed from the
 * same stored value.
 */
export const COMMITMENT_SALT_BYTES = 16;

export function newCommitmentSalt(): Buffer {
  return randomBytesPooled(COMMITMENT_SALT_BYTES);
}

export function commitment(salt: Uint8Array, value: unknown): string {
  if (salt.length !== COMMITMENT_SALT_BYTES) throw new HuellaError('INTERNAL', 'commitment salt must be 16 bytes');
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (e) {
    throw new HuellaError('FORMAT_INVALID', 'A value to commit to cannot be written as canonical JSON.', { cause: e });
  }
  if (text === undefined) throw new HuellaError('FORMAT_INVALID', 'A value to commit to is undefined.');
  return crypto.createHash('sha256').update(salt).update(text, 'utf8').digest('hex');
}
