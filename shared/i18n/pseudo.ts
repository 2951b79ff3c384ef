/**
 * The pseudo-locale (a test of the translation layer, never shown to people): every letter of every message is
 * replaced by an accented look-alike ("Save" → "Šáṽé"), placeholders ({{name}}) and i18next plural suffixes kept.
 * The e2e tour renders every screen with it; any plain ASCII word left on a screen then did not go through the
 * translation layer (or is data the person typed, which the test knows). It keeps the text readable in
 * screenshots and a little longer, as translations often are.
 */

const LOWER = 'áƀçďéƒĝĥíĵķľɱñóþʠŕšţúṽŵẋýž';
const UPPER = 'ÁƁÇĎÉƑĜĤÍĴĶĽṀÑÓÞɊŔŠŢÚṼŴẊÝŽ';

function letter(c: string): string {
  const code = c.charCodeAt(0);
  if (code >= 97 && code <= 122) return [...LOWER][code - 97]!;
  if (code >= 65 && code <= 90) return [...UPPER][code - 65]!;
  return c;
}

/** One message in the pseudo-locale; {{placeholders}} stay as they are. */
export function pseudoText(s: string): string {
  return s
    .split(/(\{\{[^}]*\}\})/)
    .map((part) => (part.startsWith('{{') ? part : part.replace(/[A-Za-z]/g, letter)))
    .join('');
}

type Tree = { readonly [k: string]: string | Tree };

/** A whole message tree (en.json) in the pseudo-locale. */
export function pseudoTree<T extends Tree>(tree: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(tree)) out[k] = typeof v === 'string' ? pseudoText(v) : pseudoTree(v);
  return out as T;
}

/** True when `text` still holds an ASCII word: a string that did not go through the pseudo-locale. */
export function asciiWords(text: string): string[] {
  return text.match(/[A-Za-z]{2,}/g) ?? [];
}
