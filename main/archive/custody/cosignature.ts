/**
 * C2SP tlog-cosignature v1, Ed25519 type (https://c2sp.org/tlog-cosignature): a witness's statement that, at a given
 * time, the largest consistent checkpoint it has seen for a log has this root. It is a signed-note signature line
 * (./note.ts) on the log's checkpoint (./checkpoint.ts):
 *
 *   — <cosigner name> base64(key ID (4 bytes) ‖ timestamp (u64, big-endian) ‖ Ed25519 signature (64 bytes))
 *
 *   key ID           = SHA-256(<name> ‖ "\n" ‖ 0x04 ‖ 32-byte public key)[:4]
 *   signed message   = "cosignature/v1\n" ‖ "time " ‖ <timestamp, ASCII decimal, no leading zeroes> ‖ "\n"
 *                      ‖ the checkpoint's whole note text (every line, extension lines included, final newline)
 *   verifier key     = <name>+<key ID hex>+base64(0x04 ‖ public key)   (signed-note vkey, signature type 0x04)
 *
 * The timestamp is seconds since the epoch and must not exceed 2^63 − 1; we also refuse anything above 2^53 − 1
 * (year 285 million), which keeps it an exact JavaScript number. transparency-dev/formats also accepts a plain
 * Ed25519 vkey (type 0x01) as a cosigner key, computing the 0x04 key ID from it; so do we when parsing.
 *
 * The ML-DSA-44 cosignature type of the same spec is not implemented (Node 20 has no ML-DSA); its lines are
 * other signatures, kept and ignored like any unknown key's.
 */
import crypto from 'node:crypto';
import { HuellaError } from '../errors';
import { encodeBase64, tryDecodeBase64 } from './base64';
import { parseCheckpointBody } from './checkpoint';
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES, ed25519KeyPairFromSeed, ed25519Sign, ed25519Verify } from './ed25519';
import { isValidKeyName, noteKeyHash, NOTE_SIGNATURE_TYPE_ED25519, type NoteSignature } from './note';

export const COSIGNATURE_V1_TYPE = 0x04;
export const COSIGNATURE_V1_HEADER = 'cosignature/v1';
const TIMESTAMP_BYTES = 8;
const SIGNATURE_PREFIX = '\u2014 ';

export type Cosigner = { readonly name: string; readonly publicKey: Buffer };
export type ParsedCosignerKey = Cosigner & { readonly keyHash: Buffer; readonly verifierKey: string };

export type VerifiedCosignature = {
  readonly cosigner: ParsedCosignerKey;
  /** Seconds since the epoch, as the cosigner stated it. */
  readonly timestamp: number;
  /** The signature line, as it appears in the note (without the newline). */
  readonly line: string;
};

/** SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]. */
export function cosignerKeyHash(name: string, publicKey: Uint8Array): Buffer {
  return crypto
    .createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([COSIGNATURE_V1_TYPE]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

function requireCosignerName(name: string): void {
  if (!isValidKeyName(name)) throw new HuellaError('INVALID_INPUT', 'A witness name must be non-empty, with no spaces, "+" or control characters (e.g. "witness.example.org/lawyer").');
}

/** `<name>+<key ID hex>+<base64(0x04 ‖ public key)>`. */
export function cosignerVerifierKey(name: string, publicKey: Uint8Array): string {
  requireCosignerName(name);
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES) throw new HuellaError('INVALID_INPUT', 'An Ed25519 public key must be 32 bytes.');
  const hash = cosignerKeyHash(name, publicKey).toString('hex');
  return `${name}+${hash}+${encodeBase64(Buffer.concat([Buffer.from([COSIGNATURE_V1_TYPE]), publicKey]))}`;
}

/** A short fingerprint people can compare by voice: the key ID, grouped, then the first bytes of SHA-256(key). */
export function keyFingerprint(publicKey: Uint8Array): string {
  const h = crypto.createHash('sha256').update(publicKey).digest('hex').slice(0, 16).toUpperCase();
  return h.match(/.{4}/g)!.join(' ');
}

/**
 * Parses a witness (cosigner) verifier key. Type 0x04 keys must carry the 0x04 key ID; a plain Ed25519 vkey (type
 * 0x01, key ID of type 0x01) is accepted as transparency-dev/formats does. Throws FORMAT_INVALID saying what is wrong.
 */
export function parseCosignerVerifierKey(text: string): ParsedCosignerKey {
  const bad = (why: string): HuellaError => new HuellaError('FORMAT_INVALID', `This is not a witness key (a C2SP cosignature verifier key): ${why}.`);
  const t = text.trim();
  const first = t.indexOf('+');
  const second = first < 0 ? -1 : t.indexOf('+', first + 1);
  if (second < 0) throw bad('expected <name>+<key ID>+<key>');
  const name = t.slice(0, first);
  const hashHex = t.slice(first + 1, second);
  if (!isValidKeyName(name)) throw bad('the name is empty or has spaces or control characters');
  if (!/^[0-9a-fA-F]{8}$/.test(hashHex)) throw bad('the key ID must be 8 hexadecimal digits');
  const key = tryDecodeBase64(t.slice(second + 1));
  if (key === undefined || key.length === 0) throw bad('the key is not valid base64');
  const type = key[0]!;
  if (type !== COSIGNATURE_V1_TYPE && type !== NOTE_SIGNATURE_TYPE_ED25519) {
    throw bad(`signature type 0x${type.toString(16).padStart(2, '0')} is not supported (Ed25519 cosignature/v1 is 0x04)`);
  }
  if (key.length !== 1 + ED25519_PUBLIC_KEY_BYTES) throw bad('an Ed25519 key must be 32 bytes');
  const publicKey = key.subarray(1);
  const expected = type === COSIGNATURE_V1_TYPE ? cosignerKeyHash(name, publicKey) : noteKeyHash(name, publicKey);
  if (expected.toString('hex') !== hashHex.toLowerCase()) throw bad('the key ID does not match the name and key');
  return { name, publicKey, keyHash: cosignerKeyHash(name, publicKey), verifierKey: cosignerVerifierKey(name, publicKey) };
}

function requireTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new HuellaError('INVALID_INPUT', `A cosignature time must be whole seconds since 1970, got ${String(timestamp)}.`);
}

/** The exact bytes a cosigner signs. `checkpointText` is the note text (origin, size, root, extensions). */
export function cosignatureMessage(timestamp: number, checkpointText: string): Buffer {
  requireTimestamp(timestamp);
  parseCheckpointBody(checkpointText); // a cosignature is only ever on a checkpoint
  return Buffer.from(`${COSIGNATURE_V1_HEADER}\ntime ${timestamp}\n${checkpointText}`, 'utf8');
}

/** The signature line (without newline) by the cosigner with this seed, at `timestamp`. */
export function cosignCheckpointText(checkpointText: string, name: string, seed: Uint8Array, timestamp: number): string {
  requireCosignerName(name);
  const { publicKey } = ed25519KeyPairFromSeed(seed);
  const ts = Buffer.alloc(TIMESTAMP_BYTES);
  ts.writeBigUInt64BE(BigInt(timestamp));
  const signature = ed25519Sign(seed, cosignatureMessage(timestamp, checkpointText));
  return `${SIGNATURE_PREFIX}${name} ${encodeBase64(Buffer.concat([cosignerKeyHash(name, publicKey), ts, signature]))}`;
}

/** The timestamp a cosignature/v1 signature claims, or undefined if the bytes are not shaped like one. */
export function cosignatureTimestamp(sig: NoteSignature): number | undefined {
  if (sig.signature.length !== TIMESTAMP_BYTES + ED25519_SIGNATURE_BYTES) return undefined;
  const t = sig.signature.readBigUInt64BE(0);
  return t <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(t) : undefined;
}

function lineOf(sig: NoteSignature): string {
  return `${SIGNATURE_PREFIX}${sig.name} ${encodeBase64(Buffer.concat([sig.keyHash, sig.signature]))}`;
}

/**
 * Checks the cosignatures in `signatures` (a note's other signatures) by the given cosigners on `checkpointText`.
 * Lines by other keys are ignored, as the spec requires. A line under a known cosigner's name and key ID that does
 * not verify is SIGNATURE_INVALID naming the witness: a damaged or forged cosignature is never silently dropped.
 */
export function verifyCosignatures(checkpointText: string, signatures: readonly NoteSignature[], cosigners: readonly ParsedCosignerKey[]): VerifiedCosignature[] {
  const found: VerifiedCosignature[] = [];
  for (const sig of signatures) {
    const cosigner = cosigners.find((c) => c.name === sig.name && c.keyHash.equals(sig.keyHash));
    if (!cosigner) continue;
    const timestamp = cosignatureTimestamp(sig);
    const ok = timestamp !== undefined && ed25519Verify(cosigner.publicKey, cosignatureMessage(timestamp, checkpointText), sig.signature.subarray(TIMESTAMP_BYTES));
    if (!ok) {
      throw new HuellaError(
        'SIGNATURE_INVALID',
        `The cosignature by witness ${cosigner.name} (key ${cosigner.keyHash.toString('hex')}) does not match this checkpoint: the checkpoint, its time or the signature was changed.`,
        { details: { witness: cosigner.name } },
      );
    }
    found.push({ cosigner, timestamp: timestamp!, line: lineOf(sig) });
  }
  return found;
}

/**
 * Adds signature lines to a signed note (text, blank line, signature lines), keeping the existing ones first and
 * dropping exact repeats. Lines must already be well-formed "— name base64" lines.
 */
export function appendSignatureLines(note: string, lines: readonly string[]): string {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new HuellaError('FORMAT_INVALID', 'This is not a signed note (no blank line before the signatures).');
  const existing = note.slice(split + 2, -1).split('\n');
  const merged = [...existing];
  for (const l of lines) if (!merged.includes(l)) merged.push(l);
  return `${note.slice(0, split + 2)}${merged.join('\n')}\n`;
}
