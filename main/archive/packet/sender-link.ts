import { verifyCheckpoint, type VerifiedCheckpoint } from '../custody/checkpoint';
import { commitment } from '../custody/commitment';
import { ed25519Verify } from '../custody/ed25519';
import { parseCanonicalJson } from '../custody/jcs';
import type { CustodyEvent } from '../custody/log';
import { leafHash } from '../custody/merkle';
import { parseVerifierKey } from '../custody/note';
import { parseTlogProof, verifyTlogProof } from '../custody/tlog-proof';
import type { ReceivedRecord } from './items-json';

/**
 * The sender's link of an exhibit's chain (DESIGN §9): when the exhibit came to this vault in a transfer bundle,
 * the packet also carries the SENDER's custody records for it, in the same standard formats as the packet's own:
 *
 *   custody/senders/<n>/checkpoint         the sender's signed checkpoint (C2SP signed note)
 *   custody/senders/<n>/verifier-key       the sender's key as a signed-note verifier key (for rfc9162-check)
 *   custody/senders/<n>/events.jsonl       the sender's events for these exhibits, with their signatures
 *   custody/senders/<n>/entries/<seq>.json each event's canonical bytes
 *   custody/senders/<n>/proofs/<seq>.tlog-proof  its inclusion proof against that checkpoint
 *
 * and items.json says, per exhibit, `received`: the sender's origin, folder, the seqs of its ingest and transfer
 * events and the salt that opens the transfer event's commitment to this exhibit's hash. The packet's own
 * item.received event (its `original.ingested`) names the same origin, seqs, leaf hashes and checkpoint root, so
 * a reviewer follows documenter → lawyer with the same tools as for the packet's own log.
 */

export const SENDERS_DIR = 'custody/senders';

export function senderDir(n: number): string {
  return `${SENDERS_DIR}/${n}`;
}

export const SENDER_FILES = { checkpoint: 'checkpoint', verifierKey: 'verifier-key', events: 'events.jsonl', entries: 'entries', proofs: 'proofs' } as const;

export function senderEntryPath(dir: string, seq: number): string {
  return `${dir}/${SENDER_FILES.entries}/${seq}.json`;
}

export function senderProofPath(dir: string, seq: number): string {
  return `${dir}/${SENDER_FILES.proofs}/${seq}.tlog-proof`;
}

/** items.json's `received` (its schema is in ./items-json.ts, with the rest of items.json). */
export type { ReceivedRecord };

export type SenderLinkResult = { readonly failures: readonly { readonly file: string; readonly reason: string }[]; readonly passes: readonly { readonly file: string; readonly reason: string }[] };

type Receipt = { readonly data: Readonly<Record<string, unknown>> };

/**
 * Checks one exhibit's sender link from the packet's small files: the sender's checkpoint under the key its folder
 * names, both events' inclusion proofs and signatures, the ingest event's hash and size against the exhibit's
 * original, the transfer event's commitment to that hash, and that the packet's own receipt event names exactly
 * these (origin, seqs, leaf hashes, checkpoint size and root).
 */
export function verifySenderLink(small: ReadonlyMap<string, Buffer>, rec: ReceivedRecord, original: { readonly sha256: string; readonly size: number }, receipt: Receipt): SenderLinkResult {
  const out: Findings = { failures: [], passes: [] };
  const sender = senderCheckpoint(small, rec, out);
  const events = sender && senderEvents(small, rec, out);
  if (!sender || !events) return out;
  const link: Link = { small, rec, sender, events, out };
  const ingest = provenEvent(link, rec.ingested, 'sender ingest');
  const transfer = provenEvent(link, rec.transferred, 'sender transfer');
  if (!ingest || !transfer) return out;
  const failure = originalNotRecorded(rec, original, ingest, transfer) ?? receiptDiffers(rec, receipt, sender.cp, ingest, transfer);
  if (failure) out.failures.push(failure);
  return out;
}

type Failure = { file: string; reason: string };
type Findings = { readonly failures: Failure[]; readonly passes: Failure[] };
type Sender = { readonly verifier: { readonly name: string; readonly publicKey: Uint8Array }; readonly cp: VerifiedCheckpoint; readonly cpText: string };
type Link = { readonly small: ReadonlyMap<string, Buffer>; readonly rec: ReceivedRecord; readonly sender: Sender; readonly events: ReadonlyMap<number, { bytes: Buffer; signature: string }>; readonly out: Findings };
type ProvenEvent = { readonly event: CustodyEvent; readonly leaf: Buffer };

/** Records a failure; undefined, for the step that stops there. */
function failed(out: Findings, file: string, reason: string): undefined {
  out.failures.push({ file, reason });
  return undefined;
}

/** The sender's verifier key (named as items.json says) and its checkpoint signed by it; undefined after a failure. */
function senderCheckpoint(small: ReadonlyMap<string, Buffer>, rec: ReceivedRecord, out: Findings): Sender | undefined {
  const cpPath = `${rec.dir}/${SENDER_FILES.checkpoint}`;
  const keyPath = `${rec.dir}/${SENDER_FILES.verifierKey}`;
  const cpText = small.get(cpPath)?.toString('utf8');
  const keyText = small.get(keyPath)?.toString('utf8').trim();
  if (!cpText) return failed(out, cpPath, 'the sender\'s checkpoint is missing');
  if (!keyText) return failed(out, keyPath, 'the sender\'s verifier key is missing');
  try {
    const k = parseVerifierKey(keyText);
    const verifier = { name: k.name, publicKey: k.publicKey };
    if (k.name !== rec.origin) return failed(out, keyPath, `the sender's key is named ${k.name}, items.json says the sender's log is ${rec.origin}`);
    const cp = verifyCheckpoint(cpText, verifier);
    out.passes.push({ file: keyPath, reason: `the sender's key (${rec.origin})` }, { file: cpPath, reason: `the sender's checkpoint of ${cp.size} events, signed by that key` });
    return { verifier, cp, cpText };
  } catch (e) {
    return failed(out, cpPath, `the sender's checkpoint does not verify: ${(e as Error).message}`);
  }
}

/** The sender's events.jsonl by seq; undefined (after a failure) if a line is not a canonical event. */
function senderEvents(small: ReadonlyMap<string, Buffer>, rec: ReceivedRecord, out: Findings): Map<number, { bytes: Buffer; signature: string }> | undefined {
  const events = new Map<number, { bytes: Buffer; signature: string }>();
  for (const line of (small.get(`${rec.dir}/${SENDER_FILES.events}`)?.toString('utf8') ?? '').split('\n').filter(Boolean)) {
    try {
      const o = JSON.parse(line) as { event: string; signature: string };
      const bytes = Buffer.from(o.event, 'utf8');
      events.set((parseCanonicalJson(bytes) as CustodyEvent).seq, { bytes, signature: o.signature });
    } catch {
      return failed(out, `${rec.dir}/${SENDER_FILES.events}`, 'a line of the sender\'s events.jsonl is not a canonical event');
    }
  }
  return events;
}

/** One of the sender's events: at its paths, proven in the sender's checkpoint, signed by the sender's key as shipped in events.jsonl. */
function provenEvent(link: Link, ref: ReceivedRecord['ingested'], what: string): ProvenEvent | undefined {
  const { small, rec, sender, out } = link;
  if (ref.entry !== senderEntryPath(rec.dir, ref.seq) || ref.proof !== senderProofPath(rec.dir, ref.seq)) {
    return failed(out, ref.proof, `${what}: its entry or proof path does not match event #${ref.seq}`);
  }
  const entry = small.get(ref.entry);
  const proofText = small.get(ref.proof)?.toString('utf8');
  if (!entry || !proofText) return failed(out, ref.entry, `${what}: the sender's event #${ref.seq} or its proof is missing`);
  try {
    const proof = parseTlogProof(proofText);
    if (proof.checkpoint !== sender.cpText) throw new Error('the proof is against another checkpoint than the sender\'s');
    if (proof.index !== ref.seq) throw new Error(`the proof is for entry ${proof.index}`);
    verifyTlogProof(proof, entry, sender.verifier);
  } catch (e) {
    return failed(out, ref.proof, `${what}: the sender's event #${ref.seq} is not proven in the sender's log: ${(e as Error).message}`);
  }
  const shipped = link.events.get(ref.seq);
  if (!shipped || !shipped.bytes.equals(entry) || !ed25519Verify(sender.verifier.publicKey, entry, Buffer.from(shipped.signature, 'base64'))) {
    return failed(out, ref.entry, `${what}: the sender's event #${ref.seq} is not signed by the sender's key (or differs from events.jsonl)`);
  }
  out.passes.push({ file: ref.entry, reason: `the sender's event #${ref.seq}, signed` }, { file: ref.proof, reason: `the sender's event #${ref.seq} is in the sender's signed log (RFC 9162)` });
  return { event: parseCanonicalJson(entry) as CustodyEvent, leaf: leafHash(entry) };
}

/** Why the sender's ingest event does not record this original, or its transfer event does not include it; undefined if they do. */
function originalNotRecorded(rec: ReceivedRecord, original: { readonly sha256: string; readonly size: number }, ingest: ProvenEvent, transfer: ProvenEvent): Failure | undefined {
  const d = ingest.event.data as { sha256?: unknown; size?: unknown };
  if ((ingest.event.type !== 'item.ingested' && ingest.event.type !== 'item.received') || d.sha256 !== original.sha256 || d.size !== original.size) {
    return { file: rec.ingested.entry, reason: `the sender's event #${rec.ingested.seq} does not record this original (SHA-256 and size)` };
  }
  const t = transfer.event.data as { objects?: unknown };
  if (transfer.event.type !== 'items.transferred' || !Array.isArray(t.objects) || !t.objects.includes(commitment(Buffer.from(rec.transferSalt, 'base64'), original.sha256))) {
    return { file: rec.transferred.entry, reason: `the sender's transfer event #${rec.transferred.seq} does not include this original` };
  }
  return undefined;
}

/** Why this vault's receipt event does not name exactly the sender's records shipped here; undefined if it does. */
function receiptDiffers(rec: ReceivedRecord, receipt: Receipt, cp: VerifiedCheckpoint, ingest: ProvenEvent, transfer: ProvenEvent): Failure | undefined {
  const from = receipt.data.from as Record<string, unknown> | undefined;
  const expected: Record<string, unknown> = {
    origin: rec.origin,
    ingestSeq: rec.ingested.seq,
    ingestLeaf: ingest.leaf.toString('hex'),
    transferSeq: rec.transferred.seq,
    transferLeaf: transfer.leaf.toString('hex'),
    checkpointSize: cp.size,
    checkpointRoot: cp.rootHash.toString('base64'),
  };
  const differs = Object.keys(expected).filter((k) => from?.[k] !== expected[k]);
  return differs.length > 0 ? { file: rec.ingested.entry, reason: `this vault's receipt event does not name the sender's records shipped here (${differs.join(', ')} differ)` } : undefined;
}
