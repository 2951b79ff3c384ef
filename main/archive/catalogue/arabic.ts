/**
 * Light stemming of the Arabic definite article for search: "الاحتجاز" (the detention) must be found by
 * "احتجاز" (detention), and "للاحتجاز", "والاحتجاز", "بالاحتجاز" too. Larkey et al.'s light stemmers (SIGIR 2002)
 * show that removing these proclitics is most of the recall gain for Arabic retrieval; we remove only them (no
 * suffixes, no roots), and only when at least three letters remain, so short words that merely start with ال stay.
 * Applied to already-normalised text (shared/text.ts), on the index side and the query side alike.
 */

const ARTICLE_PREFIXES = ['وال', 'بال', 'كال', 'فال', 'لل', 'ال'];
const ARABIC_WORD = /^[\u0621-\u064A]+$/;

/** The word without its article, or undefined when it has none (or is not Arabic, or would become too short). */
export function stripArabicArticle(word: string): string | undefined {
  if (!ARABIC_WORD.test(word)) return undefined;
  for (const p of ARTICLE_PREFIXES) {
    if (word.startsWith(p) && word.length - p.length >= 3) return word.slice(p.length);
  }
  return undefined;
}
