import type { Page } from 'playwright-core';
import { asciiWords } from '../../../shared/i18n/pseudo';

/**
 * The pseudo-locale check: with the app opened as /?pseudo-locale every message and data text of the translation
 * layer is in accented look-alikes, so a plain ASCII word on a screen (text, aria-label, title, placeholder, alt,
 * the window title) did not go through it — unless it is data: what the person typed (text areas) or imported (`allowed`),
 * or text marked as not for translation (paths, ids, hashes, keys: translate="no", <code>, <bdi>, .path, and the
 * packet verifier's technical wording, data-verifier-text, and other technical wording, data-technical).
 */

type Found = { readonly where: string; readonly text: string };

/** Every text of the page that is not marked as data, with where it was found. */
async function pageTexts(page: Page): Promise<Found[]> {
  return page.evaluate(() => {
    type El = { closest(sel: string): El | null; tagName: string; id: string; className: unknown; getAttribute(n: string): string | null; parentElement: El | null };
    type TextNode = { nodeValue: string | null; parentElement: El | null };
    const d = (globalThis as unknown as { document: { title: string; body: unknown; createTreeWalker(root: unknown, what: number): { nextNode(): TextNode | null }; querySelectorAll(s: string): Iterable<El> } }).document;
    const DATA = '[translate="no"], code, bdi, .path, [data-verifier-text], [data-technical], textarea, script, style, noscript';
    const name = (el: El | null): string => (el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${typeof el.className === 'string' && el.className ? `.${el.className.split(' ')[0]}` : ''}` : '?');
    const out: { where: string; text: string }[] = [{ where: 'document.title', text: d.title }];
    const walker = d.createTreeWalker(d.body, 4 /* NodeFilter.SHOW_TEXT */);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest(DATA)) continue;
      const text = (n.nodeValue ?? '').trim();
      if (text) out.push({ where: `${name(el.parentElement)} > ${name(el)}`, text });
    }
    for (const el of d.querySelectorAll('[aria-label], [title], [placeholder], [alt], [aria-roledescription]')) {
      if (el.closest(DATA)) continue;
      for (const a of ['aria-label', 'title', 'placeholder', 'alt', 'aria-roledescription']) {
        const v = el.getAttribute(a);
        if (v) out.push({ where: `${name(el)}[${a}]`, text: v });
      }
    }
    return out;
  });
}

/** Texts on the page holding an ASCII word that is neither data nor allowed: each is a string that missed translation. */
export async function untranslatedTexts(page: Page, allowed: ReadonlySet<string>): Promise<string[]> {
  const problems: string[] = [];
  for (const f of await pageTexts(page)) {
    const bad = asciiWords(f.text).filter((w) => !allowed.has(w) && !allowed.has(w.toLowerCase()));
    if (bad.length > 0) problems.push(`${f.where}: "${f.text.slice(0, 120)}" (${[...new Set(bad)].join(', ')})`);
  }
  return [...new Set(problems)];
}

/** The words of data texts (what a test typed or imported), allowed to appear untranslated. */
export function dataWords(...texts: readonly string[]): Set<string> {
  return new Set(texts.flatMap((t) => asciiWords(t)));
}
