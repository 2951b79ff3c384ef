import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupVault, restoreBackup } from '../../../../../main/archive/backup';
import { BACKUP_FILES } from '../../../../../main/archive/backup/format';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { createVault, openVault, type Vault } from '../../../../../main/archive/vault/vault';
import { writeGpsPhoto } from '../../../../helpers/photos';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

/**
 * Every file of a vault and of a backup is readable by its owner only (0600), every folder 0700: archive.db and its
 * -wal/-shm files were 0644 (SQLite creates files with the umask), so were backup database copies and the backup key
 * file. A vault made by an earlier version is corrected when it is opened.
 */

function entries(dir: string): { path: string; mode: number; dir: boolean }[] {
  const out: { path: string; mode: number; dir: boolean }[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      out.push({ path: path.relative(dir, p), mode: fs.statSync(p).mode & 0o777, dir: e.isDirectory() });
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

function loose(dir: string): string[] {
  return entries(dir)
    .filter((e) => e.path !== BACKUP_FILES.lock)
    .filter((e) => e.mode !== (e.dir ? 0o700 : 0o600))
    .map((e) => `${e.path} ${e.mode.toString(8)}`);
}

describe('file modes of the vault and its backups', () => {
  const root = tempDir('huella-modes-');
  const vaultDir = path.join(root, 'vault');
  const backupDir = path.join(root, 'backup');
  let vault: Vault;

  beforeAll(async () => {
    vault = (await createVault(vaultDir, TEST_PASSPHRASE)).vault;
    const inbox = path.join(root, 'inbox');
    await writeGpsPhoto(inbox, 'a.jpg', 1);
    await ingestPaths(vault, [inbox]);
    await shutdownIngestWorkers();
  });
  afterAll(() => vault?.lock());

  it('a vault in use: archive.db, -wal and -shm are 0600, like vault.json, the blobs and tmp/', () => {
    const names = entries(vaultDir).map((e) => e.path);
    expect(names).toEqual(expect.arrayContaining(['archive.db', 'archive.db-wal', 'archive.db-shm', 'vault.json']));
    expect(loose(vaultDir)).toEqual([]);
  });

  it('a backup: the encrypted database copy, manifests, signatures, the key file and every object are 0600', async () => {
    await backupVault(vault, backupDir);
    await backupVault(vault, backupDir);
    expect(entries(backupDir).some((e) => e.path.endsWith('archive.db'))).toBe(true);
    expect(loose(backupDir)).toEqual([]);
  });

  it('a restored vault is 0600 too', async () => {
    const restored = path.join(root, 'restored');
    await restoreBackup(backupDir, restored, { passphrase: TEST_PASSPHRASE });
    expect(loose(restored)).toEqual([]);
  });

  it('a vault whose database files are 0644 (made by an earlier version) is corrected on open', async () => {
    vault.lock();
    for (const f of ['archive.db', 'archive.db-wal', 'archive.db-shm']) if (fs.existsSync(path.join(vaultDir, f))) fs.chmodSync(path.join(vaultDir, f), 0o644);
    fs.chmodSync(path.join(backupDir, BACKUP_FILES.publicKey), 0o644);
    vault = await openVault(vaultDir, { passphrase: TEST_PASSPHRASE });
    expect(loose(vaultDir)).toEqual([]);
    await backupVault(vault, backupDir);
    expect(loose(backupDir)).toEqual([]);
  });
});
