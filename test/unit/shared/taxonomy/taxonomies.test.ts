import { describe, expect, it } from 'vitest';
import { LANGS } from '../../../../shared/localized';
import publishedIds from '../../../../shared/taxonomy/published-ids.json';
import type { Taxonomy, Term } from '../../../../shared/taxonomy';
import {
  ASSIGNMENT_FIELD_TYPES,
  TAXONOMIES,
  TAXONOMY_IDS,
  TERM_ID_PATTERN,
  getTaxonomy,
  isKnownTerm,
  resolveTerm,
} from '../../../../shared/taxonomy';

// Integrity of the bundled taxonomy data: these files are what documenters tag with and what packets quote, so
// every rule of shared/taxonomy/README.md is checked here.

const allTerms = (): { taxonomy: Taxonomy; term: Term }[] =>
  TAXONOMIES.flatMap((taxonomy) => taxonomy.terms.map((term) => ({ taxonomy, term })));

// The namespace each taxonomy's ids use, so an id says which vocabulary it is from.
const PREFIX: Record<string, string> = {
  'istanbul-protocol-methods': 'ip.',
  'violation-types': 'vt.',
  'wgad-categories': 'wgad.',
  'perpetrator-types': 'perp.',
  'detention-place-types': 'place.',
};

describe('bundled taxonomies', () => {
  it('contains exactly the declared taxonomies, each once', () => {
    expect(TAXONOMIES.map((t) => t.id).sort()).toEqual([...TAXONOMY_IDS].sort());
    for (const id of TAXONOMY_IDS) expect(getTaxonomy(id).id).toBe(id);
  });

  it('has integer versions of at least 1', () => {
    for (const t of TAXONOMIES) {
      expect(Number.isInteger(t.version), t.id).toBe(true);
      expect(t.version, t.id).toBeGreaterThanOrEqual(1);
    }
  });

  it('gives every term, title, description and assignment field all four languages, none blank', () => {
    const blanks: string[] = [];
    const check = (where: string, text: Record<string, string> | undefined) => {
      if (!text) return;
      for (const lang of LANGS) if ((text[lang] ?? '').trim() === '') blanks.push(`${where} [${lang}]`);
    };
    for (const t of TAXONOMIES) {
      check(`${t.id} title`, t.title);
      for (const term of t.terms) {
        check(`${term.id} labels`, term.labels);
        check(`${term.id} description`, term.description);
      }
      for (const f of t.assignmentFields ?? []) {
        check(`${t.id}.${f.id} label`, f.label);
        check(`${t.id}.${f.id} help`, f.help);
        for (const c of f.choices ?? []) check(`${t.id}.${f.id}.${c.id}`, c.label);
      }
    }
    expect(blanks).toEqual([]);
  });

  it('uses unique ids that match the pattern and the taxonomy namespace', () => {
    const seen = new Set<string>();
    for (const { taxonomy, term } of allTerms()) {
      expect(term.id, term.id).toMatch(TERM_ID_PATTERN);
      expect(term.id.startsWith(PREFIX[taxonomy.id] ?? '?'), `${term.id} in ${taxonomy.id}`).toBe(true);
      expect(seen.has(term.id), `duplicate ${term.id}`).toBe(false);
      seen.add(term.id);
    }
  });

  it('rejects ids that break the pattern', () => {
    for (const bad of ['IP.x', 'ip', 'ip.', 'ip.a_b', 'ip.-a', 'ip.a-', 'ip.a--b', 'ip.a.b', ' ip.a']) {
      expect(TERM_ID_PATTERN.test(bad), bad).toBe(false);
    }
  });

  it('has parents that exist in the same taxonomy and no cycles', () => {
    for (const t of TAXONOMIES) {
      const ids = new Map(t.terms.map((term) => [term.id, term]));
      for (const term of t.terms) {
        if (term.parent === undefined) continue;
        expect(ids.has(term.parent), `${term.id} → ${term.parent}`).toBe(true);
        const chain = new Set<string>([term.id]);
        let p: string | undefined = term.parent;
        while (p !== undefined) {
          expect(chain.has(p), `cycle through ${term.id}`).toBe(false);
          chain.add(p);
          p = ids.get(p)?.parent;
        }
      }
    }
  });

  it('keeps the Istanbul Protocol taxonomy a two-level tree: groups, then methods under them', () => {
    const ip = getTaxonomy('istanbul-protocol-methods');
    const groups = ip.terms.filter((t) => t.parent === undefined);
    expect(groups.map((g) => g.id)).toEqual(['ip.physical-methods', 'ip.conditions-deprivation', 'ip.psychological-methods']);
    const groupIds = new Set(groups.map((g) => g.id));
    for (const term of ip.terms) {
      if (term.parent !== undefined) expect(groupIds.has(term.parent), term.id).toBe(true);
    }
    // The methods the Istanbul Protocol's forensic chapter examines one by one must all be taggable.
    for (const id of ['ip.blunt-trauma', 'ip.falanga', 'ip.suspension', 'ip.positional-torture', 'ip.electric-shock',
      'ip.dental-torture', 'ip.asphyxiation', 'ip.sexual-violence']) {
      expect(isKnownTerm(id), id).toBe(true);
    }
  });

  it('has the five WGAD categories', () => {
    expect(getTaxonomy('wgad-categories').terms.map((t) => t.id)).toEqual(
      ['i', 'ii', 'iii', 'iv', 'v'].map((n) => `wgad.category-${n}`),
    );
  });

  it('cites a source for every term, marking unchecked ones with an "unconfirmed: " prefix', () => {
    for (const { term } of allTerms()) {
      expect(term.source.trim().length, term.id).toBeGreaterThan(0);
      if (/^unconfirmed/i.test(term.source)) expect(term.source, term.id).toMatch(/^unconfirmed: \S/);
    }
  });

  it('retires terms only with a valid version and a replacement from the same taxonomy', () => {
    for (const t of TAXONOMIES) {
      const ids = new Set(t.terms.map((term) => term.id));
      for (const term of t.terms) {
        if (!term.retired) continue;
        expect(term.retired.version, term.id).toBeLessThanOrEqual(t.version);
        if (term.retired.replacedBy !== undefined) expect(ids.has(term.retired.replacedBy), term.id).toBe(true);
      }
    }
  });

  it('states a translation status for every language', () => {
    for (const t of TAXONOMIES) {
      expect(t.translationStatus.en.state, t.id).toBe('source-language');
      for (const lang of LANGS) expect(t.translationStatus[lang].note.trim().length, `${t.id} ${lang}`).toBeGreaterThan(0);
    }
  });

  it('defines the Istanbul Protocol per-method details as typed assignment fields, not as tags', () => {
    const fields = getTaxonomy('istanbul-protocol-methods').assignmentFields ?? [];
    expect(fields.map((f) => f.id)).toEqual(['position', 'duration', 'frequency', 'anatomicalSites', 'instruments', 'perpetratorsPresent']);
    for (const f of fields) {
      expect(ASSIGNMENT_FIELD_TYPES).toContain(f.type);
      expect(f.type === 'multichoice', f.id).toBe((f.choices?.length ?? 0) > 0);
      if (f.choices) expect(new Set(f.choices.map((c) => c.id)).size, f.id).toBe(f.choices.length);
    }
    expect(fields.find((f) => f.id === 'perpetratorsPresent')?.type).toBe('persons');
    for (const t of TAXONOMIES) if (t.id !== 'istanbul-protocol-methods') expect(t.assignmentFields, t.id).toBeUndefined();
  });
});

describe('published ids (shared/taxonomy/published-ids.json may only grow)', () => {
  const published = publishedIds as {
    terms: Record<string, string[]>;
    assignmentFields: Record<string, string[]>;
  };

  it('still resolves every id ever published, in the taxonomy it was published in', () => {
    const lost: string[] = [];
    for (const [taxonomyId, ids] of Object.entries(published.terms)) {
      for (const id of ids) {
        const resolved = resolveTerm(id);
        if (!resolved || resolved.taxonomy.id !== taxonomyId) lost.push(`${taxonomyId}: ${id}`);
      }
    }
    expect(lost, 'a published term id disappeared or moved: retire it instead of deleting it').toEqual([]);
  });

  it('still has every published assignment field', () => {
    for (const [taxonomyId, ids] of Object.entries(published.assignmentFields)) {
      const fields = new Set(TAXONOMIES.find((t) => t.id === taxonomyId)?.assignmentFields?.map((f) => f.id));
      for (const id of ids) expect(fields.has(id), `${taxonomyId}.${id} disappeared`).toBe(true);
    }
  });

  it('lists every current id, so a new term is published before it ships', () => {
    const unlisted = allTerms()
      .filter(({ taxonomy, term }) => !(published.terms[taxonomy.id] ?? []).includes(term.id))
      .map(({ term }) => term.id);
    expect(unlisted, 'add these ids to shared/taxonomy/published-ids.json').toEqual([]);
    for (const t of TAXONOMIES) {
      for (const f of t.assignmentFields ?? []) expect(published.assignmentFields[t.id] ?? [], f.id).toContain(f.id);
    }
  });
});
