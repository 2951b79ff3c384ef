import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backupVault, restoreBackup, verifyBackup, type BackupProblem, type RestoreReport } from '../../archive/backup';
import { FolderStorage } from '../../archive/backup/folder';
import type { BackupStorage } from '../../archive/backup/storage';
import { formatBytes } from '../../archive/blobs/store';
import type { Command, ParsedValues } from '../command';
import type { Out } from '../io';
import { str } from '../command';
import { progressBar, untilInterrupted, UsageError, unlockFrom } from '../io';
import { withVault } from '../unlock';

function positiveInt(values: ParsedValues, key: string): number | undefined {
  const v = str(values, key);
  if (v === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(v)) throw new UsageError(`--${key} takes a whole number of at least 1.`);
  return Number(v);
}

/** Options of a backup on S3 (`s3://bucket/prefix`); credentials come from the AWS environment or profile. */
const S3_OPTIONS = { endpoint: { type: 'string' }, region: { type: 'string' }, 'allow-http': { type: 'boolean' } } as const;
const S3_USAGE = '[--endpoint URL] [--region R] [--allow-http]';

/**
 * A folder, or an S3 prefix with the --endpoint/--region/--allow-http (and, for writing, --retention-days) given.
 * The S3 code (and the AWS SDK) is loaded only for an s3:// address: a backup to a drive starts as fast as before.
 */
async function storageFor(target: string, values: ParsedValues, retentionDays?: number): Promise<BackupStorage> {
  const endpoint = str(values, 'endpoint');
  const region = str(values, 'region');
  if (!target.startsWith('s3://')) {
    if (endpoint || region || values['allow-http'] || retentionDays !== undefined) throw new UsageError('--endpoint, --region, --allow-http and --retention-days apply to a backup on S3 (s3://bucket/prefix).');
    return new FolderStorage(target);
  }
  const { openS3Backup } = await import('../../archive/remote/s3-backup');
  return openS3Backup({ url: target, ...(endpoint ? { endpoint } : {}), ...(region ? { region } : {}), allowHttp: Boolean(values['allow-http']), ...(retentionDays !== undefined ? { retentionDays } : {}) });
}

function unlockOf(values: ParsedValues): Promise<{ passphrase: string } | { recoveryKey: string }> {
  return unlockFrom({ 'passphrase-file': str(values, 'passphrase-file'), 'recovery-key-file': str(values, 'recovery-key-file') });
}

function restoreLines(r: RestoreReport, out: { line(t: string): void }): void {
  for (const p of r.problems) out.line(`WARNING: ${p}`);
  for (const d of r.objects.damaged) {
    const why = d.reason === 'missing-from-backup' ? 'missing from the backup' : d.reason === 'damaged-in-backup' ? 'damaged in the backup' : 'failed verification';
    out.line(`LOST ${d.kind} object ${d.object} (${why})${d.items.length > 0 ? ` — item ${d.items.join(', ')}` : ''}`);
  }
  for (const p of r.verify.problems.filter((p) => !p.object || !r.objects.damaged.some((d) => d.object === p.object))) out.line(`VERIFY [${p.check}]: ${p.message}`);
}

export const backupCommand: Command = {
  name: 'backup',
  summary: 'copy the vault\'s ciphertext to a backup folder (e.g. a USB drive) or an S3 prefix, incrementally',
  usage: `huella backup <vault> <backup dir | s3://bucket/prefix ${S3_USAGE} [--retention-days N]> [--keep N] [--rehash] [--json]`,
  options: { keep: { type: 'string' }, rehash: { type: 'boolean' }, ...S3_OPTIONS, 'retention-days': { type: 'string' } },
  args: [2, 2],
  async run([dir, target], values, out) {
    const keep = positiveInt(values, 'keep');
    const storage = await storageFor(target!, values, positiveInt(values, 'retention-days'));
    const bar = progressBar(!out.json);
    return untilInterrupted(async (signal) => {
      try {
        const r = await withVault(dir!, values, (vault) =>
          backupVault(vault, storage, {
            ...(keep !== undefined ? { keep } : {}),
            rehash: Boolean(values.rehash),
            signal,
            onProgress: (p) => bar.update(p.done, p.total, `${p.phase} ${p.done}/${p.total}${p.phase === 'objects' ? `  ${formatBytes(p.bytesDone)} copied` : ''}`),
          }),
        );
        bar.done();
        if (out.json) out.data(r);
        else {
          out.line(`Backup generation ${r.generation} written to ${r.backupDir}.`);
          out.line(`  objects:   ${r.objects.copied} copied (${formatBytes(r.objects.bytesCopied)}), ${r.objects.reused} already in the backup; ${r.objects.total} in all (${formatBytes(r.objects.totalBytes)})`);
          out.line(`  database:  ${formatBytes(r.database.bytes)} (encrypted snapshot, rewritten each time)`);
          out.line(`  written:   ${formatBytes(r.bytesWritten)} this run (${r.bytesWritten} bytes); this generation totals ${formatBytes(r.totalBytes)}`);
          if (r.pruned.generations.length > 0) out.line(`  pruned:    generation(s) ${r.pruned.generations.join(', ')}; ${r.pruned.objects} object(s) no longer needed (${formatBytes(r.pruned.bytes)})`);
          out.line(`  backup key fingerprint: ${r.keyFingerprint}`);
          out.line('  (write the fingerprint down: `huella backup verify --key-fingerprint "…"` proves later, without the passphrase, that a backup was made by this vault)');
          for (const name of r.objects.missingAtSource) out.line(`WARNING: object ${name} is listed by the vault but missing from it; it could not be backed up. Run \`huella verify\`.`);
        }
        return r.objects.missingAtSource.length > 0 ? 1 : 0;
      } finally {
        storage.close();
      }
    });
  },
};

function problemLine(p: BackupProblem): string {
  const where = [p.generation !== undefined ? `generation ${p.generation}` : '', p.object ? `object ${p.object}` : ''].filter(Boolean).join(', ');
  const ef = p.expected !== undefined || p.found !== undefined ? `\n      expected: ${p.expected ?? '—'}\n      found:    ${p.found ?? '—'}` : '';
  return `FAIL [${p.check}]${where ? ` (${where})` : ''}: ${p.message}${ef}`;
}

export const backupVerifyCommand: Command = {
  name: 'backup verify',
  summary: 'check a backup without the passphrase (every object present and intact, manifest signature); --full also restores it to a temporary folder and runs a full verify (needs the passphrase)',
  usage: `huella backup verify <backup dir | s3://bucket/prefix ${S3_USAGE}> [--generation N | --all] [--key-fingerprint FP] [--full [--scratch DIR]] [--json]`,
  options: { generation: { type: 'string' }, all: { type: 'boolean' }, 'key-fingerprint': { type: 'string' }, full: { type: 'boolean' }, scratch: { type: 'string' }, ...S3_OPTIONS },
  args: [1, 1],
  async run([dir], values, out) {
    const generation = positiveInt(values, 'generation');
    if (generation !== undefined && values.all) throw new UsageError('Use either --generation N or --all.');
    const storage = await storageFor(dir!, values);
    try {
      return await verifyRun(storage, generation, values, out);
    } finally {
      storage.close();
    }
  },
};

async function verifyRun(storage: BackupStorage, generation: number | undefined, values: ParsedValues, out: Out): Promise<number> {
  const bar = progressBar(!out.json);
  const fingerprint = str(values, 'key-fingerprint');
  const report = await verifyBackup(storage, {
    ...(generation !== undefined ? { generation } : {}),
    all: Boolean(values.all),
    ...(fingerprint ? { expectedFingerprint: fingerprint } : {}),
    onProgress: (p) => bar.update(p.bytesDone, p.bytesTotal, `${p.done}/${p.total} objects  ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}`),
  });
  bar.done();
  let full: RestoreReport | undefined;
  if (values.full) {
    const unlock = await unlockOf(values);
    const scratchParent = str(values, 'scratch') ?? os.tmpdir();
    const scratch = fs.mkdtempSync(path.join(scratchParent, 'huella-verify-'));
    try {
      full = await restoreBackup(storage, path.join(scratch, `vault-${crypto.randomBytes(4).toString('hex')}`), unlock, generation !== undefined ? { generation } : {});
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  const ok = report.ok && (full === undefined || (full.verify.ok && full.objects.damaged.length === 0 && full.manifestTrusted));
  if (out.json) out.data(full ? { ...report, ok, full } : report);
  else {
    for (const p of report.problems) out.line(problemLine(p));
    for (const g of report.generations) out.line(`generation ${g.generation} (${g.createdAt ?? 'unknown date'}): ${g.objects} objects, signature ${g.signature}, ${g.ok ? 'OK' : 'FAILED'}`);
    out.line(`${report.ok ? 'OK' : `FAILED: ${report.problems.length} problem(s)`}: ${report.objectsChecked} objects (${formatBytes(report.bytesHashed)}) checked; backup key fingerprint ${report.keyFingerprint ?? 'unknown'}`);
    if (!fingerprint && report.keyFingerprint) out.line('Compare the fingerprint with the one printed when the backup was made (or pass it with --key-fingerprint).');
    if (full) {
      restoreLines(full, out);
      out.line(`${full.verify.ok && full.objects.damaged.length === 0 && full.manifestTrusted ? 'OK' : 'FAILED'}: full check with the passphrase: restored to a temporary folder; ${full.verify.events} events, ${full.verify.objects} objects verified${full.manifestTrusted ? '; manifest signed by this vault\'s key' : '; manifest NOT signed by this vault\'s key'}.`);
    }
  }
  return ok ? 0 : 1;
}

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'rebuild a vault from a backup folder into a NEW folder (never overwrites); reports every lost object by id',
  usage: `huella restore <backup dir | s3://bucket/prefix ${S3_USAGE}> <new vault dir> [--generation N] [--passphrase-file F | --recovery-key-file F] [--json]`,
  options: { generation: { type: 'string' }, ...S3_OPTIONS },
  args: [2, 2],
  async run([backupDir, vaultDir], values, out) {
    const generation = positiveInt(values, 'generation');
    const storage = await storageFor(backupDir!, values);
    const unlock = await unlockOf(values);
    const bar = progressBar(!out.json);
    const r = await restoreBackup(storage, vaultDir!, unlock, {
      ...(generation !== undefined ? { generation } : {}),
      onProgress: (p) => {
        if (p.phase === 'objects') bar.update(p.done, p.total, `restoring ${p.done}/${p.total} objects`);
        else if (p.phase === 'verify') bar.update(p.verify.phase === 'objects' ? p.verify.bytesDone : p.verify.done, p.verify.phase === 'objects' ? p.verify.bytesTotal : p.verify.total, `verifying: ${p.verify.phase}`);
      },
    }).finally(() => storage.close());
    bar.done();
    if (out.json) out.data(r);
    else {
      restoreLines(r, out);
      out.line(`Restored generation ${r.generation} of backup ${r.backupId ?? '(unknown)'} into ${r.vaultDir}: ${r.objects.restored} of ${r.objects.total} objects.`);
      if (r.damagedItems.length > 0) out.line(`${r.damagedItems.length} item(s) lost content: ${r.damagedItems.join(', ')}. The custody log of the restored vault records them (vault.restored).`);
      out.line(r.verify.ok ? 'Verify: OK (custody log, signatures, checkpoints and every object).' : `Verify: ${r.verify.problems.length} problem(s), listed above.`);
    }
    if (!r.verify.ok || r.objects.damaged.length > 0) {
      if (!out.json) out.info('The restore finished, but not everything could be restored.');
      return 1;
    }
    return 0;
  },
};

