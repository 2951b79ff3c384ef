import fs from 'node:fs';
import path from 'node:path';
import { ingestWithCli, makeSmallJpegs } from './batch';
import { huellaCliRun } from './vault-verify';
import { freshVault } from './ingest-large';

/**
 * How cost grows with work (issue 19 item 6): batch ingest (no previews) of N small JPEGs into a fresh vault, and
 * `verify` of vaults of M objects, each as time per item and peak RSS, each in a fresh process. Both run the command
 * as a user runs it (`huella ingest`, `huella verify`: the built CLI through its shebang, like the batch and verify
 * rows), so their peak RSS is the CLI's, not that of tsx and the library; their time per item is the whole command's
 * time / N. The command's fixed cost (start-up, unlock, the parse or crypto workers' start, close) is also measured,
 * by the same command on the same vault when it holds one other photo only (imported just before the batch), and
 * reported beside it (fixedSeconds): at 500 files it
 * is a visible share of the per-item figure, which a flat curve must be read with. It is not subtracted: at small
 * sizes on a loaded machine the difference of two noisy timings can come out negative (it did in the quick bench). A vault ten times
 * larger must not make each item slower: the per-item cost is compared with that of the smallest size. The photos
 * are small (~40–90 KB) so that 20,000 of them fit on a laptop's disk; the byte-heavy rows are in `batch`/`verify`.
 */
export type ScalePoint = {
  readonly items: number;
  /** The whole command, start-up included. */
  readonly seconds: number;
  /** The same command on the vault holding one photo (start-up, unlock, workers' start, close), for reading perItemMs. */
  readonly fixedSeconds?: number;
  readonly perItemMs: number;
  readonly peakRssMb: number;
};
export type ScaleResult = { readonly ingest: readonly ScalePoint[]; readonly verify: readonly ScalePoint[] };

/** `huella verify --json` of the vault, as a user runs it: the whole command's time and its peak RSS. */
function verifyWithCli(vaultDir: string): { seconds: number; peakRssMb: number; objects: number } {
  const r = huellaCliRun(['verify', vaultDir, '--json']);
  const report = JSON.parse(r.stdout) as { ok: boolean; objects: number; problems: readonly unknown[] };
  if (!report.ok) throw new Error(`huella verify found problems in the scale vault: ${JSON.stringify(report.problems.slice(0, 3))}`);
  return { seconds: r.seconds, peakRssMb: r.peakRssMb, objects: report.objects };
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
    const fixedVerify = opts.verifySizes.includes(n) ? verifyWithCli(dir) : undefined;
    opts.log(`scale: ingest of ${n} files`);
    const r = ingestWithCli(dir, [input], { previews: false, expect: n });
    const perItemMs = (r.seconds * 1000) / n;
    if (opts.ingestSizes.includes(n)) ingest.push({ items: n, seconds: r.seconds, fixedSeconds: fixed.seconds, perItemMs, peakRssMb: Math.max(r.peakRssMb, fixed.peakRssMb) });
    fs.rmSync(input, { recursive: true, force: true });
    vaults.set(n, dir);
    if (opts.verifySizes.includes(n)) {
      opts.log(`scale: verify of ${n} objects`);
      const v = verifyWithCli(dir);
      verify.push({ items: v.objects, seconds: v.seconds, fixedSeconds: fixedVerify!.seconds, perItemMs: (v.seconds * 1000) / v.objects, peakRssMb: Math.max(v.peakRssMb, fixedVerify!.peakRssMb) });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.rmSync(photos.dir, { recursive: true, force: true });
  fs.rmSync(probe, { recursive: true, force: true });
  return { ingest, verify };
}
