import { beforeAll, describe, expect, it } from 'vitest';
import { addCaseItems, commitment, createCase, deleteCase, eventSalt, getCase, listCases, removeCaseItems, searchCatalogue, updateCase } from '../../../../../main/archive/catalogue';
import { deleteItem } from '../../../../../main/archive/items/edit';
import type { Vault } from '../../../../../main/archive/vault/vault';
import { tempDir } from '../../../../helpers/tmp';
import { errorOf, eventsOf, expectNoPlaintext, expectRefused, makeItems, newVault } from './helpers';

describe('cases', () => {
  const root = tempDir();
  let vault: Vault;
  let items: string[];
  beforeAll(async () => {
    vault = await newVault(root);
    items = await makeItems(vault, [{}, {}, {}]);
  });

  it('creates a case with one case.created event that commits to the text without revealing it', async () => {
    const input = { title: 'Detención arbitraria de Ramona Quispe', country: 'pe', summary: 'Arrestada en Lima el 3 de mayo.', notes: 'Contacto vía su hermana', mechanisms: ['wgad-individual'] };
    let id = '';
    const events = await eventsOf(vault, () => {
      id = createCase(vault, input).id;
    });
    expect(events).toHaveLength(1);
    const ev = events[0]!;
    expect(ev.type).toBe('case.created');
    expect(ev.subject).toBe(id);
    expect(ev.data).toMatchObject({ status: 'open', mechanisms: ['wgad-individual'], fields: ['country', 'notes', 'summary', 'title'] });
    // The commitment opens with the stored salt and the values (what a reviewer would be shown).
    const salt = eventSalt(vault, ev.seq)!;
    expect(commitment(salt, { title: input.title, country: 'PE', summary: input.summary, notes: input.notes })).toBe(ev.data.commitment);
    const c = getCase(vault, id);
    expect(c).toMatchObject({ title: input.title, country: 'PE', status: 'open', summary: input.summary, notes: input.notes, itemCount: 0, persons: [] });
    expectNoPlaintext(vault, [input.title, 'Ramona', 'Quispe', input.summary, input.notes, 'Lima']);
  });

  it('refuses invalid input clearly, naming the field, and changes nothing', async () => {
    await expectRefused(vault, () => createCase(vault, { title: '   ' }), 'INVALID_INPUT', 'title');
    await expectRefused(vault, () => createCase(vault, { title: 'x'.repeat(501) }), 'INVALID_INPUT', 'title');
    await expectRefused(vault, () => createCase(vault, { title: 'ok', status: 'archived' as never }), 'INVALID_INPUT', 'status');
    await expectRefused(vault, () => createCase(vault, { title: 'ok', country: 'Peru' }), 'INVALID_INPUT', 'country');
    await expectRefused(vault, () => createCase(vault, { title: 'ok', summary: 'é'.repeat(60 * 1024) }), 'INVALID_INPUT', 'summary');
    await expectRefused(vault, () => createCase(vault, { title: 'bad \ud800 text' }), 'INVALID_INPUT', 'title');
    await expectRefused(vault, () => createCase(vault, { title: 'ok', mechanisms: ['un-security-council'] }), 'INVALID_INPUT', 'mechanisms');
    await expectRefused(vault, () => createCase(vault, { title: 'ok', mechanisms: ['*'] }), 'INVALID_INPUT', 'mechanisms');
    await expectRefused(vault, () => createCase(vault, { title: 'ok', colour: 'red' } as never), 'INVALID_INPUT');
    await expectRefused(vault, () => createCase(vault, null as never), 'INVALID_INPUT');
    const message = errorOf(() => createCase(vault, { title: 'Secret name Ximena'.repeat(40) })).message;
    expect(message).toMatch(/title: Too long: at most 500 characters/);
    expect(message).not.toContain('Ximena');
  });

  it('updates only what changed; an unchanged save records nothing', async () => {
    const c = createCase(vault, { title: 'Caso A', summary: 'uno' });
    const events = await eventsOf(vault, () => updateCase(vault, { id: c.id, summary: 'dos', status: 'submitted' }));
    expect(events.map((e) => e.type)).toEqual(['case.updated']);
    expect(events[0]!.data).toMatchObject({ changed: ['status', 'summary'], status: 'submitted', fields: ['summary'] });
    expect(getCase(vault, c.id)).toMatchObject({ summary: 'dos', status: 'submitted' });
    expect(await eventsOf(vault, () => updateCase(vault, { id: c.id, summary: 'dos', title: 'Caso A' }))).toHaveLength(0);
    // null and '' clear a field
    updateCase(vault, { id: c.id, summary: '' });
    expect(getCase(vault, c.id).summary).toBeUndefined();
    await expectRefused(vault, () => updateCase(vault, { id: 'case_0000000000', title: 'x' }), 'NOT_FOUND', 'id');
    await expectRefused(vault, () => updateCase(vault, { id: 'per_0000000000', title: 'x' }), 'INVALID_INPUT', 'id');
    await expectRefused(vault, () => updateCase(vault, { id: c.id, title: '' }), 'INVALID_INPUT', 'title');
  });

  it('adds and removes items with one event per item (on the item), idempotently', async () => {
    const c = createCase(vault, { title: 'Caso con fotos' });
    const added = await eventsOf(vault, () => expect(addCaseItems(vault, { caseId: c.id, itemIds: [items[0]!, items[1]!, items[0]!] })).toEqual({ added: 2 }));
    expect(added.map((e) => [e.type, e.subject, e.data.caseId])).toEqual([
      ['case.item-linked', items[0], c.id],
      ['case.item-linked', items[1], c.id],
    ]);
    expect(await eventsOf(vault, () => expect(addCaseItems(vault, { caseId: c.id, itemIds: [items[1]!] })).toEqual({ added: 0 }))).toHaveLength(0);
    expect(getCase(vault, c.id).itemCount).toBe(2);
    // One unknown id refuses the whole call: the valid items before it are not added either.
    await expectRefused(vault, () => addCaseItems(vault, { caseId: c.id, itemIds: [items[2]!, 'it_zzzzzzzzzz'] }), 'NOT_FOUND', 'itemIds.1');
    await expectRefused(vault, () => addCaseItems(vault, { caseId: 'case_zzzzzzzzzz', itemIds: [items[2]!] }), 'NOT_FOUND', 'caseId');
    await expectRefused(vault, () => addCaseItems(vault, { caseId: c.id, itemIds: [] }), 'INVALID_INPUT', 'itemIds');
    const removed = await eventsOf(vault, () => expect(removeCaseItems(vault, { caseId: c.id, itemIds: [items[0]!, items[2]!] })).toEqual({ removed: 1 }));
    expect(removed.map((e) => [e.type, e.subject])).toEqual([['case.item-unlinked', items[0]]]);
    // A deleted item cannot be added (restore it first).
    deleteItem(vault, { id: items[2]!, reason: 'duplicado' });
    await expectRefused(vault, () => addCaseItems(vault, { caseId: c.id, itemIds: [items[2]!] }), 'CONFLICT', 'itemIds.0');
  });

  it('items carry their case titles in search, and deleting a case updates them', async () => {
    const c = createCase(vault, { title: 'Masacre de Quebradahonda' });
    addCaseItems(vault, { caseId: c.id, itemIds: [items[1]!] });
    const ids = () => searchCatalogue(vault, { text: 'quebradahonda' }).hits.map((h) => `${h.docType}:${h.id}`).sort();
    expect(ids()).toEqual([`case:${c.id}`, `item:${items[1]}`].sort());
    updateCase(vault, { id: c.id, title: 'Masacre de Villaverde' });
    expect(ids()).toEqual([]);
    expect(searchCatalogue(vault, { text: 'villaverde' }).total).toBe(2);
    const events = await eventsOf(vault, () => deleteCase(vault, { id: c.id }));
    expect(events.map((e) => e.type)).toEqual(['case.deleted']);
    expect(searchCatalogue(vault, { text: 'villaverde' }).total).toBe(0);
    expect(listCases(vault).some((x) => x.id === c.id)).toBe(false);
    await expectRefused(vault, () => deleteCase(vault, { id: c.id }), 'NOT_FOUND', 'id');
    await expectRefused(vault, () => getCase(vault, c.id), 'NOT_FOUND');
  });

  it('lists cases newest first with counts, optionally by status', () => {
    const list = listCases(vault);
    expect(list.length).toBeGreaterThanOrEqual(3);
    expect(list.every((c, i) => i === 0 || list[i - 1]!.updatedAt >= c.updatedAt)).toBe(true);
    expect(listCases(vault, { status: 'submitted' }).map((c) => c.title)).toEqual(['Caso A']);
  });
});
