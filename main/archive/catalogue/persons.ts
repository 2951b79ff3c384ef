import {
  PersonCreateInput,
  PersonIdInput,
  PersonRoleInput,
  PersonUpdateInput,
  type Person,
  type PersonCaseRole,
  type PersonRole,
  type PersonSummary,
  type Sex,
} from '../../../shared/model/catalogue';
import { newId } from '../ids';
import type { Vault } from '../vault/vault';
import { requireCase, requirePerson } from './exists';
import { nowIso, recordEvent, type Secret } from './record-event';
import { indexDoc, reindexWitnessTestimonies } from './search-index';
import { all, one, run } from './sql';
import { notFound, parseInput } from './validate';
import { deleteDraftRowsOfRecord } from '../db/drafts';

/**
 * People (DESIGN §4): victims, witnesses, alleged perpetrators, documenters. The real name is stored (encrypted with
 * the rest of the database); exports use the pseudonym unless consent allows the name. Every personal field is
 * personal data, so person events carry only commitments.
 */

type PersonRow = {
  id: string;
  real_name: string;
  pseudonym: string;
  sex: Sex | null;
  birth_date: string | null;
  nationality: string | null;
  occupation: string | null;
  contact: string | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
};

const FIELDS = {
  realName: 'real_name',
  pseudonym: 'pseudonym',
  sex: 'sex',
  birthDate: 'birth_date',
  nationality: 'nationality',
  occupation: 'occupation',
  contact: 'contact',
  notes: 'notes',
} as const;
type Field = keyof typeof FIELDS;

function roles(vault: Vault, personId: string): PersonCaseRole[] {
  return all<{ case_id: string; role: PersonRole }>(
    vault,
    `SELECT cp.case_id, cp.role FROM case_persons cp JOIN cases c ON c.id = cp.case_id
      WHERE cp.person_id = ? AND c.deleted_at IS NULL ORDER BY cp.added_at, cp.case_id, cp.role`,
    personId,
  ).map((r) => ({ caseId: r.case_id, role: r.role }));
}

function toPerson(vault: Vault, r: PersonRow): Person {
  const p: { -readonly [K in keyof Person]: Person[K] } = {
    id: r.id,
    realName: r.real_name,
    pseudonym: r.pseudonym,
    roles: roles(vault, r.id),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.sex) p.sex = r.sex;
  if (r.birth_date) p.birthDate = r.birth_date;
  if (r.nationality) p.nationality = r.nationality;
  if (r.occupation) p.occupation = r.occupation;
  if (r.contact) p.contact = r.contact;
  if (r.notes) p.notes = r.notes;
  return p;
}

export function getPerson(vault: Vault, id: string): Person {
  const r = one<PersonRow>(vault, 'SELECT * FROM persons WHERE id = ? AND deleted_at IS NULL', id);
  if (!r) notFound('id', 'person', id);
  return toPerson(vault, r);
}

export function listPersons(vault: Vault, options: { readonly caseId?: string } = {}): PersonSummary[] {
  const rows = options.caseId
    ? all<{ id: string; pseudonym: string; real_name: string }>(
        vault,
        `SELECT DISTINCT p.id, p.pseudonym, p.real_name, p.rowid FROM persons p JOIN case_persons cp ON cp.person_id = p.id
          WHERE cp.case_id = ? AND p.deleted_at IS NULL ORDER BY p.pseudonym COLLATE NOCASE, p.rowid`,
        options.caseId,
      )
    : all<{ id: string; pseudonym: string; real_name: string }>(vault, 'SELECT id, pseudonym, real_name FROM persons WHERE deleted_at IS NULL ORDER BY pseudonym COLLATE NOCASE, rowid');
  return rows.map((r) => ({ id: r.id, pseudonym: r.pseudonym, realName: r.real_name, roles: roles(vault, r.id) }));
}

export function createPerson(vault: Vault, input: PersonCreateInput): Person {
  const v = parseInput(PersonCreateInput, input, 'person');
  const id = newId('per');
  const now = nowIso();
  const values: Record<Field, string | null> = {
    realName: v.realName,
    pseudonym: v.pseudonym,
    sex: v.sex ?? null,
    birthDate: v.birthDate ?? null,
    nationality: v.nationality ?? null,
    occupation: v.occupation || null,
    contact: v.contact || null,
    notes: v.notes || null,
  };
  vault.transaction(() => {
    run(
      vault,
      'INSERT INTO persons (id, real_name, pseudonym, sex, birth_date, nationality, occupation, contact, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      id,
      values.realName,
      values.pseudonym,
      values.sex,
      values.birthDate,
      values.nationality,
      values.occupation,
      values.contact,
      values.notes,
      now,
      now,
    );
    const secret = Object.fromEntries(Object.entries(values).filter(([, x]) => x !== null)) as Secret;
    recordEvent(vault, 'person.created', id, {}, secret);
    indexDoc(vault, 'person', id);
  });
  return getPerson(vault, id);
}

/** Changes the given fields. Saving the same values again records nothing. */
export function updatePerson(vault: Vault, input: PersonUpdateInput): Person {
  const v = parseInput(PersonUpdateInput, input, 'person update');
  vault.transaction(() => {
    const cur = one<PersonRow>(vault, 'SELECT * FROM persons WHERE id = ? AND deleted_at IS NULL', v.id);
    if (!cur) notFound('id', 'person', v.id);
    const secret: Record<string, string | null> = {};
    const next: Record<string, string | null> = {};
    for (const [field, column] of Object.entries(FIELDS) as [Field, (typeof FIELDS)[Field]][]) {
      const given = v[field];
      const value = given === undefined ? cur[column] : given || null;
      next[column] = value;
      if (value !== cur[column]) secret[field] = value;
    }
    if (Object.keys(secret).length === 0) return;
    run(
      vault,
      'UPDATE persons SET real_name = ?, pseudonym = ?, sex = ?, birth_date = ?, nationality = ?, occupation = ?, contact = ?, notes = ?, updated_at = ? WHERE id = ?',
      next.real_name,
      next.pseudonym,
      next.sex,
      next.birth_date,
      next.nationality,
      next.occupation,
      next.contact,
      next.notes,
      nowIso(),
      v.id,
    );
    recordEvent(vault, 'person.updated', v.id, {}, secret);
    indexDoc(vault, 'person', v.id);
    if ('pseudonym' in secret) reindexWitnessTestimonies(vault, v.id);
  });
  return getPerson(vault, v.id);
}

/** Tombstones the person. Their consent records and testimonies stay as history. */
export function deletePerson(vault: Vault, input: PersonIdInput): void {
  const v = parseInput(PersonIdInput, input, 'person');
  vault.transaction(() => {
    requirePerson(vault, v.id, 'id');
    run(vault, 'UPDATE persons SET deleted_at = ?, updated_at = ? WHERE id = ?', nowIso(), nowIso(), v.id);
    recordEvent(vault, 'person.deleted', v.id, {});
    deleteDraftRowsOfRecord(vault.store, v.id); // its unsaved drafts go with it
    indexDoc(vault, 'person', v.id);
    reindexWitnessTestimonies(vault, v.id);
  });
}

/** Gives the person a role in a case (a person may hold several roles). Setting an existing role records nothing. */
export function setPersonRole(vault: Vault, input: PersonRoleInput): Person {
  const v = parseInput(PersonRoleInput, input, 'person role');
  vault.transaction(() => {
    requirePerson(vault, v.personId);
    requireCase(vault, v.caseId);
    const r = run(vault, 'INSERT OR IGNORE INTO case_persons (case_id, person_id, role, added_at) VALUES (?, ?, ?, ?)', v.caseId, v.personId, v.role, nowIso());
    if (r.changes > 0) recordEvent(vault, 'person.role-set', v.personId, { caseId: v.caseId, role: v.role });
  });
  return getPerson(vault, v.personId);
}

export function removePersonRole(vault: Vault, input: PersonRoleInput): Person {
  const v = parseInput(PersonRoleInput, input, 'person role');
  vault.transaction(() => {
    requirePerson(vault, v.personId);
    requireCase(vault, v.caseId);
    const r = run(vault, 'DELETE FROM case_persons WHERE case_id = ? AND person_id = ? AND role = ?', v.caseId, v.personId, v.role);
    if (r.changes > 0) recordEvent(vault, 'person.role-removed', v.personId, { caseId: v.caseId, role: v.role });
  });
  return getPerson(vault, v.personId);
}
