import crypto from 'node:crypto';
import path from 'node:path';
import { Transform } from 'node:stream';
import type { PacketBlocker } from '../../../shared/model/packet';
import { createAgeEncryptStream } from '../blobs/age';
import { HuellaError, msg } from '../errors';
import type { BlobStore } from '../blobs/store';
import { inspectCopy, StripAhead, stripsFromWhole, stripToFile, wipeWholeFileBuffers, type CopyFacts, type LeakFinding, type StreamSource, type StripRecord } from '../formats';
import type { Vault } from '../vault/vault';
import { checkCopyHoldsNoManifest, writeSidecar, type WrittenSidecar } from './content-credentials-stage';
import { mapLimit, sha256File, streamToNewFile, type Hashed } from './files';
import type { PlanDetails, PlannedItemInternal } from './plan';

/**
 * The item stage of a packet, shared by the export and its dry run (the same checks, not a second list): strip each
 * item into the partial folder, re-read the copy (inspectCopy), and refuse it when anything identifying is left;
 * forensic: encrypt the original to the recipient, checking its hash on the way. Every item is tried; the problems
 * of all items come back together, each naming the item, the field and value found, and what to do.
 *
 * What the packet then says about a copy (capture date kept, colour profile, orientation) comes from the re-read's
 * facts, and the stripper's own record must agree with them: a record that claims what the file does not hold (or
 * the reverse) is a bug, and stops the export.
 */

export type ExportedCopy = { readonly path: string; readonly hashed: Hashed; readonly record: StripRecord; readonly facts: CopyFacts };

export type ItemOutcome = {
  readonly it: PlannedItemInternal;
  readonly exported?: ExportedCopy;
  readonly original?: { readonly path: string; readonly hashed: Hashed };
  /** The original's Content Credentials, kept on purpose beside the copy (./content-credentials-stage.ts). */
  readonly sidecar?: WrittenSidecar;
};

export type ItemStageResult = { readonly outcomes: readonly ItemOutcome[]; readonly problems: readonly PacketBlocker[] };

export type ItemStageOptions = {
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
  readonly concurrency?: number;
  /** Also encrypt the originals (the export; the dry run only checks the copies). */
  readonly writeOriginals: boolean;
};

const REMEDY_LEAK = 'Leave this item out (--items without it), or in the forensic profile send it as its encrypted original only (--original-only).';

function leakMessage(label: string, itemId: string, leaks: readonly LeakFinding[]): string {
  const found = leaks.map((l) => (l.kind === 'original-value' ? l.detail : `${l.kind}: ${l.detail}`)).join('; ');
  return `${label} (${itemId}): identifying metadata is still in the stripped copy: ${found}. ${REMEDY_LEAK}`;
}

/** A failure of one item that the person can act on becomes a problem of that item; anything else stops everything. */
const ITEM_PROBLEMS = new Set(['STRIP_FAILED', 'STRIP_UNSUPPORTED', 'LEAK_DETECTED']);

function problemOf(e: unknown, it: PlannedItemInternal): PacketBlocker {
  // Only what is wrong with this file is the item's problem; a missing object, a full disk, a cancel stop everything.
  if (!(e instanceof HuellaError) || !ITEM_PROBLEMS.has(e.code)) throw e;
  const { label, itemId } = it.planned;
  const code = e.code === 'STRIP_UNSUPPORTED' ? 'STRIP_UNSUPPORTED' : e.code === 'LEAK_DETECTED' ? 'LEAK_DETECTED' : 'STRIP_FAILED';
  const message = e.code === 'LEAK_DETECTED' ? e.message : `${label} (${itemId}): ${e.message} ${REMEDY_LEAK}`;
  const problem = msg(code === 'LEAK_DETECTED' ? 'problem.packet.itemLeak' : code === 'STRIP_UNSUPPORTED' ? 'problem.packet.itemUnsupported' : 'problem.packet.itemStripFailed', { label });
  return { code, itemId, message, problem };
}

/** The stripper's record and the re-read must say the same about what the copy holds. */
function checkClaims(it: PlannedItemInternal, record: StripRecord, facts: CopyFacts): void {
  const claimsDate = record.kept.some((k) => /^capture date|CreationDate|creation time|created/i.test(k));
  const orientation = record.kept.map((k) => /^Orientation=(\d)$/.exec(k)?.[1]).find((x) => x !== undefined);
  const claimsProfile = record.kept.some((k) => /ICC|ICCP|iCCP/.test(k));
  const bad: string[] = [];
  if (claimsDate !== facts.captureDate.length > 0) bad.push(`capture date ${claimsDate ? 'claimed but absent' : 'present but not recorded'}`);
  if (orientation !== undefined && Number(orientation) !== facts.orientation) bad.push(`Orientation=${orientation} claimed, the copy has ${facts.orientation ?? 'none'}`);
  if (claimsProfile && facts.colourProfile === undefined) bad.push('colour profile claimed but absent');
  if (bad.length > 0) throw new HuellaError('INTERNAL', `${it.planned.label} (${it.planned.itemId}): the stripper's record does not match the written copy (${bad.join('; ')}); nothing was exported.`);
}

/**
 * How many photos are decrypted ahead of the one being stripped. 2 against 1: see the commit that set it (the strip
 * bench's headline row, one at a time); with the stage's own concurrency of 3, at most 5 buffers are held at once.
 */
const STRIP_AHEAD_DEPTH = 2;

/**
 * The export's reads of the objects it strips whole (JPEG), in the order given: each decrypted whole on a crypto
 * worker, the next STRIP_AHEAD_DEPTH started when one is asked for, so they are decrypted while it is stripped in
 * this thread. The strip bench's headline row takes this same path. close() it, then wipeWholeFileBuffers().
 */
export function stripAhead(blobs: BlobStore, names: readonly string[]): StripAhead {
  return new StripAhead(names, { open: (n) => blobs.openPlaintext(n), readWhole: (n, limit, take) => blobs.readPlaintextWholeOnWorker(n, limit, take) }, STRIP_AHEAD_DEPTH);
}

async function stripAndCheck(source: StreamSource, details: PlanDetails, root: string, it: PlannedItemInternal): Promise<ExportedCopy> {
  const { planned, detail } = it;
  const keepCaptureDate = details.plan.keepCaptureDate;
  const abs = path.join(root, planned.exportPath!);
  const { record } = await stripToFile(source, detail.mediaType, abs, { keepCaptureDate, keepOrientation: true });
  const inspected = await inspectCopy(abs, detail.mediaType, { keepCaptureDate, keepOrientation: true, originalValues: it.originalValues });
  if (inspected.leaks.length > 0) throw new HuellaError('LEAK_DETECTED', leakMessage(planned.label, planned.itemId, inspected.leaks), { details: { itemId: planned.itemId } });
  if (planned.contentCredentials) await checkCopyHoldsNoManifest(it, abs);
  checkClaims(it, record, inspected.facts);
  // The hash of the bytes the re-read checked when it read the copy whole (one read), else of the file read again.
  return { path: planned.exportPath!, hashed: inspected.hashed ?? (await sha256File(abs)), record, facts: inspected.facts };
}

async function encryptOriginal(vault: Vault, details: PlanDetails, root: string, it: PlannedItemInternal, signal: AbortSignal | undefined): Promise<{ path: string; hashed: Hashed }> {
  const { planned, detail, objectName } = it;
  if (!details.recipientKey) throw new HuellaError('INTERNAL', 'forensic export without a recipient key');
  const plainHash = crypto.createHash('sha256');
  const hashPlain = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      plainHash.update(chunk);
      cb(null, chunk);
    },
  });
  const hashed = await streamToNewFile(vault.blobs.openPlaintext(objectName), [hashPlain, createAgeEncryptStream([details.recipientKey])], path.join(root, planned.originalPath!), signal);
  if (plainHash.digest('hex') !== detail.sha256) {
    throw new HuellaError('OBJECT_CORRUPT', `${planned.label} (${planned.itemId}): the stored original no longer matches its recorded SHA-256; run "huella verify". Nothing was exported.`);
  }
  return { path: planned.originalPath!, hashed };
}

export async function runItemStage(vault: Vault, details: PlanDetails, root: string, opts: ItemStageOptions): Promise<ItemStageResult> {
  const work = details.items.filter((i) => i.planned.action !== 'refuse');
  const problems: PacketBlocker[] = [];
  let done = 0;
  opts.onProgress?.(0, work.length);
  const ahead = stripAhead(vault.blobs, work.filter((it) => it.planned.exportPath && stripsFromWhole(it.detail.mediaType)).map((it) => it.objectName));
  let results: (ItemOutcome | undefined)[];
  try {
    results = await mapLimit(
      work,
      Math.max(1, Math.min(4, opts.concurrency ?? 3)),
      async (it): Promise<ItemOutcome | undefined> => {
        if (opts.signal?.aborted) throw new HuellaError('CANCELLED', 'The export was cancelled; nothing was written.');
        let outcome: ItemOutcome | undefined;
        try {
          const exported = it.planned.exportPath ? await stripAndCheck(ahead.source(it.objectName), details, root, it) : undefined;
          const sidecar = exported && it.planned.contentCredentials?.kept ? await writeSidecar(vault, root, it) : undefined;
          const original = it.planned.originalPath && opts.writeOriginals ? await encryptOriginal(vault, details, root, it, opts.signal) : undefined;
          outcome = { it, ...(exported ? { exported } : {}), ...(original ? { original } : {}), ...(sidecar ? { sidecar } : {}) };
        } catch (e) {
          problems.push(problemOf(e, it));
        }
        opts.onProgress?.(++done, work.length);
        return outcome;
      },
      opts.signal,
    );
  } finally {
    await ahead.close(); // the reads started ahead and not used: no worker writes into a buffer after the wipe
    wipeWholeFileBuffers(); // the photos' plaintext, kept in the strip's reused buffers
  }
  return { outcomes: results.filter((r): r is ItemOutcome => r !== undefined), problems: problems.sort((a, b) => a.message.localeCompare(b.message)) };
}
