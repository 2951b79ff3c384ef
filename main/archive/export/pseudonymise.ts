import { normalizeForSearch, searchWords } from '../../../shared/text';

/**
 * Replaces the real names of people who did not consent to name disclosure by their pseudonyms, in every text
 * that leaves in a packet (testimonies, answers, titles, tag details).
 *
 * Matching is accent-, case- and Arabic-diacritic-insensitive (shared/text.ts normalisation) on word boundaries:
 * "Ana María Pérez", "ANA MARIA PEREZ" and "ana  maría-pérez" all match. The full name is replaced first; then
 * each part of the name of 4 or more letters on its own ("Pérez said…"), because a surname alone identifies too.
 * That second rule can replace an ordinary word that happens to be a name part ("Rosa" the colour): privacy wins
 * over fidelity here, and the count of replacements is shown so the reviewer can check.
 *
 * Limits (the review page must say so): nicknames, initials, transliterations ("Mohammed"/"Muhammad"),
 * misspellings and names inside images or evidence files are NOT found. A person must read the texts.
 */

export type NameToHide = { readonly realName: string; readonly pseudonym: string };

export type PseudonymisedText = { readonly text: string; readonly count: number; /** The pseudonyms put in. */ readonly pseudonyms?: readonly string[] };

export type Pseudonymiser = {
  apply(text: string): PseudonymisedText;
  /** The real names this pseudonymiser hides (for tests and the leak check). */
  readonly hidden: readonly NameToHide[];
};

const MIN_PART = 4;
const WORD_CHAR = '[\\p{L}\\p{N}]';

type Pattern = { readonly re: RegExp; readonly pseudonym: string; readonly priority: number };

function foldCodePoint(ch: string): string {
  if (/\s/u.test(ch)) return ' ';
  // normalizeForSearch trims, so a lone mark folds to '' (it is dropped), which is what we want.
  return normalizeForSearch(ch);
}

type Folded = { readonly text: string; readonly start: readonly number[]; readonly end: readonly number[] };

/** The folded text, and for each folded UTF-16 unit the original [start, end) of the code point it came from. */
function fold(text: string): Folded {
  let out = '';
  const start: number[] = [];
  const end: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = foldCodePoint(ch);
    for (let k = 0; k < f.length; k++) {
      start.push(i);
      end.push(i + ch.length);
    }
    out += f;
    i += ch.length;
  }
  return { text: out, start, end };
}

function wordsPattern(words: readonly string[]): string {
  // Words are letters and digits only (searchWords), so they need no escaping.
  return `(?<!${WORD_CHAR})${words.join(`[^\\p{L}\\p{N}]+`)}(?!${WORD_CHAR})`;
}

/**
 * Parts of one person's name written side by side without their full name ("Valentina Quispe" of "Valentina
 * Quispe-Marron", "Pérez, Ana") are each matched on their own: one pseudonym for the run, not "V.Q. V.Q.".
 * Only a space, a comma or a hyphen may stand between them, on one line.
 */
function joinAdjacentParts(taken: { from: number; to: number; pseudonym: string }[], text: string, f: Folded): void {
  for (let i = 0; i + 1 < taken.length; ) {
    const a = taken[i]!;
    const b = taken[i + 1]!;
    const between = text.slice(f.end[a.to - 1]!, f.start[b.from]!);
    if (a.pseudonym === b.pseudonym && /^[ \t\u00a0,\-\u2010\u2011]{1,3}$/u.test(between)) {
      a.to = b.to;
      taken.splice(i + 1, 1);
    } else i++;
  }
}

export function createPseudonymiser(names: readonly NameToHide[]): Pseudonymiser {
  const patterns: Pattern[] = [];
  for (const n of names) {
    const words = searchWords(normalizeForSearch(n.realName));
    if (words.length === 0) continue;
    patterns.push({ re: new RegExp(wordsPattern(words), 'gu'), pseudonym: n.pseudonym, priority: 1000 + words.join(' ').length });
    if (words.length > 1) {
      for (const w of words) {
        if ([...w].length >= MIN_PART) patterns.push({ re: new RegExp(wordsPattern([w]), 'gu'), pseudonym: n.pseudonym, priority: [...w].length });
      }
    }
  }
  patterns.sort((a, b) => b.priority - a.priority);

  return {
    hidden: names,
    apply(text: string): PseudonymisedText {
      if (patterns.length === 0 || text.length === 0) return { text, count: 0 };
      const f = fold(text);
      const taken: { from: number; to: number; pseudonym: string }[] = [];
      const overlaps = (a: number, b: number): boolean => taken.some((t) => a < t.to && b > t.from);
      for (const p of patterns) {
        p.re.lastIndex = 0;
        for (const m of f.text.matchAll(p.re)) {
          const a = m.index;
          const b = a + m[0].length;
          if (b <= a || overlaps(a, b)) continue;
          taken.push({ from: a, to: b, pseudonym: p.pseudonym });
        }
      }
      if (taken.length === 0) return { text, count: 0 };
      taken.sort((x, y) => x.from - y.from);
      joinAdjacentParts(taken, text, f);
      let out = '';
      let pos = 0;
      for (const t of taken) {
        const from = f.start[t.from]!;
        let to = f.end[t.to - 1]!;
        // A decomposed accent after the last letter belongs to the name (it folded to nothing).
        while (to < text.length && /^\p{M}/u.test(text.slice(to, to + 2))) to += text.codePointAt(to)! > 0xffff ? 2 : 1;
        if (from < pos) continue;
        out += text.slice(pos, from) + t.pseudonym;
        pos = to;
      }
      out += text.slice(pos);
      return { text: out, count: taken.length, pseudonyms: [...new Set(taken.map((t) => t.pseudonym))] };
    },
  };
}
