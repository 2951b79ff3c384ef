import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../shared/errors';

type T = (key: string, options?: Record<string, unknown>) => string;

/**
 * A Message from the main process in the UI language: `{ key }` parameters (an enumeration, a check name) are
 * translated first; numbers are written with the language's digits by the i18n layer; other values are data and
 * are isolated in right-to-left text. An unknown key (a newer main process) gives undefined, so the caller can
 * fall back to the error code's general sentence rather than show a key.
 */
export function translateMessage(t: T, exists: (key: string) => boolean, m: Message): string | undefined {
  if (!exists(m.key) && !exists(`${m.key}_other`)) return undefined;
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m.params ?? {})) params[k] = typeof v === 'object' ? t(v.key) : v;
  return t(m.key, params);
}

export function useMessage(): (m: Message | undefined) => string | undefined {
  const { t, i18n } = useTranslation();
  return useCallback((m: Message | undefined) => (m ? translateMessage(t as T, (k) => i18n.exists(k), m) : undefined), [t, i18n]);
}
