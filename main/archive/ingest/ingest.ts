import '../formats/vips-env';
import type fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { IngestFileResult, IngestProgress, IngestReport, IngestStatus, IngestWarning } from '../../../shared/model/items';
import { commitment, newCommitmentSalt } from '../custody/commitment';
import { insertIngestedItem, itemByObject, reviveIngestedItem, setItemPreview, type IngestedItemFields } from '../db/items';
import { findObject, insertObject, revivePurgedOriginal, revivePurgedPreview } from '../db/objects';
import { HuellaError, fromSystemError } from '../errors';
import { SMALL_FILE_BYTES, type SmallFileStaged, type StagedObject, type StageFileOptions, type StageOptions } from '../blobs/store';
import type { Vault } from '../vault/vault';
import type { CustodyEvent, PreparedEvent, SignedAhead } from '../custody/log';
import { signMessages } from '../blobs/crypto';
import { shutdownHashWorker } from '../blobs/parallel-hash';
import { parsers, shutdownParsers } from './parser-pool';
import type { WorkerTask } from '../workers/pool';
import { makePendingPreviews, previewLater, PREVIEW_MAX_BYTES, PREVIEW_SIZE } from './previews';
import { MAX_INPUT_PIXELS } from '../formats/vips-env';
import type { ExtractedMetadata } from './metadata';
import { baseMediaType, JUMBF_BOX_TYPE, METADATA_TYPES, PREVIEW_TYPES, type ParseRequest, type ParseResponse } from './parse-protocol';
import { sniffMediaType, type SniffResult } from './sniff';
import { newItemId } from '../ids';
import { indexItem } from '../catalogue/search-index';

/**
 * Ingest (DESIGN §3–§4): files and folders, recursively. Per file, in one streaming pass, the bytes are hashed and
 * encrypted into the blob store while a worker thread reads the metadata and makes a preview from the same file.
 * The item row and its custody event commit in one transaction; the batch ends with a signed checkpoint.
 *
 * A file whose metadata cannot be read (truncated, corrupt, hostile, parser timeout) is still preserved — its bytes
 * are the evidence — and reported with a warning; a file that cannot be read, is too large, or fills the disk is
 * reported as failed and nothing of it remains. One file's failure never stops the batch; cancel does.
 */

export type { IngestFileResult, IngestProgress, IngestReport, IngestStatus, IngestWarning };

export type IngestOptions = {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: IngestProgress) => void;
  readonly onFile?: (r: IngestFileResult) => void;
  readonly maxFileBytes?: number;
  readonly parseTimeoutMs?: number;
  readonly previews?: boolean;
  /**
   * false: return once every original is durable and reported, leaving the previews pending (made by the next
   * makePendingPreviews: the next import, or the app in the background). Default: the previews are made (phase 2)
   * before ingestPaths returns.
   */
  readonly waitPreviews?: boolean;
  /** Phase 2: after each committed group of previews, the items that now have one (makePendingPreviews' onMade). */
  readonly onPreviewsMade?: (itemIds: readonly string[]) => void;
  readonly sourceNote?: string;
  /**
   * Evidence metadata the caller established about a file before ingesting it (a ProofMode bundle's signature check),
   * by the file's display path: kept with the metadata read from the file, so it is inside the metadata commitment.
   */
  readonly addedMetadata?: (display: string) => AddedMetadata | undefined;
};

export type AddedMetadata = Pick<ExtractedMetadata, 'proofMode'>;

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 ** 3;
export const DEFAULT_PARSE_TIMEOUT_MS = 30_000;
export { makePendingPreviews, PREVIEW_SIZE };

type SourceFile = { readonly path: string; readonly display: string; readonly size: number };

async function collectFiles(inputs: readonly string[], skipped: IngestFileResult[]): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  const visit = async (full: string, display: string): Promise<void> => {
    let st: fs.Stats;
    try {
      st = await fsp.lstat(full);
    } catch (e) {
      skipped.push({ path: display, status: 'failed', warnings: [], error: fromSystemError(e, 'reading the file').toApiError() });
      return;
    }
    if (st.isSymbolicLink()) {
      skipped.push({ path: display, status: 'skipped', warnings: [], error: { code: 'FILE_UNREADABLE', message: 'Symbolic links are not followed; ingest the file it points to instead.', key: 'problem.ingest.symlink' } });
    } else if (st.isDirectory()) {
      let entries: string[];
      try {
        entries = (await fsp.readdir(full)).sort();
      } catch (e) {
        skipped.push({ path: display, status: 'failed', warnings: [], error: fromSystemError(e, 'reading the folder').toApiError() });
        return;
      }
      for (const entry of entries) await visit(path.join(full, entry), path.join(display, entry));
    } else if (st.isFile()) {
      files.push({ path: full, display, size: st.size });
    } else {
      skipped.push({ path: display, status: 'skipped', warnings: [], error: { code: 'FILE_UNREADABLE', message: 'Not a regular file (device, socket or pipe); skipped.', key: 'problem.ingest.notRegular' } });
    }
  };
  for (const input of inputs) await visit(path.resolve(input), input);
  return files;
}

/** Stops the parser threads (the CLI calls this before exiting; the app keeps them). */
export async function shutdownIngestWorkers(): Promise<void> {
  await Promise.all([shutdownParsers(), shutdownHashWorker()]);
}

export async function ingestPaths(vault: Vault, inputs: readonly string[], options: IngestOptions = {}): Promise<IngestReport> {
  options.onProgress?.({ phase: 'scanning', filesTotal: 0, filesDone: 0, bytesTotal: 0, bytesDone: 0 });
  const skipped: IngestFileResult[] = [];
  const batch = new Batch(await collectFiles(inputs, skipped), options);
  skipped.forEach((r) => batch.record(r));
  batch.progress('ingesting');
  const originals = await ingestOriginals(vault, batch, options);
  let checkpointSize: number | undefined;
  if (originals.committedAny) checkpointSize = vault.log.writeCheckpoint(originals.cancelled ? 'ingest batch (cancelled)' : 'ingest batch').size;
  // Phase 2: every original above is durable, committed and reported; the previews (this batch's, and any left
  // pending by a crash or a quit) are made from the source files still on disk, with their own progress.
  if (!originals.cancelled && options.waitPreviews !== false && options.previews !== false) {
    checkpointSize = (await makeBatchPreviews(vault, batch, originals.sources, options)) ?? checkpointSize;
  }
  batch.progress('done');
  return batchReport(batch.results, originals.cancelled, checkpointSize);
}

/** One ingestPaths batch: its files, the results reported so far and the progress counters its stages share. */
class Batch {
  readonly results: IngestFileResult[] = [];
  readonly bytesTotal: number;
  bytesDone = 0;
  filesDone = 0;
  readonly #seen = new Map<number, number>(); // bytes of file i counted in bytesDone so far

  constructor(
    readonly files: readonly SourceFile[],
    private readonly options: IngestOptions,
  ) {
    this.bytesTotal = files.reduce((a, f) => a + f.size, 0);
  }

  /** A file's result, kept for the report and passed to onFile. */
  record(r: IngestFileResult): void {
    this.results.push(r);
    this.options.onFile?.(r);
  }

  /** n more bytes of file i read (by the pipeline preparing it). */
  read(i: number, n: number): void {
    this.#seen.set(i, (this.#seen.get(i) ?? 0) + n);
    this.bytesDone += n;
    this.progress('ingesting');
  }

  /** File i reported: its bytes not yet counted count as done. */
  done(i: number, r: IngestFileResult): void {
    this.record(r);
    this.bytesDone += this.files[i]!.size - (this.#seen.get(i) ?? 0);
    this.#seen.delete(i);
    this.filesDone++;
    this.progress('ingesting');
  }

  progress(phase: IngestProgress['phase'], previews?: Pick<IngestProgress, 'previewsTotal' | 'previewsDone'>): void {
    const { files, filesDone, bytesTotal, bytesDone } = this;
    this.options.onProgress?.({ phase, filesTotal: files.length, filesDone, bytesTotal, bytesDone, ...previews });
  }
}

type OriginalsOutcome = { readonly cancelled: boolean; readonly committedAny: boolean; readonly sources: ReadonlyMap<string, string> };

/**
 * Phase 1: every file prepared, recorded in groups, published and reported, in order, until the end or a cancel.
 * The pipeline: up to PIPELINE_FILES files (PIPELINE_BYTES) are read, hashed, encrypted, made durable in tmp/ and
 * parsed at once. The files already prepared when the next one is (up to GROUP_FILES, in order) are recorded as a
 * group: one transaction (each file in its own savepoint, so one failure loses only that file) and one commit,
 * then published; a file is reported only after that, so what is reported is durable, as before.
 */
async function ingestOriginals(vault: Vault, batch: Batch, options: IngestOptions): Promise<OriginalsOutcome> {
  const { files } = batch;
  let cancelled = false;
  let committedAny = false;
  const pipeline = new PreparePipeline(vault, files, options, (i, n) => batch.read(i, n));
  let groups = 0;
  const sources = new Map<string, string>(); // item id → the file it was ingested from, for phase 2
  for (let i = 0; i < files.length && !cancelled; ) {
    if (options.signal?.aborted) {
      cancelled = true;
      break;
    }
    // Groups grow 1, 2, 4, … GROUP_FILES: the first files are reported at once, and a cancel soon after the start
    // stops all but a few files.
    if (vault.blobs.linkedCount >= SETTLE_LINKED_FILES) await vault.blobs.settleLinked();
    const group = await pipeline.takeGroup(i, Math.min(GROUP_FILES, 2 ** groups++));
    for (const r of await recordGroup(vault, group, options)) {
      if (r.status === 'ingested') committedAny = true;
      if (r.status === 'ingested' && r.itemId) sources.set(r.itemId, files[i]!.path);
      if (r.error?.code === 'CANCELLED') cancelled = true;
      batch.done(i, r);
      i++;
    }
  }
  // Files prepared ahead but not recorded (cancel): their staged bytes are removed, nothing of them remains.
  await pipeline.discardRest();
  // The groups' objects made durable in blobs/ (see publishLinked), then their names in tmp/ removed.
  await vault.blobs.settleLinked();
  return { cancelled, committedAny, sources };
}

/**
 * Phase 2: the pending previews made (makePendingPreviews), with their own progress; a file no preview could be made
 * of is still reported with the warning, as when previews were made inline. Returns the size of the checkpoint it
 * wrote, if any.
 */
async function makeBatchPreviews(vault: Vault, batch: Batch, sources: ReadonlyMap<string, string>, options: IngestOptions): Promise<number | undefined> {
  const made = await makePendingPreviews(vault, {
    sources,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.parseTimeoutMs !== undefined ? { parseTimeoutMs: options.parseTimeoutMs } : {}),
    ...(options.onPreviewsMade ? { onMade: options.onPreviewsMade } : {}),
    onProgress: (p) => batch.progress('previews', { previewsTotal: p.total, previewsDone: p.done }),
  });
  const warned = new Map(made.unpreviewable.map((u) => [u.itemId, u.warning]));
  batch.results.forEach((r, k) => {
    const w = r.itemId !== undefined && r.status === 'ingested' ? warned.get(r.itemId) : undefined;
    if (w) batch.results[k] = { ...r, warnings: [...r.warnings, w] };
  });
  return made.checkpointSize;
}

function batchReport(results: IngestFileResult[], cancelled: boolean, checkpointSize: number | undefined): IngestReport {
  const count = (s: IngestStatus): number => results.filter((r) => r.status === s).length;
  const report: { -readonly [K in keyof IngestReport]: IngestReport[K] } = {
    results,
    ingested: count('ingested'),
    duplicates: count('duplicate'),
    failed: count('failed'),
    skipped: count('skipped'),
    cancelled,
  };
  if (checkpointSize !== undefined) report.checkpointSize = checkpointSize;
  return report;
}

type Prepared = { readonly staged: StagedObject; readonly sniff: SniffResult; readonly parsed: ParseResponse | HuellaError };

/**
 * Files prepared ahead of the one being recorded (read, hashed, encrypted into tmp/, parsed; waiting for their group),
 * and bytes: a bound on the open files and the unflushed bytes in tmp/ they hold. Of them, at most STAGE_FILES are
 * being read and encrypted at once (each holds a read ring in memory while it is).
 */
export const PIPELINE_FILES = 128;
export const PIPELINE_BYTES = 64 * 1024 * 1024;
export const STAGE_FILES = 32;
/**
 * Files recorded in one transaction at most. A group costs about three journal commits whatever its size (its
 * files' flush with tmp/, the database commit, the publish), so a group takes every file prepared while the group
 * before it was committed.
 */
export const GROUP_FILES = 128;
/** Published objects whose blobs/ folders are made durable together (BlobStore.settleLinked), at most. */
export const SETTLE_LINKED_FILES = 2048;

type PipelineOutcome = { readonly file: SourceFile; readonly prepared?: Prepared; readonly error?: HuellaError };

/**
 * Prepares files ahead, in order: file i+k starts while file i waits for its group or is recorded, within
 * PIPELINE_FILES, PIPELINE_BYTES (a file larger than PIPELINE_BYTES is prepared alone) and STAGE_FILES at once.
 * take(i) waits for file i; it is called for 0, 1, 2, ….
 */
class PreparePipeline {
  readonly #running = new Map<number, Promise<Prepared>>();
  readonly #handoff = new ByteBudget(HANDOFF_BYTES);
  #next = 0;
  #bytes = 0;
  #active = 0;

  constructor(
    private readonly vault: Vault,
    private readonly files: readonly SourceFile[],
    private readonly options: IngestOptions,
    private readonly onBytes: (i: number, n: number) => void,
  ) {}

  /**
   * File i and the files after it that are prepared or being prepared when it is called, up to `max`, each waited for,
   * as outcomes: a prepared file or the error that stopped it. A cancel ends the group. (Taking only the files
   * already prepared made groups of 3 files on average: the files being prepared finish within a few milliseconds,
   * and each group costs three rounds of flushes.)
   */
  async takeGroup(i: number, max: number): Promise<PipelineOutcome[]> {
    const group: PipelineOutcome[] = [];
    const started = this.#next; // files i..started-1 are held (prepared or being prepared)
    for (let j = i; j < this.files.length && group.length < max && (j === i || (j < started && this.#running.has(j))); j++) {
      const outcome = await this.take(j).then(
        (prepared): PipelineOutcome => ({ file: this.files[j]!, prepared }),
        (e: unknown): PipelineOutcome => ({ file: this.files[j]!, error: e instanceof HuellaError ? e : fromSystemError(e, 'ingesting a file') }),
      );
      group.push(outcome);
      if (outcome.error?.code === 'CANCELLED') break;
    }
    return group;
  }

  async take(i: number): Promise<Prepared> {
    this.#fill();
    if (!this.#running.has(i)) this.#start(i); // not started ahead (a cancel came): start it, it reports the cancel
    const p = this.#running.get(i)!;
    try {
      return await p;
    } finally {
      this.#running.delete(i);
      this.#bytes -= this.files[i]!.size;
      this.#fill();
    }
  }

  async discardRest(): Promise<void> {
    this.#next = this.files.length; // nothing more starts
    const rest = [...this.#running.values()];
    this.#running.clear();
    for (const p of rest) {
      const prepared = await p.catch(() => undefined);
      if (prepared) await this.vault.blobs.discard(prepared.staged).catch(() => undefined);
    }
  }

  #fill(): void {
    while (this.#next < this.files.length && !this.options.signal?.aborted) {
      const size = this.files[this.#next]!.size;
      const held = this.#running.size;
      if (held > 0 && (held >= PIPELINE_FILES || this.#active >= STAGE_FILES || this.#bytes + size > PIPELINE_BYTES)) return;
      this.#start(this.#next);
    }
  }

  #start(i: number): void {
    const p = prepareOne(this.vault, this.files[i]!, this.options, (n) => this.onBytes(i, n), this.#handoff);
    this.#active++;
    const settle = (): void => {
      this.#active--;
      this.#fill(); // the next file starts in its place
    };
    // awaited by take(); a rejection must not be unhandled meanwhile
    p.then(settle, settle);
    this.#running.set(i, p);
    this.#bytes += this.files[i]!.size;
    this.#next = Math.max(this.#next, i + 1);
  }
}

/** Read, hash, encrypt into tmp/ (durable) and parse one file: everything but recording it. */
async function prepareOne(vault: Vault, file: SourceFile, options: IngestOptions, onBytes: (n: number) => void, handoff: ByteBudget): Promise<Prepared> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (file.size > maxBytes) {
    throw new HuellaError('FILE_TOO_LARGE', `The file is larger than the ingest limit.`);
  }
  // Its bytes are written here and named in tmp/ with the group it is recorded with (BlobStore.makeReady: one fsync
  // of tmp/ for the group), before that group's commit; a small file's data flush starts as soon as it is written
  // and makeReady waits for it. The parser reads the same file on another thread, started on the media type sniffed from
  // the first bytes staging read (onHead), without a separate read of the file's head.
  let headed: Promise<{ sniff: SniffResult; parsed: Promise<ParseResponse | HuellaError> }> | undefined;
  const onHead = (head: Buffer, holdsNoJumbf = false, read?: ReadBytes): void => {
    headed = sniffMediaType(head, file.display).then((sniff) => ({ sniff, parsed: startParse(file, sniff, options, holdsNoJumbf, read?.bytes) }));
    headed.catch(() => undefined); // handled below, after staging; not an unhandled rejection meanwhile
    if (read) void headed.then((h) => h.parsed).then(read.release, read.release);
  };
  const stageOpts = { maxBytes, onBytes, sizeHint: file.size, ...(options.signal ? { signal: options.signal } : {}) };
  let stagedFile: StagedSource;
  try {
    stagedFile = file.size < SMALL_FILE_BYTES ? await stageSmall(vault, file, stageOpts, onHead, handoff) : await stageOpened(vault, file, { ...stageOpts, durable: false, onHead });
  } catch (e) {
    await headed?.then((h) => h.parsed).catch(() => undefined); // never leave a worker task dangling
    throw e;
  }
  const { staged } = stagedFile;
  let sniff: SniffResult;
  let parsed: ParseResponse | HuellaError;
  try {
    if (!headed) throw new Error('staging returned without reporting the head of the file');
    const h = await headed;
    sniff = h.sniff;
    parsed = await h.parsed;
  } catch (e) {
    await vault.blobs.discard(staged);
    throw e;
  }
  const after = await fsp.stat(file.path).catch(() => undefined);
  if (!after || after.size !== stagedFile.sourceSize || after.mtimeMs !== stagedFile.sourceMtimeMs || staged.size !== stagedFile.sourceSize) {
    await vault.blobs.discard(staged);
    throw new HuellaError('FILE_CHANGED', 'The file changed while it was being ingested; nothing was stored. Try again when it is no longer being written.');
  }
  return { staged, sniff, parsed };
}

/** A staged file and the size and modification time its source had before it was read. */
type StagedSource = { readonly staged: StagedObject; readonly sourceSize: number; readonly sourceMtimeMs: number };

/**
 * Bytes of plaintext handed from the crypto workers to the parser at once (ingest's files in flight), at most: a file
 * that would pass it is parsed from its path, as before. 32 photos of the bench's (~240 KB) fit; phone photos of 3–5 MB
 * four or five at a time; the bound keeps the import's peak memory (issue 19: ≤ 200 MB) whatever the files.
 */
export const HANDOFF_BYTES = 16 * 1024 * 1024;

/** A count of bytes held (plaintext handed to the parser), bounded. */
class ByteBudget {
  #held = 0;

  constructor(private readonly limit: number) {}

  /** n bytes taken, and the function that gives them back (once, whatever it is called), or undefined: no room. */
  take(n: number): (() => void) | undefined {
    if (n <= 0 || this.#held + n > this.limit) return undefined;
    this.#held += n;
    let given = false;
    return () => {
      if (!given) this.#held -= n;
      given = true;
    };
  }
}

/** A file's bytes as the crypto worker read them (in memory), and the release of their room in the budget. */
type ReadBytes = { readonly bytes: Buffer; readonly release: () => void };

/**
 * A small file staged on a crypto worker (stat, read, hash, encrypt; BlobStore.stageSmallFile), this thread free to
 * record the files before it meanwhile. The worker, which reads every byte, also says whether the file holds a
 * JUMBF box type: without one it holds no Content Credentials, and the parser need not read it whole again. Within
 * the budget, the worker hands over the bytes it read, and the parser reads the metadata from them instead of
 * opening and reading the file again (the same bytes that were hashed, so the metadata is that of what is stored).
 */
async function stageSmall(vault: Vault, file: SourceFile, stageOpts: StageOptions, onHead: (head: Buffer, holdsNoJumbf: boolean, read?: ReadBytes) => void, handoff: ByteBudget): Promise<StagedSource> {
  const release = handoff.take(file.size);
  let r: SmallFileStaged;
  try {
    r = await vault.blobs.stageSmallFile(file.path, { ...stageOpts, find: JUMBF_BOX_TYPE, ...(release ? { keep: true } : {}) });
  } catch (e) {
    release?.();
    throw e;
  }
  if (release && !r.plaintext) release();
  onHead(Buffer.from(r.staged.head), !r.found, release && r.plaintext ? { bytes: r.plaintext, release } : undefined);
  return r;
}

/** A large file staged from here (BlobStore.stageFile: its slots sealed by the crypto workers in parallel). */
async function stageOpened(vault: Vault, file: SourceFile, stageOpts: StageFileOptions): Promise<StagedSource> {
  const before = await fsp.stat(file.path);
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file.path, 'r');
  } catch (e) {
    throw fromSystemError(e, 'opening the file');
  }
  try {
    return { staged: await vault.blobs.stageFile(handle, { ...stageOpts, sizeHint: before.size }), sourceSize: before.size, sourceMtimeMs: before.mtimeMs };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Types whose metadata the parser reads from bytes handed to it rather than from the file: exifr walks a JPEG's
 * segments the same way from a file (chunk by chunk) and from memory (held equal by the parse tests).
 */
const FROM_MEMORY_TYPES: ReadonlySet<string> = new Set(['image/jpeg']);

/**
 * Files queued in a parser thread at most (WorkerTask.queueBehind): while the main thread records a group in one
 * transaction (40–80 ms) it answers no thread, and a parser given one file at a time sat idle after ~2 ms. The bytes
 * these files bring are bounded by HANDOFF_BYTES.
 */
const PARSE_QUEUE_BEHIND = 31;

/** Starts the parser worker on a file being ingested, by its sniffed type (metadata only: previews come in phase 2). */
function startParse(file: SourceFile, sniff: SniffResult, options: IngestOptions, holdsNoJumbf: boolean, bytes?: Buffer): Promise<ParseResponse | HuellaError> {
  const baseType = baseMediaType(sniff.mediaType); // 'audio/ogg; codecs=opus' → 'audio/ogg'
  const wantMetadata = METADATA_TYPES.has(baseType);
  if (!wantMetadata) return Promise.resolve({ metadata: {} });
  // A JPEG's metadata is read from the bytes read already, when given (moved to the parser thread, not copied); every
  // other type from the file, as its reader does (its readers from a file and from memory differ).
  // A file whose metadata cannot be read from memory is parsed again from its path, so that a damaged file's warning
  // is worded as before (exifr words some errors differently when it reads a file chunk by chunk).
  const data = bytes && FROM_MEMORY_TYPES.has(baseType) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : undefined;
  const task = (fromMemory: boolean): WorkerTask<ParseRequest> => ({
    // The preview is made in phase 2 (makePendingPreviews), once the batch's originals are safe.
    request: { path: fromMemory ? '' : file.path, ...(fromMemory ? { data } : {}), mediaType: baseType, wantMetadata, wantPreview: false, previewSize: PREVIEW_SIZE, maxPixels: MAX_INPUT_PIXELS, ...(holdsNoJumbf ? { holdsNoJumbf } : {}) },
    // Bytes moved to a parser thread are gone from here: if they must be sent again (they waited in a thread whose
    // file before them hung or crashed it), the file is parsed from its path, as a file beyond the budget is.
    ...(fromMemory ? { transfer: [data!.buffer as ArrayBuffer], again: () => task(false) } : {}),
    timeoutMs: options.parseTimeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS,
    queueBehind: PARSE_QUEUE_BEHIND,
  });
  const parse = (fromMemory: boolean): Promise<ParseResponse | HuellaError> =>
    parsers()
      .run(task(fromMemory))
      .catch((e: unknown) => (e instanceof HuellaError ? e : new HuellaError('PARSER_FAILED', 'The parser failed on this file.')));
  if (!data) return parse(false);
  return parse(true).then((r) => (!(r instanceof HuellaError) && r.metadataError !== undefined ? parse(false) : r));
}

/** Starts the parser worker for a file (by path) or for bytes in memory; never rejects. */
function parseInWorker(request: ParseRequest, wanted: boolean, options: IngestOptions): Promise<ParseResponse | HuellaError> {
  if (!wanted) return Promise.resolve({ metadata: {} });
  return parsers()
    .run({ request, timeoutMs: options.parseTimeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS })
    .catch((e: unknown) => (e instanceof HuellaError ? e : new HuellaError('PARSER_FAILED', 'The parser failed on this file.')));
}

/**
 * The C2PA manifest store embedded in `data` (an original the lawyer keeps the Content Credentials of), read in the
 * parser worker like any untrusted file; undefined when it carries none.
 */
export async function readManifestStore(data: Buffer, mediaType: string): Promise<Uint8Array | undefined> {
  const request: ParseRequest = { path: '', data: new Uint8Array(data), mediaType: baseMediaType(mediaType), wantMetadata: false, wantPreview: false, previewSize: PREVIEW_SIZE, maxPixels: MAX_INPUT_PIXELS, wantManifestStore: true };
  const r = await parsers().run({ request, timeoutMs: DEFAULT_PARSE_TIMEOUT_MS });
  return r.manifestStore;
}

/**
 * Ingests bytes held in memory (an attachment read from a chat export's zip, which is never unpacked to disk: that
 * would leave plaintext evidence behind). Same checks, metadata, preview and custody event as a file.
 */
export async function ingestBuffer(vault: Vault, display: string, data: Buffer, options: IngestOptions = {}, originalName = path.basename(display)): Promise<IngestFileResult> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (data.length > maxBytes) throw new HuellaError('FILE_TOO_LARGE', `The file is larger than the ingest limit.`);
  const sniff = await sniffMediaType(data.subarray(0, 4100), display);
  const baseType = baseMediaType(sniff.mediaType);
  const wantMetadata = METADATA_TYPES.has(baseType);
  const wantPreview = (options.previews ?? true) && PREVIEW_TYPES.has(baseType) && data.length <= PREVIEW_MAX_BYTES;
  const request: ParseRequest = { path: '', data: new Uint8Array(data), mediaType: baseType, wantMetadata, wantPreview, previewSize: PREVIEW_SIZE, maxPixels: MAX_INPUT_PIXELS };
  const parsePromise = parseInWorker(request, wantMetadata || wantPreview, options);
  let staged: StagedObject;
  try {
    staged = await vault.blobs.stageBuffer(data);
  } catch (e) {
    await parsePromise;
    throw e;
  }
  return recordIngested(vault, staged, sniff, await parsePromise, display, options, originalName);
}

/** The staged object becomes an item (or a duplicate of one) with its custody event, then its preview is stored. */
/** One file recorded in the database, waiting for its commit: then its object is published (or discarded). */
type Recorded = { readonly result: IngestFileResult; readonly staged: StagedObject; readonly keep: boolean; readonly preview?: ParseResponse['preview']; readonly warnings?: IngestWarning[] };

/** One file recorded alone (ingestBuffer): its own transaction, then publish and preview. */
async function recordIngested(vault: Vault, staged: StagedObject, sniff: SniffResult, parsed: ParseResponse | HuellaError, display: string, options: IngestOptions, originalName: string): Promise<IngestFileResult> {
  let rec: Recorded;
  try {
    rec = recordRows(vault, staged, sniff, parsed, display, options, originalName);
  } catch (e) {
    await vault.blobs.discard(staged);
    throw e;
  }
  return afterCommit(vault, rec);
}

/**
 * A group of prepared files recorded in one transaction, each in its own savepoint (a failure rolls back that file
 * only); after the commit each object is published and its preview stored, and only then is the file reported.
 * If the commit itself fails, nothing of the group is recorded and every file of it is reported failed.
 */
async function recordGroup(vault: Vault, prepared: readonly PipelineOutcome[], options: IngestOptions): Promise<IngestFileResult[]> {
  const failed = (display: string, e: unknown): IngestFileResult => {
    const err = e instanceof HuellaError ? e : fromSystemError(e, 'ingesting a file');
    return { path: display, status: 'failed', warnings: [], error: err.toApiError() };
  };
  const ahead = signAhead(vault, prepared, options);
  const group = await makeGroupDurable(vault, prepared);
  const signed = ahead.ready();
  let recorded: (Recorded | IngestFileResult)[];
  try {
    recorded = vault.transaction(() =>
      group.map((o, k) => {
        if (!o.prepared) return failed(o.file.display, o.error);
        try {
          return recordRows(vault, o.prepared.staged, o.prepared.sniff, o.prepared.parsed, o.file.display, options, path.basename(o.file.display), previewLater(o.prepared.sniff, o.prepared.staged.size, options), signed[k]);
        } catch (e) {
          return failed(o.file.display, e);
        }
      }),
    );
  } catch (e) {
    recorded = group.map((o) => failed(o.file.display, o.error ?? fromSystemError(e, 'recording the items in the vault database')));
  }
  const kept = recorded.filter((r): r is Recorded => 'result' in r && r.keep);
  let published = true;
  try {
    await vault.blobs.publishLinked(kept.map((r) => r.staged.name));
  } catch {
    published = false; // committed: each is published again (or its error reported) one by one below
  }
  const out: IngestFileResult[] = [];
  for (let k = 0; k < group.length; k++) {
    const rec = recorded[k]!;
    if ('result' in rec) {
      try {
        out.push(await afterCommit(vault, rec, published));
      } catch (e) {
        out.push(failed(rec.result.path, e));
      }
    } else {
      const prepared = group[k]!.prepared;
      if (prepared) await vault.blobs.discard(prepared.staged);
      out.push(rec);
    }
  }
  return out;
}

/**
 * The group's staged files (their bytes durable already) named in tmp/ at once, with one fsync of tmp/, before
 * anything of them is committed; a file that cannot be is failed. If tmp/ cannot be fsynced, the whole group fails.
 * Called only from the one loop that records groups, after the group before was published (see makeReady).
 */
async function makeGroupDurable(vault: Vault, group: readonly PipelineOutcome[]): Promise<PipelineOutcome[]> {
  const staged = group.flatMap((o) => (o.prepared ? [o.prepared.staged] : []));
  let ready: (StagedObject | HuellaError)[];
  try {
    ready = await vault.blobs.makeReady(staged);
  } catch (e) {
    const err = e instanceof HuellaError ? e : fromSystemError(e, 'writing an encrypted object');
    return group.map((o) => (o.prepared ? { file: o.file, error: err } : o));
  }
  let k = 0;
  return group.map((o) => {
    if (!o.prepared) return o;
    const r = ready[k++]!;
    return r instanceof HuellaError ? { file: o.file, error: r } : { file: o.file, prepared: { ...o.prepared, staged: r } };
  });
}

/** After the commit: the object published (or, a duplicate, discarded) and the preview stored. */
async function afterCommit(vault: Vault, rec: Recorded, published = false): Promise<IngestFileResult> {
  if (!rec.keep) {
    await vault.blobs.discard(rec.staged);
    return rec.result;
  }
  if (!published) await vault.blobs.publish(rec.staged.name);
  const { preview } = rec;
  if (preview && rec.result.itemId) {
    try {
      await storePreview(vault, rec.result.itemId, Buffer.from(preview.buffer, preview.byteOffset, preview.byteLength));
    } catch (e) {
      rec.warnings?.push({ code: 'PREVIEW_FAILED', message: `The preview could not be stored (${e instanceof HuellaError ? e.message : 'unexpected error'}).` });
    }
  }
  return rec.result;
}

/**
 * One file's rows and custody event, in a transaction (a savepoint inside a group's), synchronously: the duplicate
 * check, warnings, the objects and items rows, the signed item.ingested event, the search index.
 */
function recordRows(vault: Vault, staged: StagedObject, sniff: SniffResult, parsed: ParseResponse | HuellaError, display: string, options: IngestOptions, originalName: string, previewPending = false, ahead?: PlannedItem): Recorded {
  const sha256 = staged.sha256.toString('hex');
  const existing = itemByObject(vault.store, staged.name);
  // Content that was purged (destroyed on purpose) and is ingested again revives its item: same id, a new signed
  // item.ingested event, bytes stored again. Otherwise the same bytes are stored once and reported as a duplicate.
  if (existing && !existing.purgedAt) {
    return { staged, keep: false, result: { path: display, status: 'duplicate', itemId: existing.id, sha256, size: staged.size, mediaType: sniff.mediaType, warnings: [] } };
  }
  const revived = existing?.purgedAt ? existing.id : undefined;
  // The item as planned before the transaction (signAhead), when its event is the one appended now: a new item, and
  // the log as it was planned for. Otherwise planned now, as before.
  const usable = ahead?.event !== undefined && revived === undefined && !ahead.row.revived && ahead.row.staged.name === staged.name && ahead.row.previewPending === previewPending && ahead.event.event.seq === vault.log.nextSeq();
  const plan = usable ? ahead : planItem(staged, sniff, parsed, display, options, originalName, previewPending, revived, new Date());
  const { row, preview, warnings } = plan;
  const { itemId } = row;
  try {
    vault.transaction(() => writeItemRows(vault, { ...row, staged }, options, plan));
  } catch (e) {
    throw fromSystemError(e, 'recording the item in the vault database');
  }
  return { staged, keep: true, warnings, ...(preview ? { preview } : {}), result: { path: display, status: 'ingested', itemId, sha256, size: staged.size, mediaType: sniff.mediaType, warnings } };
}

/**
 * What recordRows writes for a new (or revived) item, decided before it writes: its id, metadata and warnings, the
 * salt of its commitments, its time and its item.ingested event's data; and, when signed ahead, that event.
 */
type PlannedItem = {
  readonly row: ItemRow;
  /** The row's warnings, to which a preview's failure is added after the commit (afterCommit). */
  readonly warnings: IngestWarning[];
  readonly preview?: ParseResponse['preview'];
  readonly salt: Buffer;
  readonly now: Date;
  readonly data: CustodyEvent['data'];
  /** Planned ahead: its event as prepared for the number it is to have, and signed, if the signature came back. */
  readonly event?: PreparedEvent;
  readonly signed?: SignedAhead;
};

function planItem(staged: StagedObject, sniff: SniffResult, parsed: ParseResponse | HuellaError, display: string, options: IngestOptions, originalName: string, previewPending: boolean, revived: string | undefined, now: Date): PlannedItem {
  const { warnings, preview, ...read } = parseOutcome(sniff, parsed);
  const added = options.addedMetadata?.(display);
  const metadata = added ? { ...read.metadata, ...added } : read.metadata;
  const itemId = revived ?? newItemId();
  const row: ItemRow = { itemId, revived: revived !== undefined, staged, mediaType: sniff.mediaType, originalName, metadata, warnings, previewPending };
  const salt = newCommitmentSalt();
  return { row, warnings, ...(preview ? { preview } : {}), salt, now, data: Object.freeze(ingestedEvent(row, salt)) };
}

/** A group's items planned ahead (signAhead), and their item.ingested events being signed on a crypto thread. */
type Ahead = {
  /**
   * The planned items by the group's index (undefined: planned in the transaction), each with its event prepared for
   * the number it will have, and signed if the signatures are back.
   */
  ready(): readonly (PlannedItem | undefined)[];
};

/**
 * A group's items planned before its files are made durable (makeGroupDurable: an fsync of each file and of tmp/),
 * and their item.ingested events signed meanwhile on a crypto thread, rather than one by one inside the group's
 * transaction on this thread (an Ed25519 signature costs ~80 µs here, the largest single part of an item's rows).
 * Each event is prepared with the number it will have if the group's items are all recorded in order and nothing
 * else appends an event before; recordRows uses a plan only for a new item whose event gets that very number, so a
 * group's events from its first failed or duplicate file on (or all, if another event came first) are planned and
 * signed again in the transaction, as before. The signatures are used only if they are back when the files are
 * durable: this thread never waits for them (the events are then signed in the transaction, as before).
 */
function signAhead(vault: Vault, group: readonly PipelineOutcome[], options: IngestOptions): Ahead {
  const plans: PlannedItem[] = []; // the group's first files, in order; those after them are planned in the transaction
  const events: PreparedEvent[] = [];
  try {
    let seq = vault.log.nextSeq();
    const now = new Date();
    const names = new Set<string>();
    for (const o of group) {
      const p = o.prepared;
      // Planned up to the first file that will not be a new item (another file of the group or an item of the vault
      // has its bytes), or whose plan fails (recordRows reports that): the numbers after it would all be wrong.
      if (!p || names.has(p.staged.name) || itemByObject(vault.store, p.staged.name) !== undefined) break;
      names.add(p.staged.name);
      const plan = planItem(p.staged, p.sniff, p.parsed, o.file.display, options, path.basename(o.file.display), previewLater(p.sniff, p.staged.size, options), undefined, now);
      const event = vault.log.prepareEvent('item.ingested', plan.row.itemId, plan.data, now, seq++);
      plans.push({ ...plan, event });
      events.push(event);
    }
  } catch {
    // planned again, and any error reported, in the transaction
  }
  let signatures: readonly Uint8Array[] | undefined;
  if (events.length > 0) {
    vault.log
      .withSeedCopy((seed) => signMessages(seed, events.map((e) => e.bytes)))
      .then(
        (s) => {
          if (s.length === events.length) signatures = s;
        },
        () => undefined, // signed in the transaction instead
      );
  }
  return {
    ready: () => (signatures ? plans.map((plan, k) => ({ ...plan, signed: { ...events[k]!, signature: signatures![k]! } })) : plans),
  };
}

/** What the parser's answer for a file gives its item: the metadata, the preview, and the warnings to report. */
function parseOutcome(sniff: SniffResult, parsed: ParseResponse | HuellaError): { warnings: IngestWarning[]; metadata: ExtractedMetadata; preview?: ParseResponse['preview'] } {
  const warnings: IngestWarning[] = [];
  if (sniff.mismatch) warnings.push({ code: 'TYPE_MISMATCH', message: sniff.mismatch });
  if (parsed instanceof HuellaError) {
    warnings.push({ code: parsed.code === 'PARSER_TIMEOUT' ? 'PARSER_TIMEOUT' : 'PARSER_FAILED', message: `${parsed.message} The file itself was preserved.` });
    return { warnings, metadata: {} };
  }
  if (parsed.metadataError) warnings.push({ code: 'PARSER_FAILED', message: `Metadata could not be read (${parsed.metadataError}). The file itself was preserved.` });
  if (parsed.previewError) warnings.push({ code: 'PREVIEW_FAILED', message: `No preview could be made (${parsed.previewError}).` });
  return { warnings, metadata: parsed.metadata, ...(parsed.preview ? { preview: parsed.preview } : {}) };
}

/** A new (or revived) item: what recordRows writes of it. */
type ItemRow = {
  readonly itemId: string;
  readonly revived: boolean;
  readonly staged: StagedObject;
  readonly mediaType: string;
  readonly originalName: string;
  readonly metadata: ExtractedMetadata;
  readonly warnings: readonly IngestWarning[];
  readonly previewPending: boolean;
};

/** Inside recordRows' transaction: the object row, the signed item.ingested event, the item row, the search index. */
function writeItemRows(vault: Vault, row: ItemRow, options: IngestOptions, plan: Pick<PlannedItem, 'salt' | 'now' | 'data' | 'signed'>): void {
  const { itemId, staged, metadata, warnings } = row;
  const { salt, now } = plan;
  if (row.revived) revivePurgedOriginal(vault.store, staged.name, now.toISOString());
  else insertObject(vault.store, { name: staged.name, sha256: staged.sha256, size: staged.size, kind: 'original', createdAt: now.toISOString() });
  const ev = vault.log.append('item.ingested', itemId, plan.data, now, plan.signed);
  const fields: IngestedItemFields = {
    mediaType: row.mediaType, originalName: row.originalName, sourceNote: options.sourceNote ?? null, ingestedAt: now.toISOString(), ingestSeq: ev.seq,
    metadata: JSON.stringify(metadata), commitSalt: salt, captureTime: metadata.captureTime ?? null, gpsLat: metadata.gps?.lat ?? null,
    gpsLon: metadata.gps?.lon ?? null, warnings: warnings.length > 0 ? JSON.stringify(warnings) : null, size: staged.size, previewPending: row.previewPending,
  };
  if (row.revived) reviveIngestedItem(vault.store, itemId, fields);
  else insertIngestedItem(vault.store, itemId, staged.name, fields);
  indexItem(vault, itemId);
}

/**
 * The item.ingested event's payload. It commits to the file name and metadata without revealing them: packets include
 * this event, and a file name or GPS position must not leave with it unless the lawyer exports them on purpose.
 */
function ingestedEvent(row: ItemRow, salt: Buffer): CustodyEvent['data'] {
  const { staged, metadata } = row;
  return {
    sha256: staged.sha256.toString('hex'),
    size: staged.size,
    mediaType: row.mediaType,
    nameCommitment: commitment(salt, row.originalName),
    metadataCommitment: commitment(salt, metadata),
    // Whether the file's Content Credentials validated is stated in clear (it identifies nobody); who signed
    // them and what they assert is inside the metadata commitment.
    ...(metadata.contentCredentials ? { contentCredentials: metadata.contentCredentials.state } : {}),
    // Likewise for the PGP signature over a file from a ProofMode bundle (a signature by another key than the
    // bundle's is not valid); the key's fingerprint and the file's role are inside the commitment.
    ...(metadata.proofMode?.signature ? { proofModeSignature: metadata.proofMode.signature.state === 'valid' ? 'valid' : 'invalid' } : {}),
    ...(row.revived ? { revivesPurged: true } : {}),
  };
}

/** A preview is a working copy: stored encrypted like the original, its derivation recorded in the custody log. */
async function storePreview(vault: Vault, itemId: string, data: Buffer): Promise<void> {
  const staged = await vault.blobs.stageBuffer(data);
  const row = findObject(vault.store, staged.name);
  // A preview shared with another live item is already on disk; a purged one must be written again.
  const known = row !== undefined && row.purgedAt === null;
  try {
    vault.transaction(() => {
      if (row?.purgedAt) revivePurgedPreview(vault.store, staged.name);
      if (!row) insertObject(vault.store, { name: staged.name, sha256: staged.sha256, size: staged.size, kind: 'preview', createdAt: new Date().toISOString() });
      setItemPreview(vault.store, itemId, staged.name);
      vault.log.append('item.derived', itemId, {
        kind: 'preview',
        sha256: staged.sha256.toString('hex'),
        size: staged.size,
        method: `sharp: auto-orient, fit inside ${PREVIEW_SIZE}px, WebP q78, metadata not copied`,
      });
    });
  } catch (e) {
    await vault.blobs.discard(staged);
    throw fromSystemError(e, 'recording a preview');
  }
  if (known) await vault.blobs.discard(staged);
  else await vault.blobs.publish(staged.name);
}
