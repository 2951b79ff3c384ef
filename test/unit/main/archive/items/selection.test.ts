import { beforeAll, describe, expect, it } from 'vitest';
import { addCaseItems, createCase, getCase, listTags } from '../../../../../main/archive/catalogue';
import { addSelectionToCase, deleteSelection, resolveSelection, tagSelection } from '../../../../../main/archive/items/selection';
import { getItem } from '../../../../../main/archive/items/items';
import type { Vault } from '../../../../../main/archive/vault/vault';
import { tempDir } from '../../../../helpers/tmp';
import { eventsOf, expectRefused, makeItems, newVault } from '../catalogue/helpers';

/**
 * Select many (issue 13 item 3): 200 items into a case is one call and one transaction; the custody log gets one
 * event per item actually added (each item's timeline shows its cases), all appended together; "everything that
 * matches" is resolved by the archive with the unticked items left out.
 */
describe('actions on a selection of items', () => {
  const root = tempDir();
  let vault: Vault;
  let items: string[];
  let caseId: string;
  beforeAll(async () => {
    vault = await newVault(root);
    items = await makeItems(vault, Array.from({ length: 210 }, (_, i) => (i < 5 ? { mediaType: 'application/pdf', originalName: `doc-${i}.pdf` } : {})));
    caseId = createCase(vault, { title: 'Mass arrests' }).id;
  });

  it('adds 200 items to a case in one transaction, with one case.item-linked event per item added', async () => {
    addCaseItems(vault, { caseId, itemIds: [items[0]!] });
    const ids = items.slice(0, 200);
    let result: unknown;
    let inTransaction = 0;
    const original = vault.transaction.bind(vault);
    vault.transaction = ((fn: () => unknown) => {
      if (!vault.db.inTransaction) inTransaction++;
      return original(fn);
    }) as Vault['transaction'];
    const events = await eventsOf(vault, () => {
      result = addSelectionToCase(vault, { caseId, selection: { ids } });
    });
    vault.transaction = original;
    expect(inTransaction).toBe(1); // one top-level transaction for the whole action
    expect(result).toEqual({ selected: 200, changed: 199, unchanged: 1 });
    expect(events).toHaveLength(199);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['case.item-linked']));
    expect(events.map((e) => e.subject)).toEqual(ids.slice(1));
    expect(events.every((e) => (e.data as { caseId: string }).caseId === caseId)).toBe(true);
    // Consecutive sequence numbers: nothing else was interleaved, they were appended as one batch.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => events[0]!.seq + i));
    expect(getCase(vault, caseId).itemCount).toBe(200);
  });

  it('resolves "everything that matches" in the library, minus the unticked ones', () => {
    const pdfs = resolveSelection(vault, { library: { mediaTypePrefix: 'application/pdf' }, except: [items[1]!] });
    expect(new Set(pdfs)).toEqual(new Set([items[0], items[2], items[3], items[4]]));
    const inCase = resolveSelection(vault, { library: { caseId } });
    expect(inCase).toHaveLength(200);
  });

  it('tags every selected item; items already tagged the same way are counted and left alone', async () => {
    tagSelection(vault, { selection: { ids: [items[3]!] }, termId: 'ip.electric-shock' });
    const events = await eventsOf(vault, () => {
      expect(tagSelection(vault, { selection: { library: { mediaTypePrefix: 'application/pdf' } }, termId: 'ip.electric-shock' })).toEqual({ selected: 5, changed: 4, unchanged: 1 });
    });
    expect(events.map((e) => e.type)).toEqual(Array(4).fill('tag.assigned'));
    for (const id of items.slice(0, 5)) expect(listTags(vault, id).map((t) => t.termId)).toEqual(['ip.electric-shock']);
  });

  it('removes every selected item with one reason, restorable as one item is', async () => {
    const events = await eventsOf(vault, () => {
      expect(deleteSelection(vault, { selection: { ids: items.slice(205, 210) }, reason: 'duplicates of the originals' })).toEqual({ selected: 5, changed: 5, unchanged: 0 });
    });
    expect(events.map((e) => e.type)).toEqual(Array(5).fill('item.deleted'));
    expect(getItem(vault, items[207]!).deleted).toBe(true);
  });

  it('refuses, changing nothing: an empty selection, an unknown item, a term that does not exist', async () => {
    await expectRefused(vault, () => addSelectionToCase(vault, { caseId, selection: { library: { mediaTypePrefix: 'audio/' } } }), 'INVALID_INPUT', 'selection');
    await expectRefused(vault, () => addSelectionToCase(vault, { caseId, selection: { ids: [items[201]!, 'it_0000000000'] } }), 'NOT_FOUND');
    await expectRefused(vault, () => tagSelection(vault, { selection: { ids: items.slice(200, 203) }, termId: 'ip.no-such-term' }), 'INVALID_INPUT');
  });
});
