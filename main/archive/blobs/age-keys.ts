/**
 * age X25519 keys (C2SP age, "The X25519 recipient type": https://c2sp.org/age, https://age-encryption.org/v1).
 *
 *   identity  = 32 random bytes, Bech32 with HRP "AGE-SECRET-KEY-" (upper case)  → AGE-SECRET-KEY-1…
 *   recipient = X25519(identity, basepoint), Bech32 with HRP "age" (lower case)   → age1…
 *
 * Bech32 is BIP 173 without its 90-character limit (the spec lifts it; an identity is 74 characters, but we pass
 * `false` rather than rely on that). Like the reference implementation we accept each kind of key only in its own
 * case, so a key has one spelling. X25519 itself is Node's native (OpenSSL) implementation.
 */
import crypto from 'node:crypto';
import { bech32 } from '@scure/base';
import { HuellaError } from '../errors';
import { cachedPrivateKey, cachedPublicKey, cachedPublicOfSecret } from '../crypto/key-cache';

export const X25519_KEY_BYTES = 32;
const IDENTITY_HRP = 'AGE-SECRET-KEY-';
const RECIPIENT_HRP = 'age';
// DER wrappers that turn a raw X25519 key into what node:crypto imports (RFC 8410 PKCS#8 and SPKI).
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export function generateX25519Secret(): Buffer {
  return crypto.randomBytes(X25519_KEY_BYTES);
}

export function x25519PublicFromSecret(secret: Uint8Array): Buffer {
  return cachedPublicOfSecret(secret, () => {
    const spki = crypto.createPublicKey(cachedPrivateKey(secret, () => x25519PrivateKeyObject(secret))).export({ type: 'spki', format: 'der' });
    return Buffer.from(spki.subarray(SPKI_X25519_PREFIX.length));
  });
}

/**
 * An X25519 identity made ready to open many age files: its private key imported and its recipient derived once.
 * Verify opens thousands of files with one identity, each task with a fresh copy of the secret (a worker message):
 * through the key caches, every file paid two SHA-256 fingerprints of the secret, and every task a DER import and a
 * public-key export (tiny objects: ~10 % of the CPU of each). Nothing is cached: the key lives as long as the caller
 * keeps the identity.
 */
export type X25519Identity = { readonly privateKey: crypto.KeyObject; readonly recipient: Buffer };

/** An identity as age decryption takes it: the raw secret (looked up in the key caches) or an X25519Identity. */
export type AgeIdentity = Uint8Array | X25519Identity;

export function x25519Identity(secret: Uint8Array): X25519Identity {
  const privateKey = x25519PrivateKeyObject(secret);
  const spki = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return { privateKey, recipient: Buffer.from(spki.subarray(SPKI_X25519_PREFIX.length)) };
}

/** The recipient (public key) of `identity`. */
export function x25519Recipient(identity: AgeIdentity): Buffer {
  return identity instanceof Uint8Array ? x25519PublicFromSecret(identity) : identity.recipient;
}

/**
 * X25519(identity, point), or undefined when the result is all zeroes (a low-order point: RFC 7748 §6.1, which age
 * requires us to refuse). OpenSSL itself refuses that case with an error, which we fold into the same answer.
 */
export function x25519SharedSecret(identity: AgeIdentity, point: Uint8Array): Buffer | undefined {
  assertKeyLength(point, 'X25519 public key');
  const privateKey = identity instanceof Uint8Array ? cachedPrivateKey(identity, () => x25519PrivateKeyObject(identity)) : identity.privateKey;
  let shared: Buffer;
  try {
    // Each age file has its own ephemeral share, so caching it would only churn the cache.
    shared = crypto.diffieHellman({ privateKey, publicKey: x25519PublicKeyObject(point) });
  } catch {
    return undefined;
  }
  return shared.every((b) => b === 0) ? undefined : shared;
}

/**
 * A fresh ephemeral X25519 key agreed with `recipient`: its public share and the shared secret (undefined for a
 * low-order point, as x25519SharedSecret).
 *
 * The secret is 32 random bytes (C2SP age) imported as a JWK; its public share is X25519(secret, basepoint),
 * computed by the same native DH as the shared secret. Two ways that look simpler are wrong or slow here:
 * - `crypto.generateKeyPairSync` + `export({ format: 'jwk' })` DEADLOCKS the process now and then (Node 20): the
 *   export holds the key's mutex while it allocates, and a garbage collection at that moment runs the destructor of
 *   the key-generation job, which takes the same mutex. It hung a 50-photo `huella ingest` in CI, and a plain loop
 *   of 20,000 keys (gdb: ~KeyGenJob → uv_mutex_lock under ExportJWKEdKey). No KeyGenJob is made here.
 * - a PKCS#8 DER import costs ~0.3 ms more per object than the JWK import (OpenSSL 3's DER decoder).
 * Node builds a private OKP key from `d` alone; `x` must be a string but is not read, so we pass the base point
 * rather than compute the public half twice. Should a later Node check `x`, the DER import below takes over.
 */
export function x25519Ephemeral(recipient: Uint8Array): { readonly share: Buffer; readonly shared: Buffer | undefined } {
  assertKeyLength(recipient, 'X25519 public key');
  const secret = crypto.randomBytes(X25519_KEY_BYTES);
  let privateKey: crypto.KeyObject;
  try {
    privateKey = ephemeralPrivateKey(secret);
  } finally {
    secret.fill(0);
  }
  const share = crypto.diffieHellman({ privateKey, publicKey: basepoint() });
  if (share.length !== X25519_KEY_BYTES) throw new HuellaError('INTERNAL', 'X25519 key generation gave a malformed public key.');
  let shared: Buffer | undefined;
  try {
    const peer = cachedPublicKey(recipient, () => x25519PublicKeyObject(recipient));
    shared = crypto.diffieHellman({ privateKey, publicKey: peer });
  } catch {
    shared = undefined;
  }
  return { share, shared: shared && !shared.every((b) => b === 0) ? shared : undefined };
}

// RFC 7748 §4.1: the Curve25519 base point, u = 9.
const BASEPOINT_X = Buffer.concat([Buffer.from([9]), Buffer.alloc(X25519_KEY_BYTES - 1)]).toString('base64url');
let basepointKey: crypto.KeyObject | undefined;
let jwkImportRefused = false;

function basepoint(): crypto.KeyObject {
  basepointKey ??= crypto.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: BASEPOINT_X }, format: 'jwk' });
  return basepointKey;
}

function ephemeralPrivateKey(secret: Buffer): crypto.KeyObject {
  if (!jwkImportRefused) {
    try {
      return crypto.createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: secret.toString('base64url'), x: BASEPOINT_X }, format: 'jwk' });
    } catch {
      jwkImportRefused = true;
    }
  }
  return x25519PrivateKeyObject(secret);
}

export function encodeAgeIdentity(secret: Uint8Array): string {
  assertKeyLength(secret, 'X25519 identity');
  return bech32.encode(IDENTITY_HRP.toLowerCase(), bech32.toWords(secret), false).toUpperCase();
}

export function decodeAgeIdentity(s: string): Buffer {
  return decodeAgeKey(s, IDENTITY_HRP, 'age identity (AGE-SECRET-KEY-1…)');
}

export function encodeAgeRecipient(pub: Uint8Array): string {
  assertKeyLength(pub, 'X25519 recipient');
  return bech32.encode(RECIPIENT_HRP, bech32.toWords(pub), false);
}

export function decodeAgeRecipient(s: string): Buffer {
  return decodeAgeKey(s, RECIPIENT_HRP, 'age recipient (age1…)');
}

function decodeAgeKey(s: string, hrp: string, what: string): Buffer {
  // The spelling must be exactly the canonical one: identities upper case, recipients lower case.
  const expectedCase = hrp === hrp.toUpperCase() ? s.toUpperCase() : s.toLowerCase();
  if (s !== expectedCase) throw new HuellaError('FORMAT_INVALID', `Not a valid ${what}: wrong letter case.`);
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32.decode(s.toLowerCase() as `${string}1${string}`, false);
  } catch {
    throw new HuellaError('FORMAT_INVALID', `Not a valid ${what}: bad Bech32 encoding or checksum.`);
  }
  if (decoded.prefix !== hrp.toLowerCase()) throw new HuellaError('FORMAT_INVALID', `Not a valid ${what}: wrong prefix.`);
  const bytes = bech32.fromWordsUnsafe(decoded.words);
  if (!bytes || bytes.length !== X25519_KEY_BYTES) {
    throw new HuellaError('FORMAT_INVALID', `Not a valid ${what}: the key must be ${X25519_KEY_BYTES} bytes.`);
  }
  return Buffer.from(bytes);
}

/**
 * A raw X25519 public key as a KeyObject. Imported as a JWK, not as DER: OpenSSL 3's DER decoder took ~90 µs of CPU
 * per key (7× the JWK import), paid for every object verify opens, since each age file has its own ephemeral share.
 */
function x25519PublicKeyObject(point: Uint8Array): crypto.KeyObject {
  return crypto.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(point.buffer, point.byteOffset, point.byteLength).toString('base64url') }, format: 'jwk' });
}

function x25519PrivateKeyObject(secret: Uint8Array): crypto.KeyObject {
  assertKeyLength(secret, 'X25519 secret');
  const der = Buffer.concat([PKCS8_X25519_PREFIX, secret]);
  try {
    return crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0); // our copy of the secret; the KeyObject's copy lives in OpenSSL
  }
}

function assertKeyLength(key: Uint8Array, what: string): void {
  if (key.length !== X25519_KEY_BYTES) {
    throw new HuellaError('FORMAT_INVALID', `${what} must be ${X25519_KEY_BYTES} bytes, found ${key.length}.`);
  }
}
