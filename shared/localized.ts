import type { Language } from './api';

/**
 * The app's four languages in a fixed order (English first: it is the fallback). Kept here rather than imported
 * from ./api at runtime so data modules (taxonomies, mechanism templates) do not pull the whole API contract in;
 * `satisfies` keeps the two lists in step at compile time and a unit test checks they are the same set.
 */
export const LANGS = ['en', 'es', 'fr', 'ar'] as const satisfies readonly Language[];

/** A text in every app language. Data files must fill all four; English is the fallback when a string is blank. */
export type Localized = { readonly [L in Language]: string };

let pseudo: ((s: string) => string) | undefined;

/** The renderer's pseudo-locale test mode (shared/i18n/pseudo.ts): data texts go through it like messages. */
export function setPseudoLocalized(transform: ((s: string) => string) | undefined): void {
  pseudo = transform;
}

/** The text in `lang`, or the English text when that one is blank (data under review may lag behind). */
export function pickLocalized(text: Localized, lang: Language): string {
  const value = text[lang];
  const picked = value.trim() === '' ? text.en : value;
  return pseudo ? pseudo(picked) : picked;
}
