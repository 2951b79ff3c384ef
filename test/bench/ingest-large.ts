import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createVault } from '../../main/archive/vault/vault';
import { ingestWithCli } from './batch';
import { huellaCliRun } from './vault-verify';
import { makeRandomFile, mbps, median, peakRssOfCommand, printTable, timeShell, type Row } from './lib';

/**
 * Ingest of one large file (hash + encrypt + durable write), next to the reference tools on the same bytes in the
 * same run: `age -r … -o out file; sync` and `openssl dgst -sha256 file` followed by that. Each ingest is
 * `huella ingest` as a user runs it (the built CLI through bin/huella.js's shebang, start-up and unlock included),
 * in a fresh process (so its peak RSS is its own) into a fresh vault; medians of `runs`. Through the library under
 * tsx (ingestInChild) the same 2 GiB ingest peaked at 286–300 MB, about 100 MB of it tsx itself: it loads and
 * transpiles the archive sources again in each worker thread (hash, two crypto), which no user process does.
 */
export type IngestLargeResult = {
  readonly bytes: number;
  readonly runs: number;
  readonly huellaSeconds: number;
  readonly huellaMBps: number;
  readonly peakRssMb: number;
  /** Peak RSS of the CLI's start-up and unlock alone: `huella ls --json` of the empty vault. */
  readonly baselineRssMb: number;
  /** Peak RSS of `age -r … -o out < file` on the same bytes (the reference for memory). */
  readonly agePeakRssMb: number;
  readonly ageSyncSeconds: number;
  readonly opensslThenAgeSeconds: number;
};

export const BENCH_PASSPHRASE = 'benchmark passphrase 1';
/** A recipient whose identity nobody keeps: the reference tools encrypt to it and the output is thrown away. */
export const BENCH_AGE_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

export type ChildIngest = { readonly seconds: number; readonly peakRssMb: number; readonly baselineRssMb: number };

/** One ingest (library ingestPaths) in a fresh process (ingest-child.ts), so its timing and peak RSS are its own. */
export function ingestInChild(vaultDir: string, inputs: readonly string[], opts: { previews?: boolean; expect?: number } = {}): ChildIngest {
  const args = [...inputs, '--expect', String(opts.expect ?? 1), ...(opts.previews ? ['--previews'] : [])];
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'ingest-child.ts'), vaultDir, ...args], {
    env: { ...process.env, HUELLA_PASSPHRASE: BENCH_PASSPHRASE, HUELLA_TEST_WEAK_KDF: '1' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`ingest child failed: ${r.stderr}`);
  const m = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { seconds: number; maxRssKb: number; rssBeforeKb: number };
  return { seconds: m.seconds, peakRssMb: m.maxRssKb / 1024, baselineRssMb: m.rssBeforeKb / 1024 };
}

/** An empty vault at `dir` (weak KDF: key derivation is reported separately; it is not what ingest measures). */
export async function freshVault(dir: string): Promise<void> {
  process.env.HUELLA_TEST_WEAK_KDF = '1';
  fs.rmSync(dir, { recursive: true, force: true });
  (await createVault(dir, BENCH_PASSPHRASE)).vault.lock();
}

export async function benchIngestLarge(opts: { bytes: number; runs: number; workDir: string }): Promise<IngestLargeResult> {
  const file = path.join(opts.workDir, `input-${opts.bytes}.bin`);
  makeRandomFile(file, opts.bytes);
  const ours: { seconds: number; peakRssMb: number }[] = [];
  const ageRuns: number[] = [];
  const sslRuns: number[] = [];
  const out = path.join(opts.workDir, 'out.age');
  for (let i = 0; i < opts.runs; i++) {
    const dir = path.join(opts.workDir, `vault-${i}`);
    await freshVault(dir);
    timeShell('sync');
    ours.push(ingestWithCli(dir, [file], { previews: false, expect: 1 }));
    fs.rmSync(dir, { recursive: true, force: true });
    timeShell('sync');
    ageRuns.push(timeShell(`age -r ${BENCH_AGE_RECIPIENT} -o ${out} ${file}; sync`));
    fs.rmSync(out, { force: true });
    timeShell('sync');
    sslRuns.push(timeShell(`openssl dgst -sha256 ${file} > /dev/null; age -r ${BENCH_AGE_RECIPIENT} -o ${out} ${file}; sync`));
    fs.rmSync(out, { force: true });
  }
  const baseDir = path.join(opts.workDir, 'vault-baseline');
  await freshVault(baseDir);
  const baselineRssMb = huellaCliRun(['ls', baseDir, '--json']).peakRssMb;
  fs.rmSync(baseDir, { recursive: true, force: true });
  const agePeakRssMb = await peakRssOfCommand('age', ['-r', BENCH_AGE_RECIPIENT, '-o', out], file);
  fs.rmSync(out, { force: true });
  fs.rmSync(file, { force: true });
  const huellaSeconds = median(ours.map((o) => o.seconds));
  return {
    bytes: opts.bytes,
    runs: opts.runs,
    huellaSeconds,
    huellaMBps: mbps(opts.bytes, huellaSeconds),
    peakRssMb: Math.max(...ours.map((o) => o.peakRssMb)),
    baselineRssMb,
    agePeakRssMb,
    ageSyncSeconds: median(ageRuns),
    opensslThenAgeSeconds: median(sslRuns),
  };
}

export function ingestLargeRows(r: IngestLargeResult): Row[] {
  const gib = (r.bytes / 1024 ** 3).toFixed(r.bytes >= 1024 ** 3 ? 0 : 2);
  return [
    { name: `ingest ${gib} GiB (s)`, ours: r.huellaSeconds.toFixed(2), referenceName: 'age -r …; sync', reference: r.ageSyncSeconds.toFixed(2), ratio: `${(r.ageSyncSeconds / r.huellaSeconds).toFixed(2)}×` },
    { name: `ingest ${gib} GiB (s)`, ours: r.huellaSeconds.toFixed(2), referenceName: 'openssl dgst -sha256; age; sync', reference: r.opensslThenAgeSeconds.toFixed(2), ratio: `${(r.opensslThenAgeSeconds / r.huellaSeconds).toFixed(2)}×` },
    { name: `ingest ${gib} GiB peak RSS (MB)`, ours: r.peakRssMb.toFixed(0), referenceName: 'age -r … (peak RSS)', reference: r.agePeakRssMb.toFixed(0), ratio: `${(r.agePeakRssMb / r.peakRssMb).toFixed(2)}×` },
  ];
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const mib = Number(process.argv[2] ?? 1024);
  const runs = Number(process.argv[3] ?? 3);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huella-bench-ingest-'));
  try {
    const r = await benchIngestLarge({ bytes: mib * 1024 * 1024, runs, workDir });
    printTable(`Ingest of one ${mib} MiB file, median of ${runs} runs (ratio > 1: huella faster)`, ingestLargeRows(r));
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
