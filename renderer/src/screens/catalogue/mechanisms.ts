import { useTranslation } from 'react-i18next';
import { pickLocalized } from '../../../../shared/localized';
import { MECHANISMS } from '../../../../shared/mechanisms';
import { currentLanguage } from '../../lib/i18n';

/** Mechanisms a consent decision can be about: '*' (any mechanism) first, then every mechanism template. */
export const MECHANISM_OPTIONS: readonly string[] = ['*', ...MECHANISMS.map((m) => m.id)];

export function useMechanismLabel(): (id: string) => string {
  const { t } = useTranslation();
  const lang = currentLanguage();
  return (id) => {
    if (id === '*') return t('consent.anyMechanism');
    const m = MECHANISMS.find((x) => x.id === id);
    return m ? pickLocalized(m.title, lang) : id;
  };
}
