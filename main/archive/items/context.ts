import type { ItemContext } from '../../../shared/api';
import { HuellaError } from '../errors';
import type { Vault } from '../vault/vault';

/**
 * Where an item sits in the catalogue (the cases and testimonies that include it), for the item view. Read-only;
 * deleted cases and testimonies are left out.
 */
export function itemContext(vault: Vault, itemId: string): ItemContext {
  const exists = vault.db.prepare<[string], { id: string }>('SELECT id FROM items WHERE id = ?').get(itemId);
  if (!exists) throw new HuellaError('NOT_FOUND', `No item with id ${itemId} in this vault.`);
  const cases = vault.db
    .prepare<[string], { id: string; title: string }>(
      'SELECT c.id, c.title FROM case_items ci JOIN cases c ON c.id = ci.case_id WHERE ci.item_id = ? AND c.deleted_at IS NULL ORDER BY c.title COLLATE NOCASE, c.id',
    )
    .all(itemId);
  const testimonies = vault.db
    .prepare<[string], { id: string; title: string }>(
      'SELECT t.id, t.title FROM testimony_items ti JOIN testimonies t ON t.id = ti.testimony_id WHERE ti.item_id = ? AND t.deleted_at IS NULL ORDER BY t.title COLLATE NOCASE, t.id',
    )
    .all(itemId);
  return { cases, testimonies };
}
