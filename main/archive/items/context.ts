import type { ItemContext } from '../../../shared/api';
import { HuellaError } from '../errors';
import type { Vault } from '../vault/vault';
import { itemContextRows, itemExists } from '../db/items';

/**
 * Where an item sits in the catalogue (the cases and testimonies that include it), for the item view. Read-only;
 * deleted cases and testimonies are left out.
 */
export function itemContext(vault: Vault, itemId: string): ItemContext {
  if (!itemExists(vault.store, itemId)) throw new HuellaError('NOT_FOUND', `No item with id ${itemId} in this vault.`);
  return itemContextRows(vault.store, itemId);
}
