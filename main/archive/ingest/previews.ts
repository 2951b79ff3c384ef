import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import { countPendingPreviews, markPreviewFailed, pendingPreviews, setItemPreview, type PendingPreview } from '../db/items';
import { findObject, insertObject, revivePurgedPreview } from '../db/objects';
import { HuellaError, fromSystemError } from '../errors';
import type { StagedObject } from '../blobs/store';
import type { Vault } from '../vault/vault';
import { MAX_INPUT_PIXELS } from '../formats/vips-env';
import { baseMediaType, PREVIEW_TYPES, type ParseRequest } from './parse-protocol';
import { endIdleParsers, endIdlePreviewers, previewers, previewThreads } from './parser-pool';
import { runPreviewPipeline } from './preview-pipeline';
import type { SniffResult } from './sniff';
import type { IngestWarning } from '../../../shared/model/items';

function previewWarning(reason: string): IngestWarning {
  return { code: 'PREVIEW_FAILED', message: `No preview could be made (${reason}).` };
}

/**
 * Phase 2 of an import (issue 19): previews made after the originals are safe. Phase 1 records each item whose
 * preview is wanted as 'pending' in the transaction that records the item; here the pending items are turned into
 * previews on the preview threads (one per core), a bounded number of bytes in flight, and committed in groups. The
 * preview is made from the source file while it is still on disk and hashes to the stored original; otherwise (it
 * changed, moved, or this is the next open after a crash or a quit) from the stored object, decrypted in memory.
 * A file the parser cannot make a preview of is marked 'failed' once and never retried; a vault error (disk full)
 * leaves the item pending for the next run.
 */

export const PREVIEW_SIZE = 512;
/** Above this size we do not ask the parser for a preview (a 512 px preview of a huge TIFF is not worth the risk). */
export const PREVIEW_MAX_BYTES = 256 * 1024 * 1024;
/** Previews committed in one transaction at most. */
export const PREVIEW_GROUP = 32;
/** Bytes of originals held in memory at once (a larger file is made alone). */
export const PREVIEW_INFLIGHT_BYTES = 48 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;
const METHOD = `sharp: auto-orient, fit inside ${PREVIEW_SIZE}px, WebP q78, metadata not copied`;

/** Whether an item of this type and size gets a preview (made in phase 2). */
export function previewLater(sniff: SniffResult, size: number, options: { readonly previews?: boolean }): boolean {
  return (options.previews ?? true) && PREVIEW_TYPES.has(baseMediaType(sniff.mediaType)) && size <= PREVIEW_MAX_BYTES;
}

export type PreviewProgress = { readonly total: number; readonly done: number; readonly made: number; readonly failed: number };

export type PreviewOptions = {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: PreviewProgress) => void;
  /** item id → the file it was just ingested from (used when its bytes still hash to the original). */
  readonly sources?: ReadonlyMap<string, string>;
  readonly parseTimeoutMs?: number;
  /**
   * After each committed group: the items whose preview was just stored (published, readable). The app tells the
   * renderer (items.previewsMade), so the library's and the item page's placeholders fill in without a reload.
   */
  readonly onMade?: (itemIds: readonly string[]) => void;
};

export type PreviewReport = PreviewProgress & {
  /** The files no preview could be made of, each with the warning recorded on its item. */
  readonly unpreviewable: readonly { readonly itemId: string; readonly warning: IngestWarning }[];
  /** The custody log's size at the checkpoint written after the previews' events, if any were recorded. */
  readonly checkpointSize?: number;
  /** Items left pending (cancelled, or a vault error such as a full disk): the next run makes them. */
  readonly pending: number;
  readonly cancelled: boolean;
  readonly error?: HuellaError;
};

type Outcome =
  | { readonly item: PendingPreview; readonly preview: Buffer }
  | { readonly item: PendingPreview; readonly unpreviewable: string }
  | { readonly item: PendingPreview; readonly error: HuellaError };

/** The run of phase 2 in progress per vault: a second caller (an import while the app makes the previews an open found pending) waits for it. */
const running = new WeakMap<Vault, Promise<unknown>>();

/**
 * Makes every pending preview of the vault (this import's, and any a crash or a quit left). Never throws for one
 * file. One run at a time per vault: a call while one runs starts after it (so no preview is made twice).
 */
export function makePendingPreviews(vault: Vault, options: PreviewOptions = {}): Promise<PreviewReport> {
  const before = running.get(vault) ?? Promise.resolve();
  const run = before.catch(() => undefined).then(() => makeAll(vault, options));
  running.set(vault, run);
  void run.finally(() => {
    if (running.get(vault) === run) running.delete(vault);
  }).catch(() => undefined);
  return run;
}

async function makeAll(vault: Vault, options: PreviewOptions): Promise<PreviewReport> {
  const total = countPendingPreviews(vault.store);
  let done = 0;
  let made = 0;
  let failed = 0;
  let error: HuellaError | undefined;
  const unpreviewable: { itemId: string; warning: IngestWarning }[] = [];
  const progress = (): void => options.onProgress?.({ total, done, made, failed });
  progress();
  let after = 0;
  let committed = false;
  if (total > 0) {
    // Phase 1's parser thread, idle now, is ended (its heap held ~30 MB of garbage after 5,000 photos' metadata).
    await endIdleParsers();
    await runPreviewPipeline<PendingPreview, Outcome>(
      { slots: previewThreads() + 1, maxBytes: PREVIEW_INFLIGHT_BYTES, group: PREVIEW_GROUP },
      {
        next: () => {
          const page = pendingPreviews(vault.store, PREVIEW_GROUP, after);
          if (page.length > 0) after = page[page.length - 1]!.rowid;
          return page;
        },
        sizeOf: (item) => item.size,
        make: async (item) => {
          if (options.signal?.aborted) return { item, error: new HuellaError('CANCELLED', 'Cancelled.') };
          const o = await makeOne(vault, item, options);
          if ('error' in o && o.error.code !== 'CANCELLED') error ??= o.error; // no new item starts (stop below)
          return o;
        },
        store: async (outcomes) => {
          const stored = await storeGroup(vault, outcomes);
          committed ||= stored.committed;
          if (stored.published.length > 0) options.onMade?.(stored.published);
          for (const o of outcomes) {
            if ('error' in o) {
              if (o.error.code !== 'CANCELLED') error ??= o.error;
              continue;
            }
            done++;
            if ('preview' in o) made++;
            else {
              failed++;
              unpreviewable.push({ itemId: o.item.id, warning: previewWarning(o.unpreviewable) });
            }
          }
          if (stored.error) error ??= stored.error;
          progress();
        },
        stop: () => (options.signal?.aborted ?? false) || error !== undefined,
      },
    );
  }
  await endIdlePreviewers();
  const checkpointSize = committed ? vault.log.writeCheckpoint('ingest previews').size : undefined;
  const pending = countPendingPreviews(vault.store);
  return { total, done, made, failed, pending, unpreviewable, cancelled: options.signal?.aborted ?? false, ...(error ? { error } : {}), ...(checkpointSize !== undefined ? { checkpointSize } : {}) };
}

/** One preview: the bytes (source file if it still hashes to the original, else the stored object), then the parser. */
async function makeOne(vault: Vault, item: PendingPreview, options: PreviewOptions): Promise<Outcome> {
  let data: Buffer;
  try {
    data = (await fromSource(item, options.sources?.get(item.id))) ?? (await vault.blobs.readPlaintext(item.objectName, PREVIEW_MAX_BYTES));
  } catch (e) {
    return { item, error: e instanceof HuellaError ? e : fromSystemError(e, 'reading an original for its preview') };
  }
  // Handed to the worker, not copied, when the buffer owns its memory (readFile's and the decrypted object's do).
  const own = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
  const request: ParseRequest = {
    path: '',
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    mediaType: baseMediaType(item.mediaType),
    wantMetadata: false,
    wantPreview: true,
    previewSize: PREVIEW_SIZE,
    maxPixels: MAX_INPUT_PIXELS,
  };
  try {
    const r = await previewers().run({ request, timeoutMs: options.parseTimeoutMs ?? DEFAULT_TIMEOUT_MS, ...(own ? { transfer: [data.buffer as ArrayBuffer] } : {}) });
    if (r.preview) return { item, preview: Buffer.from(r.preview.buffer, r.preview.byteOffset, r.preview.byteLength) };
    return { item, unpreviewable: r.previewError ?? 'no preview' };
  } catch (e) {
    // The parser failed on this file (crash, timeout, out of memory): the file is at fault, not the vault. Anything
    // else (the threads stopped as the program quits) leaves the item pending for the next run.
    if (e instanceof HuellaError && (e.code === 'PARSER_FAILED' || e.code === 'PARSER_TIMEOUT')) return { item, unpreviewable: e.message };
    return { item, error: e instanceof HuellaError ? e : new HuellaError('INTERNAL', 'The preview could not be made.', { cause: e }) };
  }
}

/** The source file's bytes when it is still there and hashes to the stored original; undefined otherwise. */
async function fromSource(item: PendingPreview, file: string | undefined): Promise<Buffer | undefined> {
  if (!file) return undefined;
  try {
    const st = await fsp.stat(file);
    if (!st.isFile() || st.size !== item.size) return undefined;
    const data = await fsp.readFile(file);
    const sha = crypto.createHash('sha256').update(data).digest();
    return sha.equals(item.sha256) ? data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A group's previews stored: each staged (encrypted, durable in tmp/), then one transaction records them all with
 * their item.derived events and marks the unpreviewable files failed, then the new objects are published.
 */
async function storeGroup(vault: Vault, outcomes: readonly Outcome[]): Promise<{ committed: boolean; published: readonly string[]; error?: HuellaError }> {
  const made = outcomes.filter((o): o is Extract<Outcome, { preview: Buffer }> => 'preview' in o);
  const unpreviewable = outcomes.filter((o): o is Extract<Outcome, { unpreviewable: string }> => 'unpreviewable' in o);
  // Each preview written to tmp/ unflushed, then the group flushed at once (one fsync of tmp/ for all, as ingest's
  // originals): before, each preview was flushed and named on its own (two fsyncs per preview, 10,000 for 5,000).
  const settled = await Promise.allSettled(made.map((o) => vault.blobs.stageBuffer(o.preview, { durable: false })));
  const written = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failedWrite = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  let staged: StagedObject[];
  try {
    if (failedWrite) throw failedWrite.reason;
    const ready = await vault.blobs.makeReady(written);
    const bad = ready.find((r): r is HuellaError => r instanceof HuellaError);
    if (bad) {
      await Promise.all(ready.map((r) => (r instanceof HuellaError ? undefined : vault.blobs.discard(r).catch(() => undefined))));
      throw bad;
    }
    staged = ready as StagedObject[];
  } catch (e) {
    if (failedWrite) await Promise.all(written.map((s) => vault.blobs.discard(s).catch(() => undefined)));
    return { committed: false, published: [], error: e instanceof HuellaError ? e : fromSystemError(e, 'writing a preview') };
  }
  // A preview object another item already uses is on disk: its staged copy is dropped, not published.
  const fresh = new Set<string>();
  try {
    vault.transaction(() => {
      made.forEach((o, k) => {
        const s = staged[k]!;
        const row = findObject(vault.store, s.name);
        if (row?.purgedAt) revivePurgedPreview(vault.store, s.name);
        if (!row) insertObject(vault.store, { name: s.name, sha256: s.sha256, size: s.size, kind: 'preview', createdAt: new Date().toISOString() });
        if (!row || row.purgedAt) fresh.add(s.name);
        setItemPreview(vault.store, o.item.id, s.name);
        vault.log.append('item.derived', o.item.id, { kind: 'preview', sha256: s.sha256.toString('hex'), size: s.size, method: METHOD });
      });
      for (const o of unpreviewable) markPreviewFailed(vault.store, o.item.id, previewWarning(o.unpreviewable));
    });
  } catch (e) {
    await Promise.all(staged.map((s) => vault.blobs.discard(s).catch(() => undefined)));
    return { committed: false, published: [], error: fromSystemError(e, 'recording previews') };
  }
  try {
    await vault.blobs.publishMany([...fresh]);
    await Promise.all(staged.filter((s) => !fresh.has(s.name)).map((s) => vault.blobs.discard(s).catch(() => undefined)));
  } catch (e) {
    return { committed: true, published: [], error: e instanceof HuellaError ? e : fromSystemError(e, 'storing previews') };
  }
  return { committed: made.length > 0, published: made.map((o) => o.item.id) };
}
