/**
 * The age v1 header (https://c2sp.org/age, "Header"; ABNF below, quoted from the spec) and the X25519 stanza.
 *
 *   header     = v1-line 1*stanza end
 *   v1-line    = %s"age-encryption.org/v1" LF
 *   end        = "--- " 43base64char LF
 *   stanza     = arg-line *full-line final-line
 *   arg-line   = "-> " argument *(SP argument) LF        argument = 1*VCHAR
 *   full-line  = 64base64char LF                         final-line = *63base64char LF
 *
 * The parser is exactly that strict (no CR, no padding, no non-canonical base64, no long or extra short lines),
 * because a lenient parser re-encoding a header before checking its MAC would accept a different file than the
 * one the sender wrote. Unknown stanza types (grease, other recipient types) are kept and ignored, as the spec
 * requires; X25519 stanzas are validated as the spec says before any decryption is tried.
 */
import crypto from 'node:crypto';
import { HuellaError } from '../errors';
import { X25519_KEY_BYTES, x25519Ephemeral, x25519Recipient, x25519SharedSecret, type AgeIdentity } from './age-keys';
import { AEAD_NONCE_BYTES, aeadOpen, aeadSeal, decodeRawBase64, encodeRawBase64, hkdfSha256 } from './age-primitives';

export const AGE_VERSION_LINE = 'age-encryption.org/v1';
export const AGE_FILE_KEY_BYTES = 16;
/** A header larger than this is refused: ours are ~200 bytes; the limit only bounds memory on hostile input. */
export const AGE_MAX_HEADER_BYTES = 1024 * 1024;

const X25519_STANZA_TYPE = 'X25519';
const X25519_INFO = 'age-encryption.org/v1/X25519';
const SCRYPT_STANZA_TYPE = 'scrypt';
const BODY_COLUMNS = 64;
const MAC_BYTES = 32;
const ZERO_NONCE = Buffer.alloc(AEAD_NONCE_BYTES);
const ARGUMENT = /^[\x21-\x7e]+$/;
const BODY_LINE = /^[A-Za-z0-9+/]*$/;
const MAC_LINE = /^--- ([A-Za-z0-9+/]{43})$/;

export type AgeStanza = {
  /** args[0] is the stanza type, e.g. "X25519". */
  readonly args: readonly string[];
  readonly body: Buffer;
};

export type AgeHeader = {
  readonly stanzas: readonly AgeStanza[];
  /** The bytes the MAC covers: the header up to and including "---". */
  readonly macInput: Buffer;
  readonly mac: Buffer;
};

// ─── writing ────────────────────────────────────────────────────────────────────────────────────────────────────

/** One `-> X25519` stanza wrapping `fileKey` for `recipient` with a fresh ephemeral key. */
export function wrapFileKeyX25519(fileKey: Uint8Array, recipient: Uint8Array): AgeStanza {
  const { share, shared } = x25519Ephemeral(recipient);
  if (!shared) throw new HuellaError('FORMAT_INVALID', 'The age recipient key is not a usable X25519 public key.');
  try {
    const wrapKey = hkdfSha256(shared, Buffer.concat([share, recipient]), X25519_INFO);
    return { args: [X25519_STANZA_TYPE, encodeRawBase64(share)], body: aeadSeal(wrapKey, ZERO_NONCE, fileKey) };
  } finally {
    shared.fill(0);
  }
}

/** The complete header, MAC line included, for `stanzas` carrying `fileKey`. */
export function buildAgeHeader(fileKey: Uint8Array, stanzas: readonly AgeStanza[]): Buffer {
  if (stanzas.length === 0) throw new HuellaError('INTERNAL', 'An age header needs at least one recipient.');
  const lines = [AGE_VERSION_LINE];
  for (const s of stanzas) lines.push(...formatStanza(s));
  const macInput = Buffer.from(`${lines.join('\n')}\n---`, 'latin1');
  return Buffer.concat([macInput, Buffer.from(` ${encodeRawBase64(headerMac(fileKey, macInput))}\n`, 'latin1')]);
}

function formatStanza(stanza: AgeStanza): string[] {
  if (stanza.args.length === 0 || !stanza.args.every((a) => ARGUMENT.test(a))) {
    throw new HuellaError('INTERNAL', 'Invalid age stanza argument.');
  }
  const body = encodeRawBase64(stanza.body);
  const lines = [`-> ${stanza.args.join(' ')}`];
  // Full 64-column lines, then a final shorter one, which is empty when the body fills its last line exactly.
  for (let i = 0; i <= body.length; i += BODY_COLUMNS) lines.push(body.slice(i, i + BODY_COLUMNS));
  return lines;
}

export function headerMac(fileKey: Uint8Array, macInput: Uint8Array): Buffer {
  const key = hkdfSha256(fileKey, Buffer.alloc(0), 'header');
  return crypto.createHmac('sha256', key).update(macInput).digest();
}

// ─── reading ────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Where the header ends in `buf` (the index just past the MAC line's LF), or -1 if the MAC line is not complete yet.
 * The header ends at the first line starting with "---": no other header line can (a body line is base64, whose
 * alphabet has no "-", and an argument line starts "->"). `from` must be the start of a line.
 */
export function findAgeHeaderEnd(buf: Uint8Array, from = 0): number {
  let lineStart = from;
  for (;;) {
    const lf = buf.indexOf(0x0a, lineStart);
    if (lf < 0) return -1;
    if (buf[lineStart] === 0x2d && buf[lineStart + 1] === 0x2d && buf[lineStart + 2] === 0x2d) return lf + 1;
    lineStart = lf + 1;
  }
}

/** The start of the last incomplete line of `buf`, so a later findAgeHeaderEnd need not rescan. */
export function lastLineStart(buf: Uint8Array, from = 0): number {
  const lf = buf.lastIndexOf(0x0a);
  return lf < from ? from : lf + 1;
}

/**
 * Checks the first bytes of a would-be age file, so a stream that is not age v1 fails at once instead of after
 * AGE_MAX_HEADER_BYTES. Throws AGE_FORMAT on a mismatch; returns quietly if `prefix` is consistent so far.
 */
export function checkAgeVersionPrefix(prefix: Uint8Array): void {
  const expected = `${AGE_VERSION_LINE}\n`;
  const n = Math.min(prefix.length, expected.length);
  if (Buffer.from(prefix.subarray(0, n)).toString('latin1') === expected.slice(0, n)) return;
  const generic = 'age-encryption.org/';
  const m = Math.min(prefix.length, generic.length);
  if (m === generic.length && Buffer.from(prefix.subarray(0, m)).toString('latin1') === generic) {
    throw new HuellaError('AGE_FORMAT', 'This age file uses a format version this app does not support (only age v1).');
  }
  throw new HuellaError('AGE_FORMAT', 'This is not an age encrypted file (the first line is not "age-encryption.org/v1").');
}

/** Parses exactly one complete header (as delimited by findAgeHeaderEnd). Throws AGE_FORMAT naming the rule broken. */
export function parseAgeHeader(header: Uint8Array): AgeHeader {
  const bytes = Buffer.from(header.buffer, header.byteOffset, header.byteLength);
  if (bytes.length === 0 || bytes[bytes.length - 1] !== 0x0a) fail('the header does not end with a MAC line');
  const lines = bytes.toString('latin1').slice(0, -1).split('\n');
  checkAgeVersionPrefix(bytes);
  if (lines[0] !== AGE_VERSION_LINE) fail('the version line is malformed');

  const stanzas: AgeStanza[] = [];
  let i = 1;
  for (;;) {
    const line = lines[i];
    if (line === undefined) fail('the header ends without a MAC line');
    if (line.startsWith('---')) break;
    if (!line.startsWith('-> ')) fail(`header line ${i + 1} is neither a recipient stanza nor the MAC line`);
    const args = line.slice(3).split(' ');
    if (!args.every((a) => ARGUMENT.test(a))) fail(`recipient stanza ${stanzas.length + 1} has an empty or invalid argument`);
    i++;
    let body = '';
    for (;;) {
      const bodyLine = lines[i];
      if (bodyLine === undefined || !BODY_LINE.test(bodyLine)) {
        fail(`recipient stanza ${stanzas.length + 1} does not end with a short body line`);
      }
      if (bodyLine.length > BODY_COLUMNS) fail(`recipient stanza ${stanzas.length + 1} has a body line longer than 64 columns`);
      body += bodyLine;
      i++;
      if (bodyLine.length < BODY_COLUMNS) break;
    }
    const decoded = decodeRawBase64(body);
    if (!decoded) fail(`the body of recipient stanza ${stanzas.length + 1} is not canonical unpadded base64`);
    stanzas.push({ args, body: decoded });
  }
  if (stanzas.length === 0) fail('the header has no recipient stanza');
  if (i !== lines.length - 1) fail('the header has data after the MAC line');
  const macMatch = MAC_LINE.exec(lines[i]!);
  const mac = macMatch ? decodeRawBase64(macMatch[1]!) : undefined;
  if (!mac || mac.length !== MAC_BYTES) fail('the MAC line is malformed');
  const macInputLength = bytes.length - 1 - (lines[i]!.length - 3);
  return { stanzas, macInput: bytes.subarray(0, macInputLength), mac };
}

/**
 * Finds the file key: the first X25519 stanza that one of `identities` (X25519 secrets, or identities prepared by
 * x25519Identity) opens. Unknown stanza types are ignored; malformed X25519 stanzas and the rules the spec makes
 * absolute (low-order shares, scrypt mixed with other stanzas) are AGE_FORMAT; nothing opening is
 * AGE_NO_IDENTITY_MATCHED. The header MAC is checked separately.
 */
export function unwrapFileKey(stanzas: readonly AgeStanza[], identities: readonly AgeIdentity[]): Buffer {
  if (stanzas.some((s) => s.args[0] === SCRYPT_STANZA_TYPE) && stanzas.length !== 1) {
    fail('a passphrase (scrypt) stanza is mixed with other recipient stanzas');
  }
  const x25519 = stanzas.flatMap((s, index) => (s.args[0] === X25519_STANZA_TYPE ? [{ index, ...parseX25519Stanza(s, index) }] : []));
  for (const identity of identities) {
    const recipient = x25519Recipient(identity);
    for (const { index, share, body } of x25519) {
      const shared = x25519SharedSecret(identity, share);
      if (!shared) fail(`recipient stanza ${index + 1} has a low-order X25519 share`);
      const wrapKey = hkdfSha256(shared, Buffer.concat([share, recipient]), X25519_INFO);
      const fileKey = aeadOpen(wrapKey, ZERO_NONCE, body);
      if (fileKey) return fileKey;
    }
  }
  if (stanzas.length === 1 && stanzas[0]!.args[0] === SCRYPT_STANZA_TYPE) {
    throw new HuellaError('AGE_NO_IDENTITY_MATCHED', 'This age file is protected by a passphrase, not encrypted to this key.');
  }
  throw new HuellaError('AGE_NO_IDENTITY_MATCHED', 'This age file is not encrypted to any of the available keys.');
}

function parseX25519Stanza(stanza: AgeStanza, index: number): { share: Buffer; body: Buffer } {
  const n = index + 1;
  if (stanza.args.length !== 2) fail(`X25519 stanza ${n} must have exactly two arguments`);
  const share = decodeRawBase64(stanza.args[1]!);
  if (!share || share.length !== X25519_KEY_BYTES) fail(`X25519 stanza ${n} has an invalid ephemeral share`);
  // Checked before any decryption is attempted (the spec's defence against partitioning oracles).
  if (stanza.body.length !== AGE_FILE_KEY_BYTES + 16) fail(`X25519 stanza ${n} has a body of the wrong length`);
  return { share, body: stanza.body };
}

export function verifyHeaderMac(fileKey: Uint8Array, header: AgeHeader): void {
  const expected = headerMac(fileKey, header.macInput);
  if (!crypto.timingSafeEqual(expected, header.mac)) {
    throw new HuellaError('AGE_INTEGRITY', 'The age header has been altered: its MAC does not match.');
  }
}

function fail(rule: string): never {
  throw new HuellaError('AGE_FORMAT', `Malformed age header: ${rule}.`);
}
