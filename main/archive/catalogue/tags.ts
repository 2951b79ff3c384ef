import { TagAssignInput, TagEditDetailsInput, TagRemoveInput, typeOfId, type TagAssignment, type TagDetailValue, type TagTargetType } from '../../../shared/model/catalogue';
import { LIMITS, utf8Length } from '../../../shared/model/fields';
import { resolveTerm, type AssignmentField } from '../../../shared/taxonomy';
import { HuellaError } from '../errors';
import { newId } from '../ids';
import { activeTagIds, activeTags, insertTag, markTagRemoved, sameActiveTag, tagAssignment, type TagRow } from '../db/tags';
import type { Vault } from '../vault/vault';
import { requireObject, requirePerson } from './exists';
import { nowIso, recordEvent } from './record-event';
import { indexDoc } from './search-index';
import { conflict, notFound, parseInput } from './validate';

/**
 * Tags from the versioned taxonomies (shared/taxonomy) on items, testimonies and cases, with who and when. A new
 * assignment must use a term in use today; assignments of terms retired later stay valid and resolvable.
 * Istanbul Protocol assignments carry the per-method details the taxonomy defines (assignmentFields).
 */

function invalid(field: string, message: string): never {
  throw new HuellaError('INVALID_INPUT', `Invalid tag: ${field} ${message}.`, { details: { field } });
}

function toAssignment(r: TagRow): TagAssignment {
  return {
    id: r.id,
    targetType: r.target_type,
    targetId: r.target_id,
    termId: r.term_id,
    details: r.details ? (JSON.parse(r.details) as Record<string, TagDetailValue>) : {},
    assignedBy: r.assigned_by,
    assignedAt: r.assigned_at,
    retired: resolveTerm(r.term_id)?.retired ?? false,
  };
}

/** Active tags of an object, oldest first. */
export function listTags(vault: Vault, targetId: string): TagAssignment[] {
  return activeTags(vault.store, targetId).map(toAssignment);
}

function checkDetail(vault: Vault, field: AssignmentField | undefined, key: string, value: TagDetailValue): TagDetailValue | undefined {
  const path = `details.${key}`;
  if (!field) return invalid(path, 'is not a detail field of this taxonomy');
  switch (field.type) {
    case 'text':
    case 'longtext': {
      if (typeof value !== 'string') return invalid(path, 'must be text');
      const max = field.type === 'text' ? LIMITS.detailValue : LIMITS.notesBytes;
      if ((field.type === 'text' ? value.length : utf8Length(value)) > max) return invalid(path, `is too long (at most ${field.type === 'text' ? `${max} characters` : `${max / 1024} KB`})`);
      return value.trim() === '' ? undefined : value;
    }
    case 'multichoice': {
      if (!Array.isArray(value)) return invalid(path, 'must be a list of choices');
      const choices = new Set((field.choices ?? []).map((c) => c.id));
      value.forEach((v, i) => {
        if (!choices.has(v)) invalid(`${path}.${i}`, `must be one of: ${[...choices].join(', ')}`);
      });
      return value.length === 0 ? undefined : [...new Set(value)].sort();
    }
    case 'persons': {
      if (!Array.isArray(value)) return invalid(path, 'must be a list of person ids');
      value.forEach((v, i) => requirePerson(vault, v, `${path}.${i}`));
      return value.length === 0 ? undefined : [...new Set(value)].sort();
    }
  }
}

/** The details, checked against the taxonomy's assignment fields, empty ones dropped, keys sorted; null: none. */
function checkedDetailsJson(vault: Vault, resolved: NonNullable<ReturnType<typeof resolveTerm>>, input: Readonly<Record<string, TagDetailValue>> | undefined): string | null {
  const fields = new Map((resolved.taxonomy.assignmentFields ?? []).map((f) => [f.id, f]));
  const details: Record<string, TagDetailValue> = {};
  for (const key of Object.keys(input ?? {}).sort()) {
    const checked = checkDetail(vault, fields.get(key), key, input![key]!);
    if (checked !== undefined) details[key] = checked;
  }
  return Object.keys(details).length > 0 ? JSON.stringify(details) : null;
}

function usableTerm(termId: string): NonNullable<ReturnType<typeof resolveTerm>> {
  const resolved = resolveTerm(termId);
  if (!resolved) invalid('termId', 'is not a term of any taxonomy');
  if (resolved.retired) {
    invalid('termId', `was retired from its taxonomy${resolved.replacement ? `; use ${resolved.replacement.id} instead` : ''}`);
  }
  return resolved;
}

/** Inserts an assignment with its tag.assigned event; call inside the change's transaction. */
function insertAssignment(vault: Vault, resolved: NonNullable<ReturnType<typeof resolveTerm>>, targetType: TagTargetType, targetId: string, termId: string, detailsJson: string | null): string {
  const id = newId('tag');
  insertTag(vault.store, { id, target_type: targetType, target_id: targetId, term_id: termId, details: detailsJson, assigned_by: vault.log.actor, assigned_at: nowIso() });
  recordEvent(
    vault,
    'tag.assigned',
    targetId,
    { assignmentId: id, targetType, termId, taxonomy: resolved.taxonomy.id, taxonomyVersion: resolved.taxonomy.version },
    // Details may be free text ("beaten with a cable") and name people: committed, never in clear.
    detailsJson ? { details: JSON.parse(detailsJson) as Record<string, TagDetailValue> } : undefined,
  );
  return id;
}

export function assignTag(vault: Vault, input: TagAssignInput): TagAssignment {
  const v = parseInput(TagAssignInput, input, 'tag');
  const resolved = usableTerm(v.termId);
  const targetType = typeOfId(v.targetId) as TagTargetType;
  const id = vault.transaction(() => {
    requireObject(vault, targetType, v.targetId, 'targetId');
    const detailsJson = checkedDetailsJson(vault, resolved, v.details);
    const same = sameActiveTag(vault.store, v.targetId, v.termId, detailsJson);
    if (same !== undefined) conflict('termId', `This tag with these details is already assigned (${same}).`);
    const added = insertAssignment(vault, resolved, targetType, v.targetId, v.termId, detailsJson);
    indexDoc(vault, targetType, v.targetId);
    return added;
  });
  return toAssignment(tagAssignment(vault.store, id)!);
}

/**
 * Edits the details of one active assignment, in one transaction: the new details are a new assignment (tag.assigned)
 * and the old one is removed (tag.removed), so the custody log keeps what the details were, and a crash leaves either
 * the old assignment or the new one, never neither. Unchanged details change nothing and record no event.
 */
export function editTagDetails(vault: Vault, input: TagEditDetailsInput): { readonly assignment: TagAssignment; readonly changed: boolean } {
  const v = parseInput(TagEditDetailsInput, input, 'tag');
  const targetType = typeOfId(v.targetId) as TagTargetType;
  const result = vault.transaction(() => {
    requireObject(vault, targetType, v.targetId, 'targetId');
    const old = tagAssignment(vault.store, v.assignmentId);
    if (!old || old.target_id !== v.targetId || activeTagIds(vault.store, v.targetId, old.term_id, old.id).length === 0) {
      notFound('assignmentId', 'active tag', `${v.assignmentId} on ${v.targetId}`);
    }
    const resolved = usableTerm(old.term_id);
    const detailsJson = checkedDetailsJson(vault, resolved, v.details);
    if (detailsJson === old.details) return { id: old.id, changed: false };
    const same = sameActiveTag(vault.store, v.targetId, old.term_id, detailsJson);
    if (same !== undefined) conflict('details', `This tag with these details is already assigned (${same}).`);
    const added = insertAssignment(vault, resolved, targetType, v.targetId, old.term_id, detailsJson);
    markTagRemoved(vault.store, old.id, nowIso());
    recordEvent(vault, 'tag.removed', v.targetId, { targetType, termId: old.term_id, assignmentIds: [old.id] });
    indexDoc(vault, targetType, v.targetId);
    return { id: added, changed: true };
  });
  return { assignment: toAssignment(tagAssignment(vault.store, result.id)!), changed: result.changed };
}

/** Removes the active assignments of a term on a target (or just one of them): one event for the removal. */
export function removeTag(vault: Vault, input: TagRemoveInput): { readonly removed: number } {
  const v = parseInput(TagRemoveInput, input, 'tag removal');
  const targetType = typeOfId(v.targetId) as TagTargetType;
  return vault.transaction(() => {
    requireObject(vault, targetType, v.targetId, 'targetId');
    const ids = activeTagIds(vault.store, v.targetId, v.termId, v.assignmentId ?? null);
    if (ids.length === 0) notFound(v.assignmentId ? 'assignmentId' : 'termId', 'active tag', `${v.termId} on ${v.targetId}`);
    const now = nowIso();
    for (const tagId of ids) markTagRemoved(vault.store, tagId, now);
    recordEvent(vault, 'tag.removed', v.targetId, { targetType, termId: v.termId, assignmentIds: ids });
    indexDoc(vault, targetType, v.targetId);
    return { removed: ids.length };
  });
}

/**
 * The term ids a tag filter on `termId` matches: the term, its sub-terms (a filter on "physical methods" finds
 * "electric shock"), and retired terms that were replaced by any of them (old tags keep being found).
 */
export function expandTermFilter(termId: string, field: string): string[] {
  const resolved = resolveTerm(termId);
  if (!resolved) invalid(field, 'is not a term of any taxonomy');
  const terms = resolved.taxonomy.terms;
  const out = new Set([termId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of terms) {
      if (out.has(t.id)) continue;
      const successor = resolveTerm(t.id)?.replacement?.id;
      if ((t.parent && out.has(t.parent)) || (successor && out.has(successor))) {
        out.add(t.id);
        grew = true;
      }
    }
  }
  return [...out];
}
