import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assignTag } from '../../../../../main/archive/catalogue';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { createVault, openVault } from '../../../../../main/archive/vault/vault';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

/**
 * A vault on a disk filled to the last byte cannot be opened (SQLite cannot grow its -shm file): the error must
 * say "disk full", not "damaged or replaced", and the vault must open again once space is freed. Found by the
 * full-disk reliability campaign. Needs root for the tmpfs mount (CI runs as root); a refused mount fails the test.
 */
describe('a vault on a full disk', () => {
  const disk = path.join(tempDir('huella-full-open-'), 'disk');
  fs.mkdirSync(disk);
  afterAll(async () => {
    await shutdownIngestWorkers();
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

  it('a write that fills the disk is DISK_FULL (rolled back), not an unexpected error', async () => {
    const dir = path.join(disk, 'vault');
    const vault = await openVault(dir, { passphrase: TEST_PASSPHRASE });
    try {
      const note = path.join(path.dirname(disk), 'note.txt');
      fs.writeFileSync(note, 'interview notes\n');
      const itemId = (await ingestPaths(vault, [note])).results[0]!.itemId!;
      const filler = path.join(disk, 'filler-2');
      const fd = fs.openSync(filler, 'w');
      try {
        for (;;) fs.writeSync(fd, Buffer.alloc(4096));
      } catch {
        // full
      } finally {
        fs.closeSync(fd);
      }
      const terms = ['ip.blunt-trauma', 'ip.electric-shock', 'ip.burns', 'ip.suspension', 'ip.falanga', 'vt.torture', 'vt.arbitrary-detention', 'place.prison'];
      let refused: unknown;
      for (const termId of terms) {
        try {
          assignTag(vault, { targetId: itemId, termId });
        } catch (e) {
          refused = e;
          break;
        }
      }
      expect(refused).toMatchObject({ code: 'DISK_FULL', message: expect.stringMatching(/^Disk full while saving the change/) });
      fs.rmSync(filler);
    } finally {
      vault.lock();
    }
  });
});
