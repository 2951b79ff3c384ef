import { reader, writer, type ReadableDb, type WritableDb } from './connection';

/**
 * The custody log's tables (DESIGN §5): `events` (signed canonical JSON, hash-chained), `merkle_nodes` (complete
 * subtrees of the RFC 9162 tree), `checkpoints` (signed notes, kept forever) and `event_salts` (the salt of each
 * event that commits to free text). custody/log.ts is the only writer of events and checkpoints: it signs them.
 */

export type EventRow = { readonly seq: number; readonly bytes: Buffer; readonly signature: Buffer; readonly hash: Buffer };

export type CheckpointRow = { readonly id: number; readonly size: number; readonly note: string; readonly reason: string; readonly createdAt: string };

type CheckpointColumns = { id: number; size: number; note: string; reason: string; created_at: string };

const toCheckpoint = (r: CheckpointColumns): CheckpointRow => ({ id: r.id, size: r.size, note: r.note, reason: r.reason, createdAt: r.created_at });

// events

export function insertEvent(db: WritableDb, e: { seq: number; type: string; subject: string | null; bytes: Buffer; signature: Buffer; hash: Buffer }): void {
  writer(db).run('INSERT INTO events (seq, type, subject, bytes, signature, hash) VALUES (?, ?, ?, ?, ?, ?)', e.seq, e.type, e.subject, e.bytes, e.signature, e.hash);
}

/** The newest event's number and hash (the next event's `prev`), or undefined for an empty log. */
export function lastEvent(db: ReadableDb): { seq: number; hash: Buffer } | undefined {
  return reader(db).one('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1');
}

export function eventBySeq(db: ReadableDb, seq: number): EventRow | undefined {
  return reader(db).one('SELECT seq, bytes, signature, hash FROM events WHERE seq = ?', seq);
}

/** Number of events, which is the Merkle tree size. */
export function eventCount(db: ReadableDb): number {
  return reader(db).one<{ n: number }>('SELECT count(*) AS n FROM events')!.n;
}

/** Events with fromSeq <= seq < toSeq, oldest first, one at a time. */
export function iterateEvents(db: ReadableDb, fromSeq = 0, toSeq = Number.MAX_SAFE_INTEGER): IterableIterator<EventRow> {
  return reader(db).iterate('SELECT seq, bytes, signature, hash FROM events WHERE seq >= ? AND seq < ? ORDER BY seq', fromSeq, toSeq);
}

/** Up to `limit` events with seq > afterSeq, oldest first (verify reads the log page by page). */
export function eventsAfter(db: ReadableDb, afterSeq: number, limit: number): EventRow[] {
  return reader(db).all('SELECT seq, bytes, signature, hash FROM events WHERE seq > ? ORDER BY seq LIMIT ?', afterSeq, limit);
}

/** A page of the log, newest first. */
export function eventsNewestFirst(db: ReadableDb, limit: number, offset: number): EventRow[] {
  return reader(db).all('SELECT seq, bytes, signature, hash FROM events ORDER BY seq DESC LIMIT ? OFFSET ?', limit, offset);
}

/** A page of the events about one subject (an item, a case…), oldest first. */
export function eventsAbout(db: ReadableDb, subject: string, limit: number, offset: number): EventRow[] {
  return reader(db).all('SELECT seq, bytes, signature, hash FROM events WHERE subject = ? ORDER BY seq LIMIT ? OFFSET ?', subject, limit, offset);
}

export function countEventsAbout(db: ReadableDb, subject: string): number {
  return reader(db).one<{ n: number }>('SELECT count(*) AS n FROM events WHERE subject = ?', subject)!.n;
}

/** The events about `subject` in the first `size` events of the log, oldest first. */
export function eventsAboutBefore(db: ReadableDb, subject: string, size: number): EventRow[] {
  return reader(db).all('SELECT seq, bytes, signature, hash FROM events WHERE subject = ? AND seq < ? ORDER BY seq', subject, size);
}

/** The events of one type about one subject (e.g. an item's item.purged event), oldest first. */
export function eventsOfTypeAbout(db: ReadableDb, type: string, subject: string): EventRow[] {
  return reader(db).all('SELECT seq, bytes, signature, hash FROM events WHERE subject = ? AND type = ? ORDER BY seq', subject, type);
}

/** The newest event of one type (the last backup.written, for the backup's age), if any. */
export function latestEventOfType(db: ReadableDb, type: string): EventRow | undefined {
  return reader(db).one('SELECT seq, bytes, signature, hash FROM events WHERE type = ? ORDER BY seq DESC LIMIT 1', type);
}

// merkle_nodes

export function merkleNode(db: ReadableDb, level: number, index: number): Buffer | undefined {
  return reader(db).one<{ hash: Buffer }>('SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?', level, index)?.hash;
}

export function insertMerkleNode(db: WritableDb, level: number, index: number, hash: Buffer): void {
  writer(db).run('INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)', level, index, hash);
}

/** Every stored node. */
export function iterateMerkleNodes(db: ReadableDb): IterableIterator<{ level: number; idx: number; hash: Buffer }> {
  return reader(db).iterate('SELECT level, idx, hash FROM merkle_nodes');
}

/** Up to `limit` stored nodes of one level from index `fromIdx` on, by index (verify checks each level in order). */
export function merkleNodesFrom(db: ReadableDb, level: number, fromIdx: number, limit: number): { idx: number; hash: Buffer }[] {
  return reader(db).all('SELECT idx, hash FROM merkle_nodes WHERE level = ? AND idx >= ? ORDER BY idx LIMIT ?', level, fromIdx, limit);
}

export function merkleNodeCount(db: ReadableDb): number {
  return reader(db).one<{ n: number }>('SELECT count(*) AS n FROM merkle_nodes')!.n;
}

/** The stored nodes that are no complete subtree of a tree of `size` leaves (they cover leaves beyond it), by level and index. */
export function merkleNodesBeyond(db: ReadableDb, size: number): { level: number; idx: number }[] {
  return reader(db).all('SELECT level, idx FROM merkle_nodes WHERE level < 0 OR level > 52 OR idx < 0 OR (idx + 1) * (1 << level) > ? ORDER BY level, idx', size);
}

// checkpoints

export function insertCheckpoint(db: WritableDb, c: { size: number; note: string; reason: string; createdAt: string }): number {
  return Number(writer(db).run('INSERT INTO checkpoints (size, note, reason, created_at) VALUES (?, ?, ?, ?)', c.size, c.note, c.reason, c.createdAt).lastInsertRowid);
}

export function latestCheckpoint(db: ReadableDb): CheckpointRow | undefined {
  const r = reader(db).one<CheckpointColumns>('SELECT id, size, note, reason, created_at FROM checkpoints ORDER BY id DESC LIMIT 1');
  return r ? toCheckpoint(r) : undefined;
}

export function allCheckpoints(db: ReadableDb): CheckpointRow[] {
  return reader(db).all<CheckpointColumns>('SELECT id, size, note, reason, created_at FROM checkpoints ORDER BY id').map(toCheckpoint);
}

// event_salts

export function insertEventSalt(db: WritableDb, seq: number, salt: Buffer): void {
  writer(db).run('INSERT INTO event_salts (seq, salt) VALUES (?, ?)', seq, salt);
}

export function eventSalt(db: ReadableDb, seq: number): Buffer | undefined {
  return reader(db).one<{ salt: Buffer }>('SELECT salt FROM event_salts WHERE seq = ?', seq)?.salt;
}
