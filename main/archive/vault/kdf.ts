import crypto from 'node:crypto';
import { HuellaError } from '../errors';
import { loadSodium } from './sodium';

/**
 * Passphrase → KEK with Argon2id (libsodium crypto_pwhash, ALG_ARGON2ID13), DESIGN §3.
 * The recovery key has 256 bits of entropy, so it needs no stretching: HKDF-SHA256 is enough.
 */
export type PassphraseKdf = {
  readonly alg: 'argon2id13';
  readonly salt: string; // base64, 16 bytes
  readonly opslimit: number;
  readonly memlimit: number;
};
export type RecoveryKdf = { readonly alg: 'hkdf-sha256'; readonly salt: string };
export type Kdf = PassphraseKdf | RecoveryKdf;

/** libsodium's MODERATE class: ~0.9 s and 256 MiB here. */
export const DEFAULT_OPSLIMIT = 3;
export const DEFAULT_MEMLIMIT = 256 * 1024 * 1024;
/** The floor we accept when opening a vault, unless the process explicitly allows weak test vaults. */
export const MIN_OPSLIMIT = 3;
export const MIN_MEMLIMIT = 64 * 1024 * 1024;
/** Test-only cost, allowed only when HUELLA_TEST_WEAK_KDF=1 (scripts and tests must stay fast). */
export const WEAK_TEST_OPSLIMIT = 1;
export const WEAK_TEST_MEMLIMIT = 8 * 1024;

export function weakKdfAllowed(): boolean {
  return process.env.HUELLA_TEST_WEAK_KDF === '1';
}

export function newPassphraseKdf(): PassphraseKdf {
  const weak = weakKdfAllowed();
  return {
    alg: 'argon2id13',
    salt: crypto.randomBytes(16).toString('base64'),
    opslimit: weak ? WEAK_TEST_OPSLIMIT : DEFAULT_OPSLIMIT,
    memlimit: weak ? WEAK_TEST_MEMLIMIT : DEFAULT_MEMLIMIT,
  };
}

export function newRecoveryKdf(): RecoveryKdf {
  return { alg: 'hkdf-sha256', salt: crypto.randomBytes(16).toString('base64') };
}

export async function derivePassphraseKek(passphrase: string, kdf: PassphraseKdf): Promise<Buffer> {
  if (kdf.opslimit < MIN_OPSLIMIT || kdf.memlimit < MIN_MEMLIMIT) {
    if (!weakKdfAllowed()) {
      throw new HuellaError('WEAK_KDF', 'This vault was created with test-only key-derivation settings and cannot be trusted; it is refused.');
    }
  }
  const sodium = await loadSodium();
  const salt = Buffer.from(kdf.salt, 'base64');
  if (salt.length !== sodium.crypto_pwhash_SALTBYTES) throw new HuellaError('VAULT_CORRUPT', 'vault.json is damaged: the key-derivation salt has the wrong length.');
  const passBytes = Buffer.from(passphrase.normalize('NFC'), 'utf8');
  try {
    const out = sodium.crypto_pwhash(32, passBytes, salt, kdf.opslimit, kdf.memlimit, sodium.crypto_pwhash_ALG_ARGON2ID13);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  } finally {
    passBytes.fill(0);
  }
}

export function deriveRecoveryKek(recoveryKey: Uint8Array, kdf: RecoveryKdf): Buffer {
  const salt = Buffer.from(kdf.salt, 'base64');
  return Buffer.from(crypto.hkdfSync('sha256', recoveryKey, salt, 'huella recovery-kek v1', 32));
}
