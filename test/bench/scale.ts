import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ingestWithCli, makeSmallJpegs } from './batch';
import { huellaCliRun } from './vault-verify';
import { BENCH_PASSPHRASE, freshVault } from './ingest-large';

/**
 * How cost grows with work (issue 19 item 6): batch ingest (no previews) of N small JPEGs into a fresh vault, and
 * `verify` of vaults of M objects, each as time per item and peak RSS, each in a fresh process. The ingest rows run
 * `huella ingest` as a user runs it (the built CLI through its shebang, like the batch rows), so their peak RSS is the
 * CLI's, not that of tsx and the library; their time per item is the whole command's time / N.
 * The command's fixed cost (start-up, unlock, the parse worker's start, close) is also measured, by the same command
 * importing one other photo into the same vault just before, and reported beside it (fixedSeconds): at 500 files it
 * is a visible share of the per-item figure, which a flat curve must be read with. It is not subtracted: at small
 * sizes on a loaded machine the difference of two noisy timings can come out negative (it did in the quick bench). A vault ten times
 * larger must not make each item slower: the per-item cost is compared with that of the smallest size. The photos
 * are small (~40–90 KB) so that 20,000 of them fit on a laptop's disk; the byte-heavy rows are in `batch`/`verify`.
 */
export type ScalePoint = {
  readonly items: number;
  /** The whole command (ingest) or the verify call alone (verify). */
  readonly seconds: number;
  /** Ingest: the same command importing one photo (start-up, unlock, worker start, close), for reading perItemMs. */
  readonly fixedSeconds?: number;
  readonly perItemMs: number;
  readonly peakRssMb: number;
};
export type ScaleResult = { readonly ingest: readonly ScalePoint[]; readonly verify: readonly ScalePoint[] };

function verifyInChild(vaultDir: string): { seconds: number; peakRssMb: number; objects: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'verify-child.ts'), vaultDir], {
    env: { ...process.env, HUELLA_PASSPHRASE: BENCH_PASSPHRASE, HUELLA_TEST_WEAK_KDF: '1' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`verify child failed: ${r.stderr}`);
  const m = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { seconds: number; maxRssKb: number; objects: number };
  return { seconds: m.seconds, peakRssMb: m.maxRssKb / 1024, objects: m.objects };
}

/** A folder holding the first `n` photos of `all` (hard links: no copy). */
function subset(all: string, n: number, dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(all).sort().slice(0, n)) fs.linkSync(path.join(all, f), path.join(dir, f));
  return dir;
}

/**
 * ingestSizes: batch sizes, each into a fresh vault. verifySizes: vault sizes; each is the vault of the ingest row of
 * the same size, or the vault of the largest smaller ingest topped up (untimed) to that size.
 */
export async function benchScale(opts: { ingestSizes: readonly number[]; verifySizes: readonly number[]; workDir: string; log: (s: string) => void }): Promise<ScaleResult> {
  const most = Math.max(...opts.ingestSizes, ...opts.verifySizes);
  opts.log(`scale: making ${most} small JPEGs`);
  // One more than the largest size: the last one is the photo of the fixed-cost run (never in a batch).
  const photos = await makeSmallJpegs(path.join(opts.workDir, 'scale-photos'), most + 1, 16, { min: 320, max: 480 });
  const probe = path.join(opts.workDir, 'scale-probe');
  fs.rmSync(probe, { recursive: true, force: true });
  fs.mkdirSync(probe);
  const last = fs.readdirSync(photos.dir).sort().at(-1)!;
  fs.linkSync(path.join(photos.dir, last), path.join(probe, last));
  huellaCliRun(['--version']); // a CLI rebuilt by the launcher (sources changed) is rebuilt here, not in a timed run
  const ingest: ScalePoint[] = [];
  const verify: ScalePoint[] = [];
  const vaults = new Map<number, string>();
  const sizes = [...new Set([...opts.ingestSizes, ...opts.verifySizes])].sort((a, b) => a - b);
  for (const n of sizes) {
    const dir = path.join(opts.workDir, `scale-vault-${n}`);
    await freshVault(dir);
    const input = subset(photos.dir, n, path.join(opts.workDir, `scale-in-${n}`));
    const fixed = ingestWithCli(dir, [probe], { previews: false, expect: 1 });
    opts.log(`scale: ingest of ${n} files`);
    const r = ingestWithCli(dir, [input], { previews: false, expect: n });
    const perItemMs = (r.seconds * 1000) / n;
    if (opts.ingestSizes.includes(n)) ingest.push({ items: n, seconds: r.seconds, fixedSeconds: fixed.seconds, perItemMs, peakRssMb: Math.max(r.peakRssMb, fixed.peakRssMb) });
    fs.rmSync(input, { recursive: true, force: true });
    vaults.set(n, dir);
    if (opts.verifySizes.includes(n)) {
      opts.log(`scale: verify of ${n} objects`);
      const v = verifyInChild(dir);
      verify.push({ items: v.objects, seconds: v.seconds, perItemMs: (v.seconds * 1000) / v.objects, peakRssMb: v.peakRssMb });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.rmSync(photos.dir, { recursive: true, force: true });
  fs.rmSync(probe, { recursive: true, force: true });
  return { ingest, verify };
}
