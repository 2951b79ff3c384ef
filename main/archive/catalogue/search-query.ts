import { LIMITS } from '../../../shared/model/fields';
import { normalizeForSearch } from '../../../shared/text';
import { HuellaError } from '../errors';
import { stripArabicArticle } from './arabic';

/**
 * Turns what a person typed into a safe FTS5 MATCH expression. Nothing the person types is FTS5 syntax: the text is
 * normalised like the index (normalizeForSearch), cut into words exactly where FTS5's unicode61 tokenizer cuts
 * (letters, digits, private-use characters), and every word is quoted, so `"`, `*`, `NEAR(`, `OR`, `-` and `:` are
 * just characters. Words are ANDed; the last word also matches as a prefix (search as you type) unless the text
 * ends with a space or the word is a single character (which would match most of the archive).
 */

export const MAX_QUERY_WORDS = 16;
const MAX_WORD_LENGTH = 100;
const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;

export type QueryToken = { readonly text: string; readonly prefix: boolean };

/** The query's words; [] for blank text. INVALID_INPUT for text with no searchable character or too many words. */
export function parseSearchText(text: string | undefined): QueryToken[] {
  if (text === undefined || text.trim() === '') return [];
  if (text.length > LIMITS.query) {
    throw new HuellaError('INVALID_INPUT', `The search text is too long (at most ${LIMITS.query} characters).`, { details: { field: 'text' } });
  }
  const words = normalizeForSearch(text).match(TOKEN) ?? [];
  if (words.length === 0) {
    throw new HuellaError('INVALID_INPUT', 'The search text has no letters or digits to look for.', { details: { field: 'text' } });
  }
  if (words.length > MAX_QUERY_WORDS) {
    throw new HuellaError('INVALID_INPUT', `The search has too many words (at most ${MAX_QUERY_WORDS}); use filters to narrow it.`, { details: { field: 'text' } });
  }
  const endsWithSpace = /\s$/u.test(text);
  return words.map((w, i) => {
    // The index holds Arabic words also without their article, so the article-less form finds both spellings.
    const word = (stripArabicArticle(w) ?? w).slice(0, MAX_WORD_LENGTH);
    return { text: word, prefix: i === words.length - 1 && !endsWithSpace && [...word].length > 1 };
  });
}

/** `"w1" "w2" "w3"*`. Words contain no quote (see TOKEN), and quotes are doubled anyway as a second guard. */
export function ftsMatchExpression(tokens: readonly QueryToken[]): string {
  return tokens.map((t) => `"${t.text.replaceAll('"', '""')}"${t.prefix ? '*' : ''}`).join(' ');
}

/** Whether a normalised word of a document matches a query token (for snippets and highlights). */
export function tokenMatches(word: string, t: QueryToken): boolean {
  const stem = stripArabicArticle(word);
  return t.prefix ? word.startsWith(t.text) || (stem !== undefined && stem.startsWith(t.text)) : word === t.text || stem === t.text;
}

export function normalizedWords(s: string): string[] {
  return normalizeForSearch(s).match(TOKEN) ?? [];
}
