import {
  PersonCreateInput,
  PersonIdInput,
  PersonRoleInput,
  PersonUpdateInput,
  type Person,
  type PersonCaseRole,
  type PersonSummary,
} from '../../../shared/model/catalogue';
import { newId } from '../ids';
import type { Vault } from '../vault/vault';
import { requireCase, requirePerson } from './exists';
import { nowIso, recordEvent, type Secret } from './record-event';
import { indexDoc, reindexWitnessTestimonies } from './search-index';
import { notFound, parseInput } from './validate';
import { deleteDraftRowsOfRecord } from '../db/drafts';
import { deleteCasePerson, insertCasePerson, personCaseRoles } from '../db/cases';
import { insertPerson, livePerson, livePersonNames, tombstonePerson, updatePersonRow, type PersonFields, type PersonRow } from '../db/persons';

/**
 * People (DESIGN §4): victims, witnesses, alleged perpetrators, documenters. The real name is stored (encrypted with
 * the rest of the database); exports use the pseudonym unless consent allows the name. Every personal field is
 * personal data, so person events carry only commitments.
 */

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
  return personCaseRoles(vault.store, personId).map((r) => ({ caseId: r.case_id, role: r.role }));
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
  const r = livePerson(vault.store, id);
  if (!r) notFound('id', 'person', id);
  return toPerson(vault, r);
}

export function listPersons(vault: Vault, options: { readonly caseId?: string } = {}): PersonSummary[] {
  return livePersonNames(vault.store, options.caseId).map((r) => ({ id: r.id, pseudonym: r.pseudonym, realName: r.real_name, roles: roles(vault, r.id) }));
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
    insertPerson(
      vault.store,
      id,
      {
        real_name: v.realName,
        pseudonym: v.pseudonym,
        sex: v.sex ?? null,
        birth_date: values.birthDate,
        nationality: values.nationality,
        occupation: values.occupation,
        contact: values.contact,
        notes: values.notes,
      },
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
    const cur = livePerson(vault.store, v.id);
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
    updatePersonRow(vault.store, v.id, next as unknown as PersonFields, nowIso());
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
    tombstonePerson(vault.store, v.id, nowIso());
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
    if (insertCasePerson(vault.store, v.caseId, v.personId, v.role, nowIso())) recordEvent(vault, 'person.role-set', v.personId, { caseId: v.caseId, role: v.role });
  });
  return getPerson(vault, v.personId);
}

export function removePersonRole(vault: Vault, input: PersonRoleInput): Person {
  const v = parseInput(PersonRoleInput, input, 'person role');
  vault.transaction(() => {
    requirePerson(vault, v.personId);
    requireCase(vault, v.caseId);
    if (deleteCasePerson(vault.store, v.caseId, v.personId, v.role)) recordEvent(vault, 'person.role-removed', v.personId, { caseId: v.caseId, role: v.role });
  });
  return getPerson(vault, v.personId);
}
