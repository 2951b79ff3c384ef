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

/**
 * A cover message with `{name}` placeholders, in the language's order: the text between placeholders through
 * `text`, each placeholder as given in `params`. The pieces stay apart so a renderer can mark a value (a hash, left
 * to right and monospaced) without escaping the language's punctuation by hand. `labelValue` is how a label
 * introduces its value: English 'Label: value', French 'Label : value' with a narrow no-break space (U+202F) so
 * the colon never starts a line.
 */
export function coverParts<T>(key: CoverTextKey, lang: Language, params: Readonly<Record<string, T>>, text: (s: string) => T): T[] {
  const out: T[] = [];
  for (const piece of coverText(key, lang).split(/(\{[a-zA-Z]+\})/)) {
    if (piece === '') continue;
    const name = /^\{([a-zA-Z]+)\}$/.exec(piece)?.[1];
    if (name === undefined) out.push(text(piece));
    else if (Object.hasOwn(params, name)) out.push(params[name]!);
    else throw new Error(`cover message ${key} (${lang}) has a placeholder {${name}} that was not given`);
  }
  return out;
}

/** A cover message with its `{name}` placeholders replaced by the strings given. */
export function coverFormat(key: CoverTextKey, lang: Language, params: Readonly<Record<string, string>>): string {
  return coverParts(key, lang, params, (s) => s).join('');
}

/** 'Label: value' in the cover's language (`labelValue`). */
export function labelled(label: string, value: string, lang: Language): string {
  return coverFormat('labelValue', lang, { label, value });
}
