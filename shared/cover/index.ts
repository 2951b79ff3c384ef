import type { Language } from '../api';
import { pickLocalized, type Localized } from '../localized';
import messages from './messages.json';

/**
 * Texts of the packet cover documents (DESIGN §6) in the four packet languages. Mechanism field labels come from
 * the templates (shared/mechanisms) and tag labels from the taxonomies; these are the document's own words.
 * Spanish, French and Arabic were drafted by the developers and need review by fluent speakers (see
 * shared/i18n/README.md for the same caveat on the UI).
 */
export type CoverTextKey = keyof typeof messages;

const TEXTS: Readonly<Record<CoverTextKey, Localized>> = messages;

export function coverText(key: CoverTextKey, lang: Language): string {
  return pickLocalized(TEXTS[key], lang);
}

export const COVER_TEXT_KEYS = Object.keys(TEXTS) as CoverTextKey[];

/**
 * Joins the parts of a list in the cover's language: `separator` between parts that may hold commas themselves (a
 * tag's details, the tags of an exhibit, what was done to a file: ';', French ' ;', Arabic '؛'), `comma` between
 * simple values (Arabic '،'). Intl.ListFormat has no semicolon-level list, so both come from the catalogue.
 */
export function joinList(parts: readonly string[], lang: Language, kind: 'separator' | 'comma' = 'separator'): string {
  return parts.join(coverText(kind === 'separator' ? 'list.separator' : 'list.comma', lang));
}
