import type { ExtractedMetadata } from '../../../shared/model/items';
import type { SearchDocType } from '../../../shared/model/catalogue';
import { termLabel } from '../../../shared/taxonomy';
import { assertNever } from '../../../shared/errors';
import type { Vault } from '../vault/vault';
import { activeTagTerms } from '../db/tags';
import { caseSearchRow, itemSearchRow, liveCaseTitlesOfItem, personSearchRow, testimonySearchRow } from '../db/search';

/**
 * What the search index holds for one catalogue object, in the original spelling: the index stores it normalised
 * (search-index.ts), search results show snippets cut from it (snippet.ts). One function per document type, so
 * "what is searchable" is readable in one place.
 */
export type DocSource = {
  readonly title: string;
  /** Searchable parts other than the title, most useful for snippets first. */
  readonly body: readonly string[];
  /** Extra searchable words (file name, tag labels in every language, case titles) not used for snippets. */
  readonly extra: readonly string[];
  readonly sortDate: string;
  readonly sortName: string;
  readonly mediaType: string | null;
  readonly hasGps: number | null;
  readonly place: string | null;
  readonly captureTime?: string;
};

const LANGS = ['en', 'es', 'fr', 'ar'] as const;

function tagWords(vault: Vault, targetType: 'item' | 'testimony' | 'case', targetId: string): string[] {
  const rows = activeTagTerms(vault.store, targetType, targetId);
  const words: string[] = [];
  for (const r of rows) {
    for (const lang of LANGS) words.push(termLabel(r.term_id, lang));
    if (r.details) {
      for (const v of Object.values(JSON.parse(r.details) as Record<string, unknown>)) {
        if (typeof v === 'string') words.push(v);
        else if (Array.isArray(v)) words.push(...v.filter((x): x is string => typeof x === 'string'));
      }
    }
  }
  return words;
}

/** A capture time sorts only if it looks like a date (cameras write "0000:00:00" and worse). */
export function itemSortDate(captureTime: string | null, ingestedAt: string): string {
  return captureTime && /^(?!0000)\d{4}-\d{2}-\d{2}/.test(captureTime) ? captureTime : ingestedAt;
}

function itemSource(vault: Vault, id: string): DocSource | undefined {
  const r = itemSearchRow(vault.store, id);
  if (!r || r.deleted_at !== null) return undefined;
  const m = JSON.parse(r.metadata) as ExtractedMetadata;
  const metaWords = [m.make, m.model, m.software, m.lensModel, m.captureTime, m.copyright, ...(m.creators ?? [])].filter((x): x is string => typeof x === 'string');
  const caseTitles = liveCaseTitlesOfItem(vault.store, id);
  const title = r.title ?? r.original_name;
  return {
    title,
    body: [r.description, r.place, r.source_note].filter((x): x is string => !!x),
    extra: [r.title ? r.original_name : '', ...metaWords, ...tagWords(vault, 'item', id), ...caseTitles],
    sortDate: itemSortDate(r.capture_time, r.ingested_at),
    sortName: title,
    mediaType: r.media_type,
    hasGps: r.gps_lat === null ? 0 : 1,
    place: r.place,
    ...(r.capture_time ? { captureTime: r.capture_time } : {}),
  };
}

function caseSource(vault: Vault, id: string): DocSource | undefined {
  const r = caseSearchRow(vault.store, id);
  if (!r) return undefined;
  return {
    title: r.title,
    body: [r.summary, r.notes].filter((x): x is string => !!x),
    extra: [r.country ?? '', ...tagWords(vault, 'case', id)],
    sortDate: r.created_at,
    sortName: r.title,
    mediaType: null,
    hasGps: null,
    place: null,
  };
}

function testimonySource(vault: Vault, id: string): DocSource | undefined {
  const r = testimonySearchRow(vault.store, id);
  if (!r) return undefined;
  return {
    title: r.title,
    body: [r.text, r.place, r.interviewer, r.interpreter].filter((x): x is string => !!x),
    // The witness's pseudonym (never the real name): searching "Testigo 4" finds what they said.
    extra: [r.pseudonym ?? '', ...tagWords(vault, 'testimony', id)],
    sortDate: r.interview_date ?? r.created_at,
    sortName: r.title,
    mediaType: null,
    hasGps: null,
    place: r.place,
  };
}

function personSource(vault: Vault, id: string): DocSource | undefined {
  const r = personSearchRow(vault.store, id);
  if (!r) return undefined;
  return { title: r.pseudonym, body: [r.real_name], extra: [], sortDate: r.created_at, sortName: r.pseudonym, mediaType: null, hasGps: null, place: null };
}

/** The searchable content of a live object, or undefined if it does not exist or is deleted. */
export function docSource(vault: Vault, type: SearchDocType, id: string): DocSource | undefined {
  switch (type) {
    case 'item':
      return itemSource(vault, id);
    case 'case':
      return caseSource(vault, id);
    case 'testimony':
      return testimonySource(vault, id);
    case 'person':
      return personSource(vault, id);
    default:
      return assertNever(type, 'document type');
  }
}
