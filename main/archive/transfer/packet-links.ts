import { receivedCustodyOf } from '../db/transfers';
import { parseCanonicalJson } from '../custody/jcs';
import type { CustodyEvent } from '../custody/log';
import { verifierKey } from '../custody/note';
import { senderDir, senderEntryPath, senderProofPath, SENDER_FILES, type ReceivedRecord } from '../packet/sender-link';
import { contactFingerprint, displayFingerprint, fingerprintWords, parseContactCard } from './contact';
import type { BundleEvent } from './format';
import type { Vault } from '../vault/vault';
import type { SenderCustodyView } from '../../../shared/model/transfer';

/**
 * For a packet (export): the sender's link of every exhibit this vault received in a transfer bundle, from what the
 * receipt kept (received_custody), laid out as packet/sender-link.ts describes. One folder per sender log.
 */

type StoredLink = {
  readonly sender: string;
  readonly origin: string;
  readonly checkpoint: string;
  readonly itemId: string;
  readonly ingestSeq: number;
  readonly transferSeq: number;
  readonly transferSalt: string;
  readonly events: readonly BundleEvent[];
};

export type SenderLinks = {
  /** Tag files to write: path → content. */
  readonly files: ReadonlyMap<string, string>;
  /** items.json `received` per exhibit (item id of this vault). */
  readonly received: ReadonlyMap<string, ReceivedRecord>;
};

export function senderLinksFor(vault: Vault, itemIds: readonly string[]): SenderLinks {
  const files = new Map<string, string>();
  const received = new Map<string, ReceivedRecord>();
  // One folder per (origin, checkpoint): the proofs in it are all against that checkpoint.
  const dirs = new Map<string, { dir: string; events: Map<number, BundleEvent> }>();
  for (const itemId of itemIds) {
    const raw = receivedCustodyOf(vault.store, itemId);
    if (!raw) continue;
    const link = JSON.parse(raw) as StoredLink;
    const group = `${link.origin}\n${link.checkpoint}`;
    let d = dirs.get(group);
    if (!d) {
      d = { dir: senderDir(dirs.size + 1), events: new Map() };
      dirs.set(group, d);
      files.set(`${d.dir}/${SENDER_FILES.checkpoint}`, link.checkpoint);
      files.set(`${d.dir}/${SENDER_FILES.verifierKey}`, `${verifierKey(link.origin, parseContactCard(link.sender).custodyKey)}\n`);
    }
    for (const e of link.events) {
      const ev = parseCanonicalJson(Buffer.from(e.event, 'utf8')) as CustodyEvent;
      // Only this exhibit's ingest and the transfer: other events of the sender may concern other exhibits.
      if (ev.seq !== link.ingestSeq && ev.seq !== link.transferSeq) continue;
      d.events.set(ev.seq, e);
      files.set(senderEntryPath(d.dir, ev.seq), e.event);
      files.set(senderProofPath(d.dir, ev.seq), e.proof);
    }
    received.set(itemId, {
      origin: link.origin,
      dir: d.dir,
      ingested: { seq: link.ingestSeq, entry: senderEntryPath(d.dir, link.ingestSeq), proof: senderProofPath(d.dir, link.ingestSeq) },
      transferred: { seq: link.transferSeq, entry: senderEntryPath(d.dir, link.transferSeq), proof: senderProofPath(d.dir, link.transferSeq) },
      transferSalt: link.transferSalt,
    });
  }
  for (const d of dirs.values()) {
    const lines = [...d.events.values()].sort((a, b) => a.seq - b.seq).map((e) => `${JSON.stringify({ event: e.event, signature: e.signature })}\n`);
    files.set(`${d.dir}/${SENDER_FILES.events}`, lines.join(''));
  }
  return { files, received };
}

/**
 * For the item page: the sender's custody events about a received item (its ingest and the transfer, each verified
 * against the sender's signed checkpoint when it was received), or null for an item this vault did not receive.
 */
export function senderCustodyView(vault: Vault, itemId: string): SenderCustodyView | null {
  const raw = receivedCustodyOf(vault.store, itemId);
  if (!raw) return null;
  const link = JSON.parse(raw) as StoredLink;
  const fp = contactFingerprint(parseContactCard(link.sender));
  const events = link.events
    .map((e) => ({ ev: parseCanonicalJson(Buffer.from(e.event, 'utf8')) as CustodyEvent, canonical: e.event }))
    .filter(({ ev }) => ev.subject === link.itemId || ev.seq === link.transferSeq)
    .sort((a, b) => a.ev.seq - b.ev.seq)
    .map(({ ev, canonical }) => ({ seq: ev.seq, time: ev.time, actor: ev.actor, type: ev.type, subject: ev.subject, data: ev.data, canonical }));
  return { sender: { fingerprint: displayFingerprint(fp), words: fingerprintWords(fp) }, origin: link.origin, events };
}
