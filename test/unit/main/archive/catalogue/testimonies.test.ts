import { beforeAll, describe, expect, it } from 'vitest';
import {
  commitment,
  createCase,
  createPerson,
  createTestimony,
  deleteTestimony,
  editTestimony,
  eventSalt,
  getTestimony,
  getTestimonyRevision,
  linkTestimonyItems,
  listTestimonies,
  searchCatalogue,
  testimonyHistory,
  unlinkTestimonyItems,
} from '../../../../../main/archive/catalogue';
import type { Vault } from '../../../../../main/archive/vault/vault';
import { tempDir } from '../../../../helpers/tmp';
import { eventsOf, expectNoPlaintext, expectRefused, makeItems, newVault } from './helpers';

const TEXT = 'Me detuvieron el 4 de junio frente a la alcaldía de Tlacotalpan. Me golpearon con una manguera.';

describe('testimonies', () => {
  const root = tempDir();
  let vault: Vault;
  let other: Vault;
  let caseId: string;
  let witnessId: string;
  beforeAll(async () => {
    vault = await newVault(root);
    other = await newVault(root);
    caseId = createCase(vault, { title: 'Caso T' }).id;
    witnessId = createPerson(vault, { realName: 'Rosalía Pech', pseudonym: 'Testigo R' }).id;
  });

  it('creates revision 1 with one testimony.created event committing to the whole saved state', async () => {
    let id = '';
    const events = await eventsOf(vault, () => {
      id = createTestimony(vault, { caseId, witnessId, title: 'Entrevista a R', interviewDate: '2024-06-10', place: 'Tlacotalpan', interviewer: 'Gilberto Uc', language: 'es-MX', text: TEXT }).id;
    });
    expect(events).toHaveLength(1);
    const ev = events[0]!;
    expect(ev).toMatchObject({ type: 'testimony.created', subject: id, data: { revision: 1, caseId, witnessId } });
    const rev = getTestimonyRevision(vault, id, 1);
    expect(rev.eventSeq).toBe(ev.seq);
    expect(rev.text).toBe(TEXT);
    const { caseId: _c, witnessId: _w, ...committed } = rev.fields;
    expect(commitment(eventSalt(vault, ev.seq)!, { ...committed, text: rev.text })).toBe(ev.data.commitment);
    expect(getTestimony(vault, id)).toMatchObject({ title: 'Entrevista a R', revision: 1, text: TEXT, place: 'Tlacotalpan', language: 'es-MX', itemIds: [] });
    expectNoPlaintext(vault, ['Tlacotalpan', 'manguera', 'Gilberto', 'Entrevista a R', 'es-MX', '2024-06-10']);
  });

  it('every changing save (autosave included) is a revision and one testimony.edited event; unchanged saves record nothing', async () => {
    const t = createTestimony(vault, { title: 'Autoguardado', text: 'Hola' });
    let text = 'Hola';
    for (let i = 0; i < 20; i++) {
      text += ` palabra${i}`;
      const events = await eventsOf(vault, () => editTestimony(vault, { id: t.id, text, baseRevision: i + 1 }));
      expect(events.map((e) => [e.type, e.data.revision, e.data.changed])).toEqual([['testimony.edited', i + 2, ['text']]]);
    }
    expect(await eventsOf(vault, () => editTestimony(vault, { id: t.id, text, title: 'Autoguardado' }))).toHaveLength(0);
    const history = testimonyHistory(vault, t.id);
    expect(history.map((h) => h.revision)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(getTestimonyRevision(vault, t.id, 1).text).toBe('Hola');
    expect(getTestimonyRevision(vault, t.id, 21).text).toBe(text);
    const edited = await eventsOf(vault, () => editTestimony(vault, { id: t.id, place: 'Mérida', interviewDate: '2024' }));
    expect(edited[0]!.data.changed).toEqual(['interviewDate', 'place']);
    // A save based on an old revision is refused, never silently overwriting the newer text.
    await expectRefused(vault, () => editTestimony(vault, { id: t.id, text: 'viejo', baseRevision: 3 }), 'CONFLICT', 'baseRevision');
  });

  it('refuses invalid testimonies and edits, changing nothing', async () => {
    const stranger = createPerson(other, { realName: 'Fuera', pseudonym: 'F' });
    await expectRefused(vault, () => createTestimony(vault, { title: '' }), 'INVALID_INPUT', 'title');
    await expectRefused(vault, () => createTestimony(vault, { title: 'x', text: 'a'.repeat(2 * 1024 * 1024 + 1) }), 'INVALID_INPUT', 'text');
    await expectRefused(vault, () => createTestimony(vault, { title: 'x', text: 'ñ'.repeat(1024 * 1024 + 1) }), 'INVALID_INPUT', 'text');
    await expectRefused(vault, () => createTestimony(vault, { title: 'x', witnessId: stranger.id }), 'NOT_FOUND', 'witnessId');
    await expectRefused(vault, () => createTestimony(vault, { title: 'x', caseId: 'case_zzzzzzzzzz' }), 'NOT_FOUND', 'caseId');
    await expectRefused(vault, () => createTestimony(vault, { title: 'x', language: 'spanish!' }), 'INVALID_INPUT', 'language');
    await expectRefused(vault, () => createTestimony(vault, { title: 'x', interviewDate: '10/06/2024' }), 'INVALID_INPUT', 'interviewDate');
    const t = createTestimony(vault, { title: 'Válido' });
    await expectRefused(vault, () => editTestimony(vault, { id: t.id, witnessId: stranger.id }), 'NOT_FOUND', 'witnessId');
    await expectRefused(vault, () => editTestimony(vault, { id: t.id, title: ' ' }), 'INVALID_INPUT', 'title');
    await expectRefused(vault, () => editTestimony(vault, { id: 'tes_zzzzzzzzzz', text: 'a' }), 'NOT_FOUND', 'id');
    // A text of exactly 2 MB is accepted.
    expect(editTestimony(vault, { id: t.id, text: 'a'.repeat(2 * 1024 * 1024) }).revision).toBe(2);
  });

  it('links items (event on each item), lists by case, deletes with a tombstone', async () => {
    const [a, b] = await makeItems(vault, [{}, {}]);
    const t = createTestimony(vault, { caseId, title: 'Con anexos' });
    const linked = await eventsOf(vault, () => expect(linkTestimonyItems(vault, { testimonyId: t.id, itemIds: [a!, b!] })).toEqual({ added: 2 }));
    expect(linked.map((e) => [e.type, e.subject, e.data.testimonyId])).toEqual([
      ['testimony.item-linked', a, t.id],
      ['testimony.item-linked', b, t.id],
    ]);
    expect([...getTestimony(vault, t.id).itemIds].sort()).toEqual([a, b].sort());
    expect((await eventsOf(vault, () => unlinkTestimonyItems(vault, { testimonyId: t.id, itemIds: [a!] }))).map((e) => e.type)).toEqual(['testimony.item-unlinked']);
    expect(listTestimonies(vault, { caseId }).map((x) => x.id)).toContain(t.id);
    const deleted = await eventsOf(vault, () => deleteTestimony(vault, { id: t.id }));
    expect(deleted.map((e) => e.type)).toEqual(['testimony.deleted']);
    expect(listTestimonies(vault, { caseId }).map((x) => x.id)).not.toContain(t.id);
    expect(searchCatalogue(vault, { text: 'anexos' }).total).toBe(0);
  });
});
