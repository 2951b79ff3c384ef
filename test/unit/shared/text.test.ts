import { describe, expect, it } from 'vitest';
import { normalizeForSearch, searchWords } from '../../../shared/text';

describe('normalizeForSearch', () => {
  it('drops Latin accents and case so unaccented typing matches', () => {
    expect(normalizeForSearch('Detención')).toBe('detencion');
    expect(normalizeForSearch('DÉCHARGES ÉLECTRIQUES')).toBe('decharges electriques');
    expect(normalizeForSearch('Privação')).toBe('privacao');
    expect(normalizeForSearch('Ñandú Çà')).toBe('nandu ca');
  });

  it('folds letters that Unicode does not decompose', () => {
    expect(normalizeForSearch('Œuvre Æther Straße Łódź Øre')).toBe('oeuvre aether strasse lodz ore');
    expect(normalizeForSearch('İstanbul')).toBe('istanbul');
  });

  it('unpacks compatibility forms (ligatures, full-width letters)', () => {
    expect(normalizeForSearch('ﬁnd')).toBe('find');
    expect(normalizeForSearch('ＡＢＣ')).toBe('abc');
  });

  it('removes Arabic diacritics (tashkeel) and tatweel', () => {
    expect(normalizeForSearch('الصَّدَمَاتُ')).toBe(normalizeForSearch('الصدمات'));
    expect(normalizeForSearch('تعـــذيب')).toBe('تعذيب');
    expect(normalizeForSearch('تَعْذِيبٌ')).toBe('تعذيب');
  });

  it('unifies alef forms, ta marbuta and alef maqsura', () => {
    const bare = normalizeForSearch('اعدام');
    expect(normalizeForSearch('إعدام')).toBe(bare);
    expect(normalizeForSearch('أعدام')).toBe(bare);
    expect(normalizeForSearch('آعدام')).toBe(bare);
    expect(normalizeForSearch('ٱعدام')).toBe(bare);
    expect(normalizeForSearch('محكمة')).toBe(normalizeForSearch('محكمه'));
    expect(normalizeForSearch('مستشفى')).toBe(normalizeForSearch('مستشفي'));
    // NFKD also splits the hamza off waw and yeh seats, so hamza spelling variants meet too.
    expect(normalizeForSearch('مسؤول')).toBe(normalizeForSearch('مسوول'));
    expect(normalizeForSearch('الكهربائية')).toBe('الكهرباييه');
  });

  it('turns Arabic-Indic digits into ASCII digits', () => {
    expect(normalizeForSearch('٢٠٢٢ و ۱۹۹۹')).toBe('2022 و 1999');
  });

  it('collapses whitespace and trims', () => {
    expect(normalizeForSearch('  a\t\n b  ')).toBe('a b');
    expect(normalizeForSearch('')).toBe('');
  });

  it('is idempotent', () => {
    for (const s of ['Détention arbitraire', 'الإعدام الوهمي', 'Ejecución simulada', 'Œuvre ﬁ']) {
      const once = normalizeForSearch(s);
      expect(normalizeForSearch(once)).toBe(once);
    }
  });
});

describe('searchWords', () => {
  it('splits on anything that is not a letter or digit', () => {
    expect(searchWords(normalizeForSearch("Torture – l'électricité, (2022)"))).toEqual(['torture', 'l', 'electricite', '2022']);
    expect(searchWords(normalizeForSearch('الصدمات الكهربائية'))).toEqual(['الصدمات', 'الكهرباييه']);
    expect(searchWords('')).toEqual([]);
  });
});
