import { LinkCreateInput, LinkIdInput, typeOfId, type Link, type LinkEndpointType, type LinkRelation } from '../../../shared/model/catalogue';
import { newId } from '../ids';
import type { Vault } from '../vault/vault';
import { requireObject } from './exists';
import { nowIso, recordEvent } from './record-event';
import { all, one, run } from './sql';
import { conflict, notFound, parseInput } from './validate';
import { HuellaError } from '../errors';

/** Free links between catalogue objects ("this photo shows the injury described in that testimony"). */

type LinkRow = {
  id: string;
  from_type: LinkEndpointType;
  from_id: string;
  to_type: LinkEndpointType;
  to_id: string;
  relation: LinkRelation;
  note: string | null;
  created_at: string;
  removed_at: string | null;
};

function toLink(r: LinkRow): Link {
  return {
    id: r.id,
    fromType: r.from_type,
    fromId: r.from_id,
    toType: r.to_type,
    toId: r.to_id,
    relation: r.relation,
    ...(r.note ? { note: r.note } : {}),
    createdAt: r.created_at,
  };
}

/** Active links from or to an object. */
export function listLinks(vault: Vault, objectId: string): Link[] {
  return all<LinkRow>(
    vault,
    'SELECT * FROM links WHERE (from_id = ? OR to_id = ?) AND removed_at IS NULL ORDER BY created_at, rowid',
    objectId,
    objectId,
  ).map(toLink);
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
    const dup = one<{ id: string }>(vault, 'SELECT id FROM links WHERE from_id = ? AND to_id = ? AND relation = ? AND removed_at IS NULL', v.fromId, v.toId, v.relation);
    if (dup) conflict('relation', `These two are already linked with relation '${v.relation}' (link ${dup.id}).`);
    run(
      vault,
      'INSERT INTO links (id, from_type, from_id, to_type, to_id, relation, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      id,
      fromType,
      v.fromId,
      toType,
      v.toId,
      v.relation,
      v.note || null,
      nowIso(),
    );
    recordEvent(vault, 'link.created', v.fromId, { linkId: id, fromType, toType, toId: v.toId, relation: v.relation }, v.note ? { note: v.note } : undefined);
  });
  return toLink(one<LinkRow>(vault, 'SELECT * FROM links WHERE id = ?', id)!);
}

export function removeLink(vault: Vault, input: LinkIdInput): void {
  const v = parseInput(LinkIdInput, input, 'link');
  vault.transaction(() => {
    const r = one<LinkRow>(vault, 'SELECT * FROM links WHERE id = ?', v.id);
    if (!r) notFound('id', 'link', v.id);
    if (r.removed_at) conflict('id', `Link ${v.id} was already removed.`);
    run(vault, 'UPDATE links SET removed_at = ? WHERE id = ?', nowIso(), v.id);
    recordEvent(vault, 'link.removed', r.from_id, { linkId: v.id, toId: r.to_id, relation: r.relation });
  });
}
