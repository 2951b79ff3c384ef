/**
 * The symmetric primitives age v1 is built from (https://c2sp.org/age, "Conventions"), on Node's native crypto:
 * HKDF-SHA-256 with 32-byte output (RFC 5869), ChaCha20-Poly1305 (RFC 7539) with a 16-byte tag appended to the
 * ciphertext, and age's unpadded base64 (RFC 4648 §4 without "=") which decoders must accept only in its
 * canonical form.
 */
import crypto from 'node:crypto';

export const AEAD_TAG_BYTES = 16;
export const AEAD_NONCE_BYTES = 12;
const AEAD = 'chacha20-poly1305';

const ONE = Buffer.from([1]);

/**
 * HKDF-SHA-256 (RFC 5869) of 32 bytes: extract (PRK = HMAC(salt, ikm)) then one expand block (T(1) = HMAC(PRK, info ‖
 * 0x01)), written out because a 32-byte output is exactly one block. Two HMACs cost about half of `crypto.hkdfSync`
 * (which makes a secret KeyObject and a job for each call), and every age file opened or written pays three.
 * An empty salt is HashLen zero bytes (RFC 5869 §2.2), which is what HMAC pads an empty key to anyway.
 */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: string): Buffer {
  const prk = crypto.createHmac('sha256', salt).update(ikm).digest();
  try {
    return crypto.createHmac('sha256', prk).update(info, 'utf8').update(ONE).digest();
  } finally {
    prk.fill(0);
  }
}

/** ChaCha20-Poly1305 seal: ciphertext ‖ 16-byte tag, as one buffer (stanza bodies). */
export function aeadSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = crypto.createCipheriv(AEAD, key, nonce, { authTagLength: AEAD_TAG_BYTES });
  const out = cipher.update(plaintext);
  cipher.final();
  return Buffer.concat([out, cipher.getAuthTag()]);
}

/** ChaCha20-Poly1305 open of ciphertext ‖ tag; undefined if it does not authenticate (nothing is returned then). */
export function aeadOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Buffer | undefined {
  if (sealed.length < AEAD_TAG_BYTES) return undefined;
  const split = sealed.length - AEAD_TAG_BYTES;
  const decipher = crypto.createDecipheriv(AEAD, key, nonce, { authTagLength: AEAD_TAG_BYTES });
  decipher.setAuthTag(sealed.subarray(split));
  const out = decipher.update(sealed.subarray(0, split));
  try {
    decipher.final();
  } catch {
    out.fill(0); // never let unauthenticated plaintext escape, not even by accident
    return undefined;
  }
  return out;
}

const BASE64_CHARS = /^[A-Za-z0-9+/]*$/;

export function encodeRawBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64').replace(/=+$/, '');
}

/** The bytes, or undefined unless `text` is canonical unpadded standard base64 (Node's own decoder is lenient). */
export function decodeRawBase64(text: string): Buffer | undefined {
  if (!BASE64_CHARS.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return encodeRawBase64(bytes) === text ? bytes : undefined;
}
