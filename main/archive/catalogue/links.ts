import { LinkCreateInput, LinkIdInput, typeOfId, type Link, type LinkRelation } from '../../../shared/model/catalogue';
import { newId } from '../ids';
import { activeLinkBetween, activeLinksOf, insertLink, linkById, markLinkRemoved, type LinkRow } from '../db/links';
import type { Vault } from '../vault/vault';
import { requireObject } from './exists';
import { nowIso, recordEvent } from './record-event';
import { conflict, notFound, parseInput } from './validate';
import { HuellaError } from '../errors';

/** Free links between catalogue objects ("this photo shows the injury described in that testimony"). */

function toLink(r: LinkRow): Link {
  // relation was checked against LinkRelation on the way in (parseInput).
  return {
    id: r.id,
    fromType: r.from_type,
    fromId: r.from_id,
    toType: r.to_type,
    toId: r.to_id,
    relation: r.relation as LinkRelation,
    ...(r.note ? { note: r.note } : {}),
    createdAt: r.created_at,
  };
}

/** Active links from or to an object. */
export function listLinks(vault: Vault, objectId: string): Link[] {
  return activeLinksOf(vault.store, objectId).map(toLink);
}

export function createLink(vault: Vault, input: LinkCreateInput): Link {
  const v = parseInput(LinkCreateInput, input, 'link');
  const fromType = typeOfId(v.fromId)!;
  const toType = typeOfId(v.toId)!;
  if (v.fromId === v.toId) throw new HuellaError('INVALID_INPUT', 'Invalid link: toId must differ from fromId.', { details: { field: 'toId' } });
  const id = newId('lnk');
  vault.transaction(() => {
    requireObject(vault, fromType, v.fromId, 'fromId');
    requireObject(vault, toType, v.toId, 'toId');
    const dup = activeLinkBetween(vault.store, v.fromId, v.toId, v.relation);
    if (dup !== undefined) conflict('relation', `These two are already linked with relation '${v.relation}' (link ${dup}).`);
    insertLink(vault.store, { id, from_type: fromType, from_id: v.fromId, to_type: toType, to_id: v.toId, relation: v.relation, note: v.note || null, created_at: nowIso() });
    recordEvent(vault, 'link.created', v.fromId, { linkId: id, fromType, toType, toId: v.toId, relation: v.relation }, v.note ? { note: v.note } : undefined);
  });
  return toLink(linkById(vault.store, id)!);
}

export function removeLink(vault: Vault, input: LinkIdInput): void {
  const v = parseInput(LinkIdInput, input, 'link');
  vault.transaction(() => {
    const r = linkById(vault.store, v.id);
    if (!r) notFound('id', 'link', v.id);
    if (r.removed_at) conflict('id', `Link ${v.id} was already removed.`);
    markLinkRemoved(vault.store, v.id, nowIso());
    recordEvent(vault, 'link.removed', r.from_id, { linkId: v.id, toId: r.to_id, relation: r.relation });
  });
}
