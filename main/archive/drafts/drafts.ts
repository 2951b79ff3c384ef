import { DraftKey, DraftSaveInput, type Draft, type DraftForm, type DraftSummary } from '../../../shared/model/drafts';
import { typeOfId } from '../../../shared/model/catalogue';
import { requireCase, requireLiveItem, requireObject, requirePerson, requireTestimony } from '../catalogue/exists';
import { nowIso } from '../catalogue/record-event';
import { parseInput } from '../catalogue/validate';
import { deleteDraftRow, listDraftRows, readDraftRow, writeDraftRow } from '../db/drafts';
import { isHuellaError } from '../errors';
import type { Vault } from '../vault/vault';

/**
 * Drafts (shared/model/drafts.ts): saved as a person types, whether or not the form is valid; never a custody event.
 * A draft lives only as long as its record: the catalogue's delete discards the record's drafts in the same
 * transaction (db/drafts deleteDraftRowsOfRecord); saving one for a record that is gone is NOT_FOUND; and a draft
 * whose record is not live for any other reason is discarded when read, never shown.
 */

/** Throws NOT_FOUND (or CONFLICT for a deleted item) when the record the draft belongs to is not live. */
function requireRecord(vault: Vault, form: DraftForm, recordId: string): void {
  switch (form) {
    case 'case-new':
    case 'person-new':
      return;
    case 'testimony':
      return requireTestimony(vault, recordId, 'recordId');
    case 'case':
    case 'packet':
      return requireCase(vault, recordId, 'recordId');
    case 'person':
    case 'consent':
      return requirePerson(vault, recordId, 'recordId');
    case 'item':
      return requireLiveItem(vault, recordId, 'recordId');
    case 'tag-new':
    case 'tag-edit':
      return requireObject(vault, typeOfId(recordId) as 'item' | 'testimony' | 'case', recordId, 'recordId');
  }
}

function recordIsLive(vault: Vault, form: DraftForm, recordId: string): boolean {
  try {
    requireRecord(vault, form, recordId);
    return true;
  } catch (e) {
    if (isHuellaError(e) && (e.code === 'NOT_FOUND' || e.code === 'CONFLICT')) return false;
    throw e;
  }
}

export function getDraft(vault: Vault, key: DraftKey): Draft | null {
  const k = parseInput(DraftKey, key, 'draft');
  const row = readDraftRow(vault.store, k.form, k.recordId);
  if (!row) return null;
  if (!recordIsLive(vault, k.form, k.recordId)) {
    deleteDraftRow(vault.store, k.form, k.recordId);
    return null;
  }
  return {
    form: row.form,
    recordId: row.recordId,
    data: JSON.parse(row.data) as Draft['data'],
    ...(row.base !== null ? { base: row.base } : {}),
    createdAt: row.createdAt,
    savedAt: row.savedAt,
  };
}

export function saveDraft(vault: Vault, input: DraftSaveInput): { savedAt: string } {
  const v = parseInput(DraftSaveInput, input, 'draft');
  const savedAt = nowIso();
  vault.transaction(() => {
    requireRecord(vault, v.form, v.recordId);
    writeDraftRow(vault.store, { form: v.form, recordId: v.recordId, data: JSON.stringify(v.data), base: v.base ?? null, savedAt });
  });
  return { savedAt };
}

export function discardDraft(vault: Vault, key: DraftKey): { discarded: boolean } {
  const k = parseInput(DraftKey, key, 'draft');
  return { discarded: deleteDraftRow(vault.store, k.form, k.recordId) };
}

/** The drafts held, newest first (without their contents), dropping those whose record is gone. */
export function listDrafts(vault: Vault): DraftSummary[] {
  const out: DraftSummary[] = [];
  for (const row of listDraftRows(vault.store)) {
    if (!recordIsLive(vault, row.form, row.recordId)) {
      deleteDraftRow(vault.store, row.form, row.recordId);
      continue;
    }
    out.push({ form: row.form, recordId: row.recordId, ...(row.base !== null ? { base: row.base } : {}), createdAt: row.createdAt, savedAt: row.savedAt });
  }
  return out;
}
