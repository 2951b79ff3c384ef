// Throughput of JPEG metadata stripping (main/archive/formats) next to `exiftool -all= -o outdir/ …` (one
// exiftool process over all files, writing copies, never overwriting), on the same photos. Both outputs are then
// checked for leaks. A measurement, not a test: `npx tsx test/bench/strip.ts [count] [megapixels] [runs]`.
//
// The headline row is the path a user takes: the export's strip of a vault item (the object decrypted, stripped,
// written; items-stage.ts), next to exiftool on the plaintext files. Both tools read and write in the same folder,
// on the file system stripBenchPlace() picks (`npm run bench` and this script alike), printed with the figures.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { BlobStore } from '../../main/archive/blobs/store';
import { fileSource, findLeaks, stripToFile } from '../../main/archive/formats/index';
import { stripAhead } from '../../main/archive/export/items-stage';
import type { StripOptions } from '../../main/archive/formats/index';
import { makeJpegs, richJpegOptions } from '../fixtures/photos';

const run = promisify(execFile);
const OPTS: StripOptions = { keepCaptureDate: false, keepOrientation: true };
const DISTINCT_PHOTOS = 8;

/** `cpuSeconds`: user + system time of the process doing the work (all its threads), median over the runs. */
export type Throughput = { readonly medianSeconds: number; readonly filesPerSecond: number; readonly cpuSeconds: number };
type Timed = { readonly seconds: number; readonly cpuSeconds: number };
export type StripBenchResult = {
  /**
   * The headline: one vault object after the other, in order, stripped as the export does (items-stage.ts
   * stripAhead): each decrypted whole on a crypto worker while the one before it is stripped in this thread.
   */
  readonly oursVault: Throughput;
  /** One file after the other, like the single exiftool process, each read from its file (fileSource). */
  readonly ours: Throughput;
  /** The same from a stream of each file: how an export reads, from the vault's decrypting stream. */
  readonly oursStream: Throughput;
  readonly exiftool: Throughput;
  /** exiftool's time over ours from vault objects (the headline, sequential): > 1 means we are faster. */
  readonly ratio: number;
  /** Four files at a time (stripping is I/O-bound; an export can overlap files). */
  readonly oursConcurrent: Throughput;
  /** Sequential with `durable: true` (fsync of every copy and its folder). */
  readonly oursDurable: Throughput;
  readonly files: number;
  readonly megabytes: number;
  /** Where the inputs, the vault and every output were: the folder and its file system. */
  readonly place: BenchPlace;
  /** Ours: the worse of the copies from vault objects and from files. */
  readonly filesWithLeaks: { readonly ours: number; readonly exiftool: number };
  /** Output files whose image data (quantisation and Huffman tables, frame header, every scan) is byte-identical to the input's. */
  readonly losslessFiles: { readonly ours: number; readonly exiftool: number };
};

export type BenchPlace = { readonly dir: string; readonly fileSystem: string };

const FILE_SYSTEMS: Readonly<Record<number, string>> = { 0x01021994: 'tmpfs', 0xef53: 'ext4', 0x58465342: 'xfs', 0x9123683e: 'btrfs', 0x794c7630: 'overlayfs' };

/**
 * Where the strip bench works, for `npm run bench` and `npx tsx test/bench/strip.ts` alike: HUELLA_BENCH_DIR if
 * set, else tmpfs (/dev/shm) when there is one, else the OS temp folder. Why not the disk: this machine is a VM whose
 * host takes back guest memory left free for a few seconds (virtio-balloon free page reporting, 2 MiB blocks); ext4
 * (kernel 6.18) puts a large write in large folios, taken from those blocks, and touching them again costs a host
 * fault per page, counted as our system time in the write's copy. A copy written in one 4 MB writev paid it
 * (~1.3 s of system time per 880 MB when the freed memory had sat for 4 s; 0.25 s when it had not), exiftool's 8 KiB
 * writes did not (small folios come from memory still in use), so the disk measured the VM, not the strippers.
 * tmpfs allocates single pages: both tools pay the same for their bytes.
 */
export function stripBenchPlace(): BenchPlace {
  const dir = process.env.HUELLA_BENCH_DIR ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
  const type = fs.statfsSync(dir).type;
  return { dir, fileSystem: FILE_SYSTEMS[type] ?? `file system 0x${type.toString(16)}` };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function freshDir(p: string): string {
  fs.rmSync(p, { recursive: true, force: true });
  fs.mkdirSync(p, { recursive: true });
  return p;
}

async function makeInputs(count: number, megapixels: number, workDir: string, distinct: number): Promise<string[]> {
  const width = Math.round(Math.sqrt((megapixels * 1e6 * 4) / 3));
  const height = Math.round((width * 3) / 4);
  const baseDir = freshDir(path.join(workDir, 'base'));
  // A few distinct photos with every kind of metadata (Exif+GPS+serials+MakerNote+thumbnail, XMP, IPTC, ICC, COM,
  // MPF preview after EOI), copied to `count` files: pixel generation in JS is the slow part, not the test.
  const bases = await makeJpegs(Array.from({ length: Math.min(distinct, count) }, (_, i) => richJpegOptions(baseDir, 1000 + i, { width, height, mpf: true, name: `base-${i}.jpg` })));
  const inDir = freshDir(path.join(workDir, 'in'));
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const f = path.join(inDir, `photo-${String(i).padStart(4, '0')}.jpg`);
    fs.copyFileSync((bases[i % bases.length] as { path: string }).path, f);
    files.push(f);
  }
  return files;
}

async function timeOurs(files: readonly string[], outDir: string, concurrency = 1, durable = false, stream = false): Promise<Timed> {
  freshDir(outDir);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const f = files[next++] as string;
      const source = stream ? () => fs.createReadStream(f, { highWaterMark: 1 << 20 }) : fileSource(f);
      await stripToFile(source, 'image/jpeg', path.join(outDir, path.basename(f)), { ...OPTS, durable });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** The inputs as objects of a vault's blob store (made once, not timed), as an export finds them. */
async function makeVault(files: readonly string[], workDir: string): Promise<{ store: BlobStore; names: string[] }> {
  const dir = freshDir(path.join(workDir, 'vault'));
  fs.mkdirSync(path.join(dir, 'blobs'));
  fs.mkdirSync(path.join(dir, 'tmp'));
  const store = new BlobStore(dir, crypto.randomBytes(32), crypto.randomBytes(32));
  const names: string[] = [];
  for (const f of files) {
    const staged = await store.stage(fs.createReadStream(f));
    await store.publish(staged.name);
    names.push(staged.name);
  }
  return { store, names };
}

/**
 * Each object stripped as the export's item stage does (items-stage.ts: its sources from stripAhead), one after the
 * other, in order: each decrypted whole on a crypto worker, the next ones while it is stripped in this thread. The
 * time includes the worker threads' start on the first run (the median is of three), and their CPU time.
 */
async function timeVault(vault: { store: BlobStore; names: readonly string[] }, files: readonly string[], outDir: string): Promise<Timed> {
  freshDir(outDir);
  const { store, names } = vault;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const ahead = stripAhead(store, names);
  try {
    for (const [i, name] of names.entries()) {
      await stripToFile(ahead.source(name), 'image/jpeg', path.join(outDir, path.basename(files[i] as string)), OPTS);
    }
  } finally {
    await ahead.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function timeExiftool(files: readonly string[], outDir: string): Promise<Timed> {
  freshDir(outDir);
  const argfile = path.join(outDir, '..', 'exiftool-args.txt');
  fs.writeFileSync(argfile, `${['-all=', '-o', `${outDir}/`, ...files].join('\n')}\n`);
  const t0 = performance.now();
  // The shell's `times` prints its children's user and system time on its second line: exiftool's CPU time.
  const { stdout } = await run('sh', ['-c', 'exiftool -q -q -@ "$1" >/dev/null; times', 'sh', argfile], { maxBuffer: 16 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s\s*$/.exec(stdout.trim());
  if (m === null) throw new Error(`could not read exiftool's CPU time from: ${stdout}`);
  const cpuSeconds = Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
  return { seconds, cpuSeconds };
}

async function countLeaky(dir: string): Promise<number> {
  let n = 0;
  for (const f of fs.readdirSync(dir)) {
    if ((await findLeaks(path.join(dir, f), 'image/jpeg', OPTS)).length > 0) n++;
  }
  return n;
}

/** Markers of the segments that define the decoded pixels: SOF0–15 (less DHT/JPG/DAC), DHT, DQT, DRI. */
const isCodingMarker = (m: number): boolean => (m >= 0xc0 && m <= 0xcf && m !== 0xc8) || m === 0xdb || m === 0xdd;

/**
 * The bytes that decide a JPEG's pixels: its table and frame segments, in order, then everything from the first SOS
 * (all scans, to EOI). Metadata segments (APPn, COM) are left out, and so is anything after EOI in the input (an
 * MPF preview), by cutting the input's tail to the length of the output's.
 */
function codingBytes(jpeg: Buffer): { readonly tables: Buffer; readonly scans: Buffer } {
  const tables: Buffer[] = [];
  let at = 2;
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff && jpeg[at + 1] !== 0xda) {
    const end = at + 2 + jpeg.readUInt16BE(at + 2);
    if (isCodingMarker(jpeg[at + 1] as number)) tables.push(jpeg.subarray(at, end));
    at = end;
  }
  return { tables: Buffer.concat(tables), scans: jpeg.subarray(at) };
}

/** A stripped copy is lossless when its coding bytes equal the original's (the original may carry data after EOI). */
function sameImageData(original: Buffer, copy: Buffer): boolean {
  const a = codingBytes(original);
  const b = codingBytes(copy);
  return b.scans.length > 0 && a.tables.equals(b.tables) && a.scans.subarray(0, b.scans.length).equals(b.scans) && b.scans.subarray(-2).equals(Buffer.from([0xff, 0xd9]));
}

function countLossless(inputs: readonly string[], outDir: string): number {
  return inputs.filter((f) => sameImageData(fs.readFileSync(f), fs.readFileSync(path.join(outDir, path.basename(f))))).length;
}

/**
 * `distinct`: how many different photos to render (default 8); the others are copies of them. Works in a new folder
 * under stripBenchPlace(), removed at the end.
 */
export async function benchStrip(opts: { count: number; megapixels: number; runs: number; distinct?: number }): Promise<StripBenchResult> {
  const place = stripBenchPlace();
  const workDir = fs.mkdtempSync(path.join(place.dir, 'huella-strip-bench-'));
  try {
    return await benchIn(workDir, place, opts);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

async function benchIn(workDir: string, place: BenchPlace, opts: { count: number; megapixels: number; runs: number; distinct?: number }): Promise<StripBenchResult> {
  const files = await makeInputs(opts.count, opts.megapixels, workDir, opts.distinct ?? DISTINCT_PHOTOS);
  const vault = await makeVault(files, workDir);
  const vaultOut = path.join(workDir, 'out-vault');
  const oursOut = path.join(workDir, 'out-ours');
  const toolOut = path.join(workDir, 'out-exiftool');
  const t = { vault: [] as Timed[], ours: [] as Timed[], tool: [] as Timed[], streamed: [] as Timed[], concurrent: [] as Timed[], durable: [] as Timed[] };
  for (let r = 0; r < opts.runs; r++) {
    // Alternate the order so neither side always gets the warmer page cache.
    if (r % 2 === 0) {
      t.vault.push(await timeVault(vault, files, vaultOut));
      t.tool.push(await timeExiftool(files, toolOut));
    } else {
      t.tool.push(await timeExiftool(files, toolOut));
      t.vault.push(await timeVault(vault, files, vaultOut));
    }
    t.ours.push(await timeOurs(files, oursOut));
    t.streamed.push(await timeOurs(files, oursOut, 1, false, true));
    t.concurrent.push(await timeOurs(files, oursOut, 4));
    t.durable.push(await timeOurs(files, oursOut, 1, true));
  }
  // The copies checked are the headline's (from vault objects) and the last from files (durable, same bytes).
  const tp = (runs: readonly Timed[]): Throughput => {
    const seconds = median(runs.map((x) => x.seconds));
    return { medianSeconds: seconds, filesPerSecond: files.length / seconds, cpuSeconds: median(runs.map((x) => x.cpuSeconds)) };
  };
  const e = tp(t.tool);
  const v = tp(t.vault);
  return {
    oursVault: v,
    ours: tp(t.ours),
    oursStream: tp(t.streamed),
    exiftool: e,
    ratio: e.medianSeconds / v.medianSeconds,
    oursConcurrent: tp(t.concurrent),
    oursDurable: tp(t.durable),
    files: files.length,
    megabytes: files.reduce((n, f) => n + fs.statSync(f).size, 0) / 1e6,
    place,
    filesWithLeaks: { ours: Math.max(await countLeaky(vaultOut), await countLeaky(oursOut)), exiftool: await countLeaky(toolOut) },
    losslessFiles: { ours: Math.min(countLossless(files, vaultOut), countLossless(files, oursOut)), exiftool: countLossless(files, toolOut) },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = Number(process.argv[2] ?? 200);
  const megapixels = Number(process.argv[3] ?? 12);
  const runs = Number(process.argv[4] ?? 3);
  const r = await benchStrip({ count, megapixels, runs });
  console.log(`${r.files} JPEGs × ${megapixels} MP (${r.megabytes.toFixed(0)} MB), files in ${r.place.dir} (${r.place.fileSystem}), median of ${runs} runs, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? ''}, load ${os.loadavg()[0]?.toFixed(2)}`);
  const row = (name: string, x: Throughput, tail = ''): void =>
    console.log(`${name.padEnd(40)}${x.medianSeconds.toFixed(2).padStart(10)}${x.cpuSeconds.toFixed(2).padStart(8)}${x.filesPerSecond.toFixed(1).padStart(10)}${tail}`);
  console.log(`${'tool'.padEnd(40)}${'median s'.padStart(10)}${'CPU s'.padStart(8)}${'files/s'.padStart(10)}${'leaky files'.padStart(13)}${'lossless'.padStart(10)}`);
  row('huella, from vault objects (export)*', r.oursVault, `${String(r.filesWithLeaks.ours).padStart(13)}${String(r.losslessFiles.ours).padStart(10)}`);
  row('exiftool -all= -o outdir/', r.exiftool, `${String(r.filesWithLeaks.exiftool).padStart(13)}${String(r.losslessFiles.exiftool).padStart(10)}`);
  row('huella stripToFile (from files)', r.ours);
  row('huella, from file streams', r.oursStream);
  row('huella, from files, 4 at a time', r.oursConcurrent);
  row('huella, from files, durable (fsync)', r.oursDurable);
  const ratio = (x: Throughput): string => `wall ${(r.exiftool.medianSeconds / x.medianSeconds).toFixed(2)}×, CPU ${(r.exiftool.cpuSeconds / x.cpuSeconds).toFixed(2)}×`;
  console.log('* one after the other, in order, as the export does (items-stage.ts stripAhead): each object decrypted whole on a crypto worker, the next two while one is stripped in this thread; wall and CPU of all threads');
  console.log(`exiftool / huella, one at a time: from vault objects ${ratio(r.oursVault)}; from files ${ratio(r.ours)}; from files 4 at a time ${ratio(r.oursConcurrent)}`);
}
