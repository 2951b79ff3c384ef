import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHuellaError } from '../../../../../main/archive/errors';
import { addVaultRemote, openRemote } from '../../../../../main/archive/remote/remotes';
import { createVault, type Vault } from '../../../../../main/archive/vault/vault';
import ar from '../../../../../shared/i18n/problems/ar.json';
import en from '../../../../../shared/i18n/problems/en.json';
import es from '../../../../../shared/i18n/problems/es.json';
import { adminClient, makeBucket, requireS3 } from '../../../../helpers/s3';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

/**
 * Settings → Remotes (issue 13): a remote that cannot be used says why — no such bucket, credentials refused, endpoint
 * unreachable — as a keyed message the renderer shows in the person's language, against the real Ceph gateway.
 */
const env = requireS3();

async function failure(vault: Vault, name: string): Promise<{ code: string; key: string | undefined; params: unknown; message: string }> {
  const remote = openRemote(vault, name);
  try {
    await remote.list('huella/');
  } catch (e) {
    if (!isHuellaError(e)) throw e;
    const api = e.toApiError();
    return { code: api.code, key: api.key, params: api.params, message: api.message };
  } finally {
    remote.destroy();
  }
  throw new Error(`remote ${name} answered`);
}

describe('remote errors say which', () => {
  const root = tempDir();
  let vault: Vault;
  let bucket: string;
  const where = new URL(env.endpoint).host;
  beforeAll(async () => {
    vault = (await createVault(path.join(root, 'v'), TEST_PASSPHRASE)).vault;
    bucket = await makeBucket(adminClient(env));
    addVaultRemote(vault, { name: 'good', url: `s3://${bucket}/org`, endpoint: env.endpoint });
    addVaultRemote(vault, { name: 'nobucket', url: 's3://huella-no-such-bucket-0000/org', endpoint: env.endpoint });
    addVaultRemote(vault, { name: 'offline', url: `s3://${bucket}/org`, endpoint: 'http://127.0.0.1:9' });
  });
  afterAll(() => vault?.lock());

  it('the good remote answers', async () => {
    const remote = openRemote(vault, 'good');
    try {
      expect(await remote.list('huella/')).toEqual([]);
    } finally {
      remote.destroy();
    }
  });

  it('no such bucket: names the bucket and the server', async () => {
    const f = await failure(vault, 'nobucket');
    expect(f).toMatchObject({ code: 'NOT_FOUND', key: 'problem.remote.noSuchBucket', params: { bucket: 'huella-no-such-bucket-0000', where } });
    expect(f.message).toContain('does not exist');
  });

  it('credentials refused: says the keys are wrong (not "access denied"), and never shows them', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'HUELLAWRONGKEY000000';
    process.env.AWS_SECRET_ACCESS_KEY = 'wrong-secret-wrong-secret-wrong-secret00';
    try {
      const f = await failure(vault, 'good');
      expect(f).toMatchObject({ code: 'FILE_UNREADABLE', key: 'problem.remote.badCredentials', params: { where } });
      expect(JSON.stringify(f)).not.toContain('HUELLAWRONGKEY');
      expect(JSON.stringify(f)).not.toContain('wrong-secret');
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });

  it('endpoint unreachable: says so, and that nothing was lost', async () => {
    const f = await failure(vault, 'offline');
    expect(f).toMatchObject({ code: 'FILE_UNREADABLE', key: 'problem.remote.unreachable', params: { where: '127.0.0.1:9' } });
  });

  it('each message exists in English, Spanish and Arabic with the same parameters', () => {
    const params = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((x) => x[1]).sort();
    for (const k of Object.keys(en.remote) as (keyof typeof en.remote)[]) {
      for (const other of [es, ar]) {
        expect(other.remote[k], k).toBeTruthy();
        expect(params(other.remote[k]), k).toEqual(params(en.remote[k]));
        expect(other.remote[k]).not.toBe(en.remote[k]);
      }
    }
  });
});
