import { eventInclusionProof, type InclusionProofOutput } from '../custody/service';
import { itemIngestSeq } from '../db/items';
import { HuellaError } from '../errors';
import type { Vault } from '../vault/vault';

/** The inclusion proof of an item's ingest event, against the given checkpoint (or a current one). */
export function itemInclusionProof(vault: Vault, itemId: string, checkpointText?: string): InclusionProofOutput {
  const seq = itemIngestSeq(vault.store, itemId);
  if (seq === undefined) throw new HuellaError('NOT_FOUND', `No item with id ${itemId} in this vault.`);
  return eventInclusionProof(vault.log, seq, checkpointText);
}
