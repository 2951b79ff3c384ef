import type { Vault } from '../vault/vault';

/**
 * Read-only queries the packet builder needs that the catalogue services do not offer (added here rather than in
 * main/archive/catalogue, which another part of the code owns). Plain SELECTs on the catalogue tables.
 */

/** Live items of a case, in the order they were ingested. */
export function liveCaseItemIds(vault: Vault, caseId: string): string[] {
  return vault.db
    .prepare<[string], { id: string }>(
      `SELECT i.id FROM case_items ci JOIN items i ON i.id = ci.item_id
        WHERE ci.case_id = ? AND i.deleted_at IS NULL ORDER BY i.ingested_at, i.rowid`,
    )
    .all(caseId)
    .map((r) => r.id);
}

export function itemInCase(vault: Vault, caseId: string, itemId: string): 'live' | 'deleted' | 'absent' {
  const r = vault.db
    .prepare<[string, string], { deleted_at: string | null }>(
      'SELECT i.deleted_at FROM case_items ci JOIN items i ON i.id = ci.item_id WHERE ci.case_id = ? AND ci.item_id = ?',
    )
    .get(caseId, itemId);
  if (!r) return 'absent';
  return r.deleted_at ? 'deleted' : 'live';
}

/** Persons linked (either direction, any relation, link not removed) to any of the items. */
export function personsLinkedToItems(vault: Vault, itemIds: readonly string[]): Set<string> {
  const stmt = vault.db.prepare<[string, string], { person: string }>(
    `SELECT from_id AS person FROM links WHERE from_type = 'person' AND to_type = 'item' AND to_id = ? AND removed_at IS NULL
     UNION SELECT to_id AS person FROM links WHERE to_type = 'person' AND from_type = 'item' AND from_id = ? AND removed_at IS NULL`,
  );
  const out = new Set<string>();
  for (const id of itemIds) for (const r of stmt.all(id, id)) out.add(r.person);
  return out;
}

export type RawEvent = { readonly seq: number; readonly bytes: Buffer; readonly signature: Buffer };

/** Every custody event about the given subjects with seq < `size` (the packet checkpoint's tree size), by seq. */
export function eventsAbout(vault: Vault, subjects: readonly string[], size: number): RawEvent[] {
  const stmt = vault.db.prepare<[string, number], RawEvent>('SELECT seq, bytes, signature FROM events WHERE subject = ? AND seq < ? ORDER BY seq');
  const bySeq = new Map<number, RawEvent>();
  for (const s of new Set(subjects)) for (const e of stmt.all(s, size)) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The active tag term ids (with details) on the targets, oldest first. */
export function activeTags(vault: Vault, targetIds: readonly string[]): { targetId: string; termId: string; details: string | null }[] {
  const stmt = vault.db.prepare<[string], { target_id: string; term_id: string; details: string | null }>(
    'SELECT target_id, term_id, details FROM tag_assignments WHERE target_id = ? AND removed_at IS NULL ORDER BY assigned_at, rowid',
  );
  return targetIds.flatMap((t) => stmt.all(t).map((r) => ({ targetId: r.target_id, termId: r.term_id, details: r.details })));
}
