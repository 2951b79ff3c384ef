import codes from './codes.json';

/**
 * The country and language codes the pickers offer and the schemas accept (made by scripts/make-locale-lists.mjs
 * from ISO 3166-1 and ISO 639-3; names are not stored: the renderer takes them from Intl.DisplayNames in the
 * person's language). A value outside these lists is refused at the field, never stored: "Turkey" typed as a
 * country must not become "TU".
 */
export const COUNTRY_CODES: readonly string[] = codes.countries;
export const LANGUAGE_CODES: readonly string[] = codes.languages;

const countries = new Set(COUNTRY_CODES);
const languages = new Set(LANGUAGE_CODES);

export function isCountryCode(code: string): boolean {
  return countries.has(code.toUpperCase());
}

/**
 * The canonical form of a BCP 47 tag ("AR-sy" → "ar-SY") whose language is one we know, or undefined: the tag must
 * be well formed (Intl) and its primary language subtag in the list, so "tu" or "Turkish" is refused.
 */
export function canonicalLanguageTag(tag: string): string | undefined {
  let canonical: string | undefined;
  try {
    canonical = Intl.getCanonicalLocales(tag.trim())[0];
  } catch {
    return undefined;
  }
  if (!canonical) return undefined;
  const primary = canonical.split('-')[0]!;
  return languages.has(primary) ? canonical : undefined;
}
