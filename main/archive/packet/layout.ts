/**
 * Where things live inside a packet (DESIGN §6). A BagIt 1.0 bag (RFC 8493): payload under data/, everything else
 * a tag file listed in tagmanifest-sha256.txt, which tagmanifest-sha256.txt.minisig signs. Paths use '/' always.
 */
export const BAG = {
  bagit: 'bagit.txt',
  bagInfo: 'bag-info.txt',
  manifest: 'manifest-sha256.txt',
  tagmanifest: 'tagmanifest-sha256.txt',
  signature: 'tagmanifest-sha256.txt.minisig',
  evidence: 'data/evidence',
  originals: 'data/originals',
  testimonies: 'data/testimonies',
  submission: 'data/submission',
  items: 'custody/items.json',
  events: 'custody/events.jsonl',
  entries: 'custody/entries',
  proofs: 'custody/proofs',
  checkpoint: 'custody/checkpoint',
  publicKey: 'custody/public-key',
  verifierKey: 'custody/verifier-key',
  witnessed: 'custody/witnessed',
} as const;

export const BAGIT_TXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';

/** The items.json format identifier; a change of shape bumps it. */
export const ITEMS_FORMAT = 'huella-packet-items/1';

export const BAG_SOFTWARE_AGENT = 'Huella packet builder 1';

export function proofPath(seq: number): string {
  return `${BAG.proofs}/${seq}.tlog-proof`;
}

export function entryPath(seq: number): string {
  return `${BAG.entries}/${seq}.json`;
}

/** A checkpoint of the vault cosigned by witnesses, with their cosignature lines (./../export/witnessed.ts). */
export function witnessedCheckpointPath(size: number): string {
  return `${BAG.witnessed}/${size}.checkpoint`;
}

/** The consistency proof from that checkpoint to custody/checkpoint ("old N" + hashes). */
export function witnessedConsistencyPath(size: number): string {
  return `${BAG.witnessed}/${size}.consistency`;
}

/** Inclusion of an event in the earliest cosigned checkpoint that covers it. */
export function witnessedProofPath(seq: number): string {
  return `${BAG.witnessed}/proofs/${seq}.tlog-proof`;
}
