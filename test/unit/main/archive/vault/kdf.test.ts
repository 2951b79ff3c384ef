import { afterEach, describe, expect, it } from 'vitest';
import { derivePassphraseKek, DEFAULT_MEMLIMIT, DEFAULT_OPSLIMIT, newPassphraseKdf } from '../../../../../main/archive/vault/kdf';
import { loadSodium } from '../../../../../main/archive/vault/sodium';

describe('passphrase KDF', () => {
  const saved = process.env.HUELLA_TEST_WEAK_KDF;
  afterEach(() => {
    process.env.HUELLA_TEST_WEAK_KDF = saved;
  });

  it('is Argon2id at libsodium MODERATE cost by default', async () => {
    delete process.env.HUELLA_TEST_WEAK_KDF;
    const sodium = await loadSodium();
    const kdf = newPassphraseKdf();
    expect(kdf.alg).toBe('argon2id13');
    expect(kdf.opslimit).toBe(DEFAULT_OPSLIMIT);
    expect(kdf.memlimit).toBe(DEFAULT_MEMLIMIT);
    expect(DEFAULT_OPSLIMIT).toBeGreaterThanOrEqual(sodium.crypto_pwhash_OPSLIMIT_MODERATE);
    expect(DEFAULT_MEMLIMIT).toBeGreaterThanOrEqual(sodium.crypto_pwhash_MEMLIMIT_MODERATE);
  });

  it('matches libsodium crypto_pwhash (Argon2id13) for the same inputs', async () => {
    const sodium = await loadSodium();
    const kdf = newPassphraseKdf(); // weak test cost: same algorithm
    const kek = await derivePassphraseKek('pässwörd ünïcode', kdf);
    const expected = sodium.crypto_pwhash(32, Buffer.from('pässwörd ünïcode'.normalize('NFC')), Buffer.from(kdf.salt, 'base64'), kdf.opslimit, kdf.memlimit, sodium.crypto_pwhash_ALG_ARGON2ID13);
    expect(kek.equals(Buffer.from(expected))).toBe(true);
  });

  it('refuses a vault created with test-only cost when the test switch is off', async () => {
    const weak = newPassphraseKdf();
    delete process.env.HUELLA_TEST_WEAK_KDF;
    await expect(derivePassphraseKek('whatever passphrase', weak)).rejects.toThrow(/test-only/);
  });
});
