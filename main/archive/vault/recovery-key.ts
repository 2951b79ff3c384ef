import crypto from 'node:crypto';
import { base32 } from '@scure/base';
import { HuellaError } from '../errors';

/**
 * Recovery key: 32 random bytes plus a 2-byte checksum (first bytes of SHA-256), written as RFC 4648 base32 in
 * groups of five, e.g. `ABCDE-FGHIJ-…`. The checksum lets us say "typo" instead of "wrong key".
 */
const KEY_BYTES = 32;
const CHECK_BYTES = 2;

export function generateRecoveryKey(): Buffer {
  return crypto.randomBytes(KEY_BYTES);
}

export function formatRecoveryKey(key: Uint8Array): string {
  if (key.length !== KEY_BYTES) throw new HuellaError('INTERNAL', 'recovery key must be 32 bytes');
  const check = crypto.createHash('sha256').update(key).digest().subarray(0, CHECK_BYTES);
  const text = base32.encode(Buffer.concat([key, check])).replace(/=+$/, '');
  return text.match(/.{1,5}/g)!.join('-');
}

export function parseRecoveryKey(input: string): Buffer {
  // Be forgiving about how a person copies it from paper: spaces, dashes, lower case, 0/O and 1/I confusion.
  const cleaned = input.toUpperCase().replace(/[\s-]/g, '').replace(/0/g, 'O').replace(/1/g, 'I');
  const expectedLen = Math.ceil(((KEY_BYTES + CHECK_BYTES) * 8) / 5);
  if (cleaned.length !== expectedLen || !/^[A-Z2-7]+$/.test(cleaned)) {
    throw new HuellaError('WRONG_RECOVERY_KEY', `That is not a recovery key: it should be ${expectedLen} letters and digits in groups of five.`);
  }
  const padded = cleaned + '='.repeat((8 - (cleaned.length % 8)) % 8);
  let bytes: Uint8Array;
  try {
    bytes = base32.decode(padded);
  } catch {
    throw new HuellaError('WRONG_RECOVERY_KEY', 'That is not a recovery key: it contains characters that are not used in recovery keys.');
  }
  const key = Buffer.from(bytes.subarray(0, KEY_BYTES));
  const check = bytes.subarray(KEY_BYTES, KEY_BYTES + CHECK_BYTES);
  const expected = crypto.createHash('sha256').update(key).digest().subarray(0, CHECK_BYTES);
  if (!crypto.timingSafeEqual(Buffer.from(check), expected)) {
    throw new HuellaError('WRONG_RECOVERY_KEY', 'The recovery key has a typo: its checksum does not match. Check each group against the sheet.');
  }
  return key;
}
