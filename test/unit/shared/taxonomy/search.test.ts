import { describe, expect, it } from 'vitest';
import { createTermSearch, searchTerms } from '../../../../shared/taxonomy';
import { FIXTURE } from './fixture';

const ids = (hits: { term: { id: string } }[]) => hits.map((h) => h.term.id);

describe('searchTerms over the bundled taxonomies', () => {
  it('finds Spanish terms typed without accents', () => {
    expect(ids(searchTerms('detencion', 'es'))).toContain('vt.arbitrary-detention');
    expect(ids(searchTerms('choques electricos', 'es'))[0]).toBe('ip.electric-shock');
    expect(ids(searchTerms('ejecucion simulada', 'es'))[0]).toBe('ip.mock-execution');
    expect(ids(searchTerms('DESAPARICION', 'es'))[0]).toBe('vt.enforced-disappearance');
  });

  it('finds French terms typed without accents', () => {
    expect(ids(searchTerms('decharges electriques', 'fr'))[0]).toBe('ip.electric-shock');
    expect(ids(searchTerms('detention arbitraire', 'fr'))[0]).toBe('vt.arbitrary-detention');
    expect(ids(searchTerms('categorie ii', 'fr'))[0]).toBe('wgad.category-ii');
    expect(ids(searchTerms('nudite', 'fr'))[0]).toBe('ip.forced-nakedness');
  });

  it('finds Arabic terms with or without diacritics and whatever alef form was typed', () => {
    const plain = ids(searchTerms('الصدمات الكهربائية', 'ar'));
    expect(plain[0]).toBe('ip.electric-shock');
    expect(ids(searchTerms('الصَّدَمَاتُ الكَهْرَبَائِيَّة', 'ar'))[0]).toBe('ip.electric-shock');
    expect(ids(searchTerms('الاعدام', 'ar'))[0]).toBe('ip.mock-execution'); // label has إ
    expect(ids(searchTerms('الإعدام الوهمى', 'ar'))[0]).toBe('ip.mock-execution'); // ى for ي
    expect(ids(searchTerms('صدمات', 'ar'))).toContain('ip.electric-shock'); // without the article
  });

  it('matches word prefixes, as type-ahead needs', () => {
    expect(ids(searchTerms('elec', 'en'))[0]).toBe('ip.electric-shock');
    expect(ids(searchTerms('mock ex', 'en'))[0]).toBe('ip.mock-execution');
    expect(ids(searchTerms('shocks elec', 'en'))).toContain('ip.electric-shock'); // words in any order
  });

  it('ranks an exact label first, then labels starting with the query, then word matches', () => {
    const hits = searchTerms('tortura', 'es');
    expect(hits[0]?.term.id).toBe('vt.torture');
    const scores = hits.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    // "category ii" must not put category III first.
    expect(ids(searchTerms('category ii', 'en'))[0]).toBe('wgad.category-ii');
  });

  it('falls back to the English label, ranked below matches in the requested language', () => {
    const hits = searchTerms('falanga', 'ar');
    expect(hits[0]?.term.id).toBe('ip.falanga');
    expect(hits[0]?.label).toBe('الفلقة (الضرب على باطن القدمين)');
  });

  it('returns labels in the requested language', () => {
    expect(searchTerms('electric', 'fr')[0]?.label).toBe('Décharges électriques');
  });

  it('filters by taxonomy and honours the limit', () => {
    const onlyPlaces = searchTerms('detention', 'en', { taxonomies: ['detention-place-types'] });
    expect(onlyPlaces.length).toBeGreaterThan(0);
    for (const h of onlyPlaces) expect(h.taxonomyId).toBe('detention-place-types');
    expect(searchTerms('a', 'en', { limit: 3 })).toHaveLength(3);
  });

  it('returns nothing for an empty or punctuation-only query, or one that matches nothing', () => {
    expect(searchTerms('', 'en')).toEqual([]);
    expect(searchTerms('  ', 'es')).toEqual([]);
    expect(searchTerms('–…', 'fr')).toEqual([]);
    expect(searchTerms('zzqxj', 'en')).toEqual([]);
  });
});

describe('createTermSearch', () => {
  const search = createTermSearch(FIXTURE);

  it('never offers retired terms, even on an exact label', () => {
    expect(ids(search('Beating (old)', 'en'))).toEqual([]);
    expect(ids(search('withdrawn', 'en'))).toEqual([]);
    expect(ids(search('beating', 'en'))).toEqual([]);
    expect(ids(search('blunt', 'en'))).toEqual(['ip.blunt-trauma']);
  });

  it('searches a blank translation through its English fallback', () => {
    expect(ids(search('untranslated', 'es'))).toEqual(['ip.untranslated']);
  });
});
