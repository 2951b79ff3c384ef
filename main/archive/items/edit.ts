import { ItemDeleteInput, ItemEditInput, ItemIdInput } from '../../../shared/model/catalogue';
import { parseEvent } from '../custody/log';
import { HuellaError } from '../errors';
import { getItem, type ItemDetail } from './items';
import type { Vault } from '../vault/vault';
import { nowIso, recordEvent } from '../catalogue/record-event';
import { indexItem, removeDoc } from '../catalogue/search-index';
import { conflict, notFound, parseInput } from '../catalogue/validate';
import { deleteDraftRowsOfRecord } from '../db/drafts';
import { eventsOfTypeAbout } from '../db/custody';
import { isObjectPurged, markObjectPurged, objectSha256 } from '../db/objects';
import { itemEditState, previewSharedByOther, scrubPurgedItem, setItemDeletedAt, setItemDescription, type ItemEditState } from '../db/items';

/**
 * What documenters change about an item: its description (title, what it shows, where), and its life cycle.
 * The original bytes are the evidentiary copy and never change (Berkeley Protocol); removal is two-step:
 *   deleteItem  — a tombstone, reversible with restoreItem; the encrypted bytes stay;
 *   purgeItem   — only for a deleted item: the encrypted files are destroyed for good (a file that endangers
 *                 someone), the item row stays as a scrubbed tombstone so the custody log still makes sense.
 */

function state(vault: Vault, id: string): ItemEditState {
  const r = itemEditState(vault.store, id);
  if (!r) notFound('id', 'item', id);
  return r;
}

function isPurged(vault: Vault, objectName: string): boolean {
  return isObjectPurged(vault.store, objectName);
}

export function editItem(vault: Vault, input: ItemEditInput): ItemDetail {
  const v = parseInput(ItemEditInput, input, 'item edit');
  vault.transaction(() => {
    const cur = state(vault, v.id);
    if (cur.deleted_at) conflict('id', `Item ${v.id} is deleted; restore it before editing.`);
    const next = {
      title: v.title === undefined ? cur.title : v.title || null,
      description: v.description === undefined ? cur.description : v.description || null,
      place: v.place === undefined ? cur.place : v.place || null,
    };
    const secret: Record<string, string | null> = {};
    for (const k of ['title', 'description', 'place'] as const) if (next[k] !== cur[k]) secret[k] = next[k];
    if (Object.keys(secret).length === 0) return;
    setItemDescription(vault.store, v.id, next);
    recordEvent(vault, 'item.updated', v.id, {}, secret);
    indexItem(vault, v.id);
  });
  return getItem(vault, v.id);
}

export function deleteItem(vault: Vault, input: ItemDeleteInput): void {
  const v = parseInput(ItemDeleteInput, input, 'item deletion');
  vault.transaction(() => {
    const cur = state(vault, v.id);
    if (cur.deleted_at) conflict('id', `Item ${v.id} is already deleted.`);
    setItemDeletedAt(vault.store, v.id, nowIso());
    recordEvent(vault, 'item.deleted', v.id, {}, { reason: v.reason });
    deleteDraftRowsOfRecord(vault.store, v.id); // its unsaved drafts go with it
    removeDoc(vault, 'item', v.id);
  });
}

export function restoreItem(vault: Vault, input: ItemIdInput): ItemDetail {
  const v = parseInput(ItemIdInput, input, 'item');
  vault.transaction(() => {
    const cur = state(vault, v.id);
    if (!cur.deleted_at) conflict('id', `Item ${v.id} is not deleted.`);
    if (isPurged(vault, cur.object_name)) conflict('id', `Item ${v.id} was purged: its content no longer exists and cannot be restored.`);
    setItemDeletedAt(vault.store, v.id, null);
    recordEvent(vault, 'item.restored', v.id, {});
    indexItem(vault, v.id);
  });
  return getItem(vault, v.id);
}

export type PurgeResult = { readonly purgedObjects: number; readonly alreadyPurged: boolean };

/**
 * Destroys a deleted item's encrypted files: the original, and its preview unless another item shares it. The
 * database commits first (objects marked purged, item.purged event naming the hashes, the item row scrubbed of
 * name, metadata, GPS and descriptions); then the files are removed. If the process dies in between, verify
 * reports the leftover files and running purge again finishes the job without a second event.
 */
export async function purgeItem(vault: Vault, input: ItemIdInput): Promise<PurgeResult> {
  const v = parseInput(ItemIdInput, input, 'item');
  const cur = state(vault, v.id);
  if (!cur.deleted_at) conflict('id', `Item ${v.id} is not deleted. Delete it first (a reversible step), then purge.`);
  let names: string[];
  let alreadyPurged = false;
  if (isPurged(vault, cur.object_name)) {
    // Finish an interrupted purge: the item.purged event names every object it covered.
    alreadyPurged = true;
    names = eventsOfTypeAbout(vault.store, 'item.purged', v.id).flatMap((e) => {
      const d = parseEvent(e.bytes).data as { sha256s?: unknown };
      return Array.isArray(d.sha256s) ? d.sha256s.filter((x): x is string => typeof x === 'string').map((h) => vault.blobs.objectName(Buffer.from(h, 'hex'))) : [];
    });
  } else {
    names = vault.transaction(() => {
      const c = state(vault, v.id);
      const objects = [c.object_name];
      if (c.preview_object) {
        if (!previewSharedByOther(vault.store, c.preview_object, v.id)) objects.push(c.preview_object);
      }
      const sha256s = objects.map((name) => objectSha256(vault.store, name)!.toString('hex'));
      const now = nowIso();
      for (const name of objects) markObjectPurged(vault.store, name, now);
      scrubPurgedItem(vault.store, v.id);
      recordEvent(vault, 'item.purged', v.id, { sha256s });
      return objects;
    });
  }
  let removed = 0;
  for (const name of names) {
    try {
      if (await vault.blobs.exists(name)) {
        await vault.blobs.remove(name);
        removed++;
      }
    } catch (e) {
      throw new HuellaError('FILE_UNREADABLE', 'The item is marked purged but an encrypted file could not be removed; run purge again.', { cause: e });
    }
  }
  return { purgedObjects: alreadyPurged ? removed : names.length, alreadyPurged };
}
