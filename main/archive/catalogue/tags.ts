import { TagAssignInput, TagRemoveInput, typeOfId, type TagAssignment, type TagDetailValue, type TagTargetType } from '../../../shared/model/catalogue';
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

export function assignTag(vault: Vault, input: TagAssignInput): TagAssignment {
  const v = parseInput(TagAssignInput, input, 'tag');
  const resolved = resolveTerm(v.termId);
  if (!resolved) invalid('termId', 'is not a term of any taxonomy');
  if (resolved.retired) {
    invalid('termId', `was retired from its taxonomy${resolved.replacement ? `; use ${resolved.replacement.id} instead` : ''}`);
  }
  const targetType = typeOfId(v.targetId) as TagTargetType;
  const id = newId('tag');
  vault.transaction(() => {
    requireObject(vault, targetType, v.targetId, 'targetId');
    const fields = new Map((resolved.taxonomy.assignmentFields ?? []).map((f) => [f.id, f]));
    const details: Record<string, TagDetailValue> = {};
    for (const key of Object.keys(v.details ?? {}).sort()) {
      const checked = checkDetail(vault, fields.get(key), key, v.details![key]!);
      if (checked !== undefined) details[key] = checked;
    }
    const detailsJson = Object.keys(details).length > 0 ? JSON.stringify(details) : null;
    const same = sameActiveTag(vault.store, v.targetId, v.termId, detailsJson);
    if (same !== undefined) conflict('termId', `This tag with these details is already assigned (${same}).`);
    insertTag(vault.store, { id, target_type: targetType, target_id: v.targetId, term_id: v.termId, details: detailsJson, assigned_by: vault.log.actor, assigned_at: nowIso() });
    recordEvent(
      vault,
      'tag.assigned',
      v.targetId,
      { assignmentId: id, targetType, termId: v.termId, taxonomy: resolved.taxonomy.id, taxonomyVersion: resolved.taxonomy.version },
      // Details may be free text ("beaten with a cable") and name people: committed, never in clear.
      detailsJson ? { details } : undefined,
    );
    indexDoc(vault, targetType, v.targetId);
  });
  return toAssignment(tagAssignment(vault.store, id)!);
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
