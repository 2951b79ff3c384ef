import { useTranslation } from 'react-i18next';
import { isLanguage } from './i18n';

/**
 * Dates, numbers and sizes in the UI language (Intl). Hashes, ids and coordinates are data, not prose: they are
 * shown as written (Latin digits, left to right) wherever they appear.
 */
export type Formatters = {
  readonly lang: string;
  date(iso: string | undefined): string;
  dateTime(iso: string | undefined): string;
  number(n: number): string;
  bytes(n: number): string;
  percent(done: number, total: number): string;
  /** "a, b and c" / "a، b و c": a list joined the way the language joins lists. */
  list(items: readonly string[]): string;
};

const cache = new Map<string, Formatters>();

function make(lang: string): Formatters {
  const dateFmt = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
  const dateTimeFmt = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const num = new Intl.NumberFormat(lang);
  const pct = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  const listFmt = new Intl.ListFormat(lang, { style: 'long', type: 'unit' });
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  const unitFmts = units.map((unit) => new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }));
  const parse = (iso: string | undefined): Date | undefined => {
    if (!iso) return undefined;
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? undefined : d;
  };
  return {
    lang,
    date: (iso) => {
      const d = parse(iso);
      return d ? dateFmt.format(d) : '';
    },
    dateTime: (iso) => {
      const d = parse(iso);
      return d ? dateTimeFmt.format(d) : '';
    },
    number: (n) => num.format(n),
    bytes: (n) => {
      let i = 0;
      let v = n;
      while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
      }
      return unitFmts[i]!.format(v);
    },
    percent: (done, total) => pct.format(total > 0 ? Math.min(1, done / total) : 0),
    list: (items) => listFmt.format(items),
  };
}

export function formatters(lang: string): Formatters {
  const key = isLanguage(lang) ? lang : 'en';
  let f = cache.get(key);
  if (!f) cache.set(key, (f = make(key)));
  return f;
}

export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  return formatters(i18n.language);
}
