import type { SearchDocType } from '../../../shared/model/catalogue';
import { reader, writer, type ReadableDb, type SqlParam, type WritableDb } from './connection';

/**
 * `search_fts` (FTS5: normalised title and body) and `search_docs` (one row per indexed object: its FTS rowid and
 * the filter and sort keys; migration 0003). Written only by catalogue/search-index.ts, inside the transaction of
 * the change it follows. Also the reads the index is built from (search-source.ts) and the runner of a search
 * plan (search-plan.ts builds it from fixed fragments and bound parameters).
 */

/** sort_date, sort_name, media_type, has_gps, place. */
export type SearchFacets = readonly [string, string, string | null, number | null, string | null];

export function indexedRowid(db: ReadableDb, type: SearchDocType, id: string): number | undefined {
  return reader(db).one<{ fts_rowid: number }>('SELECT fts_rowid FROM search_docs WHERE doc_type = ? AND doc_id = ?', type, id)?.fts_rowid;
}

export function deleteIndexed(db: WritableDb, type: SearchDocType, id: string, rowid: number): void {
  writer(db).run('DELETE FROM search_fts WHERE rowid = ?', rowid);
  writer(db).run('DELETE FROM search_docs WHERE doc_type = ? AND doc_id = ?', type, id);
}

export function updateIndexed(db: WritableDb, type: SearchDocType, id: string, rowid: number, title: string, body: string, facets: SearchFacets): void {
  writer(db).run('UPDATE search_fts SET title = ?, body = ? WHERE rowid = ?', title, body, rowid);
  writer(db).run('UPDATE search_docs SET sort_date = ?, sort_name = ?, media_type = ?, has_gps = ?, place = ? WHERE doc_type = ? AND doc_id = ?', ...facets, type, id);
}

export function insertIndexed(db: WritableDb, type: SearchDocType, id: string, title: string, body: string, facets: SearchFacets): void {
  const r = writer(db).run('INSERT INTO search_fts (doc_type, doc_id, title, body) VALUES (?, ?, ?, ?)', type, id, title, body);
  writer(db).run(
    'INSERT INTO search_docs (doc_type, doc_id, fts_rowid, sort_date, sort_name, media_type, has_gps, place) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    type, id, r.lastInsertRowid, ...facets,
  );
}

/** Empties the index (before a rebuild). */
export function clearIndex(db: WritableDb): void {
  writer(db).run('DELETE FROM search_docs');
  writer(db).run('DELETE FROM search_fts');
}

/** Merges the FTS index's segments (after a rebuild). */
export function optimizeIndex(db: WritableDb): void {
  writer(db).run("INSERT INTO search_fts (search_fts) VALUES ('optimize')");
}

const LIVE_IDS: Record<SearchDocType, string> = {
  item: 'SELECT id FROM items WHERE deleted_at IS NULL ORDER BY rowid',
  case: 'SELECT id FROM cases WHERE deleted_at IS NULL ORDER BY rowid',
  testimony: 'SELECT id FROM testimonies WHERE deleted_at IS NULL ORDER BY rowid',
  person: 'SELECT id FROM persons WHERE deleted_at IS NULL ORDER BY rowid',
};

/** The live objects of a type, in insertion order (what a rebuild indexes). */
export function liveDocIds(db: ReadableDb, type: SearchDocType): string[] {
  return reader(db).all<{ id: string }>(LIVE_IDS[type]).map((r) => r.id);
}

// ——— What is indexed (search-source.ts) ———

export type ItemSearchRow = {
  readonly original_name: string;
  readonly title: string | null;
  readonly description: string | null;
  readonly place: string | null;
  readonly source_note: string | null;
  readonly metadata: string;
  readonly capture_time: string | null;
  readonly ingested_at: string;
  readonly media_type: string;
  readonly gps_lat: number | null;
  readonly deleted_at: string | null;
};

export function itemSearchRow(db: ReadableDb, id: string): ItemSearchRow | undefined {
  return reader(db).one(
    'SELECT original_name, title, description, place, source_note, metadata, capture_time, ingested_at, media_type, gps_lat, deleted_at FROM items WHERE id = ?',
    id,
  );
}

/** The titles of the live cases an item belongs to. */
export function liveCaseTitlesOfItem(db: ReadableDb, itemId: string): string[] {
  return reader(db)
    .all<{ title: string }>('SELECT c.title FROM case_items ci JOIN cases c ON c.id = ci.case_id WHERE ci.item_id = ? AND c.deleted_at IS NULL', itemId)
    .map((c) => c.title);
}

export function caseSearchRow(db: ReadableDb, id: string): { title: string; summary: string | null; notes: string | null; country: string | null; created_at: string } | undefined {
  return reader(db).one('SELECT title, summary, notes, country, created_at FROM cases WHERE id = ? AND deleted_at IS NULL', id);
}

export type TestimonySearchRow = {
  readonly title: string;
  readonly place: string | null;
  readonly interviewer: string | null;
  readonly interpreter: string | null;
  readonly text: string;
  readonly interview_date: string | null;
  readonly created_at: string;
  /** The live witness's pseudonym. */
  readonly pseudonym: string | null;
};

export function testimonySearchRow(db: ReadableDb, id: string): TestimonySearchRow | undefined {
  return reader(db).one(
    `SELECT t.title, t.place, t.interviewer, t.interpreter, t.text, t.interview_date, t.created_at, p.pseudonym
       FROM testimonies t LEFT JOIN persons p ON p.id = t.witness_id AND p.deleted_at IS NULL
      WHERE t.id = ? AND t.deleted_at IS NULL`,
    id,
  );
}

export function personSearchRow(db: ReadableDb, id: string): { pseudonym: string; real_name: string; created_at: string } | undefined {
  return reader(db).one('SELECT pseudonym, real_name, created_at FROM persons WHERE id = ? AND deleted_at IS NULL', id);
}

// ——— Running a search plan (search.ts) ———

/** A plan's SQL, built by search-plan.ts from fixed fragments only; every value is in `params`. */
export type SearchPlanSql = { readonly withSql: string; readonly from: string; readonly where: readonly string[]; readonly params: readonly SqlParam[] };

export type SearchHitRow = { readonly fts_rowid: number; readonly doc_type: SearchDocType; readonly doc_id: string };

/** How many documents the plan matches. `textOnly`: the plan is one FTS match and nothing else. */
export function countMatches(db: ReadableDb, plan: SearchPlanSql, textOnly: boolean): number {
  const whereSql = plan.where.length > 0 ? `WHERE ${plan.where.join(' AND ')}` : '';
  // A plain text query counts on the FTS index alone (every FTS row has its search_docs row).
  const sql = textOnly ? 'SELECT count(*) AS n FROM search_fts WHERE search_fts MATCH ?' : `${plan.withSql}SELECT count(*) AS n FROM ${plan.from} ${whereSql}`;
  return reader(db).one<{ n: number }>(sql, ...plan.params)!.n;
}

/** The FTS rowids of one page of the plan's matches, in `orderBy` order (a fixed fragment). */
export function matchPage(db: ReadableDb, plan: SearchPlanSql, orderBy: string, limit: number, offset: number): number[] {
  const whereSql = plan.where.length > 0 ? `WHERE ${plan.where.join(' AND ')}` : '';
  // The page query selects only rowids, which every index covers; documents are looked up for the page only.
  return reader(db)
    .all<{ r: number }>(`${plan.withSql}SELECT sd.fts_rowid AS r FROM ${plan.from} ${whereSql} ORDER BY ${orderBy} LIMIT ? OFFSET ?`, ...plan.params, limit, offset)
    .map((r) => r.r);
}

/** The documents of these FTS rowids (any order). */
export function docsOfRowids(db: ReadableDb, rowids: readonly number[]): SearchHitRow[] {
  return reader(db).all('SELECT fts_rowid, doc_type, doc_id FROM search_docs WHERE fts_rowid IN (SELECT value FROM json_each(?))', JSON.stringify(rowids));
}
