/**
 * C2SP signed-note v1.0.0 (https://c2sp.org/signed-note) with Ed25519 signatures (signature type 0x01), the
 * envelope of our checkpoints. Interoperable with golang.org/x/mod/sumdb/note (Go's reference implementation;
 * our tests reproduce its published vectors byte for byte).
 *
 *   <text, ending in \n>
 *   <blank line>
 *   — <key name> base64(key ID (4 bytes) ‖ Ed25519 signature of the text (64 bytes))
 *
 * key ID = SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key)[:4]; a verifier key (Go's text form, used by
 * sumdb and transparency-dev tools) is `<name>+<key ID hex>+<base64(0x01 ‖ public key)>`.
 *
 * Opening is strict where the spec says MUST, and on one SHOULD: every signature line under the expected key is
 * verified and one bad line rejects the note (Go ignores repeats after the first; ours never carry repeats).
 * Signatures by other keys are kept, unverified, as the spec requires (witness cosignatures, rotated keys).
 */
import crypto from 'node:crypto';
import { HuellaError } from '../errors';
import { decodeBase64Strict, encodeBase64, tryDecodeBase64 } from './base64';
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES, ed25519KeyPairFromSeed, ed25519Sign, ed25519Verify } from './ed25519';

export const NOTE_SIGNATURE_TYPE_ED25519 = 0x01;
/** Go's cap; the spec requires accepting at least 16. */
export const MAX_NOTE_SIGNATURES = 100;
const SIGNATURE_PREFIX = '\u2014 '; // em dash, space

export type NoteVerifier = { readonly name: string; readonly publicKey: Uint8Array };

export type NoteSignature = {
  readonly name: string;
  /** The 4-byte key ID. */
  readonly keyHash: Buffer;
  /** The signature bytes after the key ID. */
  readonly signature: Buffer;
};

export type OpenedNote = {
  /** The signed text, ending in a newline. */
  readonly text: string;
  /** The signature that verified under the expected key. */
  readonly signature: NoteSignature;
  /** Signatures by other keys, not verified (e.g. witness cosignatures). */
  readonly otherSignatures: readonly NoteSignature[];
};

// Go's unicode.IsSpace: the Unicode White_Space property.
const UNICODE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function malformed(why: string): HuellaError {
  return new HuellaError('FORMAT_INVALID', `This signed note is malformed: ${why}.`);
}

/**
 * Index of the first ASCII control character (below U+0020) other than newline, or -1. The spec forbids them
 * in a note; U+007F is allowed (the spec says "below U+0020").
 */
export function findControlCharacter(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return i;
  }
  return -1;
}

/** Key names: non-empty, no Unicode spaces, no '+', no control characters, valid UTF-8. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !UNICODE_SPACE.test(name) && !name.includes('+') && findControlCharacter(name) < 0 && !LONE_SURROGATE.test(name);
}

function requireKeyName(name: string): void {
  if (!isValidKeyName(name)) {
    throw new HuellaError('INVALID_INPUT', 'A signed-note key name must be non-empty, with no spaces, "+" or control characters.');
  }
}

/** The 4-byte key ID of an Ed25519 key under `name`. */
export function noteKeyHash(name: string, publicKey: Uint8Array): Buffer {
  return crypto
    .createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([NOTE_SIGNATURE_TYPE_ED25519]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

function keyId(name: string, keyHash: Uint8Array): string {
  return `${name}+${Buffer.from(keyHash).toString('hex')}`;
}

/** `<name>+<key ID hex>+<base64(0x01 ‖ public key)>`, the form Go's note.NewVerifier reads. */
export function verifierKey(name: string, publicKey: Uint8Array): string {
  requireKeyName(name);
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES) throw new HuellaError('INVALID_INPUT', 'An Ed25519 public key must be 32 bytes.');
  return `${keyId(name, noteKeyHash(name, publicKey))}+${encodeBase64(Buffer.concat([Buffer.from([NOTE_SIGNATURE_TYPE_ED25519]), publicKey]))}`;
}

export type ParsedVerifierKey = NoteVerifier & { readonly keyHash: Buffer; readonly publicKey: Buffer };

/** Parses a verifier key; throws FORMAT_INVALID unless it is well-formed, Ed25519, and its key ID matches. */
export function parseVerifierKey(text: string): ParsedVerifierKey {
  const bad = (why: string): HuellaError => new HuellaError('FORMAT_INVALID', `This is not a valid signed-note verifier key: ${why}.`);
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) throw bad('expected <name>+<key ID>+<key>');
  const name = text.slice(0, first);
  const hashHex = text.slice(first + 1, second);
  const keyText = text.slice(second + 1);
  if (!isValidKeyName(name)) throw bad('the key name is empty or has spaces or control characters');
  if (!/^[0-9a-fA-F]{8}$/.test(hashHex)) throw bad('the key ID must be 8 hexadecimal digits');
  const key = tryDecodeBase64(keyText);
  if (key === undefined || key.length === 0) throw bad('the key is not valid base64');
  if (key[0] !== NOTE_SIGNATURE_TYPE_ED25519) throw bad(`signature type 0x${key[0]!.toString(16).padStart(2, '0')} is not supported (only Ed25519, 0x01)`);
  if (key.length !== 1 + ED25519_PUBLIC_KEY_BYTES) throw bad('an Ed25519 key must be 32 bytes');
  const publicKey = key.subarray(1);
  const keyHash = noteKeyHash(name, publicKey);
  if (keyHash.toString('hex') !== hashHex.toLowerCase()) throw bad('the key ID does not match the name and key');
  return { name, keyHash, publicKey };
}

function checkNoteCharacters(s: string, what: string): void {
  if (LONE_SURROGATE.test(s)) throw malformed(`${what} is not valid UTF-8`);
  const control = findControlCharacter(s);
  if (control >= 0) {
    const line = s.slice(0, control).split('\n').length;
    throw malformed(
      s[control] === '\r'
        ? `${what} has Windows line endings (CR LF) at line ${line}; signed notes use LF only (the file was probably re-saved by an editor)`
        : `${what} contains a control character at line ${line}`,
    );
  }
}

/** Signs `text` (which must end in a newline) with the Ed25519 seed under key name `name`. */
export function signNote(text: string, name: string, seed: Uint8Array): string {
  requireKeyName(name);
  if (!text.endsWith('\n')) throw new HuellaError('INVALID_INPUT', 'The text of a signed note must end with a newline.');
  try {
    checkNoteCharacters(text, 'the text');
  } catch (e) {
    throw new HuellaError('INVALID_INPUT', (e as Error).message);
  }
  const { publicKey } = ed25519KeyPairFromSeed(seed);
  const signature = ed25519Sign(seed, Buffer.from(text, 'utf8'));
  return `${text}\n${SIGNATURE_PREFIX}${name} ${encodeBase64(Buffer.concat([noteKeyHash(name, publicKey), signature]))}\n`;
}

function parseSignatureLine(line: string, lineNumber: number): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed(`signature line ${lineNumber} does not start with "— " (em dash and space)`);
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) throw malformed(`signature line ${lineNumber} has no signature after the key name`);
  const name = rest.slice(0, space);
  if (!isValidKeyName(name)) throw malformed(`signature line ${lineNumber} has an invalid key name`);
  const bytes = decodeBase64Strict(rest.slice(space + 1), `The signature on line ${lineNumber} of the signed note`);
  if (bytes.length < 5) throw malformed(`signature line ${lineNumber} is too short`);
  return { name, keyHash: bytes.subarray(0, 4), signature: bytes.subarray(4) };
}

/**
 * Checks that `note` is a well-formed signed note carrying a valid signature by `verifier` and returns its text.
 * Throws FORMAT_INVALID when the note is malformed, SIGNATURE_INVALID when it has no signature by this key or a
 * signature by this key does not verify.
 */
export function openNote(note: string | Uint8Array, verifier: NoteVerifier): OpenedNote {
  let s: string;
  if (typeof note === 'string') {
    s = note;
  } else {
    try {
      s = UTF8.decode(note);
    } catch {
      throw malformed('it is not valid UTF-8');
    }
  }
  checkNoteCharacters(s, 'it');
  const split = s.lastIndexOf('\n\n');
  if (split < 0) throw malformed('there is no blank line between the text and the signatures');
  const text = s.slice(0, split + 1);
  const block = s.slice(split + 2);
  if (block.length === 0) throw malformed('it has no signature lines after the blank line');
  if (!block.endsWith('\n')) throw malformed('the last signature line does not end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`it has more than ${MAX_NOTE_SIGNATURES} signatures`);

  const textLines = text.split('\n').length - 1;
  const expectedHash = noteKeyHash(verifier.name, verifier.publicKey);
  const expectedId = keyId(verifier.name, expectedHash);
  const textBytes = Buffer.from(text, 'utf8');
  let ours: NoteSignature | undefined;
  const others: NoteSignature[] = [];
  lines.forEach((line, i) => {
    const sig = parseSignatureLine(line, textLines + 2 + i);
    if (sig.name !== verifier.name || !sig.keyHash.equals(expectedHash)) {
      others.push(sig);
      return;
    }
    if (sig.signature.length !== ED25519_SIGNATURE_BYTES || !ed25519Verify(verifier.publicKey, textBytes, sig.signature)) {
      throw new HuellaError('SIGNATURE_INVALID', `The signature by key ${expectedId} does not match this note: its text was changed after signing, or the signature is damaged.`);
    }
    ours ??= sig;
  });
  if (ours === undefined) {
    const found = others.map((o) => keyId(o.name, o.keyHash));
    throw new HuellaError(
      'SIGNATURE_INVALID',
      `This note is not signed by key ${expectedId}${found.length > 0 ? `; it is signed by ${[...new Set(found)].join(', ')}` : ''}.`,
    );
  }
  return { text, signature: ours, otherSignatures: others };
}
