import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LANGUAGES, type Language } from '../../../shared/api';
import ar from '../../../shared/i18n/ar.json';
import en from '../../../shared/i18n/en.json';
import es from '../../../shared/i18n/es.json';
import fr from '../../../shared/i18n/fr.json';
import problemsAr from '../../../shared/i18n/problems/ar.json';
import problemsEn from '../../../shared/i18n/problems/en.json';
import problemsEs from '../../../shared/i18n/problems/es.json';
import problemsFr from '../../../shared/i18n/problems/fr.json';
import { pseudoText, pseudoTree } from '../../../shared/i18n/pseudo';
import { setPseudoLocalized } from '../../../shared/localized';
import { formatters } from './format';

export const RTL_LANGUAGES: ReadonlySet<Language> = new Set(['ar']);

export function isLanguage(x: string): x is Language {
  return (LANGUAGES as readonly string[]).includes(x);
}

/** Sets the document language and direction so the whole layout (logical CSS properties) mirrors for Arabic. */
function applyToDocument(lang: Language): void {
  document.documentElement.lang = lang;
  document.documentElement.dir = RTL_LANGUAGES.has(lang) ? 'rtl' : 'ltr';
}

/**
 * The pseudo-locale test mode (e2e only): the page was opened as /?pseudo-locale, which the packaged app never
 * does. English messages, and data texts in every language, are then shown in accented look-alikes.
 */
function pseudoLocaleRequested(): boolean {
  return typeof location !== 'undefined' && new URLSearchParams(location.search).has('pseudo-locale');
}

export async function initI18n(lang: Language): Promise<void> {
  const pseudo = pseudoLocaleRequested();
  if (pseudo) setPseudoLocalized(pseudoText);
  await i18next.use(initReactI18next).init({
    // The sentences about problems that come from the main process live in their own files (shared/i18n/problems),
    // under `problem.` like any other message.
    resources: {
      en: { translation: pseudo ? pseudoTree({ ...en, problem: problemsEn }) : { ...en, problem: problemsEn } },
      es: { translation: { ...es, problem: problemsEs } },
      fr: { translation: { ...fr, problem: problemsFr } },
      ar: { translation: { ...ar, problem: problemsAr } },
    },
    lng: lang,
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    // React escapes HTML itself, so i18next's "escape" is used for something else: a number is written with the
    // language's digits (Arabic-Indic in Arabic unless the person chose Latin digits), and in a right-to-left
    // language every interpolated value (a name, a date, an id) is wrapped in Unicode first-strong isolates, so a
    // Latin value inside Arabic text cannot reorder its neighbours ("بواسطة owner، 22/11/2026" stays readable).
    interpolation: {
      escapeValue: true,
      useRawValueToEscape: true,
      escape: (value: unknown) => {
        const text = typeof value === 'number' ? formatters(currentLanguage()).number(value) : String(value);
        return RTL_LANGUAGES.has(currentLanguage()) ? `\u2068${text}\u2069` : text;
      },
    },
    returnNull: false,
  });
  applyToDocument(lang);
  i18next.on('languageChanged', (l) => {
    if (isLanguage(l)) applyToDocument(l);
  });
}

export async function setLanguage(lang: Language): Promise<void> {
  if (i18next.language !== lang) await i18next.changeLanguage(lang);
}

export function currentLanguage(): Language {
  const l = i18next.language;
  return isLanguage(l) ? l : 'en';
}
