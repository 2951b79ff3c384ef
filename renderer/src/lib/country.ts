import { useFormat } from './format';

/** A country's name in the UI language from its ISO 3166-1 alpha-2 code (Intl.DisplayNames, bundled with Chromium). */
export function useCountryName(): (code: string | undefined) => string {
  const { lang } = useFormat();
  let names: Intl.DisplayNames | undefined;
  try {
    names = new Intl.DisplayNames([lang], { type: 'region' });
  } catch {
    names = undefined;
  }
  return (code) => {
    if (!code) return '';
    try {
      return names?.of(code.toUpperCase()) ?? code;
    } catch {
      return code;
    }
  };
}
