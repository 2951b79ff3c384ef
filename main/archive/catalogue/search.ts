import { SearchQuery, type SearchDocType, type SearchHit, type SearchResult } from '../../../shared/model/catalogue';
import type { Vault } from '../vault/vault';
import { buildPlan, docTypesFor, orderBy, type Filters } from '../db/search-plan';
import { countMatches, docsOfRowids, matchPage, type SearchHitRow } from '../db/search';
import { casesWithConsentState } from './consent-sql';
import { requireCase } from './exists';
import { checkMechanisms } from './mechanisms';
import { ftsMatchExpression, parseSearchText, type QueryToken } from './search-query';
import { docSource } from './search-source';
import { makeSnippet } from './snippet';
import { expandTermFilter } from './tags';
import { parseInput } from './validate';

/**
 * Catalogue search (DESIGN §4): FTS5 over the normalised index, filters and sorts on the search_docs columns (see
 * migration 0003), paged, with the total. User text reaches FTS5 only through ftsMatchExpression (quoted words);
 * the SQL comes from db/search-plan.ts, built from the filters once they are checked and resolved here.
 */

type HitRow = SearchHitRow;

/** Checks the filters' references (the case, tag terms, mechanism) and resolves what the plan needs from them. */
function resolvePlan(vault: Vault, f: Filters, types: readonly SearchDocType[], tokens: readonly QueryToken[]) {
  if (f.caseId) requireCase(vault, f.caseId, 'filters.caseId');
  const tagTerms = (f.tags ?? []).map((term, i) => expandTermFilter(term, `filters.tags.${i}`));
  let consentCases: string[] | undefined;
  if (f.consentState) {
    if (f.consentMechanism) checkMechanisms([f.consentMechanism], 'filters.consentMechanism', true);
    consentCases = casesWithConsentState(vault, f.consentState, f.consentMechanism);
  }
  return buildPlan({ filters: f, types, match: tokens.length > 0 ? ftsMatchExpression(tokens) : undefined, tagTerms, consentCases });
}

export function searchCatalogue(vault: Vault, input: SearchQuery): SearchResult {
  const q = parseInput(SearchQuery, input, 'search');
  const tokens = parseSearchText(q.text);
  const offset = q.offset ?? 0;
  const limit = q.limit ?? 50;
  const filters = q.filters ?? {};
  const types = docTypesFor(filters);
  if (types.length === 0) return { total: 0, offset, hits: [] };
  const plan = resolvePlan(vault, filters, types, tokens);
  const total = countMatches(vault.store, plan, tokens.length > 0 && plan.where.length === 1 && !plan.withSql);
  if (total === 0 || offset >= total) return { total, offset, hits: [] };
  const rowids = matchPage(vault.store, plan, orderBy(q.sort ?? 'relevance', tokens.length > 0), limit, offset);
  const docs = new Map(docsOfRowids(vault.store, rowids).map((d) => [d.fts_rowid, d]));
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
