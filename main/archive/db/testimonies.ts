import type { TestimonyFields } from '../../../shared/model/catalogue';
import { reader, writer, type ReadableDb, type WritableDb } from './connection';

/**
 * `testimonies`, `testimony_revisions` and `testimony_items`: interview records, every saved state of each (one
 * revision row per save, with the seq of its custody event) and the items linked to them. Deletion tombstones the
 * testimony; revisions are never changed. Written only by catalogue/testimonies.ts, in the transaction of its
 * custody event.
 */

export type TestimonyRow = {
  readonly id: string;
  readonly case_id: string | null;
  readonly witness_id: string | null;
  readonly title: string;
  readonly interview_date: string | null;
  readonly place: string | null;
  readonly interviewer: string | null;
  readonly language: string | null;
  readonly interpreter: string | null;
  readonly text: string;
  readonly revision: number;
  readonly created_at: string;
  readonly updated_at: string;
};

export function liveTestimony(db: ReadableDb, id: string): TestimonyRow | undefined {
  return reader(db).one('SELECT * FROM testimonies WHERE id = ? AND deleted_at IS NULL', id);
}

/** Live testimonies in the order they were created, only those of `caseId` when given. */
export function liveTestimonies(db: ReadableDb, caseId?: string): TestimonyRow[] {
  return caseId
    ? reader(db).all('SELECT * FROM testimonies WHERE case_id = ? AND deleted_at IS NULL ORDER BY created_at, rowid', caseId)
    : reader(db).all('SELECT * FROM testimonies WHERE deleted_at IS NULL ORDER BY created_at, rowid');
}

/** The items linked to a testimony, in the order they were linked. */
export function testimonyItemIds(db: ReadableDb, testimonyId: string): string[] {
  return reader(db)
    .all<{ item_id: string }>('SELECT item_id FROM testimony_items WHERE testimony_id = ? ORDER BY added_at, item_id', testimonyId)
    .map((x) => x.item_id);
}

/** Inserts a testimony at revision 1. */
export function insertTestimony(db: WritableDb, id: string, f: TestimonyFields, text: string, now: string): void {
  writer(db).run(
    `INSERT INTO testimonies (id, case_id, witness_id, title, interview_date, place, interviewer, language, interpreter, text, revision, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
    id, f.caseId, f.witnessId, f.title, f.interviewDate, f.place, f.interviewer, f.language, f.interpreter, text, now, now,
  );
}

export function updateTestimonyRow(db: WritableDb, id: string, f: TestimonyFields, text: string, revision: number, now: string): void {
  writer(db).run(
    `UPDATE testimonies SET case_id = ?, witness_id = ?, title = ?, interview_date = ?, place = ?, interviewer = ?, language = ?, interpreter = ?,
         text = ?, revision = ?, updated_at = ? WHERE id = ?`,
    f.caseId, f.witnessId, f.title, f.interviewDate, f.place, f.interviewer, f.language, f.interpreter, text, revision, now, id,
  );
}

export function tombstoneTestimony(db: WritableDb, id: string, now: string): void {
  writer(db).run('UPDATE testimonies SET deleted_at = ?, updated_at = ? WHERE id = ?', now, now, id);
}

export function insertTestimonyRevision(db: WritableDb, id: string, revision: number, fields: TestimonyFields, text: string, savedAt: string, eventSeq: number): void {
  writer(db).run(
    'INSERT INTO testimony_revisions (testimony_id, revision, fields, text, saved_at, event_seq) VALUES (?, ?, ?, ?, ?, ?)',
    id, revision, JSON.stringify(fields), text, savedAt, eventSeq,
  );
}

/** A testimony's revisions, oldest first, without their text (its length instead). */
export function testimonyRevisionList(db: ReadableDb, id: string): { revision: number; fields: string; saved_at: string; event_seq: number; len: number }[] {
  return reader(db).all('SELECT revision, fields, saved_at, event_seq, length(text) AS len FROM testimony_revisions WHERE testimony_id = ? ORDER BY revision', id);
}

export function testimonyRevision(db: ReadableDb, id: string, revision: number): { fields: string; text: string; saved_at: string; event_seq: number } | undefined {
  return reader(db).one('SELECT fields, text, saved_at, event_seq FROM testimony_revisions WHERE testimony_id = ? AND revision = ?', id, revision);
}

/** Links the item to the testimony; false if it was linked already. */
export function insertTestimonyItem(db: WritableDb, testimonyId: string, itemId: string, now: string): boolean {
  return writer(db).run('INSERT OR IGNORE INTO testimony_items (testimony_id, item_id, added_at) VALUES (?, ?, ?)', testimonyId, itemId, now).changes > 0;
}

/** Unlinks the item from the testimony; false if it was not linked. */
export function deleteTestimonyItem(db: WritableDb, testimonyId: string, itemId: string): boolean {
  return writer(db).run('DELETE FROM testimony_items WHERE testimony_id = ? AND item_id = ?', testimonyId, itemId).changes > 0;
}

/** The live testimonies whose witness is this person. */
export function liveTestimonyIdsOfWitness(db: ReadableDb, personId: string): string[] {
  return reader(db).all<{ id: string }>('SELECT id FROM testimonies WHERE witness_id = ? AND deleted_at IS NULL', personId).map((r) => r.id);
}
