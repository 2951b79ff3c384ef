/**
 * `npm run bench` (issue 9): every benchmark in one command, each figure next to a reference tool measured in the same
 * run on the same bytes, as a table (and `--json` for scripts that compare runs). Inputs are made here by scripts;
 * nothing is downloaded. The work folder (under the OS temp folder) is removed at the end.
 *
 *   npm run bench -- [--quick] [--json] [--runs N] [--only start,ingest,kdf,batch,verify,packet,search,strip,push] [--cache DIR]
 *
 * push needs the S3 gateway (S3_ENDPOINT and AWS keys: `source` the environment ../shared/tools/s3-ceph-up.sh prints)
 * and rclone (scripts/test-tools.txt).
 *
 * --quick: tiny sizes and one run (seconds; what `npm test` runs). --cache DIR keeps the generated search vault
 * (100,000 items take minutes to make) in DIR and reuses it on the next run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { shutdownIngestWorkers } from '../../main/archive/ingest/ingest';
import { benchCliStart, type CliStartResult } from './cli-start';
import { benchBatchIngest, makeSmallJpegs, type BatchIngestResult, type SmallJpegs } from './batch';
import { benchIngestLarge, freshVault, ingestInChild, type IngestLargeResult } from './ingest-large';
import { benchKdf, type KdfResult } from './kdf';
import { printTable, timeShell } from './lib';
import { benchPacketVerify, type PacketVerifyResult } from './packet-verify';
import { benchPush, PUSH_GOAL_RATIO, type PushBench } from './push-s3';
import { benchSearch, type BenchResult as SearchResult } from './search';
import { benchScale, type ScalePoint, type ScaleResult } from './scale';
import { benchStrip, stripBenchPlace, type StripBenchResult } from './strip';
import { benchVaultVerify, type VaultVerifyResult } from './vault-verify';

/** In this order; push last: it alone needs the S3 gateway and rclone (a missing one stops it with its name, after every other figure). */
export const SECTIONS = ['start', 'ingest', 'kdf', 'batch', 'verify', 'packet', 'search', 'strip', 'push', 'scale'] as const;
export type Section = (typeof SECTIONS)[number];

/**
 * One figure. Every figure is lower-is-better (seconds, milliseconds, megabytes), and `ratio` is always
 * referenceValue / huella: above 1, Huella is faster (or smaller) than the reference.
 */
export type Measure = {
  readonly section: Section;
  readonly measure: string;
  readonly unit: 's' | 'ms' | 'MB';
  readonly huella: number;
  /** The reference tool (or, where no tool does the same job, the issue's goal), on the same bytes in the same run. */
  readonly reference: string;
  readonly referenceValue: number;
  readonly ratio: number;
  /** How our figure was taken: the CLI where a user runs the CLI, the library where process start-up would distort it. */
  readonly via: 'cli' | 'library';
  readonly goal?: { readonly text: string; readonly met: boolean };
};

export type Sizes = {
  readonly ingestMiB: readonly number[];
  readonly smallJpegs: number;
  /** Of which rendered one by one (the others are byte-unique copies): rendering is the slow part of making inputs. */
  readonly smallJpegsDistinct: number;
  readonly packetItems: number;
  readonly searchItems: number;
  readonly searchQueries: number;
  readonly stripPhotos: number;
  readonly stripMegapixels: number;
  readonly stripDistinct: number;
  readonly pushMiB: number;
  /** Issue 19 item 6: batch sizes of the ingest rows, vault sizes of the verify rows, of the scale section. */
  readonly scaleIngest: readonly number[];
  readonly scaleVerify: readonly number[];
};

export const FULL_SIZES: Sizes = { ingestMiB: [256, 1024, 2048], smallJpegs: 5000, smallJpegsDistinct: 24, packetItems: 200, searchItems: 100_000, searchQueries: 200, stripPhotos: 200, stripMegapixels: 12, stripDistinct: 8, pushMiB: 1024, scaleIngest: [500, 5000, 20_000], scaleVerify: [1000, 5000, 20_000] };
export const QUICK_SIZES: Sizes = { ingestMiB: [4, 8, 16], smallJpegs: 50, smallJpegsDistinct: 4, packetItems: 10, searchItems: 1000, searchQueries: 10, stripPhotos: 10, stripMegapixels: 1, stripDistinct: 1, pushMiB: 8, scaleIngest: [20, 60], scaleVerify: [20, 60] };

export type BenchReport = {
  readonly format: 'huella-bench/1';
  readonly startedAt: string;
  readonly seconds: number;
  readonly machine: {
    readonly node: string;
    readonly platform: string;
    readonly arch: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly totalMemMB: number;
    readonly loadAverageAtStart: readonly number[];
    readonly loadAverageAtEnd: readonly number[];
  };
  readonly options: { readonly quick: boolean; readonly runs: number; readonly sections: readonly Section[]; readonly sizes: Sizes };
  /** The conventions of `measures`, in words (also printed over the table). */
  readonly ratioConvention: string;
  readonly measures: readonly Measure[];
  /** Every figure each section measured, beyond those in `measures`. */
  readonly details: {
    start?: CliStartResult;
    ingest?: readonly IngestLargeResult[];
    kdf?: KdfResult;
    batch?: BatchIngestResult;
    verify?: VaultVerifyResult;
    packet?: PacketVerifyResult;
    search?: SearchResult & { readonly dbReadSeconds: number; readonly reusedVault: boolean };
    strip?: StripBenchResult & { readonly megapixels: number };
    push?: PushBench;
    scale?: ScaleResult;
  };
};

export const RATIO_CONVENTION = 'ratio = reference / huella; every figure is lower-is-better, so ratio > 1 means Huella is faster (or uses less memory)';

const RSS_GOAL_MB = 200;
/** Issue 19 item 6: the time per item at any size within this factor of the time per item at the smallest size. */
const FLAT_FACTOR = 1.25;
/** "Flat as the file grows": the largest file's peak may exceed the smallest's by at most this much. */
const RSS_FLAT_SLACK_MB = 32;
const SEARCH_GOAL_MS = { p50: 20, p99: 100 };
const STRIP_GOAL_RATIO = 2;
/** Issue 19: ratios (reference / huella) each row must reach. */
const BATCH_GOAL_RATIO = 0.8;
const VERIFY_GOAL_RATIO = 0.7;
const PACKET_GOAL_RATIO = 1.0;
/** Issue 19: `huella --version` within 1.5× of `node -e 0`. */
const START_GOAL_FACTOR = 1.5;
const START_RUNS = { full: 30, quick: 3 };

type Ctx = { readonly workDir: string; readonly runs: number; readonly sizes: Sizes; readonly cacheDir?: string; readonly log: (s: string) => void };

function measure(m: Omit<Measure, 'ratio'>): Measure {
  return { ...m, ratio: m.referenceValue / m.huella };
}

const mib = (n: number): string => (n >= 1024 ? `${n / 1024} GiB` : `${n} MiB`);

async function ingestSection(ctx: Ctx, details: BenchReport['details']): Promise<Measure[]> {
  const results: IngestLargeResult[] = [];
  for (const size of ctx.sizes.ingestMiB) {
    ctx.log(`ingest: ${mib(size)} × ${ctx.runs} runs, each next to age and openssl+age`);
    results.push(await benchIngestLarge({ bytes: size * 1024 * 1024, runs: ctx.runs, workDir: ctx.workDir }));
  }
  details.ingest = results;
  const largest = results.at(-1)!;
  const smallest = results[0]!;
  const label = mib(ctx.sizes.ingestMiB.at(-1)!);
  const flat = largest.peakRssMb <= smallest.peakRssMb + RSS_FLAT_SLACK_MB;
  return [
    measure({ section: 'ingest', measure: `ingest one ${label} file`, unit: 's', huella: largest.huellaSeconds, reference: 'age -r R -o out file; sync', referenceValue: largest.ageSyncSeconds, via: 'cli', goal: { text: '≥ 1.0× age alone (issue 19)', met: largest.huellaSeconds <= largest.ageSyncSeconds } }),
    measure({ section: 'ingest', measure: `ingest one ${label} file`, unit: 's', huella: largest.huellaSeconds, reference: 'openssl dgst -sha256 file; age …; sync', referenceValue: largest.opensslThenAgeSeconds, via: 'cli' }),
    ...results.map((r, i) =>
      measure({
        section: 'ingest',
        measure: `peak RSS, ingest of ${mib(ctx.sizes.ingestMiB[i]!)}`,
        unit: 'MB',
        huella: r.peakRssMb,
        reference: 'age -r R -o out < file (peak RSS)',
        referenceValue: r.agePeakRssMb,
        via: 'cli',
        goal: r === largest ? { text: `≤ ${RSS_GOAL_MB} MB, flat (≤ peak at ${mib(ctx.sizes.ingestMiB[0]!)} + ${RSS_FLAT_SLACK_MB} MB)`, met: r.peakRssMb <= RSS_GOAL_MB && flat } : { text: `≤ ${RSS_GOAL_MB} MB`, met: r.peakRssMb <= RSS_GOAL_MB },
      }),
    ),
  ];
}

async function startSection(ctx: Ctx, details: BenchReport['details']): Promise<Measure[]> {
  const runs = ctx.sizes === QUICK_SIZES ? START_RUNS.quick : START_RUNS.full;
  ctx.log(`start: huella --version and node -e 0, ${runs} runs each, interleaved`);
  const r = benchCliStart(runs);
  details.start = r;
  return [
    measure({ section: 'start', measure: 'CLI cold start, huella --version', unit: 'ms', huella: r.huellaSeconds * 1000, reference: 'node -e 0', referenceValue: r.nodeSeconds * 1000, via: 'cli', goal: { text: `≤ ${START_GOAL_FACTOR}× node -e 0`, met: r.huellaSeconds <= START_GOAL_FACTOR * r.nodeSeconds } }),
  ];
}

async function kdfSection(ctx: Ctx, details: BenchReport['details']): Promise<Measure[]> {
  ctx.log(`kdf: Argon2id (real parameters) × ${ctx.runs} next to openssl kdf SCRYPT`);
  const r = await benchKdf({ runs: ctx.runs });
  details.kdf = r;
  return [measure({ section: 'kdf', measure: `key derivation, Argon2id ${r.memlimitMiB} MiB ops ${r.opslimit}`, unit: 's', huella: r.huellaSeconds, reference: 'openssl kdf SCRYPT N=2^18 (age -p cost)', referenceValue: r.opensslScryptSeconds, via: 'library' })];
}

/** The small photos and a vault holding them, shared by the batch, verify and packet sections. */
class BatchInputs {
  private photos?: SmallJpegs;
  private vault?: string;
  constructor(private readonly ctx: Ctx) {}

  async jpegs(): Promise<SmallJpegs> {
    this.ctx.log(this.photos ? '' : `making ${this.ctx.sizes.smallJpegs} JPEGs with Exif (50–500 KB)`);
    this.photos ??= await makeSmallJpegs(path.join(this.ctx.workDir, 'photos'), this.ctx.sizes.smallJpegs, this.ctx.sizes.smallJpegsDistinct);
    return this.photos;
  }

  setVault(dir: string): void {
    this.vault = dir;
  }

  /** The batch section's vault, or (when it did not run) one made by a single untimed ingest of the same photos. */
  async vaultDir(): Promise<string> {
    if (!this.vault) {
      const photos = await this.jpegs();
      const dir = path.join(this.ctx.workDir, 'batch-vault');
      this.ctx.log('ingesting the photos once (untimed) for verify/packet');
      await freshVault(dir);
      ingestInChild(dir, [photos.dir], { previews: true, expect: photos.files });
      this.vault = dir;
    }
    return this.vault;
  }
}

async function batchSection(ctx: Ctx, inputs: BatchInputs, details: BenchReport['details']): Promise<Measure[]> {
  const photos = await inputs.jpegs();
  ctx.log(`batch: ${photos.files} JPEGs (${(photos.bytes / 1e6).toFixed(0)} MB) × ${ctx.runs} runs, with and without previews, next to tar | age`);
  const r = await benchBatchIngest({ photos, runs: ctx.runs, workDir: ctx.workDir });
  inputs.setVault(r.vaultDir);
  details.batch = r;
  const ref = 'tar cf - dir | age -r R > out; sync';
  return [
    measure({ section: 'batch', measure: `batch ingest ${r.files} JPEGs, with previews`, unit: 's', huella: r.withPreviewsSeconds, reference: ref, referenceValue: r.tarAgeSyncSeconds, via: 'cli' }),
    measure({ section: 'batch', measure: `batch ingest ${r.files} JPEGs, no previews`, unit: 's', huella: r.withoutPreviewsSeconds, reference: ref, referenceValue: r.tarAgeSyncSeconds, via: 'cli', goal: { text: `≥ ${BATCH_GOAL_RATIO}× (issue 19)`, met: r.tarAgeSyncSeconds / r.withoutPreviewsSeconds >= BATCH_GOAL_RATIO } }),
    measure({ section: 'batch', measure: `peak RSS, batch ingest of ${r.files} JPEGs`, unit: 'MB', huella: r.peakRssMb, reference: `goal (issue 19): ≤ ${RSS_GOAL_MB} MB`, referenceValue: RSS_GOAL_MB, via: 'cli', goal: { text: `≤ ${RSS_GOAL_MB} MB`, met: r.peakRssMb <= RSS_GOAL_MB } }),
  ];
}

async function verifySection(ctx: Ctx, inputs: BatchInputs, details: BenchReport['details']): Promise<Measure[]> {
  const vaultDir = await inputs.vaultDir();
  const photos = await inputs.jpegs();
  ctx.log(`verify: huella verify × ${ctx.runs} next to openssl dgst -sha256 over the ${photos.files} plaintext files`);
  const r = await benchVaultVerify({ vaultDir, plainDir: photos.dir, runs: ctx.runs });
  details.verify = r;
  return [
    measure({ section: 'verify', measure: `huella verify, ${r.objects} objects (${(r.bytesHashed / 1e6).toFixed(0)} MB)`, unit: 's', huella: r.huellaSeconds, reference: `openssl dgst -sha256 (${photos.files} plaintexts)`, referenceValue: r.opensslSeconds, via: 'cli', goal: { text: `≥ ${VERIFY_GOAL_RATIO}× (issue 19)`, met: r.opensslSeconds / r.huellaSeconds >= VERIFY_GOAL_RATIO } }),
    measure({ section: 'verify', measure: `peak RSS, huella verify of ${r.objects} objects`, unit: 'MB', huella: r.peakRssMb, reference: `goal (issue 19): ≤ ${RSS_GOAL_MB} MB`, referenceValue: RSS_GOAL_MB, via: 'cli', goal: { text: `≤ ${RSS_GOAL_MB} MB`, met: r.peakRssMb <= RSS_GOAL_MB } }),
  ];
}

async function packetSection(ctx: Ctx, inputs: BatchInputs, details: BenchReport['details']): Promise<Measure[]> {
  const vaultDir = await inputs.vaultDir();
  ctx.log(`packet: export of ${ctx.sizes.packetItems} photos, then huella packet verify × ${ctx.runs} next to sha256sum -c + minisign -V`);
  const r = await benchPacketVerify({ vaultDir, items: ctx.sizes.packetItems, runs: ctx.runs, workDir: ctx.workDir });
  details.packet = r;
  return [measure({ section: 'packet', measure: `packet verify, ${r.items} items (${(r.payloadBytes / 1e6).toFixed(0)} MB)`, unit: 's', huella: r.huellaSeconds, reference: 'sha256sum -c manifest; minisign -Vm tagmanifest', referenceValue: r.sha256sumMinisignSeconds, via: 'cli', goal: { text: `≥ ${PACKET_GOAL_RATIO}× (issue 19)`, met: r.sha256sumMinisignSeconds / r.huellaSeconds >= PACKET_GOAL_RATIO } })];
}

/** Where the search vault lives: the cache (kept, reused once complete) or the work folder. */
function searchVaultPlace(ctx: Ctx): { workDir: string; dir: string; reuse: boolean; complete?: string } {
  if (!ctx.cacheDir) return { workDir: ctx.workDir, dir: path.join(ctx.workDir, `bench-${ctx.sizes.searchItems}`), reuse: false };
  fs.mkdirSync(ctx.cacheDir, { recursive: true });
  const dir = path.join(ctx.cacheDir, `bench-${ctx.sizes.searchItems}`);
  // The marker is written only after generation finished: a half-made vault (interrupted run) is made again.
  const complete = `${dir}.complete`;
  const reuse = fs.existsSync(complete) && fs.existsSync(dir);
  if (!reuse) fs.rmSync(dir, { recursive: true, force: true });
  return { workDir: ctx.cacheDir, dir, reuse, complete };
}

async function searchSection(ctx: Ctx, details: BenchReport['details']): Promise<Measure[]> {
  const place = searchVaultPlace(ctx);
  ctx.log(`search: ${place.reuse ? `reusing ${place.dir}` : `generating ${ctx.sizes.searchItems} items`}, ${ctx.sizes.searchQueries} queries of each kind`);
  const r = await benchSearch({ items: ctx.sizes.searchItems, workDir: place.workDir, queries: ctx.sizes.searchQueries, ...(place.reuse ? { reuse: place.dir } : {}), log: ctx.log });
  if (place.complete && !place.reuse) fs.writeFileSync(place.complete, `${new Date().toISOString()}\n`);
  const dbReadSeconds = timeShell(`cat ${path.join(place.dir, 'archive.db')} > /dev/null`);
  details.search = { ...r, dbReadSeconds, reusedVault: place.reuse };
  const goal = (p: 'p50' | 'p99'): Omit<Measure, 'ratio' | 'huella'> => ({
    section: 'search',
    measure: `search ${p}, ${r.items} items (all query kinds)`,
    unit: 'ms',
    reference: `goal (issue 5): ≤ ${SEARCH_GOAL_MS[p]} ms`,
    referenceValue: SEARCH_GOAL_MS[p],
    via: 'library',
  });
  return [
    measure({ ...goal('p50'), huella: r.allP50Ms, goal: { text: `≤ ${SEARCH_GOAL_MS.p50} ms`, met: r.allP50Ms <= SEARCH_GOAL_MS.p50 } }),
    measure({ ...goal('p99'), huella: r.allP99Ms, goal: { text: `≤ ${SEARCH_GOAL_MS.p99} ms`, met: r.allP99Ms <= SEARCH_GOAL_MS.p99 } }),
    measure({ section: 'search', measure: `vault open after key derivation, ${r.items} items`, unit: 's', huella: r.openSeconds, reference: `cat archive.db > /dev/null (${(r.dbBytes / 1e6).toFixed(0)} MB)`, referenceValue: dbReadSeconds, via: 'library' }),
  ];
}

async function stripSection(ctx: Ctx, details: BenchReport['details']): Promise<Measure[]> {
  const { stripPhotos: count, stripMegapixels: megapixels, stripDistinct: distinct } = ctx.sizes;
  ctx.log(`strip: ${count} JPEGs of ${megapixels} MP × ${ctx.runs} runs next to exiftool -all=, in ${stripBenchPlace().dir}`);
  // Not in ctx.workDir: in the place test/bench/strip.ts run alone uses too (see stripBenchPlace for why).
  const r = await benchStrip({ count, megapixels, runs: ctx.runs, distinct });
  details.strip = { ...r, megapixels };
  const clean = r.filesWithLeaks.ours === 0 && r.losslessFiles.ours === r.files;
  const quality = `lossless ${r.losslessFiles.ours}/${r.files}, leaks ${r.filesWithLeaks.ours}`;
  const where = `files on ${r.place.fileSystem} (${r.place.dir})`;
  const exiftool = 'exiftool -all= -o outdir/ (one process)';
  return [
    measure({ section: 'strip', measure: `strip ${count} JPEGs × ${megapixels} MP, one at a time in order, from vault objects (the export's path: each decrypted whole on a crypto worker while the one before is stripped), ${where}`, unit: 's', huella: r.oursVault.medianSeconds, reference: `${exiftool}, on the plaintext files`, referenceValue: r.exiftool.medianSeconds, via: 'library', goal: { text: `≥ ${STRIP_GOAL_RATIO}×, ${quality}`, met: r.ratio >= STRIP_GOAL_RATIO && clean } }),
    measure({ section: 'strip', measure: `CPU time (user+sys, all threads) of the same, from vault objects`, unit: 's', huella: r.oursVault.cpuSeconds, reference: 'exiftool -all= (its CPU time)', referenceValue: r.exiftool.cpuSeconds, via: 'library' }),
    measure({ section: 'strip', measure: `strip ${count} JPEGs × ${megapixels} MP, one at a time, from plaintext files`, unit: 's', huella: r.ours.medianSeconds, reference: exiftool, referenceValue: r.exiftool.medianSeconds, via: 'library' }),
    measure({ section: 'strip', measure: `strip ${count} JPEGs × ${megapixels} MP, from plaintext files, 4 at a time`, unit: 's', huella: r.oursConcurrent.medianSeconds, reference: exiftool, referenceValue: r.exiftool.medianSeconds, via: 'library' }),
  ];
}

async function pushSection(ctx: Ctx, details: BenchReport['details']): Promise<Measure[]> {
  ctx.log(`push: huella push of ${mib(ctx.sizes.pushMiB)} of originals to S3 × ${ctx.runs} runs, each next to rclone copy of the same files to the same bucket`);
  const dir = path.join(ctx.workDir, 'push');
  fs.mkdirSync(dir);
  const r = await benchPush({ mib: ctx.sizes.pushMiB, runs: ctx.runs, workDir: dir });
  fs.rmSync(dir, { recursive: true, force: true });
  details.push = r;
  return [
    measure({ section: 'push', measure: `push ${mib(r.mib)} of originals (8 files) to S3`, unit: 's', huella: r.huellaSeconds, reference: 'rclone copy (S3 backend, --transfers 4)', referenceValue: r.rcloneSeconds, via: 'library', goal: { text: `≥ ${PUSH_GOAL_RATIO}× rclone`, met: r.goalMet } }),
  ];
}

function scaleRows(kind: 'ingest' | 'verify', points: readonly ScalePoint[]): Measure[] {
  const first = points[0];
  if (!first) return [];
  const what = kind === 'ingest' ? (n: number) => `ingest of ${n} JPEGs (fresh vault, no previews, start-up included)` : (n: number) => `verify of ${n} objects (start-up included)`;
  const via = 'cli' as const;
  return points.flatMap((p) => [
    measure({ section: 'scale', measure: `time per item, ${what(p.items)}`, unit: 'ms', huella: p.perItemMs, reference: `per item at ${first.items} (goal: ≤ ${FLAT_FACTOR}×)`, referenceValue: first.perItemMs, via, goal: { text: `flat: ≤ ${FLAT_FACTOR}× the cost at ${first.items}`, met: p.perItemMs <= FLAT_FACTOR * first.perItemMs } }),
    measure({ section: 'scale', measure: `peak RSS, ${what(p.items)}`, unit: 'MB', huella: p.peakRssMb, reference: `goal (issue 19): ≤ ${RSS_GOAL_MB} MB`, referenceValue: RSS_GOAL_MB, via, goal: { text: `≤ ${RSS_GOAL_MB} MB`, met: p.peakRssMb <= RSS_GOAL_MB } }),
  ]);
}

async function scaleSection(ctx: Ctx, details: BenchReport['details']): Promise<Measure[]> {
  ctx.log(`scale: ingest at ${ctx.sizes.scaleIngest.join(', ')} files, verify at ${ctx.sizes.scaleVerify.join(', ')} objects`);
  const r = await benchScale({ ingestSizes: ctx.sizes.scaleIngest, verifySizes: ctx.sizes.scaleVerify, workDir: ctx.workDir, log: ctx.log });
  details.scale = r;
  return [...scaleRows('ingest', r.ingest), ...scaleRows('verify', r.verify)];
}

export async function runBench(opts: { quick: boolean; runs?: number; sections?: readonly Section[]; cacheDir?: string; photos?: number; log?: (s: string) => void }): Promise<BenchReport> {
  const started = Date.now();
  const loadAverageAtStart = os.loadavg();
  // Benchmark vaults use the cheap test KDF: the real key derivation has its own row (kdf) and is not part of any other.
  process.env.HUELLA_TEST_WEAK_KDF = '1';
  const sections = opts.sections ?? SECTIONS;
  const runs = opts.runs ?? (opts.quick ? 1 : 3);
  const base = opts.quick ? QUICK_SIZES : FULL_SIZES;
  // --photos N: the batch/verify/packet sections at another size (to iterate quickly, or to see how cost grows).
  const sizes: Sizes = opts.photos ? { ...base, smallJpegs: opts.photos, packetItems: Math.min(base.packetItems, opts.photos) } : base;
  const log = opts.log ?? (() => undefined);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huella-bench-'));
  const ctx: Ctx = { workDir, runs, sizes, log: (s) => s && log(`[${new Date().toISOString().slice(11, 19)}] ${s}`), ...(opts.cacheDir ? { cacheDir: path.resolve(opts.cacheDir) } : {}) };
  const details: BenchReport['details'] = {};
  const measures: Measure[] = [];
  const inputs = new BatchInputs(ctx);
  const run: Record<Section, () => Promise<Measure[]>> = {
    start: () => startSection(ctx, details),
    ingest: () => ingestSection(ctx, details),
    kdf: () => kdfSection(ctx, details),
    batch: () => batchSection(ctx, inputs, details),
    verify: () => verifySection(ctx, inputs, details),
    packet: () => packetSection(ctx, inputs, details),
    search: () => searchSection(ctx, details),
    strip: () => stripSection(ctx, details),
    push: () => pushSection(ctx, details),
    scale: () => scaleSection(ctx, details),
  };
  try {
    // Always in this order: verify and packet use the batch section's vault.
    for (const s of SECTIONS) if (sections.includes(s)) measures.push(...(await run[s]()));
  } finally {
    await shutdownIngestWorkers();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  const cpus = os.cpus();
  return {
    format: 'huella-bench/1',
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    machine: {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? '',
      totalMemMB: Math.round(os.totalmem() / 1e6),
      loadAverageAtStart,
      loadAverageAtEnd: os.loadavg(),
    },
    options: { quick: opts.quick, runs, sections: SECTIONS.filter((s) => sections.includes(s)), sizes },
    ratioConvention: RATIO_CONVENTION,
    measures,
    details,
  };
}

function format(value: number, unit: Measure['unit']): string {
  if (unit === 'MB') return value.toFixed(0);
  if (unit === 'ms') return value.toFixed(2);
  return value < 10 ? value.toFixed(3) : value.toFixed(1);
}

export function printReport(r: BenchReport, write: (line: string) => void = console.log): void {
  const m = r.machine;
  write(`Huella benchmarks, ${r.startedAt}: Node ${m.node}, ${m.cpus} × ${m.cpuModel}, ${m.totalMemMB} MB, load average at start ${m.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}, at end ${m.loadAverageAtEnd.map((l) => l.toFixed(2)).join(' ')}`);
  write(`${r.options.quick ? 'QUICK (tiny sizes) — ' : ''}median of ${r.options.runs} run(s); took ${r.seconds.toFixed(0)} s. ${r.ratioConvention}.`);
  printTable(
    'measure (unit) [via]',
    r.measures.map((x) => ({
      name: `${x.measure} (${x.unit}) [${x.via}]`,
      ours: format(x.huella, x.unit),
      referenceName: x.reference,
      reference: format(x.referenceValue, x.unit),
      ratio: `${x.ratio.toFixed(2)}×`,
      ...(x.goal ? { goal: `${x.goal.met ? 'MET' : 'NOT MET'}: ${x.goal.text}` } : {}),
    })),
    write,
  );
  write('');
  write('Notes:');
  write('- [library]: our figure is the library call (key derivation, search, strip),');
  write('  where process start-up would distort it. [cli]: `huella ingest` / `huella verify` / `huella packet verify` run as a user runs them (the built CLI');
  write('  through bin/huella.js\'s shebang, with its Node flags), start-up included');
  if (r.details.verify) write(`  (the CLI alone starts in ${r.details.verify.cliStartSeconds.toFixed(2)} s here).`);
  write('- Ingest: `huella ingest` of one file into a fresh vault, each in its own process (its peak RSS is its own): hash + encrypt + durable write (fsync)');
  write('  of the original, custody event committed, start-up and unlock included; the vault key derivation is a weak one here (reported in its own row).');
  write('- Batch ingest: time until `huella ingest` exits, every original durable and committed. "with previews": each 512 px preview is also');
  write('  made and stored before it exits (the default); "no previews": `--no-previews`, originals only. Peak RSS: the larger of the two.');
  write('- Verify: `huella verify` also checks the custody log, signatures and checkpoints, and hashes every object including previews.');
  write('- Packet verify: ours also checks the tag manifest, every inclusion proof and custody record; the reference checks only payload hashes and the signature.');
  write('- Search: no tool does the same job on an encrypted catalogue, so the reference is the issue-5 goal. Vault open: after key derivation (SQLCipher open,');
  write('  migrations, tmp/ recovery), next to reading archive.db once.');
  write('- Push: bundle made in the outbox (new age headers, originals hashed) and uploaded; rclone copies the plaintext files (ratio = rclone / huella).');
  write('- Strip: lossless = quantisation/Huffman tables, frame header and every scan byte-identical to the input; leaks = findLeaks on every output.');
}

export type CliOptions = { readonly quick: boolean; readonly json: boolean; readonly runs?: number; readonly sections?: readonly Section[]; readonly cacheDir?: string; readonly photos?: number };

/** Parses the command line; an unknown section or a bad --runs is an error with the usage. */
export function parseCli(args: readonly string[]): CliOptions | { readonly error: string } {
  const usage = `usage: npm run bench -- [--quick] [--json] [--runs N≥1] [--only ${SECTIONS.join(',')}] [--cache DIR] [--photos N≥1]`;
  let values;
  try {
    ({ values } = parseArgs({ args: [...args], options: { quick: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, runs: { type: 'string' }, only: { type: 'string' }, cache: { type: 'string' }, photos: { type: 'string' } } }));
  } catch (e) {
    return { error: `${(e as Error).message}\n${usage}` };
  }
  const sections = values.only?.split(',').map((s) => s.trim());
  const unknown = sections?.filter((s) => !(SECTIONS as readonly string[]).includes(s)) ?? [];
  if (unknown.length > 0) return { error: `unknown section(s): ${unknown.join(', ')}\n${usage}` };
  const runs = values.runs === undefined ? undefined : Number(values.runs);
  if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1)) return { error: `--runs must be a whole number ≥ 1\n${usage}` };
  const photos = values.photos === undefined ? undefined : Number(values.photos);
  if (photos !== undefined && !(Number.isInteger(photos) && photos >= 1)) return { error: `--photos must be a whole number ≥ 1\n${usage}` };
  return {
    quick: values.quick,
    json: values.json,
    ...(runs !== undefined ? { runs } : {}),
    ...(sections ? { sections: sections as Section[] } : {}),
    ...(values.cache ? { cacheDir: values.cache } : {}),
    ...(photos !== undefined ? { photos } : {}),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const cli = parseCli(process.argv.slice(2));
  if ('error' in cli) {
    process.stderr.write(`${cli.error}\n`);
    process.exit(2);
  }
  const report = await runBench({ ...cli, log: (s) => process.stderr.write(`${s}\n`) });
  if (cli.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else printReport(report);
}
