import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openEnvelope, sealEnvelope } from '../../../../../main/archive/vault/envelope';
import { newPassphraseKdf, newRecoveryKdf } from '../../../../../main/archive/vault/kdf';
import { isHuellaError } from '../../../../../main/archive/errors';

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return isHuellaError(e) ? e.code : 'other';
  }
}

describe('envelope', () => {
  const secrets = crypto.randomBytes(145);
  const kek = crypto.randomBytes(32);

  it('seals and opens', async () => {
    const env = await sealEnvelope('passphrase', newPassphraseKdf(), kek, secrets);
    expect((await openEnvelope(env, kek)).equals(secrets)).toBe(true);
    expect(env.ciphertext).not.toContain(secrets.toString('base64').slice(0, 20));
  });

  it('tells a wrong key from a damaged envelope', async () => {
    const env = await sealEnvelope('passphrase', newPassphraseKdf(), kek, secrets);
    expect(await codeOf(openEnvelope(env, crypto.randomBytes(32)))).toBe('WRONG_PASSPHRASE');
    const rec = await sealEnvelope('recovery', newRecoveryKdf(), kek, secrets);
    expect(await codeOf(openEnvelope(rec, crypto.randomBytes(32)))).toBe('WRONG_RECOVERY_KEY');
    const ct = Buffer.from(env.ciphertext, 'base64');
    ct[10]! ^= 1;
    expect(await codeOf(openEnvelope({ ...env, ciphertext: ct.toString('base64') }, kek))).toBe('VAULT_CORRUPT');
  });

  it('binds the method and KDF parameters (an envelope cannot be downgraded or moved)', async () => {
    const kdf = newPassphraseKdf();
    const env = await sealEnvelope('passphrase', kdf, kek, secrets);
    expect(await codeOf(openEnvelope({ ...env, kdf: { ...kdf, opslimit: kdf.opslimit + 1 } }, kek))).toBe('VAULT_CORRUPT');
    expect(await codeOf(openEnvelope({ ...env, method: 'recovery' }, kek))).toBe('VAULT_CORRUPT');
  });
});
