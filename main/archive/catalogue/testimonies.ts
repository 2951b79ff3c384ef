import {
  TestimonyCreateInput,
  TestimonyEditInput,
  TestimonyIdInput,
  TestimonyItemsInput,
  type Testimony,
  type TestimonyFields,
  type TestimonyRevision,
  type TestimonyRevisionSummary,
  type TestimonySummary,
} from '../../../shared/model/catalogue';
import { newId } from '../ids';
import type { Vault } from '../vault/vault';
import { requireCase, requireLiveItem, requirePerson, requireTestimony } from './exists';
import { nowIso, recordEvent } from './record-event';
import { indexDoc } from './search-index';
import { conflict, notFound, parseInput } from './validate';
import { deleteDraftRowsOfRecord } from '../db/drafts';
import {
  deleteTestimonyItem,
  insertTestimony,
  insertTestimonyItem,
  insertTestimonyRevision,
  liveTestimonies,
  liveTestimony,
  testimonyItemIds,
  testimonyRevision,
  testimonyRevisionList,
  tombstoneTestimony,
  updateTestimonyRow,
  type TestimonyRow,
} from '../db/testimonies';

/**
 * Testimonies (DESIGN §4): structured interview records with a full edit history. Every save that changes
 * something (autosave included) becomes a new revision row and one testimony.edited event that commits to the
 * whole saved state, so any revision can later be proven against the signed log; a save that changes nothing
 * records nothing.
 */

const FIELD_COLUMNS = {
  caseId: 'case_id',
  witnessId: 'witness_id',
  title: 'title',
  interviewDate: 'interview_date',
  place: 'place',
  interviewer: 'interviewer',
  language: 'language',
  interpreter: 'interpreter',
} as const satisfies Record<keyof TestimonyFields, keyof TestimonyRow>;
const FIELD_NAMES = Object.keys(FIELD_COLUMNS) as (keyof TestimonyFields)[];

function fieldsOf(r: TestimonyRow): TestimonyFields {
  return {
    caseId: r.case_id,
    witnessId: r.witness_id,
    title: r.title,
    interviewDate: r.interview_date,
    place: r.place,
    interviewer: r.interviewer,
    language: r.language,
    interpreter: r.interpreter,
  };
}

/** The commitment covers the whole saved state except the ids, which the event names in clear. */
function secretOf(f: TestimonyFields, text: string): Record<string, string | null> {
  return { title: f.title, interviewDate: f.interviewDate, place: f.place, interviewer: f.interviewer, language: f.language, interpreter: f.interpreter, text };
}

function idsOf(f: TestimonyFields): Record<string, string> {
  return { ...(f.caseId ? { caseId: f.caseId } : {}), ...(f.witnessId ? { witnessId: f.witnessId } : {}) };
}

function summaryOf(r: TestimonyRow): TestimonySummary {
  return {
    id: r.id,
    ...(r.case_id ? { caseId: r.case_id } : {}),
    ...(r.witness_id ? { witnessId: r.witness_id } : {}),
    title: r.title,
    ...(r.interview_date ? { interviewDate: r.interview_date } : {}),
    revision: r.revision,
    updatedAt: r.updated_at,
  };
}

function row(vault: Vault, id: string, field = 'id'): TestimonyRow {
  const r = liveTestimony(vault.store, id);
  if (!r) notFound(field, 'testimony', id);
  return r;
}

export function getTestimony(vault: Vault, id: string): Testimony {
  const r = row(vault, id);
  const itemIds = testimonyItemIds(vault.store, id);
  return {
    ...summaryOf(r),
    ...(r.place ? { place: r.place } : {}),
    ...(r.interviewer ? { interviewer: r.interviewer } : {}),
    ...(r.language ? { language: r.language } : {}),
    ...(r.interpreter ? { interpreter: r.interpreter } : {}),
    text: r.text,
    createdAt: r.created_at,
    itemIds,
  };
}

export function listTestimonies(vault: Vault, options: { readonly caseId?: string } = {}): TestimonySummary[] {
  return liveTestimonies(vault.store, options.caseId).map(summaryOf);
}

export function createTestimony(vault: Vault, input: TestimonyCreateInput): Testimony {
  const v = parseInput(TestimonyCreateInput, input, 'testimony');
  const id = newId('tes');
  const now = nowIso();
  const fields: TestimonyFields = {
    caseId: v.caseId ?? null,
    witnessId: v.witnessId ?? null,
    title: v.title,
    interviewDate: v.interviewDate ?? null,
    place: v.place || null,
    interviewer: v.interviewer || null,
    language: v.language ?? null,
    interpreter: v.interpreter || null,
  };
  const text = v.text ?? '';
  vault.transaction(() => {
    if (fields.caseId) requireCase(vault, fields.caseId);
    if (fields.witnessId) requirePerson(vault, fields.witnessId, 'witnessId');
    insertTestimony(vault.store, id, fields, text, now);
    const ev = recordEvent(vault, 'testimony.created', id, { revision: 1, ...idsOf(fields) }, secretOf(fields, text));
    insertTestimonyRevision(vault.store, id, 1, fields, text, now, ev.seq);
    indexDoc(vault, 'testimony', id);
  });
  return getTestimony(vault, id);
}

/** Saves an edit (autosave included) as a new revision; an unchanged save records nothing. */
export function editTestimony(vault: Vault, input: TestimonyEditInput): Testimony {
  const v = parseInput(TestimonyEditInput, input, 'testimony edit');
  vault.transaction(() => {
    const cur = row(vault, v.id);
    if (v.baseRevision !== undefined && v.baseRevision !== cur.revision) {
      conflict('baseRevision', `The testimony was saved elsewhere since revision ${v.baseRevision} (it is now at revision ${cur.revision}); reload it before saving, nothing was overwritten.`);
    }
    const before = fieldsOf(cur);
    const next: Record<string, string | null> = { ...before };
    for (const f of FIELD_NAMES) {
      const given = v[f];
      if (given !== undefined) next[f] = f === 'title' ? (given as string) : given || null;
    }
    const fields = next as TestimonyFields;
    const text = v.text ?? cur.text;
    const changed: string[] = FIELD_NAMES.filter((f) => fields[f] !== before[f]);
    if (text !== cur.text) changed.push('text');
    if (changed.length === 0) return;
    if (fields.caseId && fields.caseId !== before.caseId) requireCase(vault, fields.caseId);
    if (fields.witnessId && fields.witnessId !== before.witnessId) requirePerson(vault, fields.witnessId, 'witnessId');
    const revision = cur.revision + 1;
    const now = nowIso();
    updateTestimonyRow(vault.store, v.id, fields, text, revision, now);
    const ev = recordEvent(vault, 'testimony.edited', v.id, { revision, changed: [...changed].sort(), ...idsOf(fields) }, secretOf(fields, text));
    insertTestimonyRevision(vault.store, v.id, revision, fields, text, now, ev.seq);
    indexDoc(vault, 'testimony', v.id);
  });
  return getTestimony(vault, v.id);
}

export function deleteTestimony(vault: Vault, input: TestimonyIdInput): void {
  const v = parseInput(TestimonyIdInput, input, 'testimony');
  vault.transaction(() => {
    requireTestimony(vault, v.id, 'id');
    tombstoneTestimony(vault.store, v.id, nowIso());
    recordEvent(vault, 'testimony.deleted', v.id, {});
    deleteDraftRowsOfRecord(vault.store, v.id); // its unsaved drafts go with it
    indexDoc(vault, 'testimony', v.id);
  });
}

export function testimonyHistory(vault: Vault, id: string): TestimonyRevisionSummary[] {
  row(vault, id);
  return testimonyRevisionList(vault.store, id).map((r) => ({ revision: r.revision, title: (JSON.parse(r.fields) as TestimonyFields).title, savedAt: r.saved_at, eventSeq: r.event_seq, textLength: r.len }));
}

export function getTestimonyRevision(vault: Vault, id: string, revision: number): TestimonyRevision {
  row(vault, id);
  const r = testimonyRevision(vault.store, id, revision);
  if (!r) notFound('revision', 'revision', `${revision} of testimony ${id}`);
  return { testimonyId: id, revision, fields: JSON.parse(r.fields) as TestimonyFields, text: r.text, savedAt: r.saved_at, eventSeq: r.event_seq };
}

/** Links items to a testimony (what the witness showed or described): one event per new link, on the item. */
export function linkTestimonyItems(vault: Vault, input: TestimonyItemsInput): { readonly added: number } {
  const v = parseInput(TestimonyItemsInput, input, 'testimony items');
  return vault.transaction(() => {
    requireTestimony(vault, v.testimonyId);
    v.itemIds.forEach((itemId, i) => requireLiveItem(vault, itemId, `itemIds.${i}`));
    let added = 0;
    const now = nowIso();
    for (const itemId of new Set(v.itemIds)) {
      if (!insertTestimonyItem(vault.store, v.testimonyId, itemId, now)) continue;
      recordEvent(vault, 'testimony.item-linked', itemId, { testimonyId: v.testimonyId });
      added++;
    }
    return { added };
  });
}

export function unlinkTestimonyItems(vault: Vault, input: TestimonyItemsInput): { readonly removed: number } {
  const v = parseInput(TestimonyItemsInput, input, 'testimony items');
  return vault.transaction(() => {
    requireTestimony(vault, v.testimonyId);
    let removed = 0;
    for (const itemId of new Set(v.itemIds)) {
      if (!deleteTestimonyItem(vault.store, v.testimonyId, itemId)) continue;
      recordEvent(vault, 'testimony.item-unlinked', itemId, { testimonyId: v.testimonyId });
      removed++;
    }
    return { removed };
  });
}
