import { beforeAll, describe, expect, it } from 'vitest';
import {
  commitment,
  createCase,
  createPerson,
  createTestimony,
  deletePerson,
  eventSalt,
  getPerson,
  listPersons,
  removePersonRole,
  searchCatalogue,
  setPersonRole,
  updatePerson,
} from '../../../../../main/archive/catalogue';
import type { Vault } from '../../../../../main/archive/vault/vault';
import { tempDir } from '../../../../helpers/tmp';
import { eventsOf, expectNoPlaintext, expectRefused, newVault } from './helpers';

describe('persons', () => {
  const root = tempDir();
  let vault: Vault;
  let otherVault: Vault;
  beforeAll(async () => {
    vault = await newVault(root);
    otherVault = await newVault(root);
  });

  it('creates a person with one person.created event holding only a commitment', async () => {
    const input = { realName: 'Yolanda Quintero Ávila', pseudonym: 'Testigo 7', sex: 'female' as const, birthDate: '1983-04', nationality: 've', occupation: 'periodista', contact: '+58 412 555 0101', notes: 'Vive escondida en Cúcuta' };
    let id = '';
    const events = await eventsOf(vault, () => {
      id = createPerson(vault, input).id;
    });
    expect(events.map((e) => [e.type, e.subject])).toEqual([['person.created', id]]);
    const { fields, commitment: c } = events[0]!.data as { fields: string[]; commitment: string };
    expect(fields).toEqual(['birthDate', 'contact', 'nationality', 'notes', 'occupation', 'pseudonym', 'realName', 'sex']);
    const values = { realName: input.realName, pseudonym: input.pseudonym, sex: 'female', birthDate: '1983-04', nationality: 'VE', occupation: 'periodista', contact: input.contact, notes: input.notes };
    expect(commitment(eventSalt(vault, events[0]!.seq)!, values)).toBe(c);
    expect(getPerson(vault, id)).toMatchObject({ ...values, roles: [] });
    expectNoPlaintext(vault, ['Yolanda', 'Quintero', 'Testigo 7', 'periodista', '555 0101', 'Cúcuta', '1983-04', 'female']);
  });

  it('refuses invalid people and changes nothing', async () => {
    await expectRefused(vault, () => createPerson(vault, { realName: '', pseudonym: 'P' }), 'INVALID_INPUT', 'realName');
    await expectRefused(vault, () => createPerson(vault, { realName: 'A', pseudonym: '  ' }), 'INVALID_INPUT', 'pseudonym');
    await expectRefused(vault, () => createPerson(vault, { realName: 'A', pseudonym: 'P', sex: 'f' as never }), 'INVALID_INPUT', 'sex');
    await expectRefused(vault, () => createPerson(vault, { realName: 'A', pseudonym: 'P', birthDate: '1983-13-01' }), 'INVALID_INPUT', 'birthDate');
    await expectRefused(vault, () => createPerson(vault, { realName: 'A', pseudonym: 'P', birthDate: '1983-02-30' }), 'INVALID_INPUT', 'birthDate');
    await expectRefused(vault, () => createPerson(vault, { realName: 'A', pseudonym: 'P', notes: 'x'.repeat(100 * 1024 + 1) }), 'INVALID_INPUT', 'notes');
    await expectRefused(vault, () => createPerson(vault, { realName: 'A'.repeat(301), pseudonym: 'P' }), 'INVALID_INPUT', 'realName');
  });

  it('updates changed fields only and keeps search and testimonies in step with the pseudonym', async () => {
    const p = createPerson(vault, { realName: 'Aurelio Mendoza', pseudonym: 'Fuente Alfa' });
    const t = createTestimony(vault, { title: 'Entrevista', witnessId: p.id, text: 'Lo vi todo.' });
    const events = await eventsOf(vault, () => updatePerson(vault, { id: p.id, pseudonym: 'Fuente Beta', occupation: 'maestro', realName: 'Aurelio Mendoza' }));
    expect(events.map((e) => e.type)).toEqual(['person.updated']);
    expect(events[0]!.data.fields).toEqual(['occupation', 'pseudonym']);
    expect(await eventsOf(vault, () => updatePerson(vault, { id: p.id, pseudonym: 'Fuente Beta' }))).toHaveLength(0);
    const hits = searchCatalogue(vault, { text: 'fuente beta' }).hits.map((h) => `${h.docType}:${h.id}`).sort();
    expect(hits).toEqual([`person:${p.id}`, `testimony:${t.id}`].sort());
    expect(searchCatalogue(vault, { text: 'alfa' }).total).toBe(0);
    // Real names are searchable (the user's own encrypted data) but never put on testimonies.
    expect(searchCatalogue(vault, { text: 'mendoza' }).hits.map((h) => h.id)).toEqual([p.id]);
    updatePerson(vault, { id: p.id, occupation: null });
    expect(getPerson(vault, p.id).occupation).toBeUndefined();
    await expectRefused(vault, () => updatePerson(vault, { id: p.id, realName: '' }), 'INVALID_INPUT', 'realName');
  });

  it('sets and removes roles per case; unknown ids (e.g. from another vault) are NOT_FOUND naming the field', async () => {
    const c = createCase(vault, { title: 'Caso roles' });
    const p = createPerson(vault, { realName: 'Beatriz Lozano', pseudonym: 'Víctima 1' });
    const set = await eventsOf(vault, () => setPersonRole(vault, { personId: p.id, caseId: c.id, role: 'victim' }));
    expect(set.map((e) => [e.type, e.subject, e.data.caseId, e.data.role])).toEqual([['person.role-set', p.id, c.id, 'victim']]);
    expect(await eventsOf(vault, () => setPersonRole(vault, { personId: p.id, caseId: c.id, role: 'victim' }))).toHaveLength(0);
    setPersonRole(vault, { personId: p.id, caseId: c.id, role: 'witness' });
    expect(getPerson(vault, p.id).roles).toEqual([
      { caseId: c.id, role: 'victim' },
      { caseId: c.id, role: 'witness' },
    ]);
    expect(listPersons(vault, { caseId: c.id }).map((x) => x.id)).toEqual([p.id]);
    const removed = await eventsOf(vault, () => removePersonRole(vault, { personId: p.id, caseId: c.id, role: 'witness' }));
    expect(removed.map((e) => e.type)).toEqual(['person.role-removed']);
    await expectRefused(vault, () => setPersonRole(vault, { personId: p.id, caseId: c.id, role: 'suspect' as never }), 'INVALID_INPUT', 'role');
    const stranger = createPerson(otherVault, { realName: 'De otra bóveda', pseudonym: 'X' });
    await expectRefused(vault, () => setPersonRole(vault, { personId: stranger.id, caseId: c.id, role: 'witness' }), 'NOT_FOUND', 'personId');
    await expectRefused(vault, () => setPersonRole(vault, { personId: p.id, caseId: 'case_zzzzzzzzzz', role: 'witness' }), 'NOT_FOUND', 'caseId');
    await expectRefused(vault, () => getPerson(vault, stranger.id), 'NOT_FOUND', 'id');
  });

  it('deletes a person (tombstone): gone from lists and search, one event', async () => {
    const p = createPerson(vault, { realName: 'Ernesto Vargas', pseudonym: 'Borrable' });
    const events = await eventsOf(vault, () => deletePerson(vault, { id: p.id }));
    expect(events.map((e) => [e.type, e.subject])).toEqual([['person.deleted', p.id]]);
    expect(listPersons(vault).some((x) => x.id === p.id)).toBe(false);
    expect(searchCatalogue(vault, { text: 'borrable' }).total).toBe(0);
    await expectRefused(vault, () => deletePerson(vault, { id: p.id }), 'NOT_FOUND', 'id');
  });
});
