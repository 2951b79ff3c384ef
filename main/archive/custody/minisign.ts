/**
 * minisign-compatible Ed25519 keys and signatures (https://jedisct1.github.io/minisign/, reference implementation
 * github.com/jedisct1/minisign, src/minisign.c), so a packet's signature checks with `minisign -V` (DESIGN §6).
 *
 * Public key file:  untrusted comment: minisign public key <key ID as minisign prints it>
 *                   base64("Ed" ‖ key ID (8 bytes) ‖ Ed25519 public key (32 bytes))
 * Signature file:   untrusted comment: <free text>
 *                   base64("ED" ‖ key ID ‖ Ed25519 signature of BLAKE2b-512(file))
 *                   trusted comment: <free text, signed>
 *                   base64(Ed25519 signature of (the 64-byte signature above ‖ trusted comment))
 *
 * We write only the prehashed "ED" form (minisign's default since 0.10), hashing the data as a stream, and accept
 * only that form: the legacy "Ed" form signs the whole file as one message, which we cannot stream.
 * minisign draws a random key ID at key generation; ours is derived, SHA-256(public key)[:8], so the same vault
 * key always has the same ID. minisign prints the ID as the little-endian uint64 of those bytes, in upper-case
 * hex without leading zeroes (printf "%" PRIX64), and so do we.
 */
import crypto from 'node:crypto';
import { HuellaError } from '../errors';
import { encodeBase64, tryDecodeBase64 } from './base64';
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES, ed25519KeyPairFromSeed, ed25519Sign, ed25519Verify } from './ed25519';

export const MINISIGN_KEY_ID_BYTES = 8;
export const MINISIGN_DEFAULT_UNTRUSTED_COMMENT = 'signature from minisign secret key';
const ALG_PUBLIC_KEY = 'Ed';
const ALG_PREHASHED = 'ED';
const ALG_LEGACY = 'Ed';
const UNTRUSTED_PREFIX = 'untrusted comment: ';
const TRUSTED_PREFIX = 'trusted comment: ';
// minisign reads each comment line with a fixed buffer (1024 and 8192 bytes, prefix and newline included).
const MAX_UNTRUSTED_COMMENT_BYTES = 1024 - 1 - UNTRUSTED_PREFIX.length - 1;
const MAX_TRUSTED_COMMENT_BYTES = 8192 - 1 - TRUSTED_PREFIX.length - 1;
const BLAKE2B_512_BYTES = 64;

export type MinisignPublicKey = { readonly keyId: Buffer; readonly publicKey: Buffer };

export type MinisignComments = { readonly trustedComment: string; readonly untrustedComment?: string };

export type MinisignData = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

export type MinisignFailure = 'MALFORMED_PUBLIC_KEY' | 'MALFORMED_SIGNATURE' | 'UNSUPPORTED_ALGORITHM' | 'KEY_ID_MISMATCH' | 'BAD_SIGNATURE' | 'BAD_GLOBAL_SIGNATURE';

export type MinisignVerifyResult =
  | { readonly ok: true; readonly trustedComment: string; readonly untrustedComment: string; readonly keyId: Buffer }
  | { readonly ok: false; readonly reason: MinisignFailure; readonly message: string };

/** Our deterministic key ID: the first 8 bytes of SHA-256(public key). */
export function keyIdFromPublicKey(publicKey: Uint8Array): Buffer {
  return crypto.createHash('sha256').update(publicKey).digest().subarray(0, MINISIGN_KEY_ID_BYTES);
}

/** The key ID as minisign prints it: upper-case hex of the little-endian uint64, no leading zeroes. */
export function minisignKeyIdHex(keyId: Uint8Array): string {
  return BigInt(`0x${Buffer.from(keyId).reverse().toString('hex')}`).toString(16).toUpperCase();
}

export function formatMinisignPublicKey(publicKey: Uint8Array, keyId: Uint8Array = keyIdFromPublicKey(publicKey)): string {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES) throw new HuellaError('INVALID_INPUT', 'An Ed25519 public key must be 32 bytes.');
  if (keyId.length !== MINISIGN_KEY_ID_BYTES) throw new HuellaError('INVALID_INPUT', 'A minisign key ID must be 8 bytes.');
  const body = Buffer.concat([Buffer.from(ALG_PUBLIC_KEY, 'latin1'), keyId, publicKey]);
  return `${UNTRUSTED_PREFIX}minisign public key ${minisignKeyIdHex(keyId)}\n${encodeBase64(body)}\n`;
}

function splitLines(text: string): string[] {
  // minisign drops CR and LF at the end of each line it reads; so do we (a file that went through Windows).
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}

type Parsed<T> = { readonly value: T } | { readonly reason: MinisignFailure; readonly message: string };

function readPublicKey(text: string): Parsed<MinisignPublicKey> {
  const bad = (why: string): Parsed<MinisignPublicKey> => ({ reason: 'MALFORMED_PUBLIC_KEY', message: `This is not a minisign public key: ${why}.` });
  const lines = splitLines(text);
  // Either the two-line file, or the bare base64 line (what `minisign -P` takes).
  const keyLine = lines.length === 2 && lines[0]!.startsWith(UNTRUSTED_PREFIX) ? lines[1]! : lines.length === 1 ? lines[0]!.trim() : undefined;
  if (keyLine === undefined) return bad('expected an "untrusted comment:" line and a key line');
  const bytes = tryDecodeBase64(keyLine);
  if (bytes === undefined) return bad('the key line is not valid base64');
  if (bytes.length !== 2 + MINISIGN_KEY_ID_BYTES + ED25519_PUBLIC_KEY_BYTES) return bad('the key has the wrong length');
  if (bytes.subarray(0, 2).toString('latin1') !== ALG_PUBLIC_KEY) return { reason: 'UNSUPPORTED_ALGORITHM', message: 'This minisign public key is not an Ed25519 key.' };
  return { value: { keyId: bytes.subarray(2, 2 + MINISIGN_KEY_ID_BYTES), publicKey: bytes.subarray(2 + MINISIGN_KEY_ID_BYTES) } };
}

/** Parses a minisign public key file (or its bare base64 line); throws FORMAT_INVALID. */
export function parseMinisignPublicKey(text: string): MinisignPublicKey {
  const r = readPublicKey(text);
  if ('reason' in r) throw new HuellaError('FORMAT_INVALID', r.message);
  return r.value;
}

function checkComment(comment: string, what: string, maxBytes: number): void {
  if (/[\r\n\0]/.test(comment)) throw new HuellaError('INVALID_INPUT', `The ${what} must be one line.`);
  const bytes = Buffer.byteLength(comment, 'utf8');
  if (bytes > maxBytes) throw new HuellaError('INVALID_INPUT', `The ${what} is too long for minisign (${bytes} bytes, at most ${maxBytes}).`);
}

async function blake2b512Of(data: MinisignData): Promise<Buffer> {
  const h = crypto.createHash('blake2b512');
  if (data instanceof Uint8Array) {
    h.update(data);
  } else {
    for await (const chunk of data as AsyncIterable<unknown>) {
      if (!(chunk instanceof Uint8Array)) throw new HuellaError('INTERNAL', 'minisign data must be a stream of bytes, not text.');
      h.update(chunk);
    }
  }
  return h.digest();
}

/** BLAKE2b-512 of the data (streams are read chunk by chunk): what a prehashed minisign signature signs. */
export async function minisignPrehash(data: MinisignData): Promise<Buffer> {
  return blake2b512Of(data);
}

/** A minisign signature file for data whose BLAKE2b-512 digest is given. */
export function minisignSignPrehashed(seed: Uint8Array, publicKey: Uint8Array, digest: Uint8Array, comments: MinisignComments): string {
  if (digest.length !== BLAKE2B_512_BYTES) throw new HuellaError('INVALID_INPUT', 'A minisign prehash must be a 64-byte BLAKE2b-512 digest.');
  if (!ed25519KeyPairFromSeed(seed).publicKey.equals(publicKey)) throw new HuellaError('INVALID_INPUT', 'The public key does not belong to the signing key.');
  const untrusted = comments.untrustedComment ?? MINISIGN_DEFAULT_UNTRUSTED_COMMENT;
  checkComment(untrusted, 'untrusted comment', MAX_UNTRUSTED_COMMENT_BYTES);
  checkComment(comments.trustedComment, 'trusted comment', MAX_TRUSTED_COMMENT_BYTES);
  const signature = ed25519Sign(seed, digest);
  const globalSignature = ed25519Sign(seed, Buffer.concat([signature, Buffer.from(comments.trustedComment, 'utf8')]));
  const sigLine = encodeBase64(Buffer.concat([Buffer.from(ALG_PREHASHED, 'latin1'), keyIdFromPublicKey(publicKey), signature]));
  return `${UNTRUSTED_PREFIX}${untrusted}\n${sigLine}\n${TRUSTED_PREFIX}${comments.trustedComment}\n${encodeBase64(globalSignature)}\n`;
}

/** A minisign signature file (prehashed "ED" form) for `data`, given as bytes or as a stream of chunks. */
export async function minisignSign(seed: Uint8Array, publicKey: Uint8Array, data: MinisignData, comments: MinisignComments): Promise<string> {
  return minisignSignPrehashed(seed, publicKey, await blake2b512Of(data), comments);
}

type ParsedSignature = { readonly keyId: Buffer; readonly signature: Buffer; readonly untrustedComment: string; readonly trustedComment: string; readonly globalSignature: Buffer };

function readSignature(text: string): Parsed<ParsedSignature> {
  const bad = (why: string): Parsed<ParsedSignature> => ({ reason: 'MALFORMED_SIGNATURE', message: `This is not a minisign signature: ${why}.` });
  const lines = splitLines(text);
  if (lines.length !== 4) return bad(`expected 4 lines, found ${lines.length}`);
  const [l0, l1, l2, l3] = lines as [string, string, string, string];
  if (!l0.startsWith(UNTRUSTED_PREFIX)) return bad('line 1 must start with "untrusted comment: "');
  if (!l2.startsWith(TRUSTED_PREFIX)) return bad('line 3 must start with "trusted comment: "');
  const sig = tryDecodeBase64(l1);
  if (sig === undefined || sig.length !== 2 + MINISIGN_KEY_ID_BYTES + ED25519_SIGNATURE_BYTES) return bad('line 2 is not a base64 signature of the right length');
  const alg = sig.subarray(0, 2).toString('latin1');
  if (alg === ALG_LEGACY) {
    return { reason: 'UNSUPPORTED_ALGORITHM', message: 'This is a legacy (non-prehashed) minisign signature; only prehashed signatures (minisign 0.10 and later, the default) are accepted.' };
  }
  if (alg !== ALG_PREHASHED) return { reason: 'UNSUPPORTED_ALGORITHM', message: 'This minisign signature uses an unknown algorithm.' };
  const globalSignature = tryDecodeBase64(l3);
  if (globalSignature === undefined || globalSignature.length !== ED25519_SIGNATURE_BYTES) return bad('line 4 is not a base64 signature of the right length');
  return {
    value: {
      keyId: sig.subarray(2, 2 + MINISIGN_KEY_ID_BYTES),
      signature: sig.subarray(2 + MINISIGN_KEY_ID_BYTES),
      untrustedComment: l0.slice(UNTRUSTED_PREFIX.length),
      trustedComment: l2.slice(TRUSTED_PREFIX.length),
      globalSignature,
    },
  };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function asText(input: string | Uint8Array): string | undefined {
  if (typeof input === 'string') return input;
  try {
    return UTF8.decode(input);
  } catch {
    return undefined;
  }
}

/** The key ID a minisign signature file names (undefined when the file is not a signature). */
export function minisignSignatureKeyId(signatureFile: string | Uint8Array): Buffer | undefined {
  const text = asText(signatureFile);
  if (text === undefined) return undefined;
  const sig = readSignature(text);
  return 'reason' in sig ? undefined : sig.value.keyId;
}

type Prepared = { readonly ok: true; readonly key: MinisignPublicKey; readonly sig: ParsedSignature } | Extract<MinisignVerifyResult, { ok: false }>;

/** Everything that can be checked before reading the data (so a bad signature file costs no hashing). */
function prepare(publicKeyFile: string | Uint8Array, signatureFile: string | Uint8Array): Prepared {
  const pkText = asText(publicKeyFile);
  if (pkText === undefined) return { ok: false, reason: 'MALFORMED_PUBLIC_KEY', message: 'This is not a minisign public key: it is not UTF-8 text.' };
  const pk = readPublicKey(pkText);
  if ('reason' in pk) return { ok: false, reason: pk.reason, message: pk.message };
  const sigText = asText(signatureFile);
  if (sigText === undefined) return { ok: false, reason: 'MALFORMED_SIGNATURE', message: 'This is not a minisign signature: it is not UTF-8 text.' };
  const sig = readSignature(sigText);
  if ('reason' in sig) return { ok: false, reason: sig.reason, message: sig.message };
  if (!sig.value.keyId.equals(pk.value.keyId)) {
    return {
      ok: false,
      reason: 'KEY_ID_MISMATCH',
      message: `The signature was made with key ${minisignKeyIdHex(sig.value.keyId)}, but the public key is ${minisignKeyIdHex(pk.value.keyId)}.`,
    };
  }
  return { ok: true, key: pk.value, sig: sig.value };
}

function finish(p: Prepared, digest: Uint8Array): MinisignVerifyResult {
  if (!p.ok) return p;
  const { key, sig } = p;
  if (digest.length !== BLAKE2B_512_BYTES || !ed25519Verify(key.publicKey, digest, sig.signature)) {
    return { ok: false, reason: 'BAD_SIGNATURE', message: 'The signature does not match the file: the file was changed after signing, or the signature is damaged.' };
  }
  if (!ed25519Verify(key.publicKey, Buffer.concat([sig.signature, Buffer.from(sig.trustedComment, 'utf8')]), sig.globalSignature)) {
    return { ok: false, reason: 'BAD_GLOBAL_SIGNATURE', message: 'The trusted comment was changed after signing (its signature does not verify).' };
  }
  return { ok: true, trustedComment: sig.trustedComment, untrustedComment: sig.untrustedComment, keyId: sig.keyId };
}

/** Checks a signature file against a public key file and the BLAKE2b-512 digest of the data. */
export function minisignVerifyPrehashed(publicKeyFile: string | Uint8Array, signatureFile: string | Uint8Array, digest: Uint8Array): MinisignVerifyResult {
  return finish(prepare(publicKeyFile, signatureFile), digest);
}

/** Checks a signature file against a public key file and the data (bytes or a stream of chunks). */
export async function minisignVerify(publicKeyFile: string | Uint8Array, signatureFile: string | Uint8Array, data: MinisignData): Promise<MinisignVerifyResult> {
  const prepared = prepare(publicKeyFile, signatureFile);
  if (!prepared.ok) return prepared;
  return finish(prepared, await blake2b512Of(data));
}
