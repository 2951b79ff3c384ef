import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createVault } from '../../main/archive/vault/vault';
import { makeRandomFile, mbps, median, printTable, timeShell, type Row } from './lib';

/**
 * Ingest of one large file (hash + encrypt + durable write), next to the reference tools on the same bytes in the
 * same run: `age -r … -o out file; sync` and `openssl dgst -sha256 file` followed by that. Each ingest runs in a
 * fresh process (so its peak RSS is its own) into a fresh vault; medians of `runs`.
 */
export type IngestLargeResult = {
  readonly bytes: number;
  readonly runs: number;
  readonly huellaSeconds: number;
  readonly huellaMBps: number;
  readonly peakRssMb: number;
  readonly baselineRssMb: number;
  readonly ageSyncSeconds: number;
  readonly opensslThenAgeSeconds: number;
};

export async function benchIngestLarge(opts: { bytes: number; runs: number; workDir: string }): Promise<IngestLargeResult> {
  process.env.HUELLA_TEST_WEAK_KDF = '1'; // key derivation is reported separately; it is not what this measures
  const passphrase = 'benchmark passphrase 1';
  const file = path.join(opts.workDir, `input-${opts.bytes}.bin`);
  makeRandomFile(file, opts.bytes);
  const recipient = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
  const ours: number[] = [];
  const rss: number[] = [];
  const base: number[] = [];
  const ageRuns: number[] = [];
  const sslRuns: number[] = [];
  const out = path.join(opts.workDir, 'out.age');
  for (let i = 0; i < opts.runs; i++) {
    const dir = path.join(opts.workDir, `vault-${i}`);
    fs.rmSync(dir, { recursive: true, force: true });
    (await createVault(dir, passphrase)).vault.lock();
    timeShell('sync');
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'ingest-child.ts'), dir, file], {
      env: { ...process.env, HUELLA_PASSPHRASE: passphrase },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`ingest child failed: ${r.stderr}`);
    const m = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { seconds: number; maxRssKb: number; rssBeforeKb: number };
    ours.push(m.seconds);
    rss.push(m.maxRssKb / 1024);
    base.push(m.rssBeforeKb / 1024);
    fs.rmSync(dir, { recursive: true, force: true });
    timeShell('sync');
    ageRuns.push(timeShell(`age -r ${recipient} -o ${out} ${file}; sync`));
    fs.rmSync(out, { force: true });
    timeShell('sync');
    sslRuns.push(timeShell(`openssl dgst -sha256 ${file} > /dev/null; age -r ${recipient} -o ${out} ${file}; sync`));
    fs.rmSync(out, { force: true });
  }
  fs.rmSync(file, { force: true });
  const huellaSeconds = median(ours);
  return {
    bytes: opts.bytes,
    runs: opts.runs,
    huellaSeconds,
    huellaMBps: mbps(opts.bytes, huellaSeconds),
    peakRssMb: Math.max(...rss),
    baselineRssMb: median(base),
    ageSyncSeconds: median(ageRuns),
    opensslThenAgeSeconds: median(sslRuns),
  };
}

export function ingestLargeRows(r: IngestLargeResult): Row[] {
  const gib = (r.bytes / 1024 ** 3).toFixed(r.bytes >= 1024 ** 3 ? 0 : 2);
  return [
    { name: `ingest ${gib} GiB (s)`, ours: r.huellaSeconds.toFixed(2), referenceName: 'age -r …; sync', reference: r.ageSyncSeconds.toFixed(2), ratio: `${(r.ageSyncSeconds / r.huellaSeconds).toFixed(2)}×` },
    { name: `ingest ${gib} GiB (s)`, ours: r.huellaSeconds.toFixed(2), referenceName: 'openssl dgst -sha256; age; sync', reference: r.opensslThenAgeSeconds.toFixed(2), ratio: `${(r.opensslThenAgeSeconds / r.huellaSeconds).toFixed(2)}×` },
    { name: `ingest ${gib} GiB peak RSS (MB)`, ours: r.peakRssMb.toFixed(0), referenceName: `(process baseline before ingest)`, reference: r.baselineRssMb.toFixed(0), ratio: '' },
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
