/**
 * Owner of the tables `witnesses` and `cosignatures` (migration 0007). Typed reads and writes in domain words;
 * callers never see SQL. Writes must run inside the caller's transaction, with the custody event that records them.
 */
import { reader, writer, type ReadableDb, type WritableDb } from './connection';

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

const SQL = {
  insertWitness: 'INSERT INTO witnesses (name, verifier_key, label, added_at) VALUES (?, ?, ?, ?)',
  witnessByKey: 'SELECT id, name, verifier_key, label, added_at FROM witnesses WHERE verifier_key = ?',
  witnesses: 'SELECT id, name, verifier_key, label, added_at FROM witnesses ORDER BY id',
  relabel: 'UPDATE witnesses SET label = ? WHERE id = ?',
  insertCosignature: 'INSERT OR IGNORE INTO cosignatures (checkpoint_id, witness_id, signed_at, line, added_at) VALUES (?, ?, ?, ?, ?)',
  cosignatures: `${COSIGNATURE_SELECT} ORDER BY k.size, c.signed_at`,
  cosignaturesUpTo: `${COSIGNATURE_SELECT} WHERE k.size <= ? ORDER BY k.size, c.signed_at`,
  lastCosignedSize: 'SELECT max(k.size) AS size FROM cosignatures c JOIN checkpoints k ON k.id = c.checkpoint_id WHERE c.witness_id = ?',
} as const;

export function insertWitness(db: WritableDb, w: { name: string; verifierKey: string; label: string; addedAt: string }): WitnessRow {
  const info = writer(db).run(SQL.insertWitness, w.name, w.verifierKey, w.label, w.addedAt);
  return { id: Number(info.lastInsertRowid), ...w };
}

export function witnessByVerifierKey(db: ReadableDb, verifierKey: string): WitnessRow | undefined {
  const r = reader(db).one<WitnessSql>(SQL.witnessByKey, verifierKey);
  return r ? toWitness(r) : undefined;
}

export function listWitnesses(db: ReadableDb): WitnessRow[] {
  return reader(db).all<WitnessSql>(SQL.witnesses).map(toWitness);
}

export function updateWitnessLabel(db: WritableDb, id: number, label: string): void {
  writer(db).run(SQL.relabel, label, id);
}

/** True if the row was new (the same line added twice is one cosignature). */
export function insertCosignature(db: WritableDb, c: { checkpointId: number; witnessId: number; signedAt: number; line: string; addedAt: string }): boolean {
  return writer(db).run(SQL.insertCosignature, c.checkpointId, c.witnessId, c.signedAt, c.line, c.addedAt).changes > 0;
}

/** Every cosignature with its checkpoint, oldest checkpoint first. */
export function listCosignatures(db: ReadableDb): CosignatureRow[] {
  return reader(db).all<CosignatureSql>(SQL.cosignatures).map(toCosignature);
}

/** The cosignatures of checkpoints of at most `maxSize` events (those a packet checkpoint of that size extends). */
export function cosignaturesUpTo(db: ReadableDb, maxSize: number): CosignatureRow[] {
  return reader(db).all<CosignatureSql>(SQL.cosignaturesUpTo, maxSize).map(toCosignature);
}

/** The largest checkpoint size this witness has cosigned, or undefined if none. */
export function lastCosignedSize(db: ReadableDb, witnessId: number): number | undefined {
  return reader(db).one<{ size: number | null }>(SQL.lastCosignedSize, witnessId)?.size ?? undefined;
}
