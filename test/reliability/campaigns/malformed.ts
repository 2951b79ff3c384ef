import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makeMp4 } from '../../fixtures/av';
import { makeCameraMp4, makeDroneMkv, makeHeif, makeMatroska, makeOgg } from '../../fixtures/phone-media';
import { makeDocx, makeOdt, makePdf, writeZipFile } from '../../fixtures/documents';
import { makeJpegs, makePng, makeTiff, makeWebp, richJpegOptions } from '../../fixtures/photos';
import { isHuellaError } from '../../../main/archive/errors';
import { stripToFile } from '../../../main/archive/formats';
import { seededRandom, type Campaign } from '../lib';
import { STACK_FRAME, describeRun, jsonObjects, runCommand, runHuella, type RunOutcome } from './cli-run';
import { malformedSets } from './malformed-sets';
import { heicLike, hostileDocx, hostileHeic, hostileJpeg, hostileMp4, hostileOdt, hostilePdf, hostilePng, hostileTiff, hostileWebp, hostileZip, type Hostile } from './hostile';

/**
 * Malformed input (DESIGN §1 A3: a crafted file triggers parser bugs). A seeded corpus of valid JPEG, PNG, TIFF,
 * WebP, HEIC-like and real HEIC (heif-enc), PDF, DOCX, ODT, ZIP, MP4 (by hand, and a camera's from ffmpeg with a GPS subtitle track), Ogg Opus (opusenc), WebM (ffmpeg) and a drone's Matroska with a GPS subtitle track (ffmpeg) files, then truncated, bit-flipped and structurally hostile
 * variants of each (see hostile.ts). For every file:
 *  - `huella ingest --json` reports it (the bytes are the evidence: a file whose metadata cannot be read is still
 *    preserved, with a warning), within 10 s, with no stack trace, and the exit code matches the report;
 *  - a redacted packet export either strips it (the copy differs from the original and none of the original's
 *    identifying strings survive) or refuses it with a per-item reason, never passing it through;
 *  - afterwards `huella verify` exits 0 and the packet verifies.
 * Sets of files that arrive together (ProofMode bundles, WhatsApp and Telegram exports), corrupted, each through
 * `huella ingest` (malformed-sets.ts). Then property-based fuzzing (fast-check) of the parsers we wrote, in a child process with a time limit
 * (fuzz-parsers.ts): arbitrary and mutated bytes give a result or a HuellaError, nothing else, never a hang.
 */
export const PER_FILE_LIMIT_MS = 10_000;

type CorpusFile = { readonly path: string; readonly format: string; readonly kind: 'valid' | 'truncated' | 'bitflip' | 'hostile'; readonly mutation: string; readonly values: readonly string[] };

type Base = { readonly format: string; readonly ext: string; readonly bytes: Buffer; readonly values: readonly string[]; readonly hostile: Hostile[] };

/** Only the formats whose valid file a redacted packet must carry (a generic ZIP is refused by design). */
const MUST_STRIP_VALID = new Set(['jpeg', 'png', 'tiff', 'webp', 'heic', 'iphone-heic', 'pdf', 'docx', 'odt', 'mp4', 'camera-mp4', 'opus', 'webm']);

async function makeBases(dir: string, seed: number, quick: boolean): Promise<Base[]> {
  fs.mkdirSync(dir, { recursive: true });
  const read = (p: string): Buffer => fs.readFileSync(p);
  const [jpeg] = await makeJpegs([richJpegOptions(dir, seed, { width: 320, height: 240, name: 'base.jpg' })]);
  const png = await makePng({ dir, name: 'base.png', width: 96, height: 64, seed });
  const tiff = await makeTiff({ dir, name: 'base.tif', width: 96, height: 64, seed });
  const webp = await makeWebp({ dir, name: 'base.webp', width: 96, height: 64, seed });
  const pdf = await makePdf({ dir, name: 'base.pdf', photo: true, incremental: true });
  const docx = await makeDocx({ dir, name: 'base.docx', photo: true });
  const odt = await makeOdt({ dir, name: 'base.odt', photo: true });
  const zipPath = path.join(dir, 'base.zip');
  await writeZipFile(zipPath, [{ name: 'notes.txt', data: 'lista de detenidos, borrador\n' }, { name: 'photo.jpg', data: read(jpeg!.path), store: true }]);
  const mp4 = makeMp4({ dir, name: 'base.mp4' });
  // Real encoder output (heif-enc, opusenc, ffmpeg): phone photos, voice notes and video.
  const heic = await makeHeif({ dir, name: 'base-iphone.heic', seed, width: 128, height: 96 });
  const opus = makeOgg({ dir, kind: 'opus', name: 'base.opus', seconds: 1 });
  const webm = makeMatroska({ dir, name: 'base.webm' });
  // A camera's MP4 (H.264, AAC, a drone's GPS subtitle track) from ffmpeg: bit flips in real sample tables.
  const camera = makeCameraMp4({ dir, name: 'base-camera.mp4' });
  // A drone's Matroska (VP9, its GPS as an SRT subtitle track): bit flips in block headers, track numbers and cues.
  const drone = makeDroneMkv({ dir, name: 'base-drone.mkv' });
  const jpegBytes = read(jpeg!.path);
  return [
    { format: 'jpeg', ext: 'jpg', bytes: jpegBytes, values: jpeg!.originalValues, hostile: hostileJpeg(jpegBytes) },
    { format: 'png', ext: 'png', bytes: read(png.path), values: png.originalValues, hostile: hostilePng(read(png.path)) },
    { format: 'tiff', ext: 'tif', bytes: read(tiff.path), values: tiff.originalValues, hostile: hostileTiff() },
    { format: 'webp', ext: 'webp', bytes: read(webp.path), values: webp.originalValues, hostile: hostileWebp(read(webp.path)) },
    { format: 'heic', ext: 'heic', bytes: heicLike(), values: ['HeicCam Serial HX-77120'], hostile: hostileHeic() },
    { format: 'pdf', ext: 'pdf', bytes: read(pdf.path), values: pdf.originalValues, hostile: hostilePdf() },
    { format: 'docx', ext: 'docx', bytes: read(docx.path), values: docx.originalValues, hostile: hostileDocx() },
    { format: 'odt', ext: 'odt', bytes: read(odt.path), values: odt.originalValues, hostile: hostileOdt() },
    { format: 'zip', ext: 'zip', bytes: read(zipPath), values: [], hostile: hostileZip(quick) },
    { format: 'mp4', ext: 'mp4', bytes: read(mp4.path), values: mp4.originalValues, hostile: hostileMp4(read(mp4.path)) },
    { format: 'iphone-heic', ext: 'heic', bytes: read(heic.path), values: heic.originalValues, hostile: [] },
    { format: 'opus', ext: 'opus', bytes: read(opus.path), values: opus.originalValues, hostile: [] },
    { format: 'webm', ext: 'webm', bytes: read(webm.path), values: webm.originalValues, hostile: [] },
    { format: 'camera-mp4', ext: 'mp4', bytes: read(camera.path), values: camera.originalValues, hostile: [] },
    { format: 'drone-mkv', ext: 'mkv', bytes: read(drone.path), values: drone.originalValues, hostile: [] },
  ];
}

function bitflip(bytes: Buffer, flips: number, rnd: () => number, headerOnly: boolean): Buffer {
  const out = Buffer.from(bytes);
  const span = headerOnly ? Math.min(out.length, 256) : out.length;
  for (let i = 0; i < flips; i++) {
    const at = Math.floor(rnd() * span);
    out[at] = out[at]! ^ (1 << Math.floor(rnd() * 8));
  }
  return out;
}

/** The corpus, written into `dir`; deterministic for a seed. Quick mode keeps a subset of each kind. */
export async function buildCorpus(dir: string, seed: number, quick: boolean): Promise<CorpusFile[]> {
  const rnd = seededRandom(seed);
  const bases = await makeBases(path.join(dir, '..', 'bases'), seed, quick);
  const files: CorpusFile[] = [];
  const add = (b: Base, kind: CorpusFile['kind'], mutation: string, bytes: Buffer): void => {
    const file = path.join(dir, `${b.format}-${kind}-${mutation}.${b.ext}`);
    fs.writeFileSync(file, bytes);
    // Identifying strings are only expected where they survived the mutation.
    const present = b.values.filter((v) => v.length >= 4 && (bytes.includes(Buffer.from(v, 'utf8')) || bytes.includes(Buffer.from(v, 'latin1'))));
    files.push({ path: file, format: b.format, kind, mutation, values: present });
  };
  const cuts = quick ? [0.5, 0.93] : [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, -1];
  const flips = quick ? [{ n: 8, header: false }] : [{ n: 1, header: false }, { n: 4, header: true }, { n: 16, header: false }, { n: 16, header: true }, { n: 64, header: false }, { n: 512, header: false }];
  for (const b of bases) {
    add(b, 'valid', 'original', b.bytes);
    for (const c of cuts) {
      const at = c < 0 ? b.bytes.length - 1 : Math.max(1, Math.floor(b.bytes.length * c));
      add(b, 'truncated', `at-${at}`, b.bytes.subarray(0, at));
    }
    for (const [i, f] of flips.entries()) add(b, 'bitflip', `${f.n}${f.header ? '-header' : ''}-s${i}`, bitflip(b.bytes, f.n, rnd, f.header));
    // Quick: two hostile variants per format, chosen by the seed; full: all of them.
    const hostile = quick ? [...b.hostile].sort(() => rnd() - 0.5).slice(0, 2) : b.hostile;
    for (const h of hostile) add(b, 'hostile', h.name, h.bytes);
  }
  const empty = bases[0]!;
  add({ ...empty, format: 'any', ext: 'jpg' }, 'truncated', 'empty-file', Buffer.alloc(0));
  return files;
}

type Ingested = { readonly file: CorpusFile; readonly itemId: string };

const display = (f: CorpusFile): string => path.basename(f.path);

/** Ingests one batch folder; a sentinel file sorted first makes every corpus file's time measurable. */
async function ingestBatch(vault: string, batchDir: string, files: readonly CorpusFile[], failures: string[]): Promise<{ ingested: Ingested[]; maxMs: number; slowest: string; timings: number[]; warned: number }> {
  const sentinel = path.join(batchDir, '!sentinel.txt');
  fs.writeFileSync(sentinel, `sentinel ${batchDir} ${crypto.randomUUID()}\n`);
  const r = await runHuella(['ingest', vault, batchDir, '--json'], { timeoutMs: PER_FILE_LIMIT_MS * (files.length + 1) + 60_000 });
  const objs = jsonObjects(r.lines);
  const byName = new Map<string, { ms: number; value: Record<string, unknown> }>();
  let previous: number | undefined;
  const timings: number[] = [];
  const ingested: Ingested[] = [];
  let maxMs = 0;
  let slowest = '';
  let warned = 0;
  for (const o of objs) {
    if (typeof o.value.status !== 'string') continue;
    const name = path.basename(String(o.value.path));
    if (previous !== undefined) {
      const ms = o.ms - previous;
      byName.set(name, { ms, value: o.value });
    }
    previous = o.ms;
  }
  if (r.timedOut) failures.push(`${describeRun(`ingest of batch ${path.basename(batchDir)}`, r)}: hung; last file reported: ${[...byName.keys()].pop() ?? 'none'}`);
  if (STACK_FRAME.test(r.stderr)) failures.push(`ingest of batch ${path.basename(batchDir)}: a stack trace on stderr: ${r.stderr.slice(0, 400)}`);
  const summary = objs.find((o) => o.value.summary !== undefined)?.value.summary as { failed?: number; cancelled?: boolean } | undefined;
  if (!summary) failures.push(`${describeRun(`ingest of batch ${path.basename(batchDir)}`, r)}: no summary line`);
  else if (r.code !== ((summary.failed ?? 0) > 0 || summary.cancelled ? 1 : 0)) failures.push(`${describeRun(`ingest of batch ${path.basename(batchDir)}`, r)}: exit code does not match the summary ${JSON.stringify(summary)}`);
  for (const f of files) {
    const got = byName.get(display(f));
    if (!got) {
      failures.push(`${display(f)}: no per-file result from ingest`);
      continue;
    }
    timings.push(got.ms);
    if (got.ms > maxMs) slowest = display(f);
    maxMs = Math.max(maxMs, got.ms);
    const v = got.value;
    const warnings = (v.warnings as { code?: string; message?: string }[] | undefined) ?? [];
    if (warnings.length > 0) warned++;
    if (got.ms > PER_FILE_LIMIT_MS) failures.push(`${display(f)}: ingest took ${Math.round(got.ms)} ms (limit ${PER_FILE_LIMIT_MS} ms)${warnings.length ? `; warnings: ${warnings.map((w) => w.code).join(',')}` : ''}`);
    if (warnings.some((w) => !w.code || !w.message || w.message.length < 10)) failures.push(`${display(f)}: a warning without a clear message: ${JSON.stringify(warnings)}`);
    if (v.status === 'ingested' || v.status === 'duplicate') {
      ingested.push({ file: f, itemId: String(v.itemId) });
    } else {
      const err = v.error as { code?: string; message?: string } | undefined;
      // The design preserves unreadable-metadata files; any refusal must at least be clear and not INTERNAL.
      failures.push(`${display(f)}: ${String(v.status)} at ingest (${err?.code}: ${err?.message}): a malformed file must be preserved with a warning`);
    }
  }
  return { ingested, maxMs, slowest, timings, warned };
}

type ExportOutcome = { readonly exported: number; readonly refusedPlan: number; readonly refusedStrip: number; readonly packets: number };

function errorOf(r: RunOutcome): { code?: string; message?: string; details?: Record<string, unknown> } | undefined {
  return jsonObjects(r.lines).find((o) => o.value.error !== undefined)?.value.error as { code?: string; message?: string; details?: Record<string, unknown> } | undefined;
}

/**
 * Which items the stripper refuses, found in-process on the same bytes (so the CLI export runs a few times, not once
 * per refused item). A refusal must be a HuellaError with a clear message; anything else is a crash.
 */
async function predictRefusals(work: string, planned: readonly { itemId: string; mediaType: string }[], byId: ReadonlyMap<string, Ingested>, failures: string[]): Promise<Map<string, string>> {
  const refused = new Map<string, string>();
  const dir = path.join(work, 'prestrip');
  fs.mkdirSync(dir, { recursive: true });
  for (const [i, p] of planned.entries()) {
    const f = byId.get(p.itemId)!.file;
    try {
      await stripToFile(() => fs.createReadStream(f.path), p.mediaType, path.join(dir, String(i)), { keepCaptureDate: false, keepOrientation: true });
    } catch (e) {
      if (!isHuellaError(e)) failures.push(`${display(f)}: the stripper crashed: ${(e as Error)?.constructor?.name}: ${String((e as Error)?.message ?? e).slice(0, 200)}`);
      else if (e.code === 'INTERNAL' || e.message.length < 20) failures.push(`${display(f)}: the stripper refused it without a clear reason (${e.code}: ${e.message})`);
      refused.set(p.itemId, isHuellaError(e) ? `${e.code}: ${e.message}` : 'crash');
    }
  }
  return refused;
}

/**
 * Exports the ingested items as redacted packets with `huella export`: first with every item the plan would strip
 * (when the stripper refuses some, the CLI must fail naming one of them, with a clear reason), then without the
 * refused ones (must succeed: each copy is checked to be stripped, and the packet verifies). An item refused
 * only by the CLI is recorded and the export retried without it.
 */
async function exportAll(work: string, vault: string, caseId: string, items: readonly Ingested[], failures: string[]): Promise<ExportOutcome> {
  const byId = new Map(items.map((i) => [i.itemId, i]));
  const dry = await runHuella(['export', vault, '--mechanism', 'sp-communication', '--case', caseId, '--profile', 'redacted', '--out', path.join(work, 'dry'), '--dry-run', '--json']);
  const plan = jsonObjects(dry.lines)[0]?.value as
    | { items?: { itemId: string; mediaType: string; action: string; reason?: string }[]; canExport?: boolean; blockers?: { code?: string; itemId?: string; message?: string }[] }
    | undefined;
  // The dry run runs the export's own checks: it exits 1 when an item would block, listing each with its reason.
  const dryBlocks = dry.code === 1 && plan?.canExport === false && (plan.blockers?.length ?? 0) > 0;
  if ((dry.code !== 0 && !dryBlocks) || !plan?.items) {
    failures.push(describeRun('export --dry-run', dry));
    return { exported: 0, refusedPlan: 0, refusedStrip: 0, packets: 0 };
  }
  let refusedPlan = 0;
  const planned: { itemId: string; mediaType: string }[] = [];
  for (const p of plan.items) {
    const it = byId.get(p.itemId);
    if (!it) continue;
    if (p.action === 'strip') planned.push(p);
    else {
      refusedPlan++;
      if (!p.reason || p.reason.length < 10) failures.push(`${display(it.file)}: refused by the plan without a clear reason`);
      if (it.file.kind === 'valid' && MUST_STRIP_VALID.has(it.file.format)) failures.push(`${display(it.file)}: a valid ${it.file.format} was refused by the plan: ${p.reason}`);
    }
  }
  const predicted = await predictRefusals(work, planned, byId, failures);
  const blocked = new Set((plan.blockers ?? []).map((b) => b.itemId));
  for (const b of plan.blockers ?? []) {
    if (b.code === 'INTERNAL' || !b.message || b.message.length < 20 || !b.itemId || !b.message.includes(b.itemId)) failures.push(`export --dry-run: a blocker without a clear reason naming its item (${JSON.stringify(b)})`);
  }
  for (const id of predicted.keys()) {
    if (!blocked.has(id)) failures.push(`${display(byId.get(id)!.file)}: the stripper refuses it, but the dry run did not list it as blocking`);
  }
  for (const [id, reason] of predicted) {
    const f = byId.get(id)!.file;
    if (f.kind === 'valid' && MUST_STRIP_VALID.has(f.format)) failures.push(`${display(f)}: a valid ${f.format} could not be stripped: ${reason}`);
  }
  let packets = 0;
  let exported = 0;
  let refusedStrip = predicted.size;
  const exportOnce = (ids: readonly string[]): Promise<{ r: RunOutcome; out: string }> => {
    const out = path.join(work, `packet-${++packets}`);
    return runHuella(['export', vault, '--mechanism', 'sp-communication', '--case', caseId, '--profile', 'redacted', '--items', ids.join(','), '--out', out, '--json'], { timeoutMs: PER_FILE_LIMIT_MS * ids.length + 60_000 }).then((r) => {
      if (STACK_FRAME.test(r.stderr)) failures.push(`export: a stack trace on stderr: ${r.stderr.slice(0, 400)}`);
      if (r.code !== 0 && fs.existsSync(out)) failures.push(`a refused export left ${path.basename(out)} behind`);
      return { r, out };
    });
  };
  if (predicted.size > 0) {
    const { r } = await exportOnce(planned.map((p) => p.itemId));
    const err = errorOf(r);
    const named = typeof err?.details?.itemId === 'string' ? err.details.itemId : undefined;
    if (r.code === 0) failures.push(`export of every planned item succeeded although the stripper refuses ${predicted.size} of them (${[...predicted.keys()].map((id) => display(byId.get(id)!.file)).join(', ')})`);
    else if (!named || !predicted.has(named) || !err?.message?.includes(named) || err.code === 'INTERNAL') failures.push(`${describeRun('export with refused items', r)}: the error does not name a refused item clearly (${JSON.stringify(err)})`);
  }
  let remaining = planned.map((p) => p.itemId).filter((id) => !predicted.has(id));
  while (remaining.length > 0) {
    const { r, out } = await exportOnce(remaining);
    if (r.code === 0) {
      const report = jsonObjects(r.lines)[0]?.value as { items?: { itemId: string; exportPath?: string }[] } | undefined;
      for (const it of report?.items ?? []) {
        const src = byId.get(it.itemId);
        if (!src || !it.exportPath) continue;
        exported++;
        checkStripped(src.file, fs.readFileSync(path.join(out, it.exportPath)), failures);
      }
      const pv = await runHuella(['packet', 'verify', out, '--json']);
      if (pv.code !== 0) failures.push(describeRun(`packet verify of ${path.basename(out)}`, pv));
      break;
    }
    const err = errorOf(r);
    const itemId = typeof err?.details?.itemId === 'string' ? err.details.itemId : undefined;
    const it = itemId ? byId.get(itemId) : undefined;
    if (r.timedOut || !err || !it || !remaining.includes(itemId!)) {
      failures.push(`${describeRun('export', r)}: failed without naming a refused item (${JSON.stringify(err)})`);
      break;
    }
    refusedStrip++;
    if (err.code === 'INTERNAL' || !err.message || err.message.length < 20) failures.push(`${display(it.file)}: refused at export without a clear reason (${err.code}: ${err.message})`);
    if (it.file.kind === 'valid' && MUST_STRIP_VALID.has(it.file.format)) failures.push(`${display(it.file)}: a valid ${it.file.format} could not be exported: ${err.message}`);
    remaining = remaining.filter((id) => id !== itemId);
  }
  return { exported, refusedPlan, refusedStrip, packets };
}

/** A stripped copy is never the original, and no identifying string of the original survives in it. */
function checkStripped(f: CorpusFile, copy: Buffer, failures: string[]): void {
  const original = fs.readFileSync(f.path);
  if (copy.equals(original) && f.values.length > 0) failures.push(`${display(f)}: passed through unchanged into the packet`);
  for (const v of f.values) {
    if (copy.includes(Buffer.from(v, 'utf8')) || copy.includes(Buffer.from(v, 'latin1'))) failures.push(`${display(f)}: '${v}' survived stripping`);
  }
}

async function ingestAndExport(workDir: string, corpus: readonly CorpusFile[], batchSize: number, sets: { seed: number; quick: boolean }, log: (l: string) => void, failures: string[]): Promise<Record<string, unknown>> {
  const vault = path.join(workDir, 'vault');
  const init = await runHuella(['init', vault, '--json']);
  if (init.code !== 0) {
    failures.push(describeRun('init', init));
    return {};
  }
  const ingested: Ingested[] = [];
  const timings: number[] = [];
  let warned = 0;
  let slowest = { ms: 0, file: '' };
  for (let b = 0; b * batchSize < corpus.length; b++) {
    const batch = corpus.slice(b * batchSize, (b + 1) * batchSize);
    const dir = path.join(workDir, 'batches', String(b).padStart(3, '0'));
    fs.mkdirSync(dir, { recursive: true });
    for (const f of batch) fs.linkSync(f.path, path.join(dir, path.basename(f.path)));
    const r = await ingestBatch(vault, dir, batch, failures);
    ingested.push(...r.ingested);
    timings.push(...r.timings);
    warned += r.warned;
    if (r.maxMs > slowest.ms) slowest = { ms: r.maxMs, file: r.slowest };
    log(`malformed: batch ${b + 1}/${Math.ceil(corpus.length / batchSize)}: ${r.ingested.length}/${batch.length} ingested, slowest ${Math.round(r.maxMs)} ms`);
  }
  const c = await runHuella(['case', 'create', vault, '--title', 'Malformed corpus', '--json']);
  const caseId = String(jsonObjects(c.lines)[0]?.value.id);
  const ids = [...new Set(ingested.map((i) => i.itemId))];
  const add = await runHuella(['case', 'add-items', vault, caseId, ...ids, '--json']);
  if (add.code !== 0) failures.push(describeRun('case add-items', add));
  const ex = await exportAll(workDir, vault, caseId, ingested, failures);
  log(`malformed: export: ${ex.exported} stripped, ${ex.refusedPlan} refused by the plan, ${ex.refusedStrip} refused while stripping (${ex.packets} export runs)`);
  // ProofMode bundles and chat exports, corrupted (malformed-sets.ts), into the same vault before it is verified.
  const setCount = await malformedSets(workDir, vault, sets.seed, sets.quick, log, failures);
  const v = await runHuella(['verify', vault, '--json'], { timeoutMs: 300_000 });
  if (v.code !== 0) failures.push(`${describeRun('verify after the corpus', v)} ${v.stdout.slice(0, 400)}`);
  const sorted = [...timings].sort((a, b) => a - b);
  return { ...ex, sets: setCount, ingested: ingested.length, ingestedWithWarning: warned, slowestIngestMs: Math.round(sorted.at(-1) ?? 0), slowestIngestFile: slowest.file, medianIngestMs: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0) };
}

export type FuzzReport = { readonly parsers: readonly { readonly name: string; readonly runs: number; readonly slowestMs: number }[]; readonly failures: readonly string[] };

async function fuzzParsers(seed: number, runs: number, workDir: string, basesDir: string, failures: string[]): Promise<FuzzReport | undefined> {
  const script = path.join(import.meta.dirname, 'fuzz-parsers.ts');
  const limitMs = 60_000 + runs * 400;
  const r = await runCommand(process.execPath, ['--import', 'tsx', script, String(seed), String(runs), workDir, basesDir], { timeoutMs: limitMs });
  const last = r.lines.filter((l) => l.text.startsWith('{')).pop();
  if (r.timedOut || r.code !== 0 || !last) {
    failures.push(`${describeRun('fuzz-parsers', r)}: ${r.timedOut ? 'hung (a parser did not return)' : 'did not finish'}; last progress: ${r.lines.filter((l) => l.text.startsWith('fuzz:')).pop()?.text ?? 'none'}`);
    return undefined;
  }
  const report = JSON.parse(last.text) as FuzzReport;
  failures.push(...report.failures.map((f) => `fuzz (seed ${seed}): ${f}`));
  return report;
}

export const run: Campaign = async ({ seed, quick, workDir, log }) => {
  const failures: string[] = [];
  const corpusDir = path.join(workDir, 'corpus');
  fs.mkdirSync(corpusDir, { recursive: true });
  const corpus = await buildCorpus(corpusDir, seed, quick);
  log(`malformed: corpus of ${corpus.length} files (${['valid', 'truncated', 'bitflip', 'hostile'].map((k) => `${corpus.filter((f) => f.kind === k).length} ${k}`).join(', ')})`);
  const figures = await ingestAndExport(workDir, corpus, quick ? 100 : 40, { seed, quick }, log, failures);
  const fuzzRuns = quick ? 40 : 2000;
  const fuzz = await fuzzParsers(seed, fuzzRuns, path.join(workDir, 'fuzz'), path.join(workDir, 'bases'), failures);
  const fuzzTotal = fuzz?.parsers.reduce((a, p) => a + p.runs, 0) ?? 0;
  log(`malformed: fuzzing: ${fuzz?.parsers.length ?? 0} parsers, ${fuzzTotal} runs`);
  const total = corpus.length + Number(figures.sets ?? 0) + (fuzz?.parsers.length ?? 1);
  const failingFiles = new Set(failures.map((f) => f.split(':')[0]));
  return {
    name: 'malformed',
    total,
    passed: Math.max(0, total - failingFiles.size),
    failures,
    summary: `malformed: ${corpus.length} files and ${String(figures.sets)} corrupted ProofMode bundles and chat exports (${String(figures.ingested)} preserved, ${String(figures.ingestedWithWarning)} with a parser warning; slowest ingest ${String(figures.slowestIngestMs)} ms (${String(figures.slowestIngestFile)}); ${String(figures.exported)} stripped, ${Number(figures.refusedPlan) + Number(figures.refusedStrip)} refused with a reason), ${fuzz?.parsers.length ?? 0} parsers fuzzed with ${fuzzTotal} runs (up to ${fuzzRuns} each; slowest run ${Math.max(0, ...(fuzz?.parsers.map((p) => p.slowestMs) ?? [0]))} ms), ${failures.length} failure(s)`,
    details: { ...figures, corpus: corpus.length, fuzz: fuzz?.parsers ?? [] },
  };
};
