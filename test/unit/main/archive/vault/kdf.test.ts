import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { derivePassphraseKek, DEFAULT_MEMLIMIT, DEFAULT_OPSLIMIT, IN_THREAD_MEMLIMIT, MIN_MEMLIMIT, MIN_OPSLIMIT, newPassphraseKdf, type PassphraseKdf } from '../../../../../main/archive/vault/kdf';
import { REPO } from '../../../../helpers/cli';
import { tempDir } from '../../../../helpers/tmp';
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

  it('at real cost (in its own thread) gives what the Argon2 reference implementation gives (`argon2 -id`, PHC)', async () => {
    const salt = Buffer.from('a salt of 16 B!!');
    const kdf: PassphraseKdf = { alg: 'argon2id13', salt: salt.toString('base64'), opslimit: MIN_OPSLIMIT, memlimit: MIN_MEMLIMIT };
    expect(kdf.memlimit).toBeGreaterThan(IN_THREAD_MEMLIMIT);
    // Decomposed (NFD) input: the KEK is of the NFC form, which is what the reference is given.
    const kek = await derivePassphraseKek('Pa\u0301ssphrase n\u0303andu', kdf);
    const ref = spawnSync('argon2', [salt.toString('latin1'), '-id', '-t', String(MIN_OPSLIMIT), '-k', String(MIN_MEMLIMIT / 1024), '-p', '1', '-l', '32', '-r'], { input: Buffer.from('Pássphrase ñandu', 'utf8') });
    expect(ref.status, ref.stderr.toString()).toBe(0);
    expect(kek.toString('hex')).toBe(ref.stdout.toString().trim());
  });

  it('leaves none of the KDF memory in the process after the unlock (256 MiB, DEFAULT_MEMLIMIT)', () => {
    // A process of its own, so that its resident memory is the derivation's alone. In this thread, libsodium's
    // WebAssembly memory grew to 256+ MiB and stayed (it cannot shrink): RSS after was within a few MB of its peak.
    const code = `
      import fs from 'node:fs';
      import { derivePassphraseKek, newPassphraseKdf } from ${JSON.stringify(path.join(REPO, 'main/archive/vault/kdf.ts'))};
      const rss = (k) => Number(new RegExp(k + ':\\\\s*(\\\\d+)').exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
      const kdf = newPassphraseKdf();
      const before = rss('VmRSS');
      const kek = await derivePassphraseKek('correct horse battery staple', kdf);
      console.log(JSON.stringify({ memlimit: kdf.memlimit, before, peak: rss('VmHWM'), after: rss('VmRSS'), kek: kek.length }));`;
    const env = { ...process.env };
    delete env.HUELLA_TEST_WEAK_KDF;
    const script = path.join(tempDir(), 'kdf-rss.mts');
    fs.writeFileSync(script, code);
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: REPO, env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { memlimit: number; before: number; peak: number; after: number; kek: number };
expect(m.memlimit).toBe(DEFAULT_MEMLIMIT);
    expect(m.kek).toBe(32);
    // The derivation did use its memory (the process's peak rose by most of it) and gave it back.
    expect(m.peak - m.before, JSON.stringify(m)).toBeGreaterThan(200);
    expect(m.after - m.before, JSON.stringify(m)).toBeLessThan(48);
  }, 90_000);
});
