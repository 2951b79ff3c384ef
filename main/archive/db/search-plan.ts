import { SEARCH_DOC_TYPES, type SearchDocType, type SearchQuery, type SearchSort } from '../../../shared/model/catalogue';
import { normalizeForSearch } from '../../../shared/text';
import { assertNever } from '../../../shared/errors';
import type { SqlParam } from './connection';
import type { SearchPlanSql } from './search';

/**
 * The SQL of a catalogue search, from fixed fragments and bound parameters (db/search.ts runs it; catalogue/
 * search.ts checks the filters and resolves them to the inputs below first). Filters that only
 * make sense for items (media type, date, place, GPS, consent) restrict the result to items; the case filter
 * applies to every type (an item or testimony in the case, the case itself, its people); tag filters apply to what
 * can be tagged (items, testimonies, cases), and a group term also matches its sub-terms.
 */

/**
 * A query plan: what drives the scan, the per-row predicates, their parameters. The driver matters at 100k items
 * (SQLite has no statistics on these tables): a text query is driven by the FTS match (CROSS JOIN fixes the join
 * order), a browse with a case or tag filter by that small candidate list, any other browse by a covering index.
 */
export type Plan = SearchPlanSql & { readonly where: string[] };
/** Parsed (checked) search filters. */
export type Filters = NonNullable<ReturnType<typeof SearchQuery.parse>['filters']>;
type Candidates = { readonly sql: string; readonly params: SqlParam[] };

/** The filters, checked and resolved (catalogue/search.ts): what the plan is built from. */
export type PlanInput = {
  readonly filters: Filters;
  readonly types: readonly SearchDocType[];
  /** The FTS5 match expression of the text (search-query.ts ftsMatchExpression), if there is text. */
  readonly match: string | undefined;
  /** Per tag filter, the terms it matches (a group term and its sub-terms). */
  readonly tagTerms: readonly (readonly string[])[];
  /** With a consent filter, the cases that qualify. */
  readonly consentCases: readonly string[] | undefined;
};

const ITEM_ONLY_FILTERS = ['mediaType', 'dateFrom', 'dateTo', 'place', 'hasGps', 'consentState'] as const;

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The day after a YYYY-MM-DD date, so "to 2024-05-01" includes all of that day whatever the time zone suffix. */
function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** [lo, hi) bounds of the strings starting with `prefix` (a range an index can serve; LIKE could not). */
function prefixRange(prefix: string): [string, string] {
  const last = prefix.charCodeAt(prefix.length - 1);
  return [prefix, prefix.slice(0, -1) + String.fromCharCode(last + 1)];
}

/** The document types a search with these filters can return. */
export function docTypesFor(f: Filters): SearchDocType[] {
  let types: SearchDocType[] = [...(f.docTypes ?? SEARCH_DOC_TYPES)];
  if (ITEM_ONLY_FILTERS.some((k) => f[k] !== undefined)) types = types.filter((t) => t === 'item');
  if (f.tags && f.tags.length > 0) types = types.filter((t) => t !== 'person');
  return [...new Set(types)];
}

/** The documents of a case: its items, testimonies, itself, its people. */
function caseCandidates(caseId: string, types: readonly SearchDocType[]): Candidates {
  const parts: string[] = [];
  const params: SqlParam[] = [];
  for (const t of types) {
    switch (t) {
      case 'item':
        parts.push("SELECT 'item' AS t, item_id AS id FROM case_items WHERE case_id = ?");
        break;
      case 'testimony':
        parts.push("SELECT 'testimony' AS t, id AS id FROM testimonies WHERE case_id = ? AND deleted_at IS NULL");
        break;
      case 'case':
        parts.push("SELECT 'case' AS t, ? AS id");
        break;
      case 'person':
        parts.push("SELECT DISTINCT 'person' AS t, person_id AS id FROM case_persons WHERE case_id = ?");
        break;
      default:
        assertNever(t, 'document type');
    }
    params.push(caseId);
  }
  return { sql: parts.join(' UNION ALL '), params };
}

function tagCandidates(terms: readonly string[], types: readonly SearchDocType[]): Candidates {
  // Literal placeholder lists (not json_each) so the planner uses tag_assignments_active (term_id, target_type, …).
  const targetTypes = types.filter((t) => t !== 'person');
  return {
    sql: `SELECT DISTINCT target_type AS t, target_id AS id FROM tag_assignments
      WHERE term_id IN (${terms.map(() => '?').join(', ')}) AND target_type IN (${targetTypes.map(() => '?').join(', ')}) AND removed_at IS NULL`,
    params: [...terms, ...targetTypes],
  };
}

type Conditions = { readonly where: string[]; readonly params: SqlParam[] };

export function buildPlan(input: PlanInput): Plan {
  const { filters: f, types } = input;
  const cond: Conditions = { where: [], params: [] };
  const candidates: Candidates[] = [];
  if (f.caseId) candidates.push(caseCandidates(f.caseId, types));
  for (const terms of input.tagTerms) candidates.push(tagCandidates(terms, types));
  const consent = consentCases(input);
  const driver = chooseDriver(input, candidates, cond);
  for (const c of candidates) {
    cond.where.push(`(sd.doc_type, sd.doc_id) IN (${c.sql})`);
    cond.params.push(...c.params);
  }
  if (f.consentState && !driver.consentDrives) {
    cond.where.push('EXISTS (SELECT 1 FROM case_items ci JOIN cc ON cc.id = ci.case_id WHERE ci.item_id = sd.doc_id)');
  }
  fieldConditions(input, cond);
  return { withSql: consent.withSql, from: driver.from, where: cond.where, params: [...consent.params, ...driver.params, ...cond.params] };
}

/**
 * Consent: the cases that qualify, materialised once (cc); items are tested by joining their cases to it, which
 * SQLite does with an automatic index. (An IN over json_each inside the per-row subquery is re-read per row.)
 */
function consentCases(input: PlanInput): { readonly withSql: string; readonly params: SqlParam[] } {
  if (!input.filters.consentState) return { withSql: '', params: [] };
  return { withSql: 'WITH cc(id) AS MATERIALIZED (SELECT value FROM json_each(?)) ', params: [JSON.stringify(input.consentCases ?? [])] };
}

/**
 * The rows the query starts from: the text match, else the first candidate set (taken off `candidates`), else the
 * place index, else the consenting cases' items, else every document. A text match adds its condition to `cond`.
 */
function chooseDriver(input: PlanInput, candidates: Candidates[], cond: Conditions): { readonly from: string; readonly params: SqlParam[]; readonly consentDrives: boolean } {
  const f = input.filters;
  if (input.match !== undefined) {
    cond.where.push('search_fts MATCH ?');
    cond.params.push(input.match);
    return { from: 'search_fts CROSS JOIN search_docs sd ON sd.fts_rowid = search_fts.rowid', params: [], consentDrives: false };
  }
  if (candidates.length > 0) {
    const driver = candidates.shift()!;
    return { from: `(${driver.sql}) c CROSS JOIN search_docs sd ON sd.doc_type = c.t AND sd.doc_id = c.id`, params: [...driver.params], consentDrives: false };
  }
  // Without statistics SQLite would scan all items by type and test the place of each; the partial index of
  // documents that have a place is the small one to scan.
  if (f.place) return { from: 'search_docs sd INDEXED BY search_docs_place', params: [], consentDrives: false };
  if (f.consentState) {
    const from = "(SELECT DISTINCT ci.item_id AS id FROM cc CROSS JOIN case_items ci ON ci.case_id = cc.id) c CROSS JOIN search_docs sd ON sd.doc_type = 'item' AND sd.doc_id = c.id";
    return { from, params: [], consentDrives: true };
  }
  return { from: 'search_docs sd', params: [], consentDrives: false };
}

/** The conditions on the document's own fields: type, media type, GPS, date range, place. */
function fieldConditions(input: PlanInput, cond: Conditions): void {
  const { filters: f, types } = input;
  const { where, params } = cond;
  if (types.length < SEARCH_DOC_TYPES.length) {
    where.push(`sd.doc_type IN (${types.map(() => '?').join(', ')})`);
    params.push(...types);
  }
  if (f.mediaType) {
    const [lo, hi] = prefixRange(f.mediaType.toLowerCase());
    where.push('sd.media_type >= ? AND sd.media_type < ?');
    params.push(lo, hi);
  }
  if (f.hasGps !== undefined) {
    where.push('sd.has_gps = ?');
    params.push(f.hasGps ? 1 : 0);
  }
  if (f.dateFrom) {
    where.push('sd.sort_date >= ?');
    params.push(f.dateFrom);
  }
  if (f.dateTo) {
    where.push(f.dateTo.length === 10 ? 'sd.sort_date < ?' : 'sd.sort_date <= ?');
    params.push(f.dateTo.length === 10 ? nextDay(f.dateTo) : f.dateTo);
  }
  if (f.place) {
    where.push("sd.place IS NOT NULL AND sd.place LIKE ? ESCAPE '\\'");
    params.push(`%${escapeLike(normalizeForSearch(f.place))}%`);
  }
}

export function orderBy(sort: SearchSort, hasText: boolean): string {
  switch (sort) {
    case 'relevance':
      return hasText ? 'search_fts.rank, sd.fts_rowid' : 'sd.sort_date DESC, sd.fts_rowid DESC';
    case 'date-desc':
      return 'sd.sort_date DESC, sd.fts_rowid DESC';
    case 'date-asc':
      return 'sd.sort_date ASC, sd.fts_rowid ASC';
    case 'name':
      return 'sd.sort_name ASC, sd.fts_rowid ASC';
    default:
      return assertNever(sort, 'sort');
  }
}

