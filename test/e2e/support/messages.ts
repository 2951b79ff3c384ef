import ar from '../../../shared/i18n/ar.json';
import en from '../../../shared/i18n/en.json';
import es from '../../../shared/i18n/es.json';
import fr from '../../../shared/i18n/fr.json';
import problemsAr from '../../../shared/i18n/problems/ar.json';
import problemsEn from '../../../shared/i18n/problems/en.json';
import problemsEs from '../../../shared/i18n/problems/es.json';
import problemsFr from '../../../shared/i18n/problems/fr.json';
import type { Language } from '../../../shared/api';

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
export function messages(lang: Language): (key: string, vars?: Record<string, string | number>) => string {
  const root = ALL[lang] as unknown as Record<string, unknown>;
  return (key, vars = {}) => {
    let node: unknown = root;
    for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
    if (typeof node !== 'string') throw new Error(`no message ${key} in ${lang}`);
    return node.replace(/\{\{(\w+)\}\}/g, (_, v: string) => String(vars[v] ?? `{{${v}}}`));
  };
}
