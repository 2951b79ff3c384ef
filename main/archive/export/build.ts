import path from 'node:path';
import { PacketExportInput, type PacketBlocker, type PacketExportReport, type PacketPlan, type PacketPlanInput, type PacketProgress } from '../../../shared/model/packet';
import { recordEvent } from '../catalogue/record-event';
import { testimonyRevisionSeq } from '../db/packets';
import { fieldIssues } from '../../../shared/validation';
import { HuellaError, fromSystemError, msg } from '../errors';
import { newId } from '../ids';
import { BAG } from '../packet/layout';
import { verifyPacket } from '../packet/verify';
import type { Vault } from '../vault/vault';
import { writeBag, type BagResult } from './bag-stage';
import { coverModelFor, writeCover } from './cover-stage';
import { writeCustody, type CustodyResult } from './custody-stage';
import { syncFile, type Hashed } from './files';
import { buildItemsJson } from './items-record';
import { runItemStage, type ItemOutcome } from './items-stage';
import { discardOutput, PacketFiles, prepareOutput, prepareScratch, publishOutput, type Output } from './output';
import { buildPlan, type PlanDetails } from './plan';
import { writePacketZip } from './zip-write';

export { partialsNextTo, removeAbandonedPartials } from './output';

/**
 * exportPacket (DESIGN §6): writes the plan as a BagIt packet, atomically, in named stages:
 *  1. plan (./plan.ts) and prepare the partial folder next to --out (./output.ts);
 *  2. items (./items-stage.ts): strip, re-read, refuse leaks, encrypt originals; every item's problem reported;
 *  3. testimonies; 4. prove (./custody-stage.ts): `item.derived` per copy, the packet's checkpoint, this packet's own
 *     events with their proofs; items.json (./items-record.ts) from what was written;
 *  5. cover documents (./cover-stage.ts); 6. bag (./bag-stage.ts): manifests, bag-info, fsync, signature;
 *  7. our own verifier on the result, the zip, `packet.exported` (no names; answers only as a salted commitment) with
 *     a new checkpoint (that event cannot be inside the packet it describes), then publish.
 * On any failure or cancel the partial files are removed: nothing is left at --out. Events logged in step 4 stay
 * (the log is append-only); they record copies that were made.
 *
 * checkPacket is the dry run: the same plan and the same item stage (the same checks), in a scratch folder removed
 * at the end, listing every item that would block.
 */

export type ExportOptions = {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: PacketProgress) => void;
  /** Strips running at once (2–4 is the useful range: each strip is I/O plus a little CPU). */
  readonly concurrency?: number;
};

function blockerError(blockers: readonly PacketBlocker[]): HuellaError {
  const consent = blockers.find((b) => b.code === 'CONSENT_REQUIRED' && b.personId) ?? blockers.find((b) => b.code === 'CONSENT_REQUIRED');
  const first = consent ?? blockers[0]!;
  const more = blockers.length > 1 ? ` (${blockers.length - 1} more problem${blockers.length > 2 ? 's' : ''}: ${blockers.filter((b) => b !== first).map((b) => b.message).join(' | ')})` : '';
  return new HuellaError(first.code, `The packet cannot be exported: ${first.message}${more}`, {
    details: {
      ...(first.personId ? { personId: first.personId } : {}),
      ...(first.consentId ? { consentId: first.consentId } : {}),
      ...(first.itemId ? { itemId: first.itemId } : {}),
      ...(first.fieldId ? { field: first.fieldId } : {}),
      problems: blockers.length,
    },
  });
}

function parseInput(raw: PacketExportInput): ReturnType<typeof PacketExportInput.parse> {
  const r = PacketExportInput.safeParse(raw);
  if (!r.success) {
    const issues = fieldIssues(r.error);
    const where = issues[0]?.path.join('.') || 'input';
    throw new HuellaError('INVALID_INPUT', msg('problem.validation.invalidInput'), { details: { field: where }, issues });
  }
  return r.data;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new HuellaError('CANCELLED', 'The export was cancelled; nothing was written.');
}

function planInputOf(input: ReturnType<typeof PacketExportInput.parse>): PacketPlanInput {
  const { outPath: _out, zip: _zip, ...plan } = input;
  return plan;
}

async function writeTestimonies(details: PlanDetails, files: PacketFiles, progress: (done: number) => void): Promise<Map<string, Hashed>> {
  const out = new Map<string, Hashed>();
  for (const [i, t] of details.testimonies.entries()) {
    out.set(t.planned.testimonyId, await files.payloadFile(t.planned.exportPath!, t.exportText));
    progress(i + 1);
  }
  return out;
}

type Built = { readonly outcomes: readonly ItemOutcome[]; readonly custody: CustodyResult; readonly bag: BagResult; readonly files: PacketFiles };

/** Stages 2–6, in the partial folder. */
async function buildPacket(vault: Vault, details: PlanDetails, o: Output, packetId: string, options: ExportOptions): Promise<Built> {
  const { signal } = options;
  const progress = (phase: PacketProgress['phase'], total: number) => (done: number) => options.onProgress?.({ phase, done, total });
  const files = new PacketFiles(o.root);
  const itemStage = await runItemStage(vault, details, o.root, { ...options, onProgress: (d, t) => progress('stripping', t)(d), writeOriginals: true });
  if (itemStage.problems.length > 0) throw blockerError(itemStage.problems);
  for (const x of itemStage.outcomes) {
    if (x.exported) files.payload.set(x.exported.path, x.exported.hashed);
    if (x.original) files.payload.set(x.original.path, x.original.hashed);
    if (x.sidecar) files.payload.set(x.sidecar.path, x.sidecar.hashed);
  }
  checkAborted(signal);
  const testimonyFiles = await writeTestimonies(details, files, progress('testimonies', details.testimonies.length));
  checkAborted(signal);
  const custody = await writeCustody(vault, details, itemStage.outcomes, packetId, files);
  progress('custody', 1)(1);
  const items = buildItemsJson({ details, packetId, origin: vault.log.origin, outcomes: itemStage.outcomes, testimonyFiles, custody, revisionSeq: (id, rev) => testimonyRevisionSeq(vault.store, id, rev) });
  await files.tagFile(BAG.items, `${JSON.stringify(items, null, 2)}\n`);
  checkAborted(signal);
  await writeCover(coverModelFor(details, itemStage.outcomes, custody, packetId, vault.log.origin), details, files, progress('documents', 2));
  checkAborted(signal);
  const bag = await writeBag(vault, details, files, packetId, custody.checkpoint.size);
  progress('manifests', 1)(1);
  return { outcomes: itemStage.outcomes, custody, bag, files };
}

/** Our own verifier on what we are about to publish (cheap insurance against a bug in the stages). */
async function selfVerify(o: Output, built: Built, options: ExportOptions): Promise<void> {
  const self = await verifyPacket(o.root, { key: built.custody.minisignKey, ...(options.signal ? { signal: options.signal } : {}), onProgress: (p) => options.onProgress?.({ phase: 'verifying', done: p.done, total: p.total }) });
  if (!self.ok) {
    const bad = [...self.checks.filter((c) => c.status === 'FAIL'), ...self.files.filter((f) => f.status === 'FAIL')][0];
    throw new HuellaError('INTERNAL', `The packet failed its own verification (${bad ? bad.reason : 'unknown reason'}); nothing was exported.`);
  }
}

function recordExport(vault: Vault, details: PlanDetails, built: Built, packetId: string, zip: boolean): number {
  const { plan, answers } = details;
  return vault.transaction(() => {
    const ev = recordEvent(
      vault,
      'packet.exported',
      packetId,
      {
        packetId,
        mechanism: plan.mechanismId,
        profile: plan.profile,
        format: zip ? 'zip' : 'folder',
        caseId: plan.caseId,
        items: built.outcomes.map((x) => x.it.planned.itemId),
        testimonies: details.testimonies.map((t) => t.planned.testimonyId),
        checkpointSize: built.custody.checkpoint.size,
        tagmanifestSha256: built.bag.tagmanifestSha256,
        payloadFiles: built.files.payload.size,
        payloadBytes: built.bag.payloadBytes,
      },
      Object.keys(answers).length > 0 ? { answers: answers as Record<string, string | boolean | readonly string[] | null> } : undefined,
    );
    vault.log.writeCheckpoint('packet exported');
    return ev.seq;
  });
}

function report(details: PlanDetails, built: Built, o: Output, packetId: string, origin: string, exportedEventSeq: number, started: number): PacketExportReport {
  const { plan } = details;
  return {
    packetId,
    outPath: o.out,
    format: o.zip ? 'zip' : 'folder',
    profile: plan.profile,
    mechanismId: plan.mechanismId,
    files: built.files.payload.size + built.files.tags.size + 2,
    payloadBytes: built.bag.payloadBytes,
    tagmanifestSha256: built.bag.tagmanifestSha256,
    checkpoint: { origin, size: built.custody.checkpoint.size, rootHash: built.custody.rootHash.toString('base64') },
    exportedEventSeq,
    items: details.items.map((i) => {
      const x = built.outcomes.find((y) => y.it.planned.itemId === i.planned.itemId);
      return {
        itemId: i.planned.itemId,
        label: i.planned.label,
        ...(x?.exported ? { exportPath: x.exported.path, sha256: x.exported.hashed.sha256, copy: { captureDateKept: x.exported.facts.captureDate.length > 0, ...(x.exported.facts.colourProfile !== undefined ? { colourProfile: x.exported.facts.colourProfile } : {}) } } : {}),
        ...(x?.original ? { originalPath: x.original.path } : {}),
      };
    }),
    testimonies: details.testimonies.map((t) => ({ testimonyId: t.planned.testimonyId, exportPath: t.planned.exportPath!, replacements: t.planned.replacements })),
    missingFields: plan.missingFields,
    warnings: plan.warnings,
    durationMs: Date.now() - started,
  };
}

export async function exportPacket(vault: Vault, rawInput: PacketExportInput, options: ExportOptions = {}): Promise<PacketExportReport> {
  const started = Date.now();
  const input = parseInput(rawInput);
  const { signal } = options;
  options.onProgress?.({ phase: 'planning', done: 0, total: 1 });
  const details = buildPlan(vault, planInputOf(input));
  if (!details.plan.canExport) throw blockerError(details.plan.blockers);
  const o = await prepareOutput(input.outPath, input.zip);
  const packetId = newId('pkt');
  options.onProgress?.({ phase: 'planning', done: 1, total: 1 });
  try {
    const built = await buildPacket(vault, details, o, packetId, options);
    checkAborted(signal);
    await selfVerify(o, built, options);
    checkAborted(signal);
    if (o.zip) {
      options.onProgress?.({ phase: 'zipping', done: 0, total: 1 });
      await writePacketZip(o.root, o.zipPartial, path.basename(o.out).replace(/\.zip$/i, ''), signal);
      await syncFile(o.zipPartial);
      options.onProgress?.({ phase: 'zipping', done: 1, total: 1 });
    }
    checkAborted(signal);
    const exportedEventSeq = recordExport(vault, details, built, packetId, o.zip);
    await publishOutput(o);
    options.onProgress?.({ phase: 'done', done: 1, total: 1 });
    return report(details, built, o, packetId, vault.log.origin, exportedEventSeq, started);
  } catch (e) {
    await discardOutput(o);
    if (signal?.aborted) throw new HuellaError('CANCELLED', 'The export was cancelled; nothing was written.', { cause: e });
    if (e instanceof HuellaError) throw e;
    throw fromSystemError(e, 'writing the packet');
  }
}

/**
 * The dry run: the plan plus the export's own item stage (strip, re-read, leak check) in a scratch folder next to
 * `outPath` (or in the system's temporary folder), removed at the end. Every item that would block is a blocker
 * of the returned plan, with what was found and what to do.
 */
export async function checkPacket(vault: Vault, input: PacketPlanInput & { readonly outPath?: string }, options: ExportOptions = {}): Promise<PacketPlan> {
  const { outPath, ...planInput } = input;
  const details = buildPlan(vault, planInput);
  const scratch = await prepareScratch(outPath);
  try {
    const stage = await runItemStage(vault, details, scratch.root, { ...options, onProgress: (done, total) => options.onProgress?.({ phase: 'stripping', done, total }), writeOriginals: false });
    const blockers = [...details.plan.blockers, ...stage.problems];
    const records = new Map(stage.outcomes.filter((o) => o.exported).map((o) => [o.it.planned.itemId, o.exported!.record]));
    const items = details.plan.items.map((i) => {
      const r = records.get(i.itemId);
      return r ? { ...i, trialStrip: { removed: r.removed, kept: r.kept } } : i;
    });
    return { ...details.plan, items, blockers, canExport: blockers.length === 0 };
  } finally {
    await discardOutput(scratch);
  }
}
