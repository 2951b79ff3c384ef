import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HUELLA_BIN, REPO } from '../helpers/cli';
import { BENCH_PASSPHRASE } from './ingest-large';
import { median, timed, timeShell } from './lib';

/**
 * `huella verify <vault>` (the CLI, as a user runs it: custody chain, signatures, Merkle tree, checkpoints, then
 * every object decrypted and its hash checked) next to `openssl dgst -sha256` over the same plaintext files.
 * The CLI's own start-up (launcher + unlock) is inside our figure and reported alone as `cliStartSeconds`.
 */
export type VaultVerifyResult = {
  readonly runs: number;
  readonly huellaSeconds: number;
  readonly objects: number;
  readonly bytesHashed: number;
  readonly opensslSeconds: number;
  /** `huella --help`: what any CLI call pays before doing anything. */
  readonly cliStartSeconds: number;
  /** The largest peak RSS of the verify runs (the CLI process, every thread). */
  readonly peakRssMb: number;
};

type VerifyJson = { readonly ok: boolean; readonly objects: number; readonly bytesHashed: number; readonly problems: readonly unknown[] };

/**
 * Loaded before the CLI (`node --import`): at exit, writes the process's peak RSS in KiB (all threads: the crypto
 * workers too) to the file named by HUELLA_BENCH_RSS_FILE. VmHWM of /proc/self/status, the high-water mark of this
 * program's own memory; not getrusage's maxRSS (process.resourceUsage), which Linux carries over fork and execve: a
 * child of the bench started with at least the bench process's own peak (the scale rows all read 336 MB, the bench's
 * size after making 20,000 photos). maxRSS only where /proc is missing.
 */
const PEAK_RSS_HOOK = `data:text/javascript,${encodeURIComponent(
  "import fs from 'node:fs'; process.on('exit', () => { let kb; try { kb = /VmHWM:\\s*(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1]; } catch {} fs.writeFileSync(process.env.HUELLA_BENCH_RSS_FILE, String(kb ?? process.resourceUsage().maxRSS)); });",
)}`;

/**
 * How a user's `huella` starts: bin/huella.js run through its shebang (`#!/usr/bin/env -S VAR=… node --flag …`), so
 * with the environment settings and Node flags it names (they bound the CLI's memory), not a bare `node bin/huella.js`.
 * Read from the file itself, so the bench follows the launcher when its shebang changes.
 */
export function huellaLaunch(): { readonly env: Readonly<Record<string, string>>; readonly nodeArgs: readonly string[] } {
  const first = fs.readFileSync(HUELLA_BIN, 'utf8').split('\n', 1)[0]!;
  const m = /^#!\/usr\/bin\/env(?: -S)? (.*)$/.exec(first);
  if (!m) throw new Error(`${HUELLA_BIN}: unexpected shebang ${first}`);
  const words = m[1]!.trim().split(/\s+/);
  const node = words.indexOf('node');
  if (node < 0) throw new Error(`${HUELLA_BIN}: the shebang does not run node: ${first}`);
  const env: Record<string, string> = {};
  for (const w of words.slice(0, node)) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new Error(`${HUELLA_BIN}: unexpected word before node in the shebang: ${w}`);
    env[w.slice(0, eq)] = w.slice(eq + 1);
  }
  return { env, nodeArgs: words.slice(node + 1) };
}

/** Runs the huella CLI with the benchmark vault's passphrase; throws unless it exits 0. */
export function huellaCli(args: readonly string[]): string {
  return huellaCliRun(args).stdout;
}

/** As huellaCli, run as a user runs it (huellaLaunch), with the command's wall time (start-up included) and peak RSS (MB). */
export function huellaCliRun(args: readonly string[]): { readonly stdout: string; readonly seconds: number; readonly peakRssMb: number } {
  const rssFile = path.join(os.tmpdir(), `huella-bench-rss-${process.pid}-${Date.now()}`);
  const launch = huellaLaunch();
  try {
    const t = performance.now();
    const r = spawnSync(process.execPath, [...launch.nodeArgs, '--import', PEAK_RSS_HOOK, HUELLA_BIN, ...args], {
      cwd: REPO,
      env: { ...process.env, ...launch.env, HUELLA_PASSPHRASE: BENCH_PASSPHRASE, HUELLA_TEST_WEAK_KDF: '1', HUELLA_BENCH_RSS_FILE: rssFile },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    const seconds = (performance.now() - t) / 1000;
    if (r.status !== 0) throw new Error(`huella ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout.slice(0, 2000)}`);
    return { stdout: r.stdout, seconds, peakRssMb: Number(fs.readFileSync(rssFile, 'utf8')) / 1024 };
  } finally {
    fs.rmSync(rssFile, { force: true });
  }
}

export async function benchVaultVerify(opts: { vaultDir: string; plainDir: string; runs: number }): Promise<VaultVerifyResult> {
  const ours: number[] = [];
  const ref: number[] = [];
  let last: VerifyJson | undefined;
  let peakRssMb = 0;
  for (let i = 0; i < opts.runs; i++) {
    const run = await timed(() => huellaCliRun(['verify', opts.vaultDir, '--json']));
    const report = JSON.parse(run.value.stdout) as VerifyJson;
    if (!report.ok) throw new Error(`huella verify found problems in the benchmark vault: ${JSON.stringify(report.problems.slice(0, 3))}`);
    ours.push(run.seconds);
    peakRssMb = Math.max(peakRssMb, run.value.peakRssMb);
    last = report;
    ref.push(timeShell(`find ${opts.plainDir} -type f -print0 | xargs -0 openssl dgst -sha256 > /dev/null`));
  }
  const start = await timed(() => huellaCli(['--help']));
  return { runs: opts.runs, huellaSeconds: median(ours), objects: last!.objects, bytesHashed: last!.bytesHashed, opensslSeconds: median(ref), cliStartSeconds: start.seconds, peakRssMb };
}
