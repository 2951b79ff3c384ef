import crypto from 'node:crypto';
import type { ItemVerification } from '../../../shared/api';
import { verifyCheckpoint } from '../custody/checkpoint';
import { ed25519Verify } from '../custody/ed25519';
import { leafHash, verifyInclusion } from '../custody/merkle';
import { eventInclusionProof } from '../custody/service';
import { parseEvent } from '../custody/log';
import { itemIngestSeq } from '../db/items';
import { HuellaError } from '../errors';
import { itemObjectName } from './items';
import type { Vault } from '../vault/vault';

/**
 * "Verify this item" in the item view: the same checks a reviewer makes for one exhibit — the content hashes to
 * what the signed ingest event says, the event is signed by the vault key, and the event is included in the tree
 * that a freshly signed checkpoint commits to.
 */
export async function verifyItem(vault: Vault, itemId: string): Promise<ItemVerification> {
  const ingestSeq = itemIngestSeq(vault.store, itemId);
  if (ingestSeq === undefined) throw new HuellaError('NOT_FOUND', `No item with id ${itemId} in this vault.`);
  const stored = vault.log.event(ingestSeq);
  const checks: { name: ItemVerification['checks'][number]['name']; ok: boolean; detail: string }[] = [];
  if (!stored) {
    return { ok: false, checks: [{ name: 'ingest-event-signature', ok: false, detail: `The ingest event #${ingestSeq} is missing from the custody log.` }] };
  }
  const ev = parseEvent(stored.bytes);
  const data = ev.data as { sha256?: string; size?: number };
  const sigOk = ed25519Verify(vault.log.publicKey, stored.bytes, stored.signature) && (ev.type === 'item.ingested' || ev.type === 'item.received') && ev.subject === itemId;
  checks.push({ name: 'ingest-event-signature', ok: sigOk, detail: sigOk ? `Event #${stored.seq} is signed by this vault's key.` : `Event #${stored.seq} is not a valid signed ingest event for this item.` });

  const hash = crypto.createHash('sha256');
  let size = 0;
  let readError: string | undefined;
  try {
    size = await vault.blobs.eachPlaintextChunk(itemObjectName(vault, itemId), (piece) => void hash.update(piece));
  } catch (e) {
    readError = e instanceof HuellaError ? e.message : 'the encrypted file could not be read';
  }
  const actual = hash.digest('hex');
  const contentOk = !readError && actual === data.sha256 && size === data.size;
  checks.push({
    name: 'content-hash',
    ok: contentOk,
    detail: readError ?? (contentOk ? `SHA-256 ${actual} (${size} bytes), as recorded at ingest.` : `Content hashes to ${actual} (${size} bytes) but the ingest event records ${String(data.sha256)} (${String(data.size)} bytes).`),
  });

  const proof = eventInclusionProof(vault.log, stored.seq);
  let cpOk = false;
  let inclusionOk = false;
  try {
    const cp = verifyCheckpoint(proof.json.checkpoint, { name: vault.log.origin, publicKey: vault.log.publicKey });
    cpOk = true;
    inclusionOk = verifyInclusion(leafHash(stored.bytes), stored.seq, cp.size, proof.json.proof.map((h) => Buffer.from(h, 'base64')), cp.rootHash);
  } catch {
    cpOk = false;
  }
  checks.push({ name: 'checkpoint-signature', ok: cpOk, detail: cpOk ? 'The checkpoint is signed by this vault\'s key.' : 'The checkpoint signature does not verify.' });
  checks.push({ name: 'inclusion-proof', ok: inclusionOk, detail: inclusionOk ? `Event #${stored.seq} is in the signed log (RFC 9162 inclusion proof of ${proof.json.proof.length} hashes).` : 'The inclusion proof does not verify.' });
  return { ok: checks.every((c) => c.ok), checks };
}
