import { LIMITS } from '../../../shared/model/fields';
import type { ItemSelection} from '../../../shared/model/selection';
import { SelectionAddToCaseInput, SelectionDeleteInput, SelectionTagInput, type SelectionResult } from '../../../shared/model/selection';
import type { z } from 'zod';
import { HuellaError, isHuellaError, msg } from '../errors';
import { listItemsPage } from './items';
import { deleteItem } from './edit';
import type { Vault } from '../vault/vault';
import { addCaseItems } from '../catalogue/cases';
import { searchCatalogue } from '../catalogue/search';
import { assignTag } from '../catalogue/tags';
import { parseInput } from '../catalogue/validate';

/**
 * Actions on several items at once (library and search results). Each is one transaction: all of it happens or
 * none of it. The custody log gets what the one-item action writes, for each item the action changed (an item's
 * timeline must show that it joined a case or was tagged), all appended in that transaction; items that already
 * were so are counted and left alone, without an event.
 */

const PAGE = 1000;

/** The ids a selection names, in a stable order, without duplicates; refused beyond LIMITS.idsPerCall items. */
export function resolveSelection(vault: Vault, selection: z.output<typeof ItemSelection>): string[] {
  const max = LIMITS.idsPerCall;
  const tooMany = (n: number): never => {
    throw new HuellaError('INVALID_INPUT', msg('problem.selection.tooMany', { selected: n, max }), { details: { field: 'selection', selected: n } });
  };
  if ('ids' in selection) return [...new Set(selection.ids)];
  const except = new Set(selection.except ?? []);
  const ids: string[] = [];
  if ('library' in selection) {
    for (let offset = 0; ; offset += PAGE) {
      const page = listItemsPage(vault, { offset, limit: PAGE, sort: 'ingested-desc', filters: selection.library });
      if (page.total - except.size > max) tooMany(page.total - except.size);
      for (const item of page.items) if (!except.has(item.id)) ids.push(item.id);
      if (offset + PAGE >= page.total) break;
    }
  } else {
    const query = { ...(selection.search.text ? { text: selection.search.text } : {}), filters: { ...selection.search.filters, docTypes: ['item' as const] } };
    for (let offset = 0; ; offset += 500) {
      const page = searchCatalogue(vault, { ...query, sort: 'relevance', offset, limit: 500 });
      if (page.total - except.size > max) tooMany(page.total - except.size);
      for (const hit of page.hits) if (hit.docType === 'item' && !except.has(hit.id)) ids.push(hit.id);
      if (offset + 500 >= page.total) break;
    }
  }
  return [...new Set(ids)];
}

function none(): never {
  throw new HuellaError('INVALID_INPUT', msg('problem.selection.empty'), { details: { field: 'selection' } });
}

/** Adds the selected items to a case: one call of addCaseItems, so one transaction and one event per item added. */
export function addSelectionToCase(vault: Vault, input: z.input<typeof SelectionAddToCaseInput>): SelectionResult {
  const v = parseInput(SelectionAddToCaseInput, input, 'selection');
  const ids = resolveSelection(vault, v.selection);
  if (ids.length === 0) none();
  const { added } = addCaseItems(vault, { caseId: v.caseId, itemIds: ids });
  return { selected: ids.length, changed: added, unchanged: ids.length - added };
}

/** Runs `one` for every id in one transaction; an item that already is so (CONFLICT) is counted, not an error. */
function eachInOneTransaction(vault: Vault, ids: readonly string[], one: (id: string, index: number) => void): SelectionResult {
  if (ids.length === 0) none();
  let changed = 0;
  vault.transaction(() => {
    ids.forEach((id, i) => {
      try {
        // Nested: a savepoint. A refusal rolls back only this item's part, which wrote nothing yet.
        vault.transaction(() => one(id, i));
        changed++;
      } catch (e) {
        if (!isHuellaError(e, 'CONFLICT')) throw e;
      }
    });
  });
  return { selected: ids.length, changed, unchanged: ids.length - changed };
}

/** Tags every selected item with one term (and the same details). */
export function tagSelection(vault: Vault, input: z.input<typeof SelectionTagInput>): SelectionResult {
  const v = parseInput(SelectionTagInput, input, 'selection');
  const ids = resolveSelection(vault, v.selection);
  return eachInOneTransaction(vault, ids, (id) => assignTag(vault, { targetId: id, termId: v.termId, ...(v.details ? { details: v.details } : {}) }));
}

/** Removes every selected item from the library (a deletion with one reason; restorable, as for one item). */
export function deleteSelection(vault: Vault, input: z.input<typeof SelectionDeleteInput>): SelectionResult {
  const v = parseInput(SelectionDeleteInput, input, 'selection');
  const ids = resolveSelection(vault, v.selection);
  return eachInOneTransaction(vault, ids, (id) => deleteItem(vault, { id, reason: v.reason }));
}
