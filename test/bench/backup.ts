import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { backupVault, restoreBackup, verifyBackup, type BackupReport } from '../../main/archive/backup';
import { ingestPaths, shutdownIngestWorkers } from '../../main/archive/ingest/ingest';
import { createVault } from '../../main/archive/vault/vault';
import { writeGpsPhoto } from '../helpers/photos';

/**
 * Backup benchmark (issue 10): a vault of `files` ingested files (random content, 1–64 KiB each, through the real
 * ingest), a full backup, a second backup of the unchanged vault, then 10 more files (photos, so each also has a
 * preview object) and an incremental backup; then `backup verify` and a restore (which verifies every object).
 * Prints bytes written and times for each step.
 *
 *   HUELLA_TEST_WEAK_KDF=1 npx tsx test/bench/backup.ts [--files 5000] [--dir DIR (kept)]
 */

export type BackupBench = {
  readonly files: number;
  readonly ingestSeconds: number;
  readonly full: BackupReport;
  readonly unchanged: BackupReport;
  readonly incremental: BackupReport;
  readonly verifySeconds: number;
  readonly restoreSeconds: number;
  readonly restoreOk: boolean;
};

const PASSPHRASE = 'benchmark passphrase, not secret';

export async function benchBackup(options: { files: number; workDir: string }): Promise<BackupBench> {
  const inbox = path.join(options.workDir, 'inbox');
  fs.mkdirSync(inbox, { recursive: true });
  for (let i = 0; i < options.files; i++) {
    fs.writeFileSync(path.join(inbox, `doc-${String(i).padStart(5, '0')}.bin`), crypto.randomBytes(1024 + crypto.randomInt(63 * 1024)));
  }
  const { vault } = await createVault(path.join(options.workDir, 'vault'), PASSPHRASE);
  const backupDir = path.join(options.workDir, 'backup');
  try {
    let t = performance.now();
    const ingested = await ingestPaths(vault, [inbox], { previews: false });
    if (ingested.ingested !== options.files) throw new Error(`ingested ${ingested.ingested} of ${options.files}`);
    const ingestSeconds = (performance.now() - t) / 1000;
    const full = await backupVault(vault, backupDir);
    const unchanged = await backupVault(vault, backupDir);
    const more = path.join(options.workDir, 'more');
    for (let i = 0; i < 10; i++) await writeGpsPhoto(more, `new-${i}.jpg`, 1000 + i);
    await ingestPaths(vault, [more]);
    const incremental = await backupVault(vault, backupDir);
    vault.lock();
    t = performance.now();
    const verified = await verifyBackup(backupDir);
    const verifySeconds = (performance.now() - t) / 1000;
    if (!verified.ok) throw new Error(`backup verify failed: ${JSON.stringify(verified.problems.slice(0, 3))}`);
    const restored = await restoreBackup(backupDir, path.join(options.workDir, 'restored'), { passphrase: PASSPHRASE });
    return { files: options.files, ingestSeconds, full, unchanged, incremental, verifySeconds, restoreSeconds: restored.seconds, restoreOk: restored.verify.ok && restored.objects.damaged.length === 0 };
  } finally {
    if (!vault.isLocked) vault.lock();
    await shutdownIngestWorkers();
  }
}

function line(name: string, r: BackupReport): string {
  return `${name.padEnd(12)} objects copied ${String(r.objects.copied).padStart(5)} (${String(r.objects.bytesCopied).padStart(10)} B)  reused ${String(r.objects.reused).padStart(5)}  database ${r.database.bytes} B  small files ${r.metadataBytes} B  => written ${r.bytesWritten} B in ${r.seconds.toFixed(2)} s`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { files: { type: 'string', default: '5000' }, dir: { type: 'string' } } });
  const workDir = values.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'huella-bench-backup-'));
  const r = await benchBackup({ files: Number(values.files), workDir });
  console.log(`vault: ${r.files} files ingested in ${r.ingestSeconds.toFixed(1)} s; ${r.full.objects.total} objects, ${r.full.objects.totalBytes} B of age files`);
  console.log(line('full', r.full));
  console.log(line('unchanged', r.unchanged));
  console.log(line('+10 photos', r.incremental));
  console.log(`backup verify (no passphrase): ${r.verifySeconds.toFixed(2)} s; restore + full verify: ${r.restoreSeconds.toFixed(2)} s, ${r.restoreOk ? 'OK' : 'FAILED'}`);
  if (!values.dir) fs.rmSync(workDir, { recursive: true, force: true });
}
