import type { Vault } from '../vault/vault';
import { liveCaseExists, livePersonExists, liveTestimonyExists } from '../db/catalogue';
import { itemDeletedAt } from '../db/items';
import { conflict, notFound } from './validate';

/**
 * Reference checks shared by the services. A well-formed id that this vault does not hold (a typo, or an id from
 * another vault) is NOT_FOUND naming the input field; a tombstoned object is NOT_FOUND too, except items, whose
 * deletion is reversible and so is reported as CONFLICT.
 */

export function requireCase(vault: Vault, id: string, field = 'caseId'): void {
  if (!liveCaseExists(vault.store, id)) notFound(field, 'case', id);
}

export function requirePerson(vault: Vault, id: string, field = 'personId'): void {
  if (!livePersonExists(vault.store, id)) notFound(field, 'person', id);
}

export function requireTestimony(vault: Vault, id: string, field = 'testimonyId'): void {
  if (!liveTestimonyExists(vault.store, id)) notFound(field, 'testimony', id);
}

/** The item must exist and not be deleted. */
export function requireLiveItem(vault: Vault, id: string, field = 'itemId'): void {
  const deletedAt = itemDeletedAt(vault.store, id);
  if (deletedAt === undefined) notFound(field, 'item', id);
  if (deletedAt !== null) conflict(field, `${field}: item ${id} is deleted; restore it first.`);
}

/** Any catalogue object by the type its id prefix names (tag targets, link endpoints). */
export function requireObject(vault: Vault, type: 'item' | 'testimony' | 'case' | 'person', id: string, field: string): void {
  switch (type) {
    case 'item':
      return requireLiveItem(vault, id, field);
    case 'testimony':
      return requireTestimony(vault, id, field);
    case 'case':
      return requireCase(vault, id, field);
    case 'person':
      return requirePerson(vault, id, field);
  }
}
