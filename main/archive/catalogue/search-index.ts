import type { SearchDocType } from '../../../shared/model/catalogue';
import { normalizeForSearch } from '../../../shared/text';
import type { Vault } from '../vault/vault';
import { stripArabicArticle } from './arabic';
import { docSource } from './search-source';
import { clearIndex, deleteIndexed, indexedRowid, insertIndexed, liveDocIds, optimizeIndex, updateIndexed, type SearchFacets } from '../db/search';
import { itemIdsOfCase } from '../db/cases';
import { liveTestimonyIdsOfWitness } from '../db/testimonies';

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
  const rowid = indexedRowid(vault.store, type, id);
  if (rowid !== undefined) deleteIndexed(vault.store, type, id, rowid);
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
  const facets: SearchFacets = [src.sortDate, normalizeForSearch(src.sortName), src.mediaType, src.hasGps, src.place === null ? null : normalizeForSearch(src.place)];
  const rowid = indexedRowid(vault.store, type, id);
  if (rowid !== undefined) updateIndexed(vault.store, type, id, rowid, title, body, facets);
  else insertIndexed(vault.store, type, id, title, body, facets);
}

/** The one call ingest makes, inside the transaction that inserts the item. */
export function indexItem(vault: Vault, itemId: string): void {
  indexDoc(vault, 'item', itemId);
}

/** Items carry their cases' titles: reindex them when a case's title changes or the case is deleted. */
export function reindexCaseItems(vault: Vault, caseId: string): void {
  for (const itemId of itemIdsOfCase(vault.store, caseId)) indexDoc(vault, 'item', itemId);
}

/** Testimonies carry their witness's pseudonym. */
export function reindexWitnessTestimonies(vault: Vault, personId: string): void {
  for (const id of liveTestimonyIdsOfWitness(vault.store, personId)) indexDoc(vault, 'testimony', id);
}

/** Rebuilds the whole index from the catalogue (after a restore, or to repair). Runs in one transaction. */
export function rebuildSearchIndex(vault: Vault): { documents: number } {
  return vault.transaction(() => {
    clearIndex(vault.store);
    let documents = 0;
    for (const type of ['item', 'case', 'testimony', 'person'] as const) {
      for (const id of liveDocIds(vault.store, type)) {
        indexDoc(vault, type, id);
        documents++;
      }
    }
    optimizeIndex(vault.store);
    return { documents };
  });
}
