import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { parseCheckpointBody } from '../custody/checkpoint';
import { parseEvent } from '../custody/log';
import { formatMinisignPublicKey } from '../custody/minisign';
import { verifierKey } from '../custody/note';
import { formatTlogProof } from '../custody/tlog-proof';
import { eventsAbout, eventsAtSeqs, type RawEvent } from '../db/packets';
import { BAG, entryPath, proofPath } from '../packet/layout';
import { senderLinksFor, type SenderLinks } from '../transfer/packet-links';
import type { Vault } from '../vault/vault';
import type { ItemOutcome } from './items-stage';
import type { PacketFiles } from './output';
import type { PlanDetails } from './plan';
import { witnessedCustody } from './witnessed';

/**
 * The prove stage (DESIGN §5, §6): log an `item.derived` event per stripped copy, write the packet's checkpoint, and
 * ship the events this packet needs with their inclusion proofs.
 *
 * Which events: those about this packet's exhibits and testimonies (not how the catalogue files them in cases), and
 * for each consent record it relies on a `consent.relied` event of its own; never an event that names another packet
 * (the `item.derived` events of earlier exports carry their packet ids: a packet listing them would tell a reviewer
 * which packets went before, to whom, and would grow with the vault's history), and never the `consent.recorded`
 * event itself: every packet relying on that record would carry the same event (its bytes, signature, consent and
 * person ids, leaf hash), an identifier shared by packets sent to different recipients (issue 14). The
 * `consent.relied` event states what the consent allows (mechanism, name disclosure, sharing, when and how it was
 * given) and seals which record and which logged event it is in a salted commitment, new for each packet; the salt
 * stays in the vault, so the owner can open it for one reviewer (salt, the consent event and its inclusion proof)
 * and two packets' commitments cannot be matched. The checkpoint covers the whole log, as it must (a reviewer checks it against one handed out
 * earlier); each listed event comes with its own inclusion proof against it, so no other event is needed.
 */

export type CustodyResult = {
  readonly checkpoint: { readonly note: string; readonly size: number };
  readonly rootHash: Buffer;
  readonly derivedSeq: ReadonlyMap<string, number>;
  /** item id → the item.derived event of its Content Credentials sidecar. */
  readonly sidecarSeq: ReadonlyMap<string, number>;
  readonly events: readonly RawEvent[];
  readonly minisignKey: string;
  readonly senderLinks: SenderLinks;
};

/** The item.derived events of this packet's copies and the packet's checkpoint, in one transaction. */
function recordCopies(
  vault: Vault,
  details: PlanDetails,
  outcomes: readonly ItemOutcome[],
  packetId: string,
): { note: string; size: number; derivedSeq: Map<string, number>; sidecarSeq: Map<string, number>; consentSeqs: number[] } {
  const derivedSeq = new Map<string, number>();
  const sidecarSeq = new Map<string, number>();
  const consentSeqs: number[] = [];
  const checkpoint = vault.transaction(() => {
    consentSeqs.push(...recordReliedConsents(vault, details, packetId));
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
        keepCaptureDate: o.exported.facts.captureDate.length > 0,
        ...(r.notes ? { notes: r.notes } : {}),
      });
      derivedSeq.set(o.it.planned.itemId, ev.seq);
      if (o.sidecar) {
        // The original's Content Credentials, kept on purpose: logged as a file derived from the original.
        const sc = vault.log.append('item.derived', o.it.planned.itemId, {
          kind: 'content-credentials',
          packetId,
          sha256: o.sidecar.hashed.sha256,
          size: o.sidecar.hashed.size,
          manifests: o.sidecar.summary.manifests.length,
        });
        sidecarSeq.set(o.it.planned.itemId, sc.seq);
      }
    }
    return vault.log.writeCheckpoint(`packet ${packetId}`);
  });
  return { note: checkpoint.note, size: checkpoint.size, derivedSeq, sidecarSeq, consentSeqs };
}

/**
 * One `consent.relied` event per consent record the packet relies on (see the header): what the record allows in
 * the clear, and which record and logged event it is only as a salted commitment (custody/log.ts `record`).
 */
function recordReliedConsents(vault: Vault, details: PlanDetails, packetId: string): number[] {
  const relied = details.persons.filter((p) => p.consentId && p.materialConsent === 'given');
  const consentIds = new Set(relied.map((p) => p.consentId!));
  const recorded = eventsAbout(vault.store, relied.map((p) => p.personId), vault.log.size())
    .map((e) => ({ raw: e, ev: parseEvent(e.bytes) }))
    .filter(({ ev }) => ev.type === 'consent.recorded' && typeof ev.data.consentId === 'string' && consentIds.has(ev.data.consentId));
  return recorded.map(({ raw, ev }) => {
    const d = ev.data;
    const allows = {
      packetId,
      mechanism: d.mechanism ?? null,
      discloseName: d.discloseName ?? null,
      shareMaterial: d.shareMaterial ?? null,
      givenAt: d.givenAt ?? null,
      howRecorded: d.howRecorded ?? null,
    };
    const sealed = { consentId: ev.data.consentId!, consentEventSeq: raw.seq, consentEventSha256: crypto.createHash('sha256').update(raw.bytes).digest('hex') };
    return vault.log.record('consent.relied', null, allows, sealed).seq;
  });
}

/** How the catalogue files an item (which cases hold it): organisation, not custody; it would name other cases. */
const FILING_EVENTS = new Set(['case.item-linked', 'case.item-unlinked']);

/** Whether an event about one of this packet's exhibits or testimonies belongs in it: it names no other packet, and it is not catalogue filing. */
export function belongsToPacket(e: RawEvent, packetId: string): boolean {
  const ev = parseEvent(e.bytes);
  const named = ev.data.packetId;
  if (typeof named === 'string' && named !== packetId) return false;
  return !FILING_EVENTS.has(ev.type) && ev.type !== 'packet.exported';
}

/** The events of this packet's exhibits and testimonies, and its own `consent.relied` events, by seq. */
export function packetEvents(vault: Vault, details: PlanDetails, outcomes: readonly ItemOutcome[], packetId: string, size: number, consentSeqs: readonly number[]): RawEvent[] {
  const subjects = [...outcomes.map((o) => o.it.planned.itemId), ...details.testimonies.map((t) => t.planned.testimonyId)];
  const own = eventsAbout(vault.store, subjects, size).filter((e) => belongsToPacket(e, packetId));
  const consents = eventsAtSeqs(vault.store, consentSeqs);
  return [...own, ...consents].sort((a, b) => a.seq - b.seq);
}

export async function writeCustody(vault: Vault, details: PlanDetails, outcomes: readonly ItemOutcome[], packetId: string, files: PacketFiles): Promise<CustodyResult> {
  const { note, size, derivedSeq, sidecarSeq, consentSeqs } = recordCopies(vault, details, outcomes, packetId);
  const events = packetEvents(vault, details, outcomes, packetId, size, consentSeqs);
  const jsonl: string[] = [];
  for (const e of events) {
    await files.tagFile(proofPath(e.seq), formatTlogProof({ index: e.seq, proof: vault.log.inclusionProof(e.seq, size), checkpoint: note }));
    await files.tagFile(entryPath(e.seq), e.bytes);
    jsonl.push(`${JSON.stringify({ event: e.bytes.toString('utf8'), signature: e.signature.toString('base64'), proof: proofPath(e.seq), entry: entryPath(e.seq) })}\n`);
  }
  await files.tagFile(BAG.events, jsonl.join(''));
  // Cosigned checkpoints that cover these events (custody/witnessed/), when witnesses have cosigned (DESIGN §9).
  const witnessed = witnessedCustody(vault, events.map((e) => e.seq), size);
  if (witnessed.files.size > 0) await fsp.mkdir(path.join(files.root, BAG.witnessed, 'proofs'), { recursive: true, mode: 0o700 });
  for (const [p, content] of witnessed.files) await files.tagFile(p, content);
  await files.tagFile(BAG.checkpoint, note);
  const minisignKey = formatMinisignPublicKey(vault.log.publicKey);
  await files.tagFile(BAG.publicKey, minisignKey);
  await files.tagFile(BAG.verifierKey, `${verifierKey(vault.log.origin, vault.log.publicKey)}\n`);
  // Exhibits received from another vault carry the sender's link of their chain (DESIGN §9).
  const senderLinks = senderLinksFor(vault, outcomes.map((o) => o.it.planned.itemId));
  for (const [p, content] of senderLinks.files) await files.tagFile(p, content);
  const rootHash = parseCheckpointBody(note.slice(0, note.indexOf('\n\n') + 1)).rootHash;
  return { checkpoint: { note, size }, rootHash, derivedSeq, sidecarSeq, events, minisignKey, senderLinks };
}
