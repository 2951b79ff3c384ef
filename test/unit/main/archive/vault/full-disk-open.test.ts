import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createVault, openVault } from '../../../../../main/archive/vault/vault';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

/**
 * A vault on a disk filled to the last byte cannot be opened (SQLite cannot grow its -shm file): the error must
 * say "disk full", not "damaged or replaced", and the vault must open again once space is freed. Found by the
 * full-disk reliability campaign. Needs root for the tmpfs mount (CI runs as root); a refused mount fails the test.
 */
describe('opening a vault on a full disk', () => {
  const disk = path.join(tempDir('huella-full-open-'), 'disk');
  fs.mkdirSync(disk);
  afterAll(() => {
    spawnSync('umount', [disk]);
  });

  it('reports DISK_FULL (not VAULT_CORRUPT) and opens once space is freed', async () => {
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', disk], { encoding: 'utf8' });
    expect(mount.status, `tmpfs mount refused: ${mount.stderr}`).toBe(0);
    const dir = path.join(disk, 'vault');
    const { vault } = await createVault(dir, TEST_PASSPHRASE);
    vault.lock();
    fs.rmSync(path.join(dir, 'archive.db-shm'), { force: true });
    fs.rmSync(path.join(dir, 'archive.db-wal'), { force: true });
    const filler = path.join(disk, 'filler');
    const fd = fs.openSync(filler, 'w');
    const chunk = Buffer.alloc(4096);
    try {
      for (;;) fs.writeSync(fd, chunk);
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      fs.closeSync(fd);
    }
    await expect(openVault(dir, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'DISK_FULL', message: expect.stringMatching(/Disk full.*Nothing in the vault was lost/) });
    fs.rmSync(filler);
    const reopened = await openVault(dir, { passphrase: TEST_PASSPHRASE });
    reopened.lock();
  });
});
