import type { SearchDocType } from '../../../shared/model/catalogue';
import { normalizeForSearch } from '../../../shared/text';
import type { Vault } from '../vault/vault';
import { stripArabicArticle } from './arabic';
import { docSource } from './search-source';
import { all, one, run } from './sql';

/**
 * Keeps the full-text index (search_fts, FTS5) and its per-document rows (search_docs: FTS rowid + filter and sort
 * keys) in step with the catalogue. Every write here runs inside the caller's transaction, so the index never
 * disagrees with a committed change. Text is stored normalised by normalizeForSearch (accents, case, Arabic
 * diacritics and letter variants folded); queries are normalised the same way (search-query.ts).
 *
 * Deleted objects are removed from the index rather than flagged: search shows only what is live.
 */

const WORDS = /[\p{L}\p{N}\p{Co}]+/gu;

/** Normalised text, plus the article-less form of Arabic words (arabic.ts) so both spellings are found. */
function norm(parts: readonly string[]): string {
  const text = parts
    .filter((p) => p.length > 0)
    .map((p) => normalizeForSearch(p))
    .join('\n');
  const stems = new Set<string>();
  for (const w of text.match(WORDS) ?? []) {
    const s = stripArabicArticle(w);
    if (s) stems.add(s);
  }
  return stems.size > 0 ? `${text}\n${[...stems].join(' ')}` : text;
}

export function removeDoc(vault: Vault, type: SearchDocType, id: string): void {
  const row = one<{ fts_rowid: number }>(vault, 'SELECT fts_rowid FROM search_docs WHERE doc_type = ? AND doc_id = ?', type, id);
  if (!row) return;
  run(vault, 'DELETE FROM search_fts WHERE rowid = ?', row.fts_rowid);
  run(vault, 'DELETE FROM search_docs WHERE doc_type = ? AND doc_id = ?', type, id);
}

/** (Re)indexes one object; removes it from the index if it no longer exists or is deleted. */
export function indexDoc(vault: Vault, type: SearchDocType, id: string): void {
  const src = docSource(vault, type, id);
  if (!src) {
    removeDoc(vault, type, id);
    return;
  }
  const title = norm([src.title]);
  const body = norm([...src.body, ...src.extra]);
  const facets = [src.sortDate, normalizeForSearch(src.sortName), src.mediaType, src.hasGps, src.place === null ? null : normalizeForSearch(src.place)];
  const row = one<{ fts_rowid: number }>(vault, 'SELECT fts_rowid FROM search_docs WHERE doc_type = ? AND doc_id = ?', type, id);
  if (row) {
    run(vault, 'UPDATE search_fts SET title = ?, body = ? WHERE rowid = ?', title, body, row.fts_rowid);
    run(vault, 'UPDATE search_docs SET sort_date = ?, sort_name = ?, media_type = ?, has_gps = ?, place = ? WHERE doc_type = ? AND doc_id = ?', ...facets, type, id);
  } else {
    const r = run(vault, 'INSERT INTO search_fts (doc_type, doc_id, title, body) VALUES (?, ?, ?, ?)', type, id, title, body);
    run(
      vault,
      'INSERT INTO search_docs (doc_type, doc_id, fts_rowid, sort_date, sort_name, media_type, has_gps, place) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      type,
      id,
      r.lastInsertRowid,
      ...facets,
    );
  }
}

/** The one call ingest makes, inside the transaction that inserts the item. */
export function indexItem(vault: Vault, itemId: string): void {
  indexDoc(vault, 'item', itemId);
}

/** Items carry their cases' titles: reindex them when a case's title changes or the case is deleted. */
export function reindexCaseItems(vault: Vault, caseId: string): void {
  for (const r of all<{ item_id: string }>(vault, 'SELECT item_id FROM case_items WHERE case_id = ?', caseId)) indexDoc(vault, 'item', r.item_id);
}

/** Testimonies carry their witness's pseudonym. */
export function reindexWitnessTestimonies(vault: Vault, personId: string): void {
  for (const r of all<{ id: string }>(vault, 'SELECT id FROM testimonies WHERE witness_id = ? AND deleted_at IS NULL', personId)) indexDoc(vault, 'testimony', r.id);
}

/** Rebuilds the whole index from the catalogue (after a restore, or to repair). Runs in one transaction. */
export function rebuildSearchIndex(vault: Vault): { documents: number } {
  return vault.transaction(() => {
    run(vault, 'DELETE FROM search_docs');
    run(vault, 'DELETE FROM search_fts');
    let documents = 0;
    const each = (type: SearchDocType, sql: string): void => {
      for (const r of all<{ id: string }>(vault, sql)) {
        indexDoc(vault, type, r.id);
        documents++;
      }
    };
    each('item', 'SELECT id FROM items WHERE deleted_at IS NULL ORDER BY rowid');
    each('case', 'SELECT id FROM cases WHERE deleted_at IS NULL ORDER BY rowid');
    each('testimony', 'SELECT id FROM testimonies WHERE deleted_at IS NULL ORDER BY rowid');
    each('person', 'SELECT id FROM persons WHERE deleted_at IS NULL ORDER BY rowid');
    run(vault, "INSERT INTO search_fts (search_fts) VALUES ('optimize')");
    return { documents };
  });
}
