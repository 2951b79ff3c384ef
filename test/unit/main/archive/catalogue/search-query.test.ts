import Database from 'better-sqlite3-multiple-ciphers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripArabicArticle } from '../../../../../main/archive/catalogue/arabic';
import { ftsMatchExpression, parseSearchText, tokenMatches, MAX_QUERY_WORDS } from '../../../../../main/archive/catalogue/search-query';
import { makeSnippet } from '../../../../../main/archive/catalogue/snippet';
import { isHuellaError } from '../../../../../main/archive/errors';

describe('search text → FTS5 expression', () => {
  it('normalises, quotes every word and makes only the last one a prefix', () => {
    expect(parseSearchText('  Detención  ARBITRARIA')).toEqual([
      { text: 'detencion', prefix: false },
      { text: 'arbitraria', prefix: true },
    ]);
    expect(ftsMatchExpression(parseSearchText('Detención ARBITRARIA'))).toBe('"detencion" "arbitraria"*');
    expect(ftsMatchExpression(parseSearchText('detención '))).toBe('"detencion"');
    expect(ftsMatchExpression(parseSearchText('a'))).toBe('"a"');
    expect(ftsMatchExpression(parseSearchText('NEAR(a b) OR "c" * -d title:ef'))).toBe('"near" "a" "b" "or" "c" "d" "title" "ef"*');
    expect(parseSearchText('')).toEqual([]);
    expect(parseSearchText('   ')).toEqual([]);
    expect(parseSearchText(undefined)).toEqual([]);
  });

  it('folds the Arabic article on the query side too', () => {
    expect(parseSearchText('الاِحْتِجاز ')).toEqual([{ text: 'احتجاز', prefix: false }]);
    expect(stripArabicArticle('الاحتجاز')).toBe('احتجاز');
    expect(stripArabicArticle('والاحتجاز')).toBe('احتجاز');
    expect(stripArabicArticle('للاحتجاز')).toBe('احتجاز');
    expect(stripArabicArticle('الم')).toBeUndefined(); // too short: "alam" (pain), not "al-" + "m"
    expect(stripArabicArticle('احتجاز')).toBeUndefined();
    expect(stripArabicArticle('altitude')).toBeUndefined();
    expect(tokenMatches('الاحتجاز', { text: 'احتجاز', prefix: false })).toBe(true);
    expect(tokenMatches('الاحتجازات', { text: 'احتجاز', prefix: true })).toBe(true);
  });

  it('refuses text with no words, too many words or too many characters with INVALID_INPUT', () => {
    for (const text of ['"', '*', '()', '-- ;', 'x'.repeat(1001), Array.from({ length: MAX_QUERY_WORDS + 1 }, (_, i) => `w${i}`).join(' ')]) {
      let error: unknown;
      try {
        parseSearchText(text);
      } catch (e) {
        error = e;
      }
      expect(isHuellaError(error, 'INVALID_INPUT'), text.slice(0, 20)).toBe(true);
    }
  });

  it('never produces an expression FTS5 rejects, whatever the input (property)', () => {
    const db = new Database(':memory:');
    db.exec("CREATE VIRTUAL TABLE t USING fts5(a, tokenize = 'unicode61 remove_diacritics 2'); INSERT INTO t VALUES ('detencion arbitraria');");
    const q = db.prepare('SELECT count(*) AS n FROM t WHERE t MATCH ?');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('"', '*', 'NEAR(', 'a OR', '^', 'a:b', '(', ')', '{a}', 'AND NOT')), (text) => {
        let tokens;
        try {
          tokens = parseSearchText(text);
        } catch (e) {
          expect(isHuellaError(e, 'INVALID_INPUT')).toBe(true);
          return;
        }
        if (tokens.length === 0) return;
        expect(() => q.get(ftsMatchExpression(tokens))).not.toThrow();
      }),
      { numRuns: 3000 },
    );
    db.close();
  });
});

describe('snippets', () => {
  it('cuts a window around the first match in the original spelling and marks every match inside it', () => {
    const text = `${'Preámbulo largo sin interés. '.repeat(10)}Me aplicaron electricidad en los pies; la ELECTRICIDAD duró horas. ${'Final. '.repeat(30)}`;
    const s = makeSnippet([text], parseSearchText('electricidad'));
    expect(s.snippet.startsWith('…')).toBe(true);
    expect(s.snippet.endsWith('…')).toBe(true);
    expect(s.highlights.map(([a, b]) => s.snippet.slice(a, b))).toEqual(['electricidad', 'ELECTRICIDAD']);
    expect(s.snippet.length).toBeLessThanOrEqual(202);
  });

  it('matches accents, Arabic diacritics and prefixes; falls back to the start of the text', () => {
    const fr = makeSnippet(['Des marques d’électricité.'], parseSearchText('electri'));
    expect(fr.snippet.slice(...fr.highlights[0]!)).toBe('électricité');
    const ar = makeSnippet(['تم الاِحْتِجاز في مركز الشرطة'], parseSearchText('احتجاز'));
    expect(ar.snippet.slice(...ar.highlights[0]!)).toBe('الاِحْتِجاز');
    expect(makeSnippet(['', 'Primera línea\nsegunda'], parseSearchText('nada'))).toEqual({ snippet: 'Primera línea segunda', highlights: [] });
    expect(makeSnippet(['x'.repeat(300)], [])).toEqual({ snippet: `${'x'.repeat(200)}…`, highlights: [] });
  });
});
