import type { Locator } from 'playwright-core';

/** The few DOM shapes used inside the page (this file compiles without the DOM library). */
type TextNode = { readonly data: string };
type PageDocument = {
  createTreeWalker(root: unknown, whatToShow: number): { nextNode(): TextNode | null };
  createRange(): { setStart(node: TextNode, offset: number): void; setEnd(node: TextNode, offset: number): void; getBoundingClientRect(): { x: number; width: number } };
};

/**
 * Where each character of `token` is drawn inside `locator` (the middle of its box, in CSS pixels from the left), or
 * null when the element's text does not hold it. Bidi controls (marks and isolates) are skipped when looking for
 * the token, so the same token is found however the app isolates it.
 */
export function drawnAt(locator: Locator, token: string): Promise<number[] | null> {
  return locator.evaluate((el, tok) => {
    const doc = (globalThis as unknown as { document: PageDocument }).document;
    const controls = /[\u200e\u200f\u2066-\u2069]/;
    const walker = doc.createTreeWalker(el, 4 /* NodeFilter.SHOW_TEXT */);
    let text = '';
    const at: [TextNode, number][] = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (let i = 0; i < n.data.length; i++) {
        if (controls.test(n.data[i]!)) continue;
        text += n.data[i];
        at.push([n, i]);
      }
    }
    const start = text.indexOf(tok);
    if (start < 0) return null;
    return Array.from(tok, (_, k) => {
      const [node, i] = at[start + k]!;
      const range = doc.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      return box.x + box.width / 2;
    });
  }, token);
}

/**
 * Whether `token` (a file extension, a path, a hash: text that is read left to right in every language) is drawn
 * left to right inside `locator`, character after character, as in an LTR context. In right-to-left text, a '.zip'
 * that is not isolated is drawn 'zip.', a path '/out/packet' as 'out/packet/'.
 */
export async function drawnLeftToRight(locator: Locator, token: string): Promise<boolean> {
  const xs = await drawnAt(locator, token);
  if (!xs) throw new Error(`"${token}" is not in the element's text`);
  return xs.every((x, i) => i === 0 || x > xs[i - 1]!);
}
