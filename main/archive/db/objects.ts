import { reader, type ReadableDb } from './connection';

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
