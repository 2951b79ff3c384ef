import { reader, writer, type ReadableDb, type WritableDb } from './connection';

/**
 * `tag_assignments`: terms of the versioned taxonomies (shared/taxonomy) on items, testimonies and cases, with who
 * assigned them, when, and per-method details (JSON). Removal sets removed_at; rows are never deleted. Written
 * only by catalogue/tags.ts, in the transaction of its custody event.
 */

export type TagRow = {
  readonly id: string;
  readonly target_type: 'item' | 'testimony' | 'case';
  readonly target_id: string;
  readonly term_id: string;
  readonly details: string | null;
  readonly assigned_by: string;
  readonly assigned_at: string;
};

const COLUMNS = 'id, target_type, target_id, term_id, details, assigned_by, assigned_at';

/** Active assignments on an object, oldest first. */
export function activeTags(db: ReadableDb, targetId: string): TagRow[] {
  return reader(db).all(`SELECT ${COLUMNS} FROM tag_assignments WHERE target_id = ? AND removed_at IS NULL ORDER BY assigned_at, rowid`, targetId);
}

export function tagAssignment(db: ReadableDb, id: string): TagRow | undefined {
  return reader(db).one(`SELECT ${COLUMNS} FROM tag_assignments WHERE id = ?`, id);
}

/** The active assignment of this term with exactly these details (null: none), if any. */
export function sameActiveTag(db: ReadableDb, targetId: string, termId: string, detailsJson: string | null): string | undefined {
  return reader(db).one<{ id: string }>('SELECT id FROM tag_assignments WHERE target_id = ? AND term_id = ? AND removed_at IS NULL AND details IS ?', targetId, termId, detailsJson)?.id;
}

/** The active assignments of a term on a target, or only `assignmentId` among them, in insertion order. */
export function activeTagIds(db: ReadableDb, targetId: string, termId: string, assignmentId: string | null): string[] {
  return reader(db)
    .all<{ id: string }>('SELECT id FROM tag_assignments WHERE target_id = ? AND term_id = ? AND removed_at IS NULL AND (? IS NULL OR id = ?) ORDER BY rowid', targetId, termId, assignmentId, assignmentId)
    .map((r) => r.id);
}

export function insertTag(db: WritableDb, t: TagRow): void {
  writer(db).run(`INSERT INTO tag_assignments (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`, t.id, t.target_type, t.target_id, t.term_id, t.details, t.assigned_by, t.assigned_at);
}

export function markTagRemoved(db: WritableDb, id: string, removedAt: string): void {
  writer(db).run('UPDATE tag_assignments SET removed_at = ? WHERE id = ?', removedAt, id);
}

/** The terms and details of the active assignments on an object of that type (what search indexes). */
export function activeTagTerms(db: ReadableDb, targetType: TagRow['target_type'], targetId: string): { term_id: string; details: string | null }[] {
  return reader(db).all('SELECT term_id, details FROM tag_assignments WHERE target_type = ? AND target_id = ? AND removed_at IS NULL', targetType, targetId);
}
