import { connectionOf, reader, type ReadableDb, type RunResult, type SqlParam, type WritableDb } from './connection';

/**
 * The catalogue's tables (cases, persons, testimonies, consent_records, tags, links, search_docs/search_fts) are
 * still queried by the statements written in main/archive/catalogue/*.ts (issue 18: they move here, one module
 * per table group, next; `db/tags.ts` and the existence checks below have). Until then they run through
 * catalogueOne/All/Run, so that there is one statement cache (db/connection.ts) and no `.prepare(` outside
 * main/archive/db. New code does not call those three: it adds a named function to a table module.
 */

export function catalogueOne<R>(db: ReadableDb, sql: string, ...params: readonly unknown[]): R | undefined {
  return connectionOf(db).one<R>(sql, ...(params as SqlParam[]));
}

export function catalogueAll<R>(db: ReadableDb, sql: string, ...params: readonly unknown[]): R[] {
  return connectionOf(db).all<R>(sql, ...(params as SqlParam[]));
}

export function catalogueRun(db: WritableDb, sql: string, ...params: readonly unknown[]): RunResult {
  return connectionOf(db).run(sql, ...(params as SqlParam[]));
}

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
