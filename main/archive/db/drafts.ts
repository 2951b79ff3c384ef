import type Database from 'better-sqlite3-multiple-ciphers';
import type { DraftForm } from '../../../shared/model/drafts';
import type { Db } from './open';

/**
 * The drafts table (migration 0006): typed reads and writes, nothing else touches it. Statements are prepared once
 * per connection (a draft is written about every second while someone types).
 */

export type DraftRow = {
  readonly form: DraftForm;
  readonly recordId: string;
  readonly data: string;
  readonly base: string | null;
  readonly createdAt: string;
  readonly savedAt: string;
};

const SQL = {
  read: 'SELECT form, record_id AS recordId, data, base, created_at AS createdAt, saved_at AS savedAt FROM drafts WHERE form = ? AND record_id = ?',
  list: 'SELECT form, record_id AS recordId, base, created_at AS createdAt, saved_at AS savedAt FROM drafts ORDER BY saved_at DESC, form, record_id',
  write: `INSERT INTO drafts (form, record_id, data, base, created_at, saved_at) VALUES (@form, @recordId, @data, @base, @savedAt, @savedAt)
          ON CONFLICT(form, record_id) DO UPDATE SET data = excluded.data, base = excluded.base, saved_at = excluded.saved_at`,
  remove: 'DELETE FROM drafts WHERE form = ? AND record_id = ?',
  removeOfRecord: 'DELETE FROM drafts WHERE record_id = ?',
  count: 'SELECT count(*) AS n FROM drafts',
} as const;

const caches = new WeakMap<Db, Map<string, Database.Statement>>();

function stmt(db: Db, sql: string): Database.Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let s = cache.get(sql);
  if (!s) cache.set(sql, (s = db.prepare(sql)));
  return s;
}

export function readDraftRow(db: Db, form: DraftForm, recordId: string): DraftRow | undefined {
  return stmt(db, SQL.read).get(form, recordId) as DraftRow | undefined;
}

export function listDraftRows(db: Db): Omit<DraftRow, 'data'>[] {
  return stmt(db, SQL.list).all() as Omit<DraftRow, 'data'>[];
}

/** Inserts or replaces the draft of (form, recordId); keeps its first creation time. */
export function writeDraftRow(db: Db, row: { form: DraftForm; recordId: string; data: string; base: string | null; savedAt: string }): void {
  stmt(db, SQL.write).run(row);
}

export function deleteDraftRow(db: Db, form: DraftForm, recordId: string): boolean {
  return stmt(db, SQL.remove).run(form, recordId).changes > 0;
}

/** Every draft of one record, whatever the form (the record was deleted). */
export function deleteDraftRowsOfRecord(db: Db, recordId: string): number {
  return stmt(db, SQL.removeOfRecord).run(recordId).changes;
}

export function countDraftRows(db: Db): number {
  return (stmt(db, SQL.count).get() as { n: number }).n;
}
