import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ingestPaths, shutdownIngestWorkers } from '../../main/archive/ingest/ingest';
import { addVaultRemote, pushToRemote } from '../../main/archive/remote/remotes';
import { vaultContactCard } from '../../main/archive/transfer';
import { createVault } from '../../main/archive/vault/vault';
import { adminClient, requireS3 } from '../helpers/s3';

/**
 * Push throughput (issue 15 goal: at least 0.8x rclone): `huella push` of `mib` MiB of originals (8 files of random
 * content, ingested first, not timed) to an S3 bucket, next to `rclone copy` of the same original files (Debian's
 * rclone, S3 backend, provider Ceph/Other, path-style) to the same bucket in the same run. Huella's figure includes
 * making the bundle in the outbox (a new age header per original, every original hashed; remotes.ts) and the upload;
 * rclone copies plaintext files.
 * Ratio = rclone seconds / Huella seconds (above 1: Huella faster). Needs S3 (S3_ENDPOINT and AWS keys, as
 * test/helpers/s3.ts says) and rclone (scripts/test-tools.txt). Also a row of `npm run bench` (run.ts, section push).
 *
 *   HUELLA_TEST_WEAK_KDF=1 npx tsx test/bench/push-s3.ts [--mib 1024] [--runs 3]
 */

const PASSPHRASE = 'benchmark passphrase, not secret';

/** Issue 15: huella push at least 0.8× as fast as rclone copy (ratio = rclone seconds / huella seconds). */
export const PUSH_GOAL_RATIO = 0.8;

export type PushBench = { readonly mib: number; readonly huellaSeconds: number; readonly rcloneSeconds: number; readonly ratio: number; readonly goalMet: boolean };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function benchPush(options: { mib: number; runs: number; workDir: string }): Promise<PushBench> {
  const s3 = requireS3();
  if (spawnSync('rclone', ['version']).status !== 0) throw new Error('rclone is not installed (Debian package rclone): the reference cannot run');
  const admin = adminClient(s3);
  const inbox = path.join(options.workDir, 'originals');
  fs.mkdirSync(inbox, { recursive: true });
  const files = 8;
  const per = Math.floor((options.mib * 1024 * 1024) / files);
  for (let i = 0; i < files; i++) {
    const fd = fs.openSync(path.join(inbox, `original-${i}.bin`), 'w');
    for (let left = per; left > 0; left -= 8 * 1024 * 1024) fs.writeSync(fd, crypto.randomBytes(Math.min(left, 8 * 1024 * 1024)));
    fs.closeSync(fd);
  }
  const doc = (await createVault(path.join(options.workDir, 'documenter'), PASSPHRASE)).vault;
  const law = (await createVault(path.join(options.workDir, 'lawyer'), PASSPHRASE)).vault;
  const card = vaultContactCard(law);
  law.lock();
  const report = await ingestPaths(doc, [inbox], { previews: false });
  const itemIds = report.results.map((r) => r.itemId!);
  await shutdownIngestWorkers();
  const huella: number[] = [];
  const rclone: number[] = [];
  try {
    for (let run = 0; run < options.runs; run++) {
      const bucket = `huella-bench-${crypto.randomBytes(4).toString('hex')}`;
      await admin.send(new CreateBucketCommand({ Bucket: bucket }));
      addVaultRemote(doc, { name: `bench${run}`, url: `s3://${bucket}/huella`, endpoint: s3.endpoint });
      let t = performance.now();
      await pushToRemote(doc, `bench${run}`, { recipient: card, itemIds });
      huella.push((performance.now() - t) / 1000);
      t = performance.now();
      const r = spawnSync('rclone', ['copy', inbox, `bench:${bucket}/rclone`, '--s3-upload-cutoff', '8M', '--s3-chunk-size', '8M', '--transfers', '4'], {
        env: {
          // rclone gets only its own configuration: AWS_* variables (e.g. a CA bundle setting) would change what it does.
          ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))),
          RCLONE_CONFIG_BENCH_TYPE: 's3',
          RCLONE_CONFIG_BENCH_PROVIDER: 'Ceph',
          RCLONE_CONFIG_BENCH_ENDPOINT: s3.endpoint,
          RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID,
          RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY,
          RCLONE_CONFIG_BENCH_REGION: 'us-east-1',
          RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
        },
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`rclone copy failed: ${r.stderr.slice(0, 400)}`);
      rclone.push((performance.now() - t) / 1000);
    }
  } finally {
    doc.lock();
    admin.destroy();
  }
  const huellaSeconds = median(huella);
  const rcloneSeconds = median(rclone);
  const ratio = rcloneSeconds / huellaSeconds;
  return { mib: options.mib, huellaSeconds, rcloneSeconds, ratio, goalMet: ratio >= PUSH_GOAL_RATIO };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { mib: { type: 'string', default: '1024' }, runs: { type: 'string', default: '3' } } });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huella-bench-push-'));
  try {
    const r = await benchPush({ mib: Number(values.mib), runs: Number(values.runs), workDir });
    console.log(`push ${r.mib} MiB of originals to S3: huella ${r.huellaSeconds.toFixed(2)} s, rclone copy ${r.rcloneSeconds.toFixed(2)} s, ratio (rclone/huella) ${r.ratio.toFixed(2)}, goal >= 0.8: ${r.goalMet ? 'met' : 'NOT met'}`);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
