import type { ContentCredentialsRecord, ItemsJson, PacketItemRecord, PacketTestimonyRecord } from '../packet/items-json';
import { BAG, ITEMS_FORMAT, proofPath } from '../packet/layout';
import type { Hashed } from './files';
import type { ItemOutcome } from './items-stage';
import type { PlanDetails } from './plan';
import type { CustodyResult } from './custody-stage';

/**
 * custody/items.json, built from what was written: hashes of the written files, the transformation record of each
 * copy with `keepCaptureDate` from the re-read of that copy (true only when the copy holds a capture date), and the
 * custody events that logged them.
 */

export type ItemsRecordInput = {
  readonly details: PlanDetails;
  readonly packetId: string;
  readonly origin: string;
  readonly outcomes: readonly ItemOutcome[];
  readonly testimonyFiles: ReadonlyMap<string, Hashed>;
  readonly custody: CustodyResult;
  /** testimony id → the seq of the event that recorded its exported revision. */
  readonly revisionSeq: (testimonyId: string, revision: number) => number | undefined;
};

function itemRecord(x: ItemsRecordInput, o: ItemOutcome): PacketItemRecord {
  const { planned, detail } = o.it;
  const title = x.details.pseudonymiser.apply(detail.title ?? '').text;
  const ingestSeq = detail.ingestSeq;
  const derived = x.custody.derivedSeq.get(planned.itemId);
  const e = o.exported;
  return {
    label: planned.label,
    itemId: planned.itemId,
    mediaType: detail.mediaType,
    ...(title ? { title } : {}),
    tags: [...o.it.tagIds],
    original: { sha256: detail.sha256, size: detail.size, ingested: { seq: ingestSeq, proof: proofPath(ingestSeq) } },
    ...(e && derived !== undefined
      ? {
          exported: {
            path: e.path,
            sha256: e.hashed.sha256,
            size: e.hashed.size,
            transformation: {
              method: e.record.method,
              format: e.record.format,
              removed: [...e.record.removed],
              kept: [...e.record.kept],
              ...(e.record.notes ? { notes: e.record.notes } : {}),
              keepCaptureDate: e.facts.captureDate.length > 0,
            },
            derived: { seq: derived, proof: proofPath(derived) },
          },
        }
      : {}),
    ...(o.original ? { encryptedOriginal: { path: o.original.path, sha256: o.original.hashed.sha256, size: o.original.hashed.size, recipient: x.details.plan.recipient! } } : {}),
    ...(x.custody.senderLinks.received.has(planned.itemId) ? { received: x.custody.senderLinks.received.get(planned.itemId)! } : {}),
    ...(planned.contentCredentials ? { contentCredentials: contentCredentialsRecord(x, o) } : {}),
  };
}

/** What became of the original's Content Credentials, from what was written (the copy re-read, the sidecar parsed). */
function contentCredentialsRecord(x: ItemsRecordInput, o: ItemOutcome): ContentCredentialsRecord {
  const seq = x.custody.sidecarSeq.get(o.it.planned.itemId);
  const s = o.sidecar;
  return {
    atImport: o.it.planned.contentCredentials!.state,
    ...(o.exported ? { inCopy: 'removed' as const } : {}),
    ...(o.original ? { inEncryptedOriginal: true as const } : {}),
    kept: s && seq !== undefined ? 'sidecar' : 'no',
    ...(s && seq !== undefined
      ? {
          sidecar: {
            path: s.path,
            sha256: s.hashed.sha256,
            size: s.hashed.size,
            describes: 'original' as const,
            manifests: [...s.summary.manifests],
            activeManifest: s.summary.activeManifest ?? '',
            derived: { seq, proof: proofPath(seq) },
          },
        }
      : {}),
  };
}

function testimonyRecord(x: ItemsRecordInput, t: PlanDetails['testimonies'][number]): PacketTestimonyRecord {
  const seq = x.revisionSeq(t.planned.testimonyId, t.testimony.revision);
  const h = x.testimonyFiles.get(t.planned.testimonyId)!;
  return {
    label: t.planned.label,
    testimonyId: t.planned.testimonyId,
    path: t.planned.exportPath!,
    sha256: h.sha256,
    size: h.size,
    revision: t.testimony.revision,
    ...(seq !== undefined && seq < x.custody.checkpoint.size ? { revisionEvent: { seq, proof: proofPath(seq) } } : {}),
    transformation:
      t.planned.replacements > 0
        ? `exported as UTF-8 text with its interview fields; ${t.planned.replacements} occurrence(s) of withheld names replaced by pseudonyms`
        : 'exported as UTF-8 text with its interview fields; no withheld name found',
  };
}

export function buildItemsJson(x: ItemsRecordInput): ItemsJson {
  return {
    format: ITEMS_FORMAT,
    packetId: x.packetId,
    origin: x.origin,
    checkpoint: { path: BAG.checkpoint, size: x.custody.checkpoint.size },
    mechanismId: x.details.plan.mechanismId,
    profile: x.details.plan.profile,
    items: x.outcomes.map((o) => itemRecord(x, o)),
    testimonies: x.details.testimonies.map((t) => testimonyRecord(x, t)),
  };
}
