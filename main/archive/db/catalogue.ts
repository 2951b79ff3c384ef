import { connectionOf, reader, type ReadableDb } from './connection';

/**
 * What the catalogue's tables share: the change stamp its caches are keyed by, and the existence checks of its
 * objects (each table's own reads and writes are in db/cases.ts, db/persons.ts, db/testimonies.ts,
 * db/consents.ts, db/tags.ts, db/links.ts and db/search.ts).
 */

/**
 * Changes whenever this database changes, by this connection (total_changes) or another one (data_version): a
 * cache of query results keyed by it is never stale.
 */
export function changeStamp(db: ReadableDb): string {
  const c = connectionOf(db);
  return `${c.pragma('data_version', { simple: true }) as number}:${c.one<{ n: number }>('SELECT total_changes() AS n')!.n}`;
}

/** Whether a case / person / testimony with this id exists and is not deleted (tombstoned). */
export function liveCaseExists(db: ReadableDb, id: string): boolean {
  return reader(db).one('SELECT 1 FROM cases WHERE id = ? AND deleted_at IS NULL', id) !== undefined;
}

export function livePersonExists(db: ReadableDb, id: string): boolean {
  return reader(db).one('SELECT 1 FROM persons WHERE id = ? AND deleted_at IS NULL', id) !== undefined;
}

export function liveTestimonyExists(db: ReadableDb, id: string): boolean {
  return reader(db).one('SELECT 1 FROM testimonies WHERE id = ? AND deleted_at IS NULL', id) !== undefined;
}
