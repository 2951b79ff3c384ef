import {
  CaseCreateInput,
  CaseIdInput,
  CaseItemsInput,
  CaseUpdateInput,
  type Case,
  type CasePerson,
  type CaseStatus,
  type CaseSummary,
} from '../../../shared/model/catalogue';
import { newId } from '../ids';
import type { Vault } from '../vault/vault';
import { requireCase, requireLiveItem } from './exists';
import { checkMechanisms } from './mechanisms';
import { nowIso, recordEvent, type Secret } from './record-event';
import { indexDoc, reindexCaseItems } from './search-index';
import { notFound, parseInput } from './validate';
import { deleteDraftRowsOfRecord } from '../db/drafts';
import {
  casePersonRoles,
  deleteCaseItem,
  insertCase,
  insertCaseItem,
  liveCase,
  liveCaseSummaries,
  liveCaseSummary,
  tombstoneCase,
  touchCase,
  updateCaseRow,
  type CaseSummaryRow,
} from '../db/cases';

/** Cases (DESIGN §4): a matter such as one detainee or one incident, with its items, people and testimonies. */

function toSummary(r: CaseSummaryRow): CaseSummary {
  return {
    id: r.id,
    title: r.title,
    ...(r.country ? { country: r.country } : {}),
    status: r.status,
    updatedAt: r.updated_at,
    itemCount: r.item_count,
    testimonyCount: r.testimony_count,
    personCount: r.person_count,
  };
}

export function getCase(vault: Vault, id: string): Case {
  const r = liveCaseSummary(vault.store, id);
  if (!r) notFound('id', 'case', id);
  const persons = casePersonRoles(vault.store, id).map((p): CasePerson => ({ personId: p.person_id, pseudonym: p.pseudonym, role: p.role }));
  return {
    ...toSummary(r),
    ...(r.summary ? { summary: r.summary } : {}),
    ...(r.notes ? { notes: r.notes } : {}),
    mechanisms: JSON.parse(r.mechanisms) as string[],
    createdAt: r.created_at,
    persons,
  };
}

export function listCases(vault: Vault, options: { readonly status?: CaseStatus } = {}): CaseSummary[] {
  return liveCaseSummaries(vault.store, options.status).map(toSummary);
}

export function createCase(vault: Vault, input: CaseCreateInput): Case {
  const v = parseInput(CaseCreateInput, input, 'case');
  const mechanisms = v.mechanisms ?? [];
  checkMechanisms(mechanisms, 'mechanisms', false);
  const id = newId('case');
  const now = nowIso();
  vault.transaction(() => {
    insertCase(
      vault.store,
      id,
      { title: v.title, country: v.country ?? null, status: v.status ?? 'open', summary: v.summary || null, notes: v.notes || null, mechanisms: JSON.stringify(mechanisms) },
      now,
    );
    const secret: Record<string, string> = { title: v.title };
    if (v.country) secret.country = v.country;
    if (v.summary) secret.summary = v.summary;
    if (v.notes) secret.notes = v.notes;
    recordEvent(vault, 'case.created', id, { status: v.status ?? 'open', mechanisms }, secret);
    indexDoc(vault, 'case', id);
  });
  return getCase(vault, id);
}

/** Changes the given fields. Saving the same values again records nothing. */
export function updateCase(vault: Vault, input: CaseUpdateInput): Case {
  const v = parseInput(CaseUpdateInput, input, 'case update');
  if (v.mechanisms) checkMechanisms(v.mechanisms, 'mechanisms', false);
  vault.transaction(() => {
    const cur = liveCase(vault.store, v.id);
    if (!cur) notFound('id', 'case', v.id);
    const next = {
      title: v.title ?? cur.title,
      country: v.country === undefined ? cur.country : v.country,
      status: v.status ?? cur.status,
      summary: v.summary === undefined ? cur.summary : v.summary || null,
      notes: v.notes === undefined ? cur.notes : v.notes || null,
      mechanisms: v.mechanisms === undefined ? cur.mechanisms : JSON.stringify(v.mechanisms),
    };
    const secret: Record<string, string | null> = {};
    for (const k of ['title', 'country', 'summary', 'notes'] as const) if (next[k] !== cur[k]) secret[k] = next[k];
    const statusChanged = next.status !== cur.status;
    const mechanismsChanged = next.mechanisms !== cur.mechanisms;
    if (Object.keys(secret).length === 0 && !statusChanged && !mechanismsChanged) return;
    updateCaseRow(vault.store, v.id, next, nowIso());
    const changed = [...Object.keys(secret), ...(statusChanged ? ['status'] : []), ...(mechanismsChanged ? ['mechanisms'] : [])].sort();
    recordEvent(
      vault,
      'case.updated',
      v.id,
      { changed, ...(statusChanged ? { status: next.status } : {}), ...(mechanismsChanged ? { mechanisms: JSON.parse(next.mechanisms) as string[] } : {}) },
      secret as Secret,
    );
    indexDoc(vault, 'case', v.id);
    if ('title' in secret) reindexCaseItems(vault, v.id);
  });
  return getCase(vault, v.id);
}

/** Tombstones the case. Its items, testimonies and people stay; they just no longer belong to a live case. */
export function deleteCase(vault: Vault, input: CaseIdInput): void {
  const v = parseInput(CaseIdInput, input, 'case');
  vault.transaction(() => {
    requireCase(vault, v.id, 'id');
    tombstoneCase(vault.store, v.id, nowIso());
    recordEvent(vault, 'case.deleted', v.id, {});
    deleteDraftRowsOfRecord(vault.store, v.id); // its unsaved drafts go with it
    indexDoc(vault, 'case', v.id);
    reindexCaseItems(vault, v.id);
  });
}

/** Adds items to a case: one custody event per item newly added (an item's timeline shows its cases). */
export function addCaseItems(vault: Vault, input: CaseItemsInput): { readonly added: number } {
  const v = parseInput(CaseItemsInput, input, 'case items');
  return vault.transaction(() => {
    requireCase(vault, v.caseId);
    v.itemIds.forEach((itemId, i) => requireLiveItem(vault, itemId, `itemIds.${i}`));
    let added = 0;
    const now = nowIso();
    for (const itemId of new Set(v.itemIds)) {
      if (!insertCaseItem(vault.store, v.caseId, itemId, now)) continue;
      recordEvent(vault, 'case.item-linked', itemId, { caseId: v.caseId });
      indexDoc(vault, 'item', itemId);
      added++;
    }
    if (added > 0) touchCase(vault.store, v.caseId, now);
    return { added };
  });
}

export function removeCaseItems(vault: Vault, input: CaseItemsInput): { readonly removed: number } {
  const v = parseInput(CaseItemsInput, input, 'case items');
  return vault.transaction(() => {
    requireCase(vault, v.caseId);
    let removed = 0;
    for (const itemId of new Set(v.itemIds)) {
      if (!deleteCaseItem(vault.store, v.caseId, itemId)) continue;
      recordEvent(vault, 'case.item-unlinked', itemId, { caseId: v.caseId });
      indexDoc(vault, 'item', itemId);
      removed++;
    }
    if (removed > 0) touchCase(vault.store, v.caseId, nowIso());
    return { removed };
  });
}
