import type { DraftForm } from '../../../shared/model/drafts';
import { reader, writer, type ReadableDb, type WritableDb } from './connection';

/**
 * The drafts table (migration 0006): typed reads and writes, nothing else touches it. Statements are prepared once
 * per connection (db/connection.ts; a draft is written about every second while someone types).
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

export function readDraftRow(db: ReadableDb, form: DraftForm, recordId: string): DraftRow | undefined {
  return reader(db).one<DraftRow>(SQL.read, form, recordId);
}

export function listDraftRows(db: ReadableDb): Omit<DraftRow, 'data'>[] {
  return reader(db).all<Omit<DraftRow, 'data'>>(SQL.list);
}

/** Inserts or replaces the draft of (form, recordId); keeps its first creation time. */
export function writeDraftRow(db: WritableDb, row: { form: DraftForm; recordId: string; data: string; base: string | null; savedAt: string }): void {
  writer(db).run(SQL.write, row);
}

export function deleteDraftRow(db: WritableDb, form: DraftForm, recordId: string): boolean {
  return writer(db).run(SQL.remove, form, recordId).changes > 0;
}

/** Every draft of one record, whatever the form (the record was deleted). */
export function deleteDraftRowsOfRecord(db: WritableDb, recordId: string): number {
  return writer(db).run(SQL.removeOfRecord, recordId).changes;
}

export function countDraftRows(db: ReadableDb): number {
  return reader(db).one<{ n: number }>(SQL.count)!.n;
}
