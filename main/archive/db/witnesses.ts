/**
 * Owner of the tables `witnesses` and `cosignatures` (migration 0007). Typed reads and writes in domain words;
 * callers never see SQL. Writes must run inside the caller's transaction, with the custody event that records them.
 */
import type { Db } from './open';

export type WitnessRow = { readonly id: number; readonly name: string; readonly verifierKey: string; readonly label: string; readonly addedAt: string };

export type CosignatureRow = {
  readonly checkpointId: number;
  readonly checkpointSize: number;
  readonly checkpointNote: string;
  readonly checkpointCreatedAt: string;
  readonly witnessId: number;
  /** Seconds since the epoch, as the witness signed it. */
  readonly signedAt: number;
  readonly line: string;
  readonly addedAt: string;
};

type WitnessSql = { id: number; name: string; verifier_key: string; label: string; added_at: string };
type CosignatureSql = { checkpoint_id: number; size: number; note: string; created_at: string; witness_id: number; signed_at: number; line: string; added_at: string };

const toWitness = (r: WitnessSql): WitnessRow => ({ id: r.id, name: r.name, verifierKey: r.verifier_key, label: r.label, addedAt: r.added_at });
const toCosignature = (r: CosignatureSql): CosignatureRow => ({
  checkpointId: r.checkpoint_id,
  checkpointSize: r.size,
  checkpointNote: r.note,
  checkpointCreatedAt: r.created_at,
  witnessId: r.witness_id,
  signedAt: r.signed_at,
  line: r.line,
  addedAt: r.added_at,
});

const COSIGNATURE_SELECT = `SELECT c.checkpoint_id, k.size, k.note, k.created_at, c.witness_id, c.signed_at, c.line, c.added_at
  FROM cosignatures c JOIN checkpoints k ON k.id = c.checkpoint_id`;

export function insertWitness(db: Db, w: { name: string; verifierKey: string; label: string; addedAt: string }): WitnessRow {
  const info = db.prepare('INSERT INTO witnesses (name, verifier_key, label, added_at) VALUES (?, ?, ?, ?)').run(w.name, w.verifierKey, w.label, w.addedAt);
  return { id: Number(info.lastInsertRowid), ...w };
}

export function witnessByVerifierKey(db: Db, verifierKey: string): WitnessRow | undefined {
  const r = db.prepare<[string], WitnessSql>('SELECT id, name, verifier_key, label, added_at FROM witnesses WHERE verifier_key = ?').get(verifierKey);
  return r ? toWitness(r) : undefined;
}

export function listWitnesses(db: Db): WitnessRow[] {
  return db.prepare<[], WitnessSql>('SELECT id, name, verifier_key, label, added_at FROM witnesses ORDER BY id').all().map(toWitness);
}

export function updateWitnessLabel(db: Db, id: number, label: string): void {
  db.prepare('UPDATE witnesses SET label = ? WHERE id = ?').run(label, id);
}

/** True if the row was new (the same line added twice is one cosignature). */
export function insertCosignature(db: Db, c: { checkpointId: number; witnessId: number; signedAt: number; line: string; addedAt: string }): boolean {
  const info = db
    .prepare('INSERT OR IGNORE INTO cosignatures (checkpoint_id, witness_id, signed_at, line, added_at) VALUES (?, ?, ?, ?, ?)')
    .run(c.checkpointId, c.witnessId, c.signedAt, c.line, c.addedAt);
  return info.changes > 0;
}

/** Every cosignature with its checkpoint, oldest checkpoint first. */
export function listCosignatures(db: Db): CosignatureRow[] {
  return db.prepare<[], CosignatureSql>(`${COSIGNATURE_SELECT} ORDER BY k.size, c.signed_at`).all().map(toCosignature);
}

/** The cosignatures of checkpoints of at most `maxSize` events (those a packet checkpoint of that size extends). */
export function cosignaturesUpTo(db: Db, maxSize: number): CosignatureRow[] {
  return db.prepare<[number], CosignatureSql>(`${COSIGNATURE_SELECT} WHERE k.size <= ? ORDER BY k.size, c.signed_at`).all(maxSize).map(toCosignature);
}

/** The largest checkpoint size this witness has cosigned, or undefined if none. */
export function lastCosignedSize(db: Db, witnessId: number): number | undefined {
  const r = db
    .prepare<[number], { size: number | null }>('SELECT max(k.size) AS size FROM cosignatures c JOIN checkpoints k ON k.id = c.checkpoint_id WHERE c.witness_id = ?')
    .get(witnessId);
  return r?.size ?? undefined;
}
