import type { Language } from '../api';
import { LANGS, pickLocalized } from '../localized';
import { normalizeForSearch, searchWords } from '../text';
import type { Taxonomy, TaxonomyId, Term, TermSearchHit, TermSearchOptions } from './types';

// Type-ahead over taxonomy labels. Small data (about a hundred terms) so a linear scan over a precomputed,
// normalised index is fast enough (well under a millisecond per keystroke) and needs no extra library.

type IndexedText = { readonly full: string; readonly words: readonly string[] };
type IndexedTerm = {
  readonly taxonomyId: TaxonomyId;
  readonly term: Term;
  readonly order: number;
  readonly labels: ReadonlyMap<Language, IndexedText>;
  readonly descriptions: ReadonlyMap<Language, IndexedText>;
};

function indexText(s: string): IndexedText {
  const full = normalizeForSearch(s);
  return { full, words: searchWords(full) };
}

function buildIndex(taxonomies: readonly Taxonomy[]): IndexedTerm[] {
  const built: IndexedTerm[] = [];
  for (const taxonomy of taxonomies) {
    for (const term of taxonomy.terms) {
      if (term.retired) continue;
      const labels = new Map<Language, IndexedText>();
      const descriptions = new Map<Language, IndexedText>();
      for (const lang of LANGS) {
        labels.set(lang, indexText(pickLocalized(term.labels, lang)));
        if (term.description) descriptions.set(lang, indexText(pickLocalized(term.description, lang)));
      }
      built.push({ taxonomyId: taxonomy.id, term, order: built.length, labels, descriptions });
    }
  }
  return built;
}

// How well the query matches a text. Every query word must match some word of the text: exactly (best), as the
// start of the word, or, for words of three letters or more, inside it (catches Arabic words that carry the
// article or a clitic, e.g. "صدمات" in "الصدمات"). 0 when any query word matches nothing. A whole-text match
// ranks first, then texts that start with the query; a text that is mostly the query beats a long one.
function matchScore(queryFull: string, queryWords: readonly string[], text: IndexedText): number {
  if (queryWords.length === 0) return 0;
  if (text.full === queryFull) return 200;
  let total = 0;
  for (const q of queryWords) {
    let best = 0;
    for (const w of text.words) {
      if (w === q) best = Math.max(best, 3);
      else if (w.startsWith(q)) best = Math.max(best, 2);
      else if (q.length >= 3 && w.includes(q)) best = Math.max(best, 1);
    }
    if (best === 0) return 0;
    total += best;
  }
  const wordScore = 20 + (total / queryWords.length) * 10; // 30..50
  const startBonus = text.full.startsWith(queryFull) ? 100 : 0;
  const coverage = Math.min(1, queryFull.length / Math.max(1, text.full.length));
  return startBonus + wordScore + coverage * 5;
}

export type TermSearch = (query: string, lang: Language, options?: TermSearchOptions) => TermSearchHit[];

/**
 * A type-ahead search over `taxonomies`: active terms matching the query, best first. Accent-, case- and
 * Arabic-diacritic-insensitive; matches whole labels, label prefixes and word prefixes in `lang`, then (ranked
 * lower) the English label and the descriptions, so a Spanish-speaking documenter typing an English word still
 * finds the term. Retired terms are never offered. The index is built on first use.
 */
export function createTermSearch(taxonomies: readonly Taxonomy[]): TermSearch {
  let index: readonly IndexedTerm[] | undefined;
  return (query, lang, options = {}) => {
    index ??= buildIndex(taxonomies);
    const queryFull = normalizeForSearch(query);
    const queryWords = searchWords(queryFull);
    if (queryWords.length === 0) return [];
    const only = options.taxonomies ? new Set<TaxonomyId>(options.taxonomies) : undefined;
    const limit = options.limit ?? 20;

    const hits: { hit: TermSearchHit; order: number }[] = [];
    for (const entry of index) {
      if (only && !only.has(entry.taxonomyId)) continue;
      const label = entry.labels.get(lang);
      const english = entry.labels.get('en');
      const description = entry.descriptions.get(lang);
      const score = Math.max(
        label ? matchScore(queryFull, queryWords, label) : 0,
        lang !== 'en' && english ? matchScore(queryFull, queryWords, english) * 0.6 : 0,
        description ? matchScore(queryFull, queryWords, description) * 0.4 : 0,
      );
      if (score <= 0) continue;
      hits.push({
        hit: { taxonomyId: entry.taxonomyId, term: entry.term, label: pickLocalized(entry.term.labels, lang), score },
        order: entry.order,
      });
    }
    hits.sort((a, b) => b.hit.score - a.hit.score || a.hit.label.length - b.hit.label.length || a.order - b.order);
    return hits.slice(0, limit).map((h) => h.hit);
  };
}
