import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createVault, openVault } from '../../../../../main/archive/vault/vault';
import { isHuellaError } from '../../../../../main/archive/errors';
import { LATEST_SCHEMA_VERSION } from '../../../../../main/archive/db/migrate';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    const v = await p;
    (v as { lock?: () => void } | undefined)?.lock?.();
    return undefined;
  } catch (e) {
    return isHuellaError(e) ? e.code : `other: ${(e as Error).message}`;
  }
}

describe('vault lifecycle', () => {
  const root = tempDir();

  it('creates a vault that opens with the passphrase and with the recovery key, and refuses wrong ones', async () => {
    const dir = path.join(root, 'v1');
    const { vault, recoveryKey } = await createVault(dir, TEST_PASSPHRASE);
    const id = vault.id;
    expect(vault.log.size()).toBe(1); // vault.created
    expect(vault.log.latestCheckpoint()?.size).toBe(1);
    vault.lock();
    expect(vault.isLocked).toBe(true);
    expect(() => vault.db).toThrow(/locked/);

    const byPass = await openVault(dir, { passphrase: TEST_PASSPHRASE });
    expect(byPass.id).toBe(id);
    byPass.lock();
    const byKey = await openVault(dir, { recoveryKey });
    expect(byKey.id).toBe(id);
    byKey.lock();

    expect(await codeOf(openVault(dir, { passphrase: 'not the passphrase at all' }))).toBe('WRONG_PASSPHRASE');
    const other = await createVault(path.join(root, 'other'), TEST_PASSPHRASE);
    other.vault.lock();
    expect(await codeOf(openVault(dir, { recoveryKey: other.recoveryKey }))).toBe('WRONG_RECOVERY_KEY');
  });

  it('creates the vault with owner-only permissions and nothing identifying in vault.json', async () => {
    const dir = path.join(root, 'v-perm');
    const { vault } = await createVault(dir, TEST_PASSPHRASE);
    const id = vault.id;
    vault.lock();
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const header = fs.readFileSync(path.join(dir, 'vault.json'), 'utf8');
    expect(header).not.toContain(id);
    expect(Object.keys(JSON.parse(header))).toEqual(['format', 'version', 'envelopes']);
  });

  it('refuses to create over a non-empty folder', async () => {
    const dir = path.join(root, 'busy');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'something'), 'x');
    expect(await codeOf(createVault(dir, TEST_PASSPHRASE))).toBe('VAULT_EXISTS');
    expect(fs.readdirSync(dir)).toEqual(['something']);
  });

  it('refuses a short passphrase', async () => {
    expect(await codeOf(createVault(path.join(root, 'weak'), 'short'))).toBe('WEAK_PASSPHRASE');
    expect(fs.existsSync(path.join(root, 'weak'))).toBe(false);
  });

  it('changes the passphrase without re-encrypting anything, and logs it', async () => {
    const dir = path.join(root, 'v2');
    const { vault, recoveryKey } = await createVault(dir, TEST_PASSPHRASE);
    const dbBefore = fs.readFileSync(path.join(dir, 'archive.db'));
    await vault.changePassphrase('a brand new passphrase');
    expect([...vault.log.events()].map((e) => JSON.parse(e.bytes.toString()).type)).toContain('vault.passphrase-changed');
    vault.lock();
    expect(await codeOf(openVault(dir, { passphrase: TEST_PASSPHRASE }))).toBe('WRONG_PASSPHRASE');
    const v = await openVault(dir, { passphrase: 'a brand new passphrase' });
    v.lock();
    const v2 = await openVault(dir, { recoveryKey });
    v2.lock();
    expect(dbBefore.length).toBeGreaterThan(0);
  });

  it('tells a corrupt vault from a wrong passphrase', async () => {
    const dir = path.join(root, 'v3');
    const { vault } = await createVault(dir, TEST_PASSPHRASE);
    vault.lock();
    // Damaged database: right passphrase, wrong bytes.
    const dbFile = path.join(dir, 'archive.db');
    const original = fs.readFileSync(dbFile);
    const damaged = Buffer.from(original);
    for (let i = 0; i < 64; i++) damaged[100 + i]! ^= 0xff;
    fs.writeFileSync(dbFile, damaged);
    expect(await codeOf(openVault(dir, { passphrase: TEST_PASSPHRASE }))).toBe('VAULT_CORRUPT');
    expect(await codeOf(openVault(dir, { passphrase: 'not the passphrase at all' }))).toBe('WRONG_PASSPHRASE');
    fs.writeFileSync(dbFile, original);
    // Damaged vault.json.
    const headerFile = path.join(dir, 'vault.json');
    const header = fs.readFileSync(headerFile, 'utf8');
    fs.writeFileSync(headerFile, header.slice(0, header.length / 2));
    expect(await codeOf(openVault(dir, { passphrase: TEST_PASSPHRASE }))).toBe('VAULT_CORRUPT');
    fs.writeFileSync(headerFile, header);
    // Missing vault.
    expect(await codeOf(openVault(path.join(root, 'nothing-here'), { passphrase: TEST_PASSPHRASE }))).toBe('VAULT_NOT_FOUND');
  });

  it('refuses a vault from a newer format or schema, changing nothing', async () => {
    const dir = path.join(root, 'v4');
    const { vault } = await createVault(dir, TEST_PASSPHRASE);
    vault.lock();
    const headerFile = path.join(dir, 'vault.json');
    const header = JSON.parse(fs.readFileSync(headerFile, 'utf8'));
    fs.writeFileSync(headerFile, JSON.stringify({ ...header, version: 2 }));
    expect(await codeOf(openVault(dir, { passphrase: TEST_PASSPHRASE }))).toBe('VAULT_TOO_NEW');
    fs.writeFileSync(headerFile, JSON.stringify(header));

    // A database whose schema is newer than this build.
    const v = await openVault(dir, { passphrase: TEST_PASSPHRASE });
    v.db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    v.lock();
    const before = fs.readFileSync(path.join(dir, 'archive.db'));
    expect(await codeOf(openVault(dir, { passphrase: TEST_PASSPHRASE }))).toBe('VAULT_TOO_NEW');
    expect(fs.readFileSync(path.join(dir, 'archive.db')).equals(before)).toBe(true);
  });

  it('writes a SQLCipher 4 database (raw key, sqlcipher scheme) that reopens with the key alone', async () => {
    const dir = path.join(root, 'v5');
    const { vault } = await createVault(dir, TEST_PASSPHRASE);
    vault.lock();
    const head = fs.readFileSync(path.join(dir, 'archive.db')).subarray(0, 16);
    expect(head.toString('latin1')).not.toContain('SQLite format 3');
    // Reopen through the public path: the key derives from the envelope; schema is migrated.
    const v = await openVault(dir, { passphrase: TEST_PASSPHRASE });
    expect(v.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(v.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    v.lock();
  });

  it('cleans tmp/ on open and records the interrupted ingest', async () => {
    const dir = path.join(root, 'v6');
    const { vault } = await createVault(dir, TEST_PASSPHRASE);
    vault.lock();
    fs.writeFileSync(path.join(dir, 'tmp', 'abc.part'), Buffer.alloc(1000, 7));
    fs.writeFileSync(path.join(dir, 'tmp', `${'a'.repeat(64)}.ready`), Buffer.alloc(1000, 7));
    const v = await openVault(dir, { passphrase: TEST_PASSPHRASE });
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
    const types = [...v.log.events()].map((e) => JSON.parse(e.bytes.toString()));
    expect(types.at(-1)).toMatchObject({ type: 'ingest.interrupted', data: { discardedPartialObjects: 2 } });
    v.lock();
  });
});

describe('vault.json envelope checksums (damage is not a wrong passphrase)', () => {
  const root = tempDir();
  type Header = { envelopes: { method: string; kdf: { salt: string }; sum?: string }[] };
  const edit = (dir: string, f: (h: Header) => void): void => {
    const file = path.join(dir, 'vault.json');
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as Header;
    f(h);
    fs.writeFileSync(file, JSON.stringify(h, null, 2));
  };
  const flipSalt = (h: Header, method: string): void => {
    const env = h.envelopes.find((e) => e.method === method)!;
    const salt = Buffer.from(env.kdf.salt, 'base64');
    salt[0]! ^= 1;
    env.kdf.salt = salt.toString('base64');
  };

  it('a changed salt with the right passphrase is VAULT_CORRUPT naming vault.json, not WRONG_PASSPHRASE', async () => {
    const dir = path.join(root, 'salt');
    (await createVault(dir, TEST_PASSPHRASE)).vault.lock();
    edit(dir, (h) => flipSalt(h, 'passphrase'));
    const e = await openVault(dir, { passphrase: TEST_PASSPHRASE }).catch((x: unknown) => x);
    expect(isHuellaError(e) && e.code).toBe('VAULT_CORRUPT');
    expect((e as Error).message).toMatch(/passphrase envelope in vault\.json is damaged/);
  });

  it('verify reports a damaged recovery envelope while the passphrase still opens the vault', async () => {
    const { verifyVault } = await import('../../../../../main/archive/verify/verify');
    const dir = path.join(root, 'recovery');
    (await createVault(dir, TEST_PASSPHRASE)).vault.lock();
    edit(dir, (h) => flipSalt(h, 'recovery'));
    const vault = await openVault(dir, { passphrase: TEST_PASSPHRASE });
    try {
      const report = await verifyVault(vault);
      expect(report.ok).toBe(false);
      expect(report.problems.map((p) => [p.check, p.message])).toEqual([['vault.header', expect.stringMatching(/recovery envelope in vault\.json is damaged/)]]);
      expect(report.events).toBeGreaterThan(0); // a damaged header does not stop the rest of the checks
    } finally {
      vault.lock();
    }
  });

  it('envelopes written before the checksum existed open as before; a wrong passphrase is still WRONG_PASSPHRASE', async () => {
    const dir = path.join(root, 'old');
    (await createVault(dir, TEST_PASSPHRASE)).vault.lock();
    edit(dir, (h) => h.envelopes.forEach((e) => delete e.sum));
    (await openVault(dir, { passphrase: TEST_PASSPHRASE })).lock();
    const e = await openVault(dir, { passphrase: 'not the passphrase at all' }).catch((x: unknown) => x);
    expect(isHuellaError(e) && e.code).toBe('WRONG_PASSPHRASE');
  });
});
