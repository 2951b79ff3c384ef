import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { backupVault, restoreBackup, type BackupReport } from '../../../../../main/archive/backup';
import { snapshotDatabase } from '../../../../../main/archive/backup/snapshot';
import { rawDatabase } from '../../../../../main/archive/db/connection';
import { openDatabase } from '../../../../../main/archive/db/open';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { createVault, openVault } from '../../../../../main/archive/vault/vault';
import { verifyVault } from '../../../../../main/archive/verify/verify';
import { huellaSpawn } from '../../../../helpers/cli';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

/** The database copy: encrypted, consistent while someone else writes, and the ingest commit-then-publish window. */
describe('database snapshot', () => {
  const root = tempDir();
  afterAll(() => shutdownIngestWorkers());

  it('better-sqlite3 backup() refuses an encrypted source to a keyless file (no plaintext copy); VACUUM INTO copies it encrypted with the same key', async () => {
    const key = crypto.randomBytes(32);
    const file = path.join(root, 'src.db');
    const db = rawDatabase(openDatabase(file, key, { create: true }));
    try {
      db.prepare("INSERT INTO settings (key, value) VALUES ('secret', 'plaintext marker 8c1f')").run();
      const viaBackupApi = path.join(root, 'via-backup-api.db');
      await expect(db.backup(viaBackupApi)).rejects.toThrow(/not supported with incompatible source and target/);
      // It leaves at most an empty file, never readable data.
      expect(fs.existsSync(viaBackupApi) ? fs.statSync(viaBackupApi).size : 0).toBe(0);

      const copy = path.join(root, 'copy.db');
      db.prepare('VACUUM INTO ?').run(copy);
      const bytes = fs.readFileSync(copy);
      expect(bytes.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
      expect(bytes.includes(Buffer.from('plaintext marker'))).toBe(false);
      const plain = new Database(copy);
      expect(() => plain.prepare('SELECT count(*) FROM sqlite_master').get()).toThrow(/not a database/);
      plain.close();
      const keyed = rawDatabase(openDatabase(copy, key, { create: false }));
      try {
        expect(keyed.prepare("SELECT value FROM settings WHERE key = 'secret'").get()).toEqual({ value: 'plaintext marker 8c1f' });
        expect(keyed.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      } finally {
        keyed.close();
      }
      expect(() => openDatabase(copy, crypto.randomBytes(32), { create: false })).toThrow(/cannot be decrypted/);
    } finally {
      db.close();
    }
  });

  it('snapshotDatabase lists exactly the objects of the copy and its latest checkpoint, and leaves no extra files', async () => {
    const { vault } = await createVault(path.join(root, 'v1'), TEST_PASSPHRASE);
    try {
      fs.mkdirSync(path.join(root, 'snap'));
      const dest = path.join(root, 'snap', 'archive.db');
      const s = snapshotDatabase(vault, dest);
      expect(s.objects).toEqual([]);
      expect(s.checkpoint).toMatch(new RegExp(`^huella/${vault.id}\\n`));
      expect(s.treeSize).toBe(vault.log.size());
      expect(fs.readdirSync(path.join(root, 'snap'))).toEqual(['archive.db']);
      expect(vault.db.prepare('PRAGMA database_list').all()).toHaveLength(1); // detached again
    } finally {
      vault.lock();
    }
  });

  it('copies an object that is committed but not yet published (still tmp/<name>.ready), and the restore verifies', async () => {
    const { vault } = await createVault(path.join(root, 'v2'), TEST_PASSPHRASE);
    const backupDir = path.join(root, 'b2');
    const inbox = path.join(root, 'in2');
    fs.mkdirSync(inbox);
    fs.writeFileSync(path.join(inbox, 'a.bin'), crypto.randomBytes(200_000));
    const blobs = vault.blobs;
    // Ingest publishes a committed group at once (publishLinked: linked into blobs/, the tmp/ name kept until the
    // batch settles); the backup runs between the commit and the publish.
    const publishLinked = blobs.publishLinked.bind(blobs);
    let during: BackupReport | undefined;
    let sawReady = false;
    blobs.publishLinked = async (names: readonly string[]): Promise<void> => {
      if (!during) {
        sawReady = names.length > 0 && names.every((name) => fs.existsSync(path.join(blobs.tmpDir, `${name}.ready`)) && !fs.existsSync(blobs.pathOf(name)));
        during = await backupVault(vault, backupDir);
      }
      return publishLinked(names);
    };
    try {
      const r = await ingestPaths(vault, [inbox], { previews: false });
      expect(r.ingested).toBe(1);
      expect(sawReady).toBe(true);
      expect(during!.objects).toMatchObject({ total: 1, copied: 1, missingAtSource: [] });
    } finally {
      vault.lock();
    }
    const restored = await restoreBackup(backupDir, path.join(root, 'r2'), { passphrase: TEST_PASSPHRASE });
    expect(restored.verify.problems).toEqual([]);
    expect(restored.objects).toEqual({ total: 1, restored: 1, damaged: [] });
  });

  it('a backup taken while another process ingests is consistent: each generation restores and verifies', async () => {
    const vaultDir = path.join(root, 'v3');
    const backupDir = path.join(root, 'b3');
    const FILES = 240;
    (await createVault(vaultDir, TEST_PASSPHRASE)).vault.lock();
    // Open first: opening cleans tmp/, which must not happen under a running ingest.
    const vault = await openVault(vaultDir, { passphrase: TEST_PASSPHRASE });
    const reports: BackupReport[] = [];
    // A generation counts as taken mid-ingest when it holds some but not all of a round's files. Whether one lands
    // there is a matter of timing (an ingest commits groups of files, a few per second), so the ingest runs again
    // with new files, up to 5 rounds, until one has; every generation of every round is checked the same way.
    const midIngest: BackupReport[] = [];
    let expected = 0;
    try {
      for (let round = 0; round < 5 && midIngest.length === 0; round++) {
        const inbox = path.join(root, `in3-${round}`);
        fs.mkdirSync(inbox);
        for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(inbox, `f${String(i).padStart(3, '0')}.bin`), crypto.randomBytes(20_000 + i));
        const before = expected;
        expected += FILES;
        const child = huellaSpawn(['ingest', vaultDir, inbox, '--no-previews', '--json']);
        let exited = false;
        const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => {
          exited = true;
          resolve(code);
        }));
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        // Read what it prints: a full pipe would block it.
        let stdout = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        while (!exited) {
          const r = await backupVault(vault, backupDir, { keep: 1000 });
          reports.push(r);
          if (r.objects.total > before && r.objects.total < expected) midIngest.push(r);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(await exit, stderr).toBe(0);
        expect(stdout).toContain(`"summary":{"ingested":${FILES},`);
      }
      reports.push(await backupVault(vault, backupDir, { keep: 1000 }));
      expect((await verifyVault(vault)).problems).toEqual([]);
    } finally {
      vault.lock();
    }
    for (const r of reports) expect(r.objects.missingAtSource).toEqual([]);
    expect(midIngest.length, `objects per generation: ${reports.map((r) => r.objects.total).join(', ')}`).toBeGreaterThan(0);
    // Restore at most 7 generations (each restore verifies every object): the first, the first mid-ingest one, the
    // last, and up to four spread over the run.
    const step = Math.max(1, Math.ceil(reports.length / 4));
    const sample = [...new Set([reports[0]!, midIngest[0]!, ...reports.filter((_, i) => i % step === 0), reports.at(-1)!])]
      .sort((a, b) => a.generation - b.generation);
    for (const r of sample) {
      const restored = await restoreBackup(backupDir, path.join(root, `r3-${r.generation}`), { passphrase: TEST_PASSPHRASE }, { generation: r.generation });
      expect(restored.verify.problems, `generation ${r.generation}`).toEqual([]);
      expect(restored.objects.damaged).toEqual([]);
      expect(restored.objects.total, `generation ${r.generation}`).toBe(r.objects.total);
    }
    expect(sample.at(-1)!.objects.total).toBe(expected);
  }, 180_000);
});
