import crypto from 'node:crypto';

/**
 * Node imports raw keys only through DER into a KeyObject, which costs ~0.5 ms; signing every custody event and
 * opening every blob paid it each time (≈60 % of catalogue write time). These caches keep the KeyObject:
 *  - private keys: keyed by the secret buffer itself (a WeakMap, so nothing outlives the vault's buffer), with a
 *    SHA-256 fingerprint of its bytes checked on every use, so a zeroed or rewritten buffer never reuses a stale key;
 *  - public keys: a small bounded map by value (public keys are not secret).
 */
const privateKeys = new WeakMap<Uint8Array, { readonly fingerprint: Buffer; readonly key: crypto.KeyObject }>();

export function cachedPrivateKey(secret: Uint8Array, build: () => crypto.KeyObject): crypto.KeyObject {
  const fingerprint = crypto.createHash('sha256').update(secret).digest();
  const hit = privateKeys.get(secret);
  if (hit && hit.fingerprint.equals(fingerprint)) return hit.key;
  const key = build();
  privateKeys.set(secret, { fingerprint, key });
  return key;
}

const derivedPublics = new WeakMap<Uint8Array, { readonly fingerprint: Buffer; readonly publicKey: Buffer }>();

/**
 * The public key of `secret` (derived by `derive`), kept like the private keys above: opening each age file needs
 * its identity's recipient, and deriving it (import, export) cost more than decrypting a small photo.
 */
export function cachedPublicOfSecret(secret: Uint8Array, derive: () => Buffer): Buffer {
  const fingerprint = crypto.createHash('sha256').update(secret).digest();
  const hit = derivedPublics.get(secret);
  if (hit && hit.fingerprint.equals(fingerprint)) return Buffer.from(hit.publicKey);
  const publicKey = derive();
  derivedPublics.set(secret, { fingerprint, publicKey: Buffer.from(publicKey) });
  return publicKey;
}

const PUBLIC_CACHE_MAX = 64;
const publicKeys = new Map<string, crypto.KeyObject>();

export function cachedPublicKey(publicKey: Uint8Array, build: () => crypto.KeyObject): crypto.KeyObject {
  const id = Buffer.from(publicKey).toString('hex');
  const hit = publicKeys.get(id);
  if (hit) return hit;
  const key = build();
  if (publicKeys.size >= PUBLIC_CACHE_MAX) publicKeys.delete(publicKeys.keys().next().value!);
  publicKeys.set(id, key);
  return key;
}
