/**
 * Ed25519 (RFC 8032, https://www.rfc-editor.org/rfc/rfc8032) with raw 32-byte keys, on Node's native crypto.
 * The vault's `signingKey` is the 32-byte seed; everything we publish (signed notes, minisign keys, event
 * signatures) uses the raw 32-byte public key. Node only imports keys as DER, so the raw bytes are wrapped in the
 * fixed PKCS #8 / SPKI prefixes for the Ed25519 OID 1.3.101.112 (RFC 8410).
 */
import crypto from 'node:crypto';
import { HuellaError } from '../errors';
import { cachedPrivateKey, cachedPublicKey } from '../crypto/key-cache';

export const ED25519_SEED_BYTES = 32;
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export type Ed25519KeyPair = { readonly publicKey: Buffer; readonly seed: Buffer };

function privateKeyFromSeed(seed: Uint8Array): crypto.KeyObject {
  if (seed.length !== ED25519_SEED_BYTES) {
    throw new HuellaError('INVALID_INPUT', `An Ed25519 signing key must be ${ED25519_SEED_BYTES} bytes, got ${seed.length}.`);
  }
  const der = Buffer.concat([PKCS8_PREFIX, seed]);
  try {
    return crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0); // our copy of the secret; the KeyObject's copy lives in OpenSSL and is out of our reach
  }
}

function publicKeyObject(publicKey: Uint8Array): crypto.KeyObject {
  return crypto.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
}

/** The key pair for a 32-byte seed (RFC 8032 §5.1.5). Returns copies; the caller owns and may zero them. */
export function ed25519KeyPairFromSeed(seed: Uint8Array): Ed25519KeyPair {
  const spki = crypto.createPublicKey(privateKeyFromSeed(seed)).export({ format: 'der', type: 'spki' });
  return { publicKey: Buffer.from(spki.subarray(SPKI_PREFIX.length)), seed: Buffer.from(seed) };
}

/** Deterministic 64-byte Ed25519 signature of `message` (RFC 8032 §5.1.6). */
export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Buffer {
  return crypto.sign(null, message, cachedPrivateKey(seed, () => privateKeyFromSeed(seed)));
}

/** True only for a valid signature; false (never an exception) for any malformed key, signature or message. */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES) return false;
    return crypto.verify(null, message, cachedPublicKey(publicKey, () => publicKeyObject(publicKey)), signature);
  } catch {
    return false;
  }
}

/**
 * `valid[i]` for `signatures[i]` over `messages[i]` under `publicKey`, where the caller also holds the seed that
 * signs for `publicKey` (an unlocked vault checking its own log). Ed25519 signing is deterministic (RFC 8032
 * §5.1.6): a signature equal to the one the seed makes now is the one any signer of this message with this key makes,
 * and it verifies (§5.1.7), so re-signing (about a third of the CPU of a verification, OpenSSL, x86-64) and comparing
 * decides it. Any other signature (a damaged one, or one a different signer made) gets the full verification, which
 * alone decides; so does every signature when the seed does not sign for `publicKey`.
 */
export function ed25519VerifyOwn(seed: Uint8Array, publicKey: Uint8Array, messages: readonly Uint8Array[], signatures: readonly Uint8Array[]): boolean[] {
  let own: crypto.KeyObject | undefined;
  try {
    const key = privateKeyFromSeed(seed);
    const derived = crypto.createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
    if (publicKey.length === ED25519_PUBLIC_KEY_BYTES && crypto.timingSafeEqual(derived, publicKey)) own = key;
  } catch {
    own = undefined; // a malformed seed: every signature is verified
  }
  return messages.map((m, i) => {
    const s = signatures[i]!;
    if (own && s.length === ED25519_SIGNATURE_BYTES && crypto.timingSafeEqual(crypto.sign(null, m, own), s)) return true;
    return ed25519Verify(publicKey, m, s);
  });
}

/**
 * As ed25519Verify, on libuv's thread pool (crypto.verify with a callback): a caller checking many signatures starts
 * them all and goes on with other work while every core verifies. Resolves false (never rejects) as ed25519Verify.
 */
export function ed25519VerifyAsync(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES) return resolve(false);
      crypto.verify(null, message, cachedPublicKey(publicKey, () => publicKeyObject(publicKey)), signature, (err, ok) => resolve(err === null && ok));
    } catch {
      resolve(false);
    }
  });
}
