/**
 * Text normalisation for search. Documenters type without accents, on borrowed keyboards, in four languages:
 * "detencion" must find "Detención", "electrocution" in French must find "Électrocution", and Arabic typed with or
 * without diacritics, with any alef form, must find the same term. Used by taxonomy type-ahead and, by design,
 * reusable for the catalogue's full-text index, so the same query matches the same way everywhere.
 *
 * The result is for comparison only: never show it to a person and never store it in place of the original.
 */

// Letters that Unicode does not decompose (NFKD leaves them whole) but that people type as plain Latin.
const LATIN_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', þ: 'th', ł: 'l', ı: 'i', ħ: 'h',
};

// Arabic letters with several spellings in everyday typing. Hamza-carrying alefs (أ إ آ) and ؤ ئ decompose under
// NFKD into a base letter plus a combining hamza/madda, which the mark-stripping step removes; the rest are mapped.
const ARABIC_FOLDS: Readonly<Record<string, string>> = {
  'ٱ': 'ا', // alef wasla
  'ى': 'ي', // alef maqsura
  'ة': 'ه', // ta marbuta
  'ی': 'ي', // Persian/Urdu yeh (common on Persian keyboards)
  'ک': 'ك', // Persian keheh
};

const TATWEEL = /\u0640/g;
// \p{M} covers Latin accents and Arabic tashkeel (fatha … sukun, superscript alef U+0670, Quranic marks).
const COMBINING_MARKS = /\p{M}/gu;
const ARABIC_INDIC_DIGIT = /[\u0660-\u0669]/g;
const EXTENDED_ARABIC_INDIC_DIGIT = /[\u06F0-\u06F9]/g;
const FOLDABLE = /[ßæœøđðþłıħٱىةیک]/g;
const WHITESPACE = /\s+/gu;

/**
 * Lowercased, accent-free, Arabic-normalised form of `s` with runs of whitespace collapsed to one space.
 * Steps, in order: lowercase (so İ/ẞ fold first), NFKD (splits accents and hamza off their letters, unpacks
 * ligatures and full-width forms), drop combining marks, drop tatweel, fold the letters listed above, turn
 * Arabic-Indic digits into ASCII digits.
 */
export function normalizeForSearch(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .replace(TATWEEL, '')
    .replace(FOLDABLE, (ch) => LATIN_FOLDS[ch] ?? ARABIC_FOLDS[ch] ?? ch)
    .replace(ARABIC_INDIC_DIGIT, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(EXTENDED_ARABIC_INDIC_DIGIT, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(WHITESPACE, ' ')
    .trim();
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of an already-normalised string (letters and digits; punctuation and spaces separate words). */
export function searchWords(normalized: string): string[] {
  return normalized.match(WORD) ?? [];
}
