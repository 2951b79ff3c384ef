import { reader, writer, type ReadableDb, type WritableDb } from './connection';

/**
 * `links`: free links between catalogue objects ("this photo shows the injury described in that testimony").
 * Removal sets removed_at; rows are never deleted. Written only by catalogue/links.ts, in the transaction of its
 * custody event.
 */

export type LinkEndpoint = 'item' | 'testimony' | 'case' | 'person';

export type LinkRow = {
  readonly id: string;
  readonly from_type: LinkEndpoint;
  readonly from_id: string;
  readonly to_type: LinkEndpoint;
  readonly to_id: string;
  readonly relation: string;
  readonly note: string | null;
  readonly created_at: string;
  readonly removed_at: string | null;
};

const COLUMNS = 'id, from_type, from_id, to_type, to_id, relation, note, created_at, removed_at';

/** Active links from or to an object, oldest first. */
export function activeLinksOf(db: ReadableDb, objectId: string): LinkRow[] {
  return reader(db).all(`SELECT ${COLUMNS} FROM links WHERE (from_id = ? OR to_id = ?) AND removed_at IS NULL ORDER BY created_at, rowid`, objectId, objectId);
}

export function linkById(db: ReadableDb, id: string): LinkRow | undefined {
  return reader(db).one(`SELECT ${COLUMNS} FROM links WHERE id = ?`, id);
}

/** The active link with this relation between the two, if any. */
export function activeLinkBetween(db: ReadableDb, fromId: string, toId: string, relation: string): string | undefined {
  return reader(db).one<{ id: string }>('SELECT id FROM links WHERE from_id = ? AND to_id = ? AND relation = ? AND removed_at IS NULL', fromId, toId, relation)?.id;
}

export function insertLink(db: WritableDb, l: Omit<LinkRow, 'removed_at'>): void {
  writer(db).run(
    'INSERT INTO links (id, from_type, from_id, to_type, to_id, relation, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    l.id, l.from_type, l.from_id, l.to_type, l.to_id, l.relation, l.note, l.created_at,
  );
}

export function markLinkRemoved(db: WritableDb, id: string, removedAt: string): void {
  writer(db).run('UPDATE links SET removed_at = ? WHERE id = ?', removedAt, id);
}
