import type { Sex } from '../../../shared/model/catalogue';
import { reader, writer, type ReadableDb, type WritableDb } from './connection';

/**
 * `persons`: victims, witnesses, alleged perpetrators, documenters, with the real name (encrypted with the rest of
 * the database). Deletion tombstones the row (deleted_at). Written only by catalogue/persons.ts, in the transaction
 * of its custody event; their roles in cases are `case_persons` (db/cases.ts).
 */

export type PersonRow = {
  readonly id: string;
  readonly real_name: string;
  readonly pseudonym: string;
  readonly sex: Sex | null;
  readonly birth_date: string | null;
  readonly nationality: string | null;
  readonly occupation: string | null;
  readonly contact: string | null;
  readonly notes: string | null;
  readonly created_at: string;
  readonly updated_at: string;
};

/** The fields a person is created or updated with. */
export type PersonFields = Omit<PersonRow, 'id' | 'created_at' | 'updated_at'>;

export function livePerson(db: ReadableDb, id: string): PersonRow | undefined {
  return reader(db).one('SELECT * FROM persons WHERE id = ? AND deleted_at IS NULL', id);
}

/** Live persons by pseudonym (case-insensitive), only those with a role in `caseId` when given. */
export function livePersonNames(db: ReadableDb, caseId?: string): { id: string; pseudonym: string; real_name: string }[] {
  return caseId
    ? reader(db).all(
        `SELECT DISTINCT p.id, p.pseudonym, p.real_name, p.rowid FROM persons p JOIN case_persons cp ON cp.person_id = p.id
          WHERE cp.case_id = ? AND p.deleted_at IS NULL ORDER BY p.pseudonym COLLATE NOCASE, p.rowid`,
        caseId,
      )
    : reader(db).all('SELECT id, pseudonym, real_name FROM persons WHERE deleted_at IS NULL ORDER BY pseudonym COLLATE NOCASE, rowid');
}

export function insertPerson(db: WritableDb, id: string, f: PersonFields, now: string): void {
  writer(db).run(
    'INSERT INTO persons (id, real_name, pseudonym, sex, birth_date, nationality, occupation, contact, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    id, f.real_name, f.pseudonym, f.sex, f.birth_date, f.nationality, f.occupation, f.contact, f.notes, now, now,
  );
}

export function updatePersonRow(db: WritableDb, id: string, f: PersonFields, now: string): void {
  writer(db).run(
    'UPDATE persons SET real_name = ?, pseudonym = ?, sex = ?, birth_date = ?, nationality = ?, occupation = ?, contact = ?, notes = ?, updated_at = ? WHERE id = ?',
    f.real_name, f.pseudonym, f.sex, f.birth_date, f.nationality, f.occupation, f.contact, f.notes, now, id,
  );
}

export function tombstonePerson(db: WritableDb, id: string, now: string): void {
  writer(db).run('UPDATE persons SET deleted_at = ?, updated_at = ? WHERE id = ?', now, now, id);
}
