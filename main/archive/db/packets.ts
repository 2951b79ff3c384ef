import { reader, type ReadableDb } from './connection';

/**
 * The reads of the packet builder (main/archive/export) that the catalogue modules do not offer: which items of a
 * case are live, who is linked to them, the tags in force, the custody events about a packet's subjects, and the
 * event of a testimony revision. Read only; the tables belong to the catalogue and the custody log.
 */

/** Live items of a case, in the order they were ingested. */
export function liveCaseItemIds(db: ReadableDb, caseId: string): string[] {
  return reader(db)
    .all<{ id: string }>(
      `SELECT i.id FROM case_items ci JOIN items i ON i.id = ci.item_id
        WHERE ci.case_id = ? AND i.deleted_at IS NULL ORDER BY i.ingested_at, i.rowid`,
      caseId,
    )
    .map((r) => r.id);
}

export function itemInCase(db: ReadableDb, caseId: string, itemId: string): 'live' | 'deleted' | 'absent' {
  const r = reader(db).one<{ deleted_at: string | null }>('SELECT i.deleted_at FROM case_items ci JOIN items i ON i.id = ci.item_id WHERE ci.case_id = ? AND ci.item_id = ?', caseId, itemId);
  if (!r) return 'absent';
  return r.deleted_at ? 'deleted' : 'live';
}

/** Persons linked (either direction, any relation, link not removed) to any of the items. */
export function personsLinkedToItems(db: ReadableDb, itemIds: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const id of itemIds) {
    const rows = reader(db).all<{ person: string }>(
      `SELECT from_id AS person FROM links WHERE from_type = 'person' AND to_type = 'item' AND to_id = ? AND removed_at IS NULL
       UNION SELECT to_id AS person FROM links WHERE to_type = 'person' AND from_type = 'item' AND from_id = ? AND removed_at IS NULL`,
      id,
      id,
    );
    for (const r of rows) out.add(r.person);
  }
  return out;
}

export type RawEvent = { readonly seq: number; readonly bytes: Buffer; readonly signature: Buffer };

/** Every custody event about the given subjects with seq < `size` (the packet checkpoint's tree size), by seq. */
export function eventsAbout(db: ReadableDb, subjects: readonly string[], size: number): RawEvent[] {
  const bySeq = new Map<number, RawEvent>();
  for (const s of new Set(subjects)) {
    for (const e of reader(db).all<RawEvent>('SELECT seq, bytes, signature FROM events WHERE subject = ? AND seq < ? ORDER BY seq', s, size)) bySeq.set(e.seq, e);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The custody events at these seqs, by seq. */
export function eventsAtSeqs(db: ReadableDb, seqs: readonly number[]): RawEvent[] {
  return [...new Set(seqs)]
    .sort((a, b) => a - b)
    .flatMap((seq) => reader(db).all<RawEvent>('SELECT seq, bytes, signature FROM events WHERE seq = ?', seq));
}

/** The active tag term ids (with details) on the targets, oldest first. */
export function activeTags(db: ReadableDb, targetIds: readonly string[]): { targetId: string; termId: string; details: string | null }[] {
  return targetIds.flatMap((t) =>
    reader(db)
      .all<{ target_id: string; term_id: string; details: string | null }>('SELECT target_id, term_id, details FROM tag_assignments WHERE target_id = ? AND removed_at IS NULL ORDER BY assigned_at, rowid', t)
      .map((r) => ({ targetId: r.target_id, termId: r.term_id, details: r.details })),
  );
}

/** The custody event that recorded a testimony's revision, or undefined. */
export function testimonyRevisionSeq(db: ReadableDb, testimonyId: string, revision: number): number | undefined {
  return reader(db).one<{ event_seq: number }>('SELECT event_seq FROM testimony_revisions WHERE testimony_id = ? AND revision = ?', testimonyId, revision)?.event_seq;
}
