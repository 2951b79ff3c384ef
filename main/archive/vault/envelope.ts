import crypto from 'node:crypto';
import { HuellaError } from '../errors';
import type { Kdf } from './kdf';
import { loadSodium } from './sodium';

/**
 * One sealed copy of the vault secrets per unlock method (DESIGN §3): XChaCha20-Poly1305 under a KEK.
 * The additional data binds the method and its KDF parameters, so an envelope cannot be moved to another slot
 * or given cheaper parameters. `kcv` (a key-check value) lets us tell "wrong passphrase" from "damaged file":
 * it gives an attacker nothing the AEAD tag does not already give (both confirm a guess offline).
 *
 * `sum` (a plain SHA-256 over every other field) tells "damaged file" from "wrong passphrase" where the key-check
 * value cannot: a changed salt or cost, or a changed key-check value, yields a different key and would otherwise be
 * reported as a wrong passphrase to someone who typed the right one. It is no defence against a deliberate edit
 * (anyone can recompute it; such an edit only destroys the vault, like deleting the file), and it reveals nothing:
 * every input is already in vault.json. Envelopes written before it existed have none and are opened as before.
 */
export type UnlockMethod = 'passphrase' | 'recovery';

export type Envelope = {
  readonly method: UnlockMethod;
  readonly kdf: Kdf;
  readonly nonce: string; // base64, 24 bytes
  readonly kcv: string; // base64, 16 bytes
  readonly ciphertext: string; // base64
  readonly sum?: string; // base64, 16 bytes: integrity of the fields above (not authenticity)
};

const AAD_PREFIX = 'huella-envelope v1';

function additionalData(method: UnlockMethod, kdf: Kdf): Buffer {
  const params = kdf.alg === 'argon2id13' ? `${kdf.alg}|${kdf.salt}|${kdf.opslimit}|${kdf.memlimit}` : `${kdf.alg}|${kdf.salt}`;
  return Buffer.from(`${AAD_PREFIX}|${method}|${params}`, 'utf8');
}

/** Integrity checksum of an envelope's fields (see the module comment). */
export function envelopeSum(env: Omit<Envelope, 'sum'>): string {
  const h = crypto.createHash('sha256').update(additionalData(env.method, env.kdf));
  for (const field of [env.nonce, env.kcv, env.ciphertext]) h.update(`|${field}`);
  return h.digest().subarray(0, 16).toString('base64');
}

/** Undefined when the envelope is intact (or predates the checksum), else what is wrong, for the user. */
export function envelopeDamage(env: Envelope): string | undefined {
  if (env.sum === undefined || env.sum === envelopeSum(env)) return undefined;
  return `The sealed ${env.method} envelope in vault.json is damaged (its checksum does not match its contents), so the ${env.method === 'passphrase' ? 'passphrase' : 'recovery key'} could not be checked. Restore vault.json from a backup.`;
}

function keyCheck(kek: Uint8Array): Buffer {
  return crypto.createHmac('sha256', kek).update('huella key-check v1').digest().subarray(0, 16);
}

export async function sealEnvelope(method: UnlockMethod, kdf: Kdf, kek: Uint8Array, secrets: Uint8Array): Promise<Envelope> {
  const sodium = await loadSodium();
  const nonce = crypto.randomBytes(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const ct = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(secrets, additionalData(method, kdf), null, nonce, kek);
  const fields = { method, kdf, nonce: nonce.toString('base64'), kcv: keyCheck(kek).toString('base64'), ciphertext: Buffer.from(ct).toString('base64') };
  return { ...fields, sum: envelopeSum(fields) };
}

/** Opens an envelope; throws WRONG_PASSPHRASE / WRONG_RECOVERY_KEY or VAULT_CORRUPT, never a generic error. */
export async function openEnvelope(env: Envelope, kek: Uint8Array): Promise<Buffer> {
  const damage = envelopeDamage(env);
  if (damage) throw new HuellaError('VAULT_CORRUPT', damage);
  const sodium = await loadSodium();
  const expected = Buffer.from(env.kcv, 'base64');
  const actual = keyCheck(kek);
  if (expected.length !== actual.length || !crypto.timingSafeEqual(expected, actual)) {
    throw env.method === 'passphrase'
      ? new HuellaError('WRONG_PASSPHRASE', 'Wrong passphrase.')
      : new HuellaError('WRONG_RECOVERY_KEY', 'Wrong recovery key: this key does not belong to this vault.');
  }
  try {
    const pt = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      Buffer.from(env.ciphertext, 'base64'),
      additionalData(env.method, env.kdf),
      Buffer.from(env.nonce, 'base64'),
      kek,
    );
    return Buffer.from(pt.buffer, pt.byteOffset, pt.byteLength);
  } catch (e) {
    throw new HuellaError('VAULT_CORRUPT', `The key is right but the sealed ${env.method} envelope in vault.json is damaged.`, { cause: e });
  }
}
