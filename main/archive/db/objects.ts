import { reader, writer, type ReadableDb, type WritableDb } from './connection';

/**
 * `objects`: one row per encrypted blob in blobs/ (originals, previews), named by HMAC of the content hash
 * (DESIGN §3). The plain SHA-256 of each object exists only here, inside the encrypted database.
 */

/** Whether a committed row names this blob (a blob without one is a crash leftover, removed on open). */
export function objectExists(db: ReadableDb, name: string): boolean {
  return reader(db).one('SELECT 1 FROM objects WHERE name = ?', name) !== undefined;
}

export type ObjectRow = { readonly name: string; readonly sha256: Buffer; readonly size: number; readonly kind: string; readonly purgedAt: string | null };

/** Every object row, purged ones included (verify compares them with the signed log and with blobs/). */
export function allObjects(db: ReadableDb): ObjectRow[] {
  return reader(db).all('SELECT name, sha256, size, kind, purged_at AS purgedAt FROM objects');
}

/** Every object row in table order, a page at a time: up to `limit` rows after the row numbered `afterRow`. */
export function objectRowsAfter(db: ReadableDb, afterRow: number, limit: number): (ObjectRow & { readonly row: number })[] {
  return reader(db).all('SELECT rowid AS row, name, sha256, size, kind, purged_at AS purgedAt FROM objects WHERE rowid > ? ORDER BY rowid LIMIT ?', afterRow, limit);
}

/** The row of one object by name, purged or not. */
export function objectRow(db: ReadableDb, name: string): ObjectRow | undefined {
  return reader(db).one('SELECT name, sha256, size, kind, purged_at AS purgedAt FROM objects WHERE name = ?', name);
}

/** The objects whose bytes the vault must hold, with their sizes, in name order (the order of blobs/ on disk). */
export function liveObjectSizes(db: ReadableDb): { name: string; size: number }[] {
  return reader(db).all('SELECT name, size FROM objects WHERE purged_at IS NULL ORDER BY name');
}

/** The names of the live objects with from <= name < to (one shard folder of blobs/). */
export function liveObjectNamesBetween(db: ReadableDb, from: string, to: string): string[] {
  return reader(db)
    .all<{ name: string }>('SELECT name FROM objects WHERE name >= ? AND name < ? AND purged_at IS NULL', from, to)
    .map((r) => r.name);
}

/** The row naming this blob, purged or not. */
export function findObject(db: ReadableDb, name: string): { name: string; purgedAt: string | null } | undefined {
  return reader(db).one('SELECT name, purged_at AS purgedAt FROM objects WHERE name = ?', name);
}

export function insertObject(db: WritableDb, o: { readonly name: string; readonly sha256: Buffer; readonly size: number; readonly kind: 'original' | 'preview'; readonly createdAt: string }): void {
  writer(db).run('INSERT INTO objects (name, sha256, size, kind, created_at) VALUES (?, ?, ?, ?, ?)', o.name, o.sha256, o.size, o.kind, o.createdAt);
}

/** A purged original stored again: live, dated now (a purged preview keeps its date: see `revivePurgedPreview`). */
export function revivePurgedOriginal(db: WritableDb, name: string, createdAt: string): void {
  writer(db).run('UPDATE objects SET purged_at = NULL, created_at = ? WHERE name = ?', createdAt, name);
}

export function revivePurgedPreview(db: WritableDb, name: string): void {
  writer(db).run('UPDATE objects SET purged_at = NULL WHERE name = ?', name);
}

/** The objects whose bytes the vault must hold (not purged), by name. */
export function liveObjects(db: ReadableDb): { name: string; kind: string }[] {
  return reader(db).all('SELECT name, kind FROM objects WHERE purged_at IS NULL ORDER BY name');
}

/** Whether the object's bytes were purged (destroyed for good); false for a live or unknown object. */
export function isObjectPurged(db: ReadableDb, name: string): boolean {
  return findObject(db, name)?.purgedAt != null;
}

/** The object's plain SHA-256, if there is such an object. */
export function objectSha256(db: ReadableDb, name: string): Buffer | undefined {
  return reader(db).one<{ sha256: Buffer }>('SELECT sha256 FROM objects WHERE name = ?', name)?.sha256;
}

export function markObjectPurged(db: WritableDb, name: string, purgedAt: string): void {
  writer(db).run('UPDATE objects SET purged_at = ? WHERE name = ?', purgedAt, name);
}
