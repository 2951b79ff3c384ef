import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { PacketExportInput, type PacketBlocker, type PacketExportReport, type PacketPlanInput, type PacketProgress } from '../../../shared/model/packet';
import { createAgeEncryptStream } from '../blobs/age';
import { recordEvent } from '../catalogue/record-event';
import { parseCheckpointBody } from '../custody/checkpoint';
import { formatMinisignPublicKey, minisignSign } from '../custody/minisign';
import { verifierKey } from '../custody/note';
import { formatTlogProof } from '../custody/tlog-proof';
import { fieldIssues } from '../../../shared/validation';
import { HuellaError, fromSystemError, msg } from '../errors';
import { fsyncDir } from '../fs/durable';
import { newId } from '../ids';
import type { Vault } from '../vault/vault';
import { renderCoverDocx } from './cover/docx';
import { buildCoverModel } from './cover/model';
import { renderCoverPdf } from './cover/pdf';
import { findLeaks, stripToFile, type StripRecord } from '../formats';
import { formatBagInfo, formatManifest, payloadOxum, type ManifestEntry } from '../packet/bagit';
import { eventsAbout } from './catalogue-reads';
import { listFiles, mapLimit, sha256File, sha256Of, streamToNewFile, syncFile, syncTree, writeNew, type Hashed } from './files';
import type { ItemsJson, PacketItemRecord, PacketTestimonyRecord } from '../packet/items-json';
import { BAG, BAGIT_TXT, BAG_SOFTWARE_AGENT, entryPath, ITEMS_FORMAT, proofPath } from '../packet/layout';
import { buildPlan, type PlanDetails, type PlannedItemInternal } from './plan';
import { verifyPacket } from '../packet/verify';
import { writePacketZip } from './zip-write';
import { senderLinksFor } from '../transfer/packet-links';
import { witnessedCustody } from './witnessed';

/**
 * exportPacket (DESIGN §6): writes the plan as a BagIt packet, atomically.
 *
 * Order, and why:
 *  1. Strip each item (2–4 at a time) into a hidden sibling folder `.<name>.partial-<random>`, re-read each copy
 *     with findLeaks and FAIL the whole export on any finding; hash it. Forensic: encrypt the original to the
 *     recipient, checking its hash against the vault's record on the way.
 *  2. In one transaction: an `item.derived` event per stripped copy (its hash and transformation), then a
 *     checkpoint written for this packet. Every event the packet lists (the items' and testimonies' events,
 *     these derived events, the consent records in force) has seq < that checkpoint's size, so every proof in the
 *     packet verifies against custody/checkpoint.
 *  3. Proofs, entries, events.jsonl, items.json, the cover documents, the manifests, then fsync of every file and
 *     folder, then the minisign signature over tagmanifest-sha256.txt, then our own verifier on the result.
 *  4. `packet.exported` (packet id, mechanism, profile, ids, the tagmanifest's hash: no names; the answers only as
 *     a salted commitment) and a new checkpoint. That event cannot be inside the packet it describes.
 *  5. Rename into place (a zip is written as a hidden partial file, synced, then linked into place, which never
 *     replaces an existing file). On any failure or cancel the partial files are removed: nothing is left at
 *     --out. Events already logged in step 2 stay (the log is append-only); they record copies that were made.
 */

export type ExportOptions = {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: PacketProgress) => void;
  /** Strips running at once (2–4 is the useful range: each strip is I/O plus a little CPU). */
  readonly concurrency?: number;
};

type ItemOutcome = {
  readonly it: PlannedItemInternal;
  readonly exported?: { readonly path: string; readonly hashed: Hashed; readonly record: StripRecord };
  readonly original?: { readonly path: string; readonly hashed: Hashed };
};

function blockerError(blockers: readonly PacketBlocker[]): HuellaError {
  const consent = blockers.find((b) => b.code === 'CONSENT_REQUIRED' && b.personId) ?? blockers.find((b) => b.code === 'CONSENT_REQUIRED');
  const first = consent ?? blockers[0]!;
  const more = blockers.length > 1 ? ` (${blockers.length - 1} more problem${blockers.length > 2 ? 's' : ''}: see the plan)` : '';
  return new HuellaError(first.code === 'STRIP_UNSUPPORTED' ? 'STRIP_UNSUPPORTED' : first.code, `The packet cannot be exported: ${first.message}${more}`, {
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

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch {
    return false;
  }
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new HuellaError('CANCELLED', 'The export was cancelled; nothing was written.');
}

/**
 * A stripper's error says what is wrong with the file but not which item it is: add the label and item id, so the
 * person knows which item to leave out (the CLI prints the message; the UI uses details.itemId).
 */
function namingItem(e: unknown, planned: PlannedItemInternal['planned']): unknown {
  if (!(e instanceof HuellaError) || e.code === 'CANCELLED' || e.code === 'DISK_FULL') return e;
  return new HuellaError(e.code, `${planned.label} (${planned.itemId}): ${e.message} Nothing was exported; leave this item out (--items) or export the original encrypted (forensic profile).`, {
    cause: e,
    details: { ...e.details, itemId: planned.itemId },
  });
}

async function exportItem(vault: Vault, details: PlanDetails, root: string, it: PlannedItemInternal, signal: AbortSignal | undefined): Promise<ItemOutcome> {
  const { planned, detail, objectName } = it;
  const keepCaptureDate = details.plan.keepCaptureDate;
  let exported: ItemOutcome['exported'];
  let original: ItemOutcome['original'];
  if (planned.exportPath) {
    const abs = path.join(root, planned.exportPath);
    const result = await stripToFile(() => vault.blobs.openPlaintext(objectName), detail.mediaType, abs, { keepCaptureDate, keepOrientation: true }).catch((e: unknown) => {
      throw namingItem(e, planned);
    });
    const leaks = await findLeaks(abs, detail.mediaType, { keepCaptureDate, keepOrientation: true, originalValues: it.originalValues });
    if (leaks.length > 0) {
      const kinds = [...new Set(leaks.map((l) => l.kind))].join(', ');
      throw new HuellaError('LEAK_DETECTED', `${planned.label} (${planned.itemId}): identifying metadata was still found after stripping (${kinds}); nothing was exported.`, {
        details: { itemId: planned.itemId },
      });
    }
    exported = { path: planned.exportPath, hashed: await sha256File(abs), record: result.record };
  }
  if (planned.originalPath) {
    if (!details.recipientKey) throw new HuellaError('INTERNAL', 'forensic export without a recipient key');
    const abs = path.join(root, planned.originalPath);
    const plainHash = crypto.createHash('sha256');
    const hashPlain = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        plainHash.update(chunk);
        cb(null, chunk);
      },
    });
    const hashed = await streamToNewFile(vault.blobs.openPlaintext(objectName), [hashPlain, createAgeEncryptStream([details.recipientKey])], abs, signal);
    if (plainHash.digest('hex') !== detail.sha256) {
      throw new HuellaError('OBJECT_CORRUPT', `${planned.label} (${planned.itemId}): the stored original no longer matches its recorded SHA-256; run "huella verify". Nothing was exported.`);
    }
    original = { path: planned.originalPath, hashed };
  }
  return { it, ...(exported ? { exported } : {}), ...(original ? { original } : {}) };
}

export async function exportPacket(vault: Vault, rawInput: PacketExportInput, options: ExportOptions = {}): Promise<PacketExportReport> {
  const started = Date.now();
  const input = parseInput(rawInput);
  const { signal, onProgress } = options;
  const progress = (phase: PacketProgress['phase'], done: number, total: number): void => onProgress?.({ phase, done, total });
  progress('planning', 0, 1);
  const planInput: PacketPlanInput = {
    mechanismId: input.mechanismId,
    caseId: input.caseId,
    profile: input.profile,
    lang: input.lang,
    ...(input.itemIds ? { itemIds: input.itemIds } : {}),
    ...(input.testimonyIds ? { testimonyIds: input.testimonyIds } : {}),
    ...(input.recipient ? { recipient: input.recipient } : {}),
    ...(input.answers ? { answers: input.answers } : {}),
    ...(input.keepCaptureDate !== undefined ? { keepCaptureDate: input.keepCaptureDate } : {}),
    ...(input.includeFileNames !== undefined ? { includeFileNames: input.includeFileNames } : {}),
  };
  const details = buildPlan(vault, planInput);
  const { plan } = details;
  if (!plan.canExport) throw blockerError(plan.blockers);

  const out = path.resolve(input.outPath);
  const zip = input.zip ?? out.toLowerCase().endsWith('.zip');
  if (await exists(out)) throw new HuellaError('CONFLICT', 'Something already exists at the output path; packets never overwrite anything. Choose a new name.');
  const parent = path.dirname(out);
  await fsp.mkdir(parent, { recursive: true });
  await removeAbandonedPartials(parent);
  // The pid in the name lets a later export tell a partial of a crashed export from one still being written.
  const random = `${process.pid}-${crypto.randomBytes(6).toString('hex')}`;
  const root = path.join(parent, `.${path.basename(out)}.partial-${random}`);
  const zipPartial = path.join(parent, `.${path.basename(out)}.zip-partial-${random}`);
  const packetId = newId('pkt');
  const origin = vault.log.origin;
  progress('planning', 1, 1);

  try {
    await fsp.mkdir(root, { mode: 0o700 });
    for (const d of [BAG.evidence, BAG.originals, BAG.testimonies, BAG.submission, BAG.proofs, BAG.entries]) await fsp.mkdir(path.join(root, d), { recursive: true, mode: 0o700 });
    const payload = new Map<string, Hashed>();

    // 1. Items.
    const work = details.items.filter((i) => i.planned.action !== 'refuse');
    let done = 0;
    progress('stripping', 0, work.length);
    const concurrency = Math.max(1, Math.min(4, options.concurrency ?? 3));
    const outcomes = await mapLimit(
      work,
      concurrency,
      async (it) => {
        checkAborted(signal);
        const r = await exportItem(vault, details, root, it, signal);
        progress('stripping', ++done, work.length);
        return r;
      },
      signal,
    );
    checkAborted(signal);
    for (const o of outcomes) {
      if (o.exported) payload.set(o.exported.path, o.exported.hashed);
      if (o.original) payload.set(o.original.path, o.original.hashed);
    }

    // Testimonies.
    progress('testimonies', 0, details.testimonies.length);
    const testimonyFiles = new Map<string, Hashed>();
    for (const [i, t] of details.testimonies.entries()) {
      const p = t.planned.exportPath!;
      const h = await writeNew(path.join(root, p), t.exportText);
      payload.set(p, h);
      testimonyFiles.set(t.planned.testimonyId, h);
      progress('testimonies', i + 1, details.testimonies.length);
    }
    checkAborted(signal);

    // 2. Custody: derived events for the copies, then the packet's checkpoint.
    progress('custody', 0, 1);
    const derivedSeq = new Map<string, number>();
    const checkpoint = vault.transaction(() => {
      for (const o of outcomes) {
        if (!o.exported) continue;
        const r = o.exported.record;
        const ev = vault.log.append('item.derived', o.it.planned.itemId, {
          kind: 'packet-copy',
          packetId,
          sha256: o.exported.hashed.sha256,
          size: o.exported.hashed.size,
          method: r.method,
          format: r.format,
          removed: [...r.removed],
          kept: [...r.kept],
          keepCaptureDate: plan.keepCaptureDate,
          ...(r.notes ? { notes: r.notes } : {}),
        });
        derivedSeq.set(o.it.planned.itemId, ev.seq);
      }
      return vault.log.writeCheckpoint(`packet ${packetId}`);
    });
    const checkpointBody = parseCheckpointBody(checkpoint.note.slice(0, checkpoint.note.indexOf('\n\n') + 1));
    const consentPersons = details.persons.filter((p) => p.consentId).map((p) => p.personId);
    const subjects = [...outcomes.map((o) => o.it.planned.itemId), ...details.testimonies.map((t) => t.planned.testimonyId)];
    const events = [
      ...eventsAbout(vault, subjects, checkpoint.size),
      ...eventsAbout(vault, consentPersons, checkpoint.size).filter((e) => /"type":"consent\.(recorded|revoked)"/.test(e.bytes.toString('utf8'))),
    ].sort((a, b) => a.seq - b.seq);
    const tagFiles = new Map<string, Hashed>();
    const writeTag = async (p: string, data: string | Uint8Array): Promise<void> => {
      tagFiles.set(p, await writeNew(path.join(root, p), data));
    };
    const jsonl: string[] = [];
    for (const e of events) {
      const proof = formatTlogProof({ index: e.seq, proof: vault.log.inclusionProof(e.seq, checkpoint.size), checkpoint: checkpoint.note });
      await writeTag(proofPath(e.seq), proof);
      await writeTag(entryPath(e.seq), e.bytes);
      jsonl.push(`${JSON.stringify({ event: e.bytes.toString('utf8'), signature: e.signature.toString('base64'), proof: proofPath(e.seq), entry: entryPath(e.seq) })}\n`);
    }
    await writeTag(BAG.events, jsonl.join(''));
    const witnessed = witnessedCustody(vault, events.map((e) => e.seq), checkpoint.size);
    if (witnessed.files.size > 0) await fsp.mkdir(path.join(root, BAG.witnessed, 'proofs'), { recursive: true, mode: 0o700 });
    for (const [p, content] of witnessed.files) await writeTag(p, content);
    await writeTag(BAG.checkpoint, checkpoint.note);
    const minisignKey = formatMinisignPublicKey(vault.log.publicKey);
    await writeTag(BAG.publicKey, minisignKey);
    await writeTag(BAG.verifierKey, `${verifierKey(origin, vault.log.publicKey)}\n`);
    // Exhibits received from another vault carry the sender's link of their chain (DESIGN §9).
    const senderLinks = senderLinksFor(vault, outcomes.map((o) => o.it.planned.itemId));
    for (const [p, content] of senderLinks.files) await writeTag(p, content);
    progress('custody', 1, 1);

    // items.json
    const ingestSeq = (itemId: string): number => details.items.find((i) => i.planned.itemId === itemId)!.detail.ingestSeq;
    const revisionSeq = vault.db.prepare<[string, number], { event_seq: number }>('SELECT event_seq FROM testimony_revisions WHERE testimony_id = ? AND revision = ?');
    const itemsJson: ItemsJson = {
      format: ITEMS_FORMAT,
      packetId,
      origin,
      checkpoint: { path: BAG.checkpoint, size: checkpoint.size },
      mechanismId: plan.mechanismId,
      profile: plan.profile,
      items: outcomes.map((o): PacketItemRecord => {
        const { planned, detail } = o.it;
        const title = details.pseudonymiser.apply(detail.title ?? '').text;
        return {
          label: planned.label,
          itemId: planned.itemId,
          mediaType: detail.mediaType,
          ...(title ? { title } : {}),
          tags: [...o.it.tagIds],
          original: { sha256: detail.sha256, size: detail.size, ingested: { seq: ingestSeq(planned.itemId), proof: proofPath(ingestSeq(planned.itemId)) } },
          ...(o.exported
            ? {
                exported: {
                  path: o.exported.path,
                  sha256: o.exported.hashed.sha256,
                  size: o.exported.hashed.size,
                  transformation: {
                    method: o.exported.record.method,
                    format: o.exported.record.format,
                    removed: [...o.exported.record.removed],
                    kept: [...o.exported.record.kept],
                    ...(o.exported.record.notes ? { notes: o.exported.record.notes } : {}),
                    keepCaptureDate: plan.keepCaptureDate,
                  },
                  derived: { seq: derivedSeq.get(planned.itemId)!, proof: proofPath(derivedSeq.get(planned.itemId)!) },
                },
              }
            : {}),
          ...(o.original ? { encryptedOriginal: { path: o.original.path, sha256: o.original.hashed.sha256, size: o.original.hashed.size, recipient: plan.recipient! } } : {}),
          ...(senderLinks.received.has(planned.itemId) ? { received: senderLinks.received.get(planned.itemId)! } : {}),
        };
      }),
      testimonies: details.testimonies.map((t): PacketTestimonyRecord => {
        const seq = revisionSeq.get(t.planned.testimonyId, t.testimony.revision)?.event_seq;
        const h = testimonyFiles.get(t.planned.testimonyId)!;
        return {
          label: t.planned.label,
          testimonyId: t.planned.testimonyId,
          path: t.planned.exportPath!,
          sha256: h.sha256,
          size: h.size,
          revision: t.testimony.revision,
          ...(seq !== undefined && seq < checkpoint.size ? { revisionEvent: { seq, proof: proofPath(seq) } } : {}),
          transformation:
            t.planned.replacements > 0
              ? `exported as UTF-8 text with its interview fields; ${t.planned.replacements} occurrence(s) of withheld names replaced by pseudonyms`
              : 'exported as UTF-8 text with its interview fields; no withheld name found',
        };
      }),
    };
    await writeTag(BAG.items, `${JSON.stringify(itemsJson, null, 2)}\n`);
    checkAborted(signal);

    // Cover documents.
    progress('documents', 0, 2);
    const ingestTimes = outcomes.map((o) => o.it.detail.ingestedAt).sort();
    const model = buildCoverModel({
      lang: plan.lang,
      mechanism: details.mechanism,
      caseTitle: details.caseTitle,
      packetId,
      preparedOn: new Date().toISOString().slice(0, 10),
      profile: plan.profile,
      fields: plan.fields,
      evidence: outcomes.map((o) => ({
        label: o.it.planned.label,
        file: (o.exported?.path ?? o.original?.path ?? '').split('/').pop() ?? '',
        shows: o.it.shows,
        tagIds: o.it.tagIds,
        originalSha256: o.it.detail.sha256,
        ...(o.exported ? { exportedSha256: o.exported.hashed.sha256, method: o.exported.record.method } : {}),
        encryptedOriginal: o.original !== undefined,
      })),
      testimonies: details.testimonies.map((t) => ({
        label: t.planned.label,
        file: t.planned.exportPath!.split('/').pop()!,
        ...(t.witness ? { witness: t.witness } : {}),
        ...(t.testimony.interviewDate ? { date: t.testimony.interviewDate } : {}),
      })),
      custody: {
        firstIngest: ingestTimes[0] ?? '—',
        lastIngest: ingestTimes.at(-1) ?? '—',
        origin,
        size: checkpoint.size,
        rootHash: checkpointBody.rootHash.toString('base64'),
        events: events.length,
        minisignKeyLine: minisignKey.split('\n')[1] ?? '',
        exampleProofSeq: events.find((e) => outcomes.some((o) => ingestSeq(o.it.planned.itemId) === e.seq))?.seq,
      },
    });
    const stem = `${BAG.submission}/cover-${plan.mechanismId}-${plan.lang}`;
    payload.set(`${stem}.pdf`, await writeNew(path.join(root, `${stem}.pdf`), await renderCoverPdf(model)));
    progress('documents', 1, 2);
    payload.set(`${stem}.docx`, await writeNew(path.join(root, `${stem}.docx`), await renderCoverDocx(model)));
    progress('documents', 2, 2);
    checkAborted(signal);

    // 3. Manifests and bag metadata. The payload on disk must be exactly what we wrote.
    progress('manifests', 0, 1);
    const onDisk = (await listFiles(path.join(root, 'data'))).map((p) => `data/${p}`);
    const written = [...payload.keys()].sort();
    if (onDisk.length !== written.length || onDisk.some((p, i) => p !== written[i])) {
      throw new HuellaError('INTERNAL', 'The packet being built holds files it did not write; nothing was exported.');
    }
    const manifest = formatManifest(written.map((p): ManifestEntry => ({ path: p, sha256: payload.get(p)!.sha256 })));
    const payloadBytes = [...payload.values()].reduce((a, h) => a + h.size, 0);
    await writeTag(BAG.manifest, manifest);
    await writeTag(BAG.bagit, BAGIT_TXT);
    await writeTag(
      BAG.bagInfo,
      formatBagInfo([
        ['Bag-Software-Agent', BAG_SOFTWARE_AGENT],
        ['Bagging-Date', new Date().toISOString().slice(0, 10)],
        ['External-Identifier', packetId],
        ['Payload-Oxum', payloadOxum(payloadBytes, payload.size)],
        ['Huella-Profile', plan.profile],
        ['Huella-Mechanism', plan.mechanismId],
        ['Huella-Log-Origin', origin],
      ]),
    );
    const tagList = [...tagFiles.keys()].sort();
    const tagmanifest = formatManifest(tagList.map((p) => ({ path: p, sha256: tagFiles.get(p)!.sha256 })));
    await fsp.writeFile(path.join(root, BAG.tagmanifest), tagmanifest, { flag: 'wx', mode: 0o600 });
    const tagmanifestSha256 = sha256Of(tagmanifest);
    await syncTree(root);
    const signature = await minisignSign(vault.signingSeed, vault.log.publicKey, Buffer.from(tagmanifest, 'utf8'), {
      trustedComment: `huella packet ${packetId} log ${origin} checkpoint ${checkpoint.size} tagmanifest-sha256 ${tagmanifestSha256}`,
      untrustedComment: `signature from the Huella vault key of ${origin}`,
    });
    await fsp.writeFile(path.join(root, BAG.signature), signature, { flag: 'wx', mode: 0o600 });
    await syncFile(path.join(root, BAG.signature));
    await fsyncDir(root);
    progress('manifests', 1, 1);
    checkAborted(signal);

    // Our own verifier on what we are about to publish (cheap insurance against a bug in this file).
    const self = await verifyPacket(root, { key: minisignKey, ...(signal ? { signal } : {}), onProgress: (p) => progress('verifying', p.done, p.total) });
    if (!self.ok) {
      const bad = [...self.checks.filter((c) => c.status === 'FAIL'), ...self.files.filter((f) => f.status === 'FAIL')][0];
      throw new HuellaError('INTERNAL', `The packet failed its own verification (${bad ? bad.reason : 'unknown reason'}); nothing was exported.`);
    }
    checkAborted(signal);
    if (zip) {
      progress('zipping', 0, 1);
      await writePacketZip(root, zipPartial, path.basename(out).replace(/\.zip$/i, ''), signal);
      await syncFile(zipPartial);
      progress('zipping', 1, 1);
    }
    checkAborted(signal);

    // 4. Record the export, then 5. publish.
    if (await exists(out)) throw new HuellaError('CONFLICT', 'Something appeared at the output path during the export; nothing was overwritten.');
    const answers = details.answers;
    const exportedEvent = vault.transaction(() => {
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
          items: outcomes.map((o) => o.it.planned.itemId),
          testimonies: details.testimonies.map((t) => t.planned.testimonyId),
          checkpointSize: checkpoint.size,
          tagmanifestSha256,
          payloadFiles: payload.size,
          payloadBytes,
        },
        Object.keys(answers).length > 0 ? { answers: answers as Record<string, string | boolean | readonly string[] | null> } : undefined,
      );
      vault.log.writeCheckpoint('packet exported');
      return ev;
    });
    if (zip) {
      await fsp.link(zipPartial, out);
      await fsp.rm(zipPartial, { force: true });
      await fsp.rm(root, { recursive: true, force: true });
    } else {
      await fsp.rename(root, out);
    }
    await fsyncDir(parent);
    progress('done', 1, 1);
    return {
      packetId,
      outPath: out,
      format: zip ? 'zip' : 'folder',
      profile: plan.profile,
      mechanismId: plan.mechanismId,
      files: payload.size + tagFiles.size + 2,
      payloadBytes,
      tagmanifestSha256,
      checkpoint: { origin, size: checkpoint.size, rootHash: checkpointBody.rootHash.toString('base64') },
      exportedEventSeq: exportedEvent.seq,
      items: details.items.map((i) => {
        const o = outcomes.find((x) => x.it.planned.itemId === i.planned.itemId);
        return {
          itemId: i.planned.itemId,
          label: i.planned.label,
          ...(o?.exported ? { exportPath: o.exported.path, sha256: o.exported.hashed.sha256 } : {}),
          ...(o?.original ? { originalPath: o.original.path } : {}),
        };
      }),
      testimonies: details.testimonies.map((t) => ({ testimonyId: t.planned.testimonyId, exportPath: t.planned.exportPath!, replacements: t.planned.replacements })),
      missingFields: plan.missingFields,
      warnings: plan.warnings,
      durationMs: Date.now() - started,
    };
  } catch (e) {
    await fsp.rm(root, { recursive: true, force: true }).catch(() => undefined);
    await fsp.rm(zipPartial, { force: true }).catch(() => undefined);
    if (signal?.aborted) throw new HuellaError('CANCELLED', 'The export was cancelled; nothing was written.', { cause: e });
    if (e instanceof HuellaError) throw e;
    throw fromSystemError(e, 'writing the packet');
  }
}

const PARTIAL_NAME = /^\..+\.(zip-)?partial-(\d+)-[0-9a-f]{12}$/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM'; // alive, owned by someone else
  }
}

/**
 * An export killed mid-way (crash, power cut, kill -9) cannot clean up after itself: its hidden partial folder or
 * zip, holding stripped copies of evidence, would stay beside the packets for good. Each export first removes the
 * partials in its destination folder whose exporting process is gone. Partials of a live export are left alone.
 */
export async function removeAbandonedPartials(parent: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = PARTIAL_NAME.exec(name);
    if (!m) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || processAlive(pid)) continue;
    await fsp.rm(path.join(parent, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** For tests: whether any partial file of an export is left next to `out`. */
export function partialsNextTo(out: string): string[] {
  const parent = path.dirname(path.resolve(out));
  const base = path.basename(out);
  if (!fs.existsSync(parent)) return [];
  return fs.readdirSync(parent).filter((n) => n.startsWith(`.${base}.`));
}
