import { describe, expect, it } from 'vitest';
import { createTaxonomyRegistry, getTaxonomy, resolveTerm, termLabel, childTerms, isKnownTerm } from '../../../../shared/taxonomy';
import type { Taxonomy } from '../../../../shared/taxonomy';
import { FIXTURE } from './fixture';

describe('createTaxonomyRegistry', () => {
  const registry = createTaxonomyRegistry(FIXTURE);

  it('resolves an active term with its taxonomy', () => {
    const r = registry.resolveTerm('ip.electric-shock');
    expect(r?.taxonomy.id).toBe('istanbul-protocol-methods');
    expect(r?.term.labels.en).toBe('Electric shocks');
    expect(r?.retired).toBe(false);
    expect(r?.replacement).toBeUndefined();
  });

  it('keeps resolving retired terms, following replacements to the term in use today', () => {
    const r = registry.resolveTerm('ip.old-beating');
    expect(r?.retired).toBe(true);
    expect(r?.term.id).toBe('ip.old-beating');
    expect(r?.replacement?.id).toBe('ip.blunt-trauma');
    expect(registry.resolveTerm('ip.mid-beating')?.replacement?.id).toBe('ip.blunt-trauma');
  });

  it('resolves a retired term without successor, with no replacement', () => {
    const r = registry.resolveTerm('ip.withdrawn');
    expect(r?.retired).toBe(true);
    expect(r?.replacement).toBeUndefined();
  });

  it('stops at a replacement cycle instead of looping', () => {
    const r = registry.resolveTerm('ip.loop-a');
    expect(r?.retired).toBe(true);
    expect(r?.replacement?.id).toBe('ip.loop-b');
  });

  it('returns undefined for ids never published, and says so through isKnownTerm', () => {
    expect(registry.resolveTerm('ip.never')).toBeUndefined();
    expect(registry.isKnownTerm('ip.never')).toBe(false);
    expect(registry.isKnownTerm('ip.withdrawn')).toBe(true);
  });

  it('labels in the requested language, falling back to English, and shows the id for an unknown term', () => {
    expect(registry.termLabel('ip.electric-shock', 'fr')).toBe('Décharges électriques');
    expect(registry.termLabel('ip.electric-shock', 'ar')).toBe('الصدمات الكهربائية');
    expect(registry.termLabel('ip.untranslated', 'es')).toBe('Untranslated method');
    expect(registry.termLabel('ip.never', 'es')).toBe('ip.never');
  });

  it('lists active children only', () => {
    expect(registry.childTerms('ip.physical-methods').map((t) => t.id)).toEqual([
      'ip.electric-shock',
      'ip.blunt-trauma',
      'ip.untranslated',
    ]);
    expect(registry.childTerms('ip.never')).toEqual([]);
  });

  it('throws for a taxonomy it does not hold', () => {
    expect(registry.getTaxonomy('wgad-categories').terms).toHaveLength(1);
    expect(() => registry.getTaxonomy('violation-types')).toThrow(/Unknown taxonomy/);
  });

  it('refuses two taxonomies sharing a term id (a tag stores only the id)', () => {
    const clash: Taxonomy[] = [FIXTURE[0]!, { ...FIXTURE[1]!, terms: [FIXTURE[0]!.terms[1]!] }];
    expect(() => createTaxonomyRegistry(clash)).toThrow(/Duplicate taxonomy term id ip.electric-shock/);
  });
});

describe('bundled registry', () => {
  it('resolves real terms in all four languages', () => {
    expect(resolveTerm('ip.electric-shock')?.taxonomy.id).toBe('istanbul-protocol-methods');
    expect(termLabel('ip.electric-shock', 'es')).toBe('Choques eléctricos');
    expect(termLabel('wgad.category-i', 'fr')).toMatch(/^Catégorie I/);
    expect(termLabel('vt.torture', 'ar')).toBe('التعذيب');
    expect(isKnownTerm('place.house-arrest')).toBe(true);
    expect(getTaxonomy('perpetrator-types').terms.length).toBeGreaterThan(5);
    expect(childTerms('ip.psychological-methods').map((t) => t.id)).toContain('ip.mock-execution');
  });
});
