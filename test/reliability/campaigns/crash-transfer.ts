import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ingestPaths, shutdownIngestWorkers } from '../../../main/archive/ingest/ingest';
import { receivedBundle } from '../../../main/archive/db/transfers';
import { addVaultRemote } from '../../../main/archive/remote/remotes';
import { formatContactCard, vaultContactCard } from '../../../main/archive/transfer';
import { createVault, openVault } from '../../../main/archive/vault/vault';
import { huella, huellaSpawn } from '../../helpers/cli';
import { adminClient, requireS3 } from '../../helpers/s3';
import { TEST_PASSPHRASE } from '../../helpers/tmp';
import { seededRandom } from '../lib';

/**
 * The transfer part of the crash campaign (issue 15): kill -9 of the real CLI at a seeded moment of a `huella push`
 * (documenter → S3) or a `huella pull` (S3 → lawyer), against the real Ceph gateway. After every run both vaults
 * must pass `huella verify`; at the end an unkilled push and pull must deliver every bundle a push REPORTED (exit 0)
 * whole to the lawyer — each of its items present, byte-identical to the documenter's — and no content may be
 * stored twice. Needs S3 (test/helpers/s3.ts): without it the campaign fails, it does not skip.
 */

export type TransferCrashResult = { readonly total: number; readonly passed: number; readonly failures: readonly string[]; readonly details: Readonly<Record<string, unknown>> };

type Child = { readonly stdout: string; readonly stderr: string; readonly code: number | null; readonly killed: boolean; readonly ms: number };

async function runKillable(args: readonly string[], killAfterMs: number): Promise<Child> {
  const started = performance.now();
  const child = huellaSpawn(args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let killed = false;
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) killed = child.kill('SIGKILL');
  }, killAfterMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  return { stdout, stderr, code, killed, ms: performance.now() - started };
}

export async function runTransferCrashes({ seed, quick, workDir, log }: { seed: number; quick: boolean; workDir: string; log: (l: string) => void }): Promise<TransferCrashResult> {
  const failures: string[] = [];
  let s3: ReturnType<typeof requireS3>;
  try {
    s3 = requireS3();
  } catch (e) {
    return { total: 1, passed: 0, failures: [`transfer crashes not run: ${(e as Error).message}`], details: {} };
  }
  const rnd = seededRandom(seed ^ 0x5eed);
  const runs = quick ? 4 : 60;
  const root = path.join(workDir, 'transfer');
  const docDir = path.join(root, 'documenter');
  const lawDir = path.join(root, 'lawyer');
  const card = path.join(root, 'lawyer.card');

  // Two vaults, one bucket, one remote each; originals of several sizes (one above the multipart threshold).
  const admin = adminClient(s3);
  const bucket = `huella-crash-${crypto.randomBytes(4).toString('hex')}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
  const itemIds: string[] = [];
  const hashes = new Map<string, string>(); // documenter item id → sha256
  {
    const doc = (await createVault(docDir, TEST_PASSPHRASE)).vault;
    const law = (await createVault(lawDir, TEST_PASSPHRASE)).vault;
    try {
      const inputs = path.join(root, 'inputs');
      fs.mkdirSync(inputs, { recursive: true });
      const sizes = quick ? [40_000, 300_000] : [40_000, 300_000, 2 * 1024 * 1024, 9 * 1024 * 1024, 17 * 1024 * 1024, 700_000];
      sizes.forEach((n, i) => fs.writeFileSync(path.join(inputs, `file-${i}.bin`), crypto.createHash('sha256').update(`${seed}/${i}`).digest().toString('hex').repeat(Math.ceil(n / 64)).slice(0, n)));
      const report = await ingestPaths(doc, [inputs]);
      for (const r of report.results) {
        itemIds.push(r.itemId!);
        hashes.set(r.itemId!, r.sha256!);
      }
      addVaultRemote(doc, { name: 'org', url: `s3://${bucket}/crash`, endpoint: s3.endpoint });
      addVaultRemote(law, { name: 'org', url: `s3://${bucket}/crash`, endpoint: s3.endpoint });
      fs.writeFileSync(card, formatContactCard(vaultContactCard(law)));
    } finally {
      doc.lock();
      law.lock();
      await shutdownIngestWorkers();
    }
  }

  const reportedPushed = new Set<string>();
  const pushArgs = (): string[] => {
    const subset = itemIds.filter(() => rnd() < 0.6);
    return ['push', docDir, 'org', '--to', card, '--items', (subset.length > 0 ? subset : [itemIds[0]!]).join(','), '--json'];
  };
  const notePush = (r: Child): void => {
    if (r.code !== 0) return;
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { pushed: { bundleId: string }[] };
    for (const p of out.pushed) reportedPushed.add(p.bundleId);
  };

  // Calibration: one unkilled push and pull (what they report counts like any run's).
  const p0 = await runKillable(pushArgs(), 300_000);
  if (p0.code !== 0) return { total: 1, passed: 0, failures: [`calibration push failed: ${p0.stderr.slice(0, 300)}`], details: {} };
  notePush(p0);
  const q0 = await runKillable(['pull', lawDir, 'org', '--accept-new-sender', '--json'], 300_000);
  if (q0.code !== 0) return { total: 1, passed: 0, failures: [`calibration pull failed: ${q0.stderr.slice(0, 300)}`], details: {} };
  const startup = (await runKillable(['unlock-test', docDir], 120_000)).ms;
  log(`crash (transfer): push ${Math.round(p0.ms)} ms, pull ${Math.round(q0.ms)} ms, start-up ${Math.round(startup)} ms`);

  let killed = 0;
  let passed = 0;
  const counts = { push: 0, pull: 0 };
  for (let runNo = 1; runNo <= runs; runNo++) {
    const op = runNo % 2 === 1 ? 'push' : 'pull';
    counts[op]++;
    const expected = op === 'push' ? p0.ms : q0.ms;
    const lead = 0.7 * startup;
    const killAt = Math.round(lead + rnd() * Math.max(expected - lead, 200));
    const before = failures.length;
    const r = op === 'push' ? await runKillable(pushArgs(), killAt) : await runKillable(['pull', lawDir, 'org', '--accept-new-sender', '--json'], killAt);
    if (r.killed) killed++;
    else if (r.code !== 0) failures.push(`seed ${seed} transfer run ${runNo} (${op}): exit ${r.code}: ${r.stderr.slice(0, 300)}`);
    if (op === 'push') notePush(r);
    for (const v of [docDir, lawDir]) {
      const ver = huella(['verify', v, '--json']);
      if (ver.code !== 0) failures.push(`seed ${seed} transfer run ${runNo} (${op}, killed at ${killAt} ms): verify of ${path.basename(v)} failed: ${ver.stdout.slice(0, 300)}`);
    }
    if (failures.length === before) passed++;
    else log(`FAILURE ${failures.at(-1)!}`);
  }

  // Finish what the kills interrupted, then every reported bundle must be whole at the lawyer's, nothing twice.
  const fin = huella(['push', docDir, 'org', '--json']);
  if (fin.code !== 0) failures.push(`final push failed: ${fin.stderr.slice(0, 300)}`);
  else notePush({ stdout: fin.stdout, stderr: '', code: 0, killed: false, ms: 0 });
  const last = huella(['pull', lawDir, 'org', '--json']);
  if (last.code !== 0) failures.push(`final pull failed: ${last.stdout.slice(0, 300)} ${last.stderr.slice(0, 300)}`);
  const law = await openVault(lawDir, { passphrase: TEST_PASSPHRASE });
  let itemsChecked = 0;
  try {
    for (const id of reportedPushed) {
      if (!receivedBundle(law.store, id)) failures.push(`bundle ${id} was reported pushed but the lawyer never received it`);
    }
    const rows = law.db.prepare('SELECT i.id, i.object_name, o.sha256 FROM items i JOIN objects o ON o.name = i.object_name').all() as { id: string; object_name: string; sha256: Buffer }[];
    const seen = new Set<string>();
    for (const row of rows) {
      const hex = row.sha256.toString('hex');
      if (seen.has(hex)) failures.push(`content ${hex.slice(0, 12)}… is stored twice at the lawyer's`);
      seen.add(hex);
      const h = crypto.createHash('sha256');
      for await (const chunk of law.blobs.openPlaintext(row.object_name)) h.update(chunk as Buffer);
      if (h.digest('hex') !== hex) failures.push(`item ${row.id} at the lawyer's is not byte-identical to what was sent`);
      if (![...hashes.values()].includes(hex)) failures.push(`item ${row.id} at the lawyer's is not one of the documenter's originals`);
      itemsChecked++;
    }
  } finally {
    law.lock();
  }
  const ver = [docDir, lawDir].map((v) => huella(['verify', v, '--json']).code);
  if (ver.some((c) => c !== 0)) failures.push(`final verify failed: ${ver.join(', ')}`);
  return { total: runs, passed: failures.length === 0 ? runs : Math.min(passed, runs), failures, details: { counts, killed, reportedPushed: reportedPushed.size, lawyerItems: itemsChecked, bucket } };
}
