import ar from '../../../shared/i18n/ar.json';
import en from '../../../shared/i18n/en.json';
import es from '../../../shared/i18n/es.json';
import fr from '../../../shared/i18n/fr.json';
import problemsAr from '../../../shared/i18n/problems/ar.json';
import problemsEn from '../../../shared/i18n/problems/en.json';
import problemsEs from '../../../shared/i18n/problems/es.json';
import problemsFr from '../../../shared/i18n/problems/fr.json';
import type { Language } from '../../../shared/api';
import { pseudoText } from '../../../shared/i18n/pseudo';

const ALL = {
  en: { ...en, problem: problemsEn },
  es: { ...es, problem: problemsEs },
  fr: { ...fr, problem: problemsFr },
  ar: { ...ar, problem: problemsAr },
} as const;

/**
 * The UI's own messages, so a test finds controls by what a person reads in any language (the journeys in
 * Arabic use the Arabic labels, not test ids). `{{x}}` placeholders are replaced from `vars`.
 */
export function messages(lang: Language | 'pseudo'): (key: string, vars?: Record<string, string | number>) => string {
  // The pseudo-locale (shared/i18n/pseudo.ts) is the English messages in accented look-alikes.
  const root = ALL[lang === 'pseudo' ? 'en' : lang] as unknown as Record<string, unknown>;
  return (key, vars = {}) => {
    let node: unknown = root;
    for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
    if (typeof node !== 'string') throw new Error(`no message ${key} in ${lang}`);
    if (lang === 'pseudo') node = pseudoText(node as string);
    return (node as string).replace(/\{\{(\w+)\}\}/g, (_, v: string) => String(vars[v] ?? `{{${v}}}`));
  };
}

/** A value the app isolates in right-to-left text (U+2068…U+2069), as a test finds it in an accessible name. */
export function isolate(lang: Language | 'pseudo'): (v: string) => string {
  return (v) => (lang === 'ar' ? `\u2068${v}\u2069` : v);
}

/**
 * A plural message as the app shows it (`key_one`, `key_few`… with `{{formatted}}`): the language's plural form and
 * its digits (Arabic-Indic in Arabic), the number maybe isolated (U+2066–U+2069). A pattern of the whole text.
 */
export function pluralPattern(lang: Language, key: string, n: number): RegExp {
  const m = messages(lang);
  // The number as the app formats it: the language's digits, with or without its grouping mark (1,000; 1.000; ١٬٠٠٠).
  const digits = [...String(n)].map((d) => (lang === 'ar' ? String.fromCharCode(0x0660 + Number(d)) : d)).join('[,.\u066C\u00A0\u202F]?');
  const [before, after] = m(`${key}_${new Intl.PluralRules(lang).select(n)}`, { formatted: '\u0000' }).split('\u0000') as [string, string | undefined];
  const esc = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return after === undefined ? new RegExp(`^${esc(before)}$`) : new RegExp(`^${esc(before)}[\u2066-\u2069]*${digits}[\u2066-\u2069]*${esc(after)}$`);
}
