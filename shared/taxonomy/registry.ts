import type { Language } from '../api';
import { pickLocalized } from '../localized';
import type { ResolvedTerm, Taxonomy, TaxonomyId, Term } from './types';

/** Lookups over a set of taxonomies. The app uses the one built from the bundled data (./taxonomies.ts). */
export type TaxonomyRegistry = {
  getTaxonomy(id: TaxonomyId): Taxonomy;
  /** True when `id` is a term of any taxonomy, retired ones included (old tags stay valid). */
  isKnownTerm(id: string): boolean;
  /**
   * The term with this id, retired or not (retired ids resolve forever), with its successor when it was replaced.
   * Undefined for an id no taxonomy has ever published.
   */
  resolveTerm(termId: string): ResolvedTerm | undefined;
  /** The term's label in `lang`, falling back to English; the id itself for an unknown id (never throws in UI). */
  termLabel(termId: string, lang: Language): string;
  /** The active direct children of a term (the Istanbul Protocol taxonomy is a two-level tree). */
  childTerms(termId: string): readonly Term[];
};

type Entry = { readonly taxonomy: Taxonomy; readonly term: Term };

export function createTaxonomyRegistry(taxonomies: readonly Taxonomy[]): TaxonomyRegistry {
  const byTaxonomyId = new Map<TaxonomyId, Taxonomy>(taxonomies.map((t) => [t.id, t]));
  const byTermId = new Map<string, Entry>();
  for (const taxonomy of taxonomies) {
    for (const term of taxonomy.terms) {
      // Ids are global across taxonomies because a tag stores only the term id. A duplicate would silently
      // shadow a term, so fail loudly (the unit tests keep the bundled data free of them).
      if (byTermId.has(term.id)) throw new Error(`Duplicate taxonomy term id ${term.id}`);
      byTermId.set(term.id, { taxonomy, term });
    }
  }

  // A replacement may itself have been retired later: follow the chain to the term in use today. The visited
  // set stops at a cycle in bad data (tests reject cycles, but a loop here would hang the UI).
  function followReplacements(term: Term): Term | undefined {
    const seen = new Set<string>([term.id]);
    let current: Term | undefined;
    let nextId = term.retired?.replacedBy;
    while (nextId !== undefined && !seen.has(nextId)) {
      seen.add(nextId);
      const next = byTermId.get(nextId)?.term;
      if (!next) break;
      current = next;
      nextId = next.retired?.replacedBy;
    }
    return current;
  }

  return {
    getTaxonomy(id) {
      const taxonomy = byTaxonomyId.get(id);
      if (!taxonomy) throw new Error(`Unknown taxonomy ${id}`);
      return taxonomy;
    },
    isKnownTerm(id) {
      return byTermId.has(id);
    },
    resolveTerm(termId) {
      const entry = byTermId.get(termId);
      if (!entry) return undefined;
      const { taxonomy, term } = entry;
      if (!term.retired) return { taxonomy, term, retired: false };
      const replacement = followReplacements(term);
      return replacement ? { taxonomy, term, retired: true, replacement } : { taxonomy, term, retired: true };
    },
    termLabel(termId, lang) {
      const entry = byTermId.get(termId);
      return entry ? pickLocalized(entry.term.labels, lang) : termId;
    },
    childTerms(termId) {
      const entry = byTermId.get(termId);
      if (!entry) return [];
      return entry.taxonomy.terms.filter((t) => t.parent === termId && !t.retired);
    },
  };
}
