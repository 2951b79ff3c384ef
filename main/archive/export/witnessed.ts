/**
 * The witnessed part of a packet's custody folder (DESIGN §9, issue 17): for each event the packet lists, the
 * earliest checkpoint of this vault that a witness cosigned and that covers the event (size > seq). For each such
 * checkpoint N:
 *
 *   custody/witnessed/N.checkpoint          the log's signed checkpoint with the witnesses' cosignature lines (a
 *                                           signed note any C2SP verifier reads with the log key and a witness key)
 *   custody/witnessed/N.consistency         "old N" and the RFC 9162 consistency proof from N to custody/checkpoint
 *                                           (the head of a C2SP tlog-witness request): the packet's checkpoint
 *                                           extends what the witness saw
 *   custody/witnessed/proofs/<seq>.tlog-proof  inclusion of event <seq> in checkpoint N; its embedded checkpoint is
 *                                           the cosigned note, so one file carries the whole statement
 *
 * The earliest covering checkpoint gives the earliest "existed no later than" date a witness can attest.
 */
import { cosignaturesUpTo, type CosignatureRow } from '../db/witnesses';
import { cosignedNote } from '../witness/documenter';
import { formatTlogProof } from '../custody/tlog-proof';
import { witnessedCheckpointPath, witnessedConsistencyPath, witnessedProofPath } from '../packet/layout';
import type { Vault } from '../vault/vault';
import { formatConsistencyHead } from '../witness/request';

export type WitnessedFiles = {
  /** Tag files to write: path → content. Empty when no cosigned checkpoint covers any listed event. */
  readonly files: ReadonlyMap<string, string>;
  /** seq → the cosigned checkpoint size that covers it. */
  readonly coveredBy: ReadonlyMap<number, number>;
};

export function witnessedCustody(vault: Vault, eventSeqs: readonly number[], packetCheckpointSize: number): WitnessedFiles {
  const bySize = new Map<number, CosignatureRow[]>();
  for (const row of cosignaturesUpTo(vault.store, packetCheckpointSize)) {
    // Several checkpoints may share a size (written at different times, same tree): the first one cosigned wins.
    const rows = bySize.get(row.checkpointSize);
    if (!rows) bySize.set(row.checkpointSize, [row]);
    else if (rows[0]!.checkpointId === row.checkpointId) rows.push(row);
  }
  const sizes = [...bySize.keys()].sort((a, b) => a - b);
  const files = new Map<string, string>();
  const coveredBy = new Map<number, number>();
  for (const seq of eventSeqs) {
    const size = sizes.find((s) => s > seq);
    if (size === undefined) continue;
    const note = cosignedNote(bySize.get(size)!);
    if (!files.has(witnessedCheckpointPath(size))) {
      files.set(witnessedCheckpointPath(size), note);
      files.set(witnessedConsistencyPath(size), formatConsistencyHead(size, size === 0 ? [] : vault.log.consistencyProof(size, packetCheckpointSize)));
    }
    files.set(witnessedProofPath(seq), formatTlogProof({ index: seq, proof: vault.log.inclusionProof(seq, size), checkpoint: note }));
    coveredBy.set(seq, size);
  }
  return { files, coveredBy };
}
