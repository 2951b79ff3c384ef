import fs from 'node:fs';
import path from 'node:path';
import { makeJpegs, RICH_EXIF } from '../fixtures/photos';
import { BENCH_AGE_RECIPIENT, freshVault } from './ingest-large';
import { median, timeShell } from './lib';
import { huellaCliRun } from './vault-verify';

/**
 * Batch ingest of many small photos (issue 9: 5,000 JPEGs of 50–500 KB with Exif) next to
 * `tar cf - dir | age -r … > out; sync` on the same folder. Each ingest is `huella ingest` run as a user runs it (the
 * built CLI through its launcher's shebang, start-up and unlock included) into a fresh vault, so the figures are
 * what a user waits and the memory the user's process takes. Two figures: with previews (the command returns when
 * every original is durable and committed and every 512 px preview is made and stored) and without
 * (`--no-previews`, originals only).
 */

/** Widths from ~50 KB to ~470 KB at quality 90 with the fixture's noisy pixels (measured: ~0.37 byte per pixel). */
const MIN_WIDTH = 400;
const MAX_WIDTH = 1300;

export type SmallJpegs = { readonly dir: string; readonly files: number; readonly bytes: number };

/** `jpeg` with a COM segment right after SOI: still a valid JPEG, with its own bytes (so the vault does not dedupe it). */
function withComment(jpeg: Buffer, text: string): Buffer {
  const body = Buffer.from(text, 'latin1');
  const segment = Buffer.alloc(4 + body.length);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(body.length + 2, 2);
  body.copy(segment, 4);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/**
 * `count` real JPEGs with camera Exif (make, model, serials, GPS, dates), XMP and IPTC, sizes spread over 50–500 KB,
 * in `dir`. Rendering pixels is slow in JS, so `distinct` photos are rendered (by sharp, metadata by exiftool) and the
 * others are byte-unique copies of them.
 */
export async function makeSmallJpegs(dir: string, count: number, distinctPhotos = 24, widths: { min: number; max: number } = { min: MIN_WIDTH, max: MAX_WIDTH }): Promise<SmallJpegs> {
  const baseDir = path.join(dir, '..', `${path.basename(dir)}-bases`);
  const distinct = Math.min(distinctPhotos, count);
  const bases = await makeJpegs(
    Array.from({ length: distinct }, (_, i) => {
      const width = Math.round(widths.min + ((widths.max - widths.min) * i) / Math.max(1, distinct - 1));
      return { dir: baseDir, name: `base-${i}.jpg`, width, height: Math.round((width * 3) / 4), seed: 500 + i, exif: { ...RICH_EXIF, orientation: 1 }, xmp: true, iptc: true };
    }),
  );
  const baseBytes = bases.map((b) => fs.readFileSync(b.path));
  fs.rmSync(baseDir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const jpeg = withComment(baseBytes[i % distinct]!, `huella bench photo ${i}`);
    fs.writeFileSync(path.join(dir, `IMG_${String(i).padStart(5, '0')}.jpg`), jpeg);
    bytes += jpeg.length;
  }
  return { dir, files: count, bytes };
}

export type BatchIngestResult = {
  readonly files: number;
  readonly bytes: number;
  readonly runs: number;
  /** Median seconds of `huella ingest` with previews, and without (start-up and unlock included). */
  readonly withPreviewsSeconds: number;
  readonly withoutPreviewsSeconds: number;
  readonly peakRssMb: number;
  readonly tarAgeSyncSeconds: number;
  /** The vault of the last run with previews, kept for the verify and packet sections. */
  readonly vaultDir: string;
};

export type CliIngest = { readonly seconds: number; readonly peakRssMb: number };

/** `huella ingest <vault> <dirs> --json` (as a user runs it); throws unless it reports exactly `expect` files ingested. */
export function ingestWithCli(vaultDir: string, inputs: readonly string[], opts: { previews: boolean; expect: number }): CliIngest {
  const r = huellaCliRun(['ingest', vaultDir, ...inputs, '--json', ...(opts.previews ? [] : ['--no-previews'])]);
  const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { summary?: { ingested: number; failed: number } };
  if (last.summary?.ingested !== opts.expect) throw new Error(`huella ingest: ${JSON.stringify(last)}, expected ${opts.expect} ingested`);
  return { seconds: r.seconds, peakRssMb: r.peakRssMb };
}

export async function benchBatchIngest(opts: { photos: SmallJpegs; runs: number; workDir: string }): Promise<BatchIngestResult> {
  const { photos } = opts;
  const withPreviews: CliIngest[] = [];
  const without: CliIngest[] = [];
  const tarAge: number[] = [];
  const vaultDir = path.join(opts.workDir, 'batch-vault');
  const scratch = path.join(opts.workDir, 'batch-vault-no-previews');
  const out = path.join(opts.workDir, 'batch.tar.age');
  for (let i = 0; i < opts.runs; i++) {
    await freshVault(vaultDir);
    timeShell('sync');
    withPreviews.push(ingestWithCli(vaultDir, [photos.dir], { previews: true, expect: photos.files }));
    await freshVault(scratch);
    timeShell('sync');
    without.push(ingestWithCli(scratch, [photos.dir], { previews: false, expect: photos.files }));
    fs.rmSync(scratch, { recursive: true, force: true });
    timeShell('sync');
    tarAge.push(timeShell(`tar cf - -C ${path.dirname(photos.dir)} ${path.basename(photos.dir)} | age -r ${BENCH_AGE_RECIPIENT} > ${out}; sync`));
    fs.rmSync(out, { force: true });
  }
  return {
    files: photos.files,
    bytes: photos.bytes,
    runs: opts.runs,
    withPreviewsSeconds: median(withPreviews.map((r) => r.seconds)),
    withoutPreviewsSeconds: median(without.map((r) => r.seconds)),
    peakRssMb: Math.max(...withPreviews.map((r) => r.peakRssMb), ...without.map((r) => r.peakRssMb)),
    tarAgeSyncSeconds: median(tarAge),
    vaultDir,
  };
}
