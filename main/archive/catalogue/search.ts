import { SearchQuery, type SearchDocType, type SearchHit, type SearchResult } from '../../../shared/model/catalogue';
import type { Vault } from '../vault/vault';
import { buildPlan, docTypesFor, orderBy } from './search-plan';
import { parseSearchText, type QueryToken } from './search-query';
import { docSource } from './search-source';
import { makeSnippet } from './snippet';
import { all, one } from './sql';
import { parseInput } from './validate';

/**
 * Catalogue search (DESIGN §4): FTS5 over the normalised index, filters and sorts on the search_docs columns (see
 * migration 0003), paged, with the total. User text reaches FTS5 only through ftsMatchExpression (quoted words);
 * the SQL comes from search-plan.ts.
 */

type HitRow = { fts_rowid: number; doc_type: SearchDocType; doc_id: string };

export function searchCatalogue(vault: Vault, input: SearchQuery): SearchResult {
  const q = parseInput(SearchQuery, input, 'search');
  const tokens = parseSearchText(q.text);
  const offset = q.offset ?? 0;
  const limit = q.limit ?? 50;
  const types = docTypesFor(q);
  if (types.length === 0) return { total: 0, offset, hits: [] };
  const plan = buildPlan(vault, q, types, tokens);
  const whereSql = plan.where.length > 0 ? `WHERE ${plan.where.join(' AND ')}` : '';
  // A plain text query counts on the FTS index alone (every FTS row has its search_docs row).
  const countSql =
    tokens.length > 0 && plan.where.length === 1 && !plan.withSql
      ? 'SELECT count(*) AS n FROM search_fts WHERE search_fts MATCH ?'
      : `${plan.withSql}SELECT count(*) AS n FROM ${plan.from} ${whereSql}`;
  const total = one<{ n: number }>(vault, countSql, ...plan.params)!.n;
  if (total === 0 || offset >= total) return { total, offset, hits: [] };
  // The page query selects only rowids, which every index covers; documents are looked up for the page only.
  const rowids = all<{ r: number }>(vault, `${plan.withSql}SELECT sd.fts_rowid AS r FROM ${plan.from} ${whereSql} ORDER BY ${orderBy(q.sort ?? 'relevance', tokens.length > 0)} LIMIT ? OFFSET ?`, ...plan.params, limit, offset)
    .map((r) => r.r);
  const docs = new Map(
    all<HitRow>(vault, 'SELECT fts_rowid, doc_type, doc_id FROM search_docs WHERE fts_rowid IN (SELECT value FROM json_each(?))', JSON.stringify(rowids))
      .map((d) => [d.fts_rowid, d]),
  );
  return { total, offset, hits: rowids.map((r) => docs.get(r)).filter((d): d is HitRow => d !== undefined).map((d) => hitOf(vault, d, tokens)) };
}

function hitOf(vault: Vault, r: HitRow, tokens: readonly QueryToken[]): SearchHit {
  const src = docSource(vault, r.doc_type, r.doc_id);
  if (!src) return { docType: r.doc_type, id: r.doc_id, title: '', snippet: '', highlights: [] };
  const s = makeSnippet(src.body.length > 0 ? src.body : [src.title], tokens);
  return {
    docType: r.doc_type,
    id: r.doc_id,
    title: src.title,
    snippet: s.snippet,
    highlights: s.highlights,
    ...(r.doc_type === 'item'
      ? { mediaType: src.mediaType ?? '', hasGps: src.hasGps === 1, ...(src.captureTime ? { captureTime: src.captureTime } : {}) }
      : {}),
  };
}
