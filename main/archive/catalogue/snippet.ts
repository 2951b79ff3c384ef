import type { QueryToken } from './search-query';
import { normalizedWords, tokenMatches } from './search-query';
import { normalizeForSearch } from '../../../shared/text';

/**
 * Snippets in the original spelling: the index holds folded text ("detencion"), but a person should read
 * "Detención" with the matching words marked. We walk the original words, fold each one the way the index does,
 * and cut a window around the first match. Only the page of results shown is snippeted.
 */

export type Snippet = { readonly snippet: string; readonly highlights: readonly (readonly [number, number])[] };

const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
const SCAN_LIMIT = 256 * 1024;
const LEAD = 60;

function flat(s: string): string {
  // One character for one character, so offsets stay valid.
  return s.replace(/\s/gu, ' ');
}

export function makeSnippet(parts: readonly string[], tokens: readonly QueryToken[], width = 200): Snippet {
  if (tokens.length > 0) {
    for (const part of parts) {
      const text = part.length > SCAN_LIMIT ? part.slice(0, SCAN_LIMIT) : part;
      // Cheap pre-check on the whole part before folding word by word.
      const folded = normalizeForSearch(text);
      if (!tokens.some((t) => folded.includes(t.text))) continue;
      const found = windowAround(text, tokens, width);
      if (found) return found;
    }
  }
  const first = parts.find((p) => p.trim().length > 0) ?? '';
  const cut = first.length > width;
  return { snippet: flat(first.slice(0, width)).trim() + (cut ? '…' : ''), highlights: [] };
}

function windowAround(text: string, tokens: readonly QueryToken[], width: number): Snippet | undefined {
  const hits: [number, number][] = [];
  let windowStart = -1;
  let windowEnd = -1;
  for (const m of text.matchAll(WORD)) {
    const start = m.index;
    const end = start + m[0].length;
    if (windowStart >= 0 && start >= windowEnd) break;
    const words = normalizedWords(m[0]);
    if (!words.some((w) => tokens.some((t) => tokenMatches(w, t)))) continue;
    if (windowStart < 0) {
      windowStart = Math.max(0, start - LEAD);
      // Start at a word boundary so the snippet does not open mid-word.
      if (windowStart > 0) {
        const space = text.lastIndexOf(' ', windowStart);
        windowStart = space >= 0 && start - space < LEAD * 2 ? space + 1 : windowStart;
      }
      windowEnd = Math.min(text.length, windowStart + width);
    }
    if (end <= windowEnd) hits.push([start, end]);
  }
  if (windowStart < 0) return undefined;
  const prefix = windowStart > 0 ? '…' : '';
  const suffix = windowEnd < text.length ? '…' : '';
  const body = flat(text.slice(windowStart, windowEnd));
  const shift = prefix.length - windowStart;
  return { snippet: prefix + body + suffix, highlights: hits.map(([a, b]) => [a + shift, b + shift] as const) };
}
