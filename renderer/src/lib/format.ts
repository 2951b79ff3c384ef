import { useTranslation } from 'react-i18next';
import { recordedTimeFormat } from '../../../shared/recorded-time';
import { isLanguage } from './i18n';

/**
 * Dates, numbers and sizes in the UI language (Intl), with the language's digits: Arabic-Indic in Arabic unless the
 * person chose Latin digits in Settings (CLDR now defaults Arabic to Latin digits, so the numbering system is
 * always named). Hashes, ids and coordinates are data, not prose: they are shown as written (Latin digits, left
 * to right) wherever they appear.
 */
export type Numerals = 'native' | 'latin';

let numerals: Numerals = 'native';

/** Set from the settings (app-wide, before any vault is open); the next render picks it up. */
export function setNumerals(n: Numerals): void {
  numerals = n;
  // CSS counters (numbered lists) follow the same choice (styles.css).
  if (typeof document !== 'undefined') document.documentElement.dataset.numerals = n;
}

/** The Intl locale for a UI language, with its numbering system: 'ar-u-nu-arab' or 'ar-u-nu-latn'. */
export function intlLocale(lang: string): string {
  if (lang === 'ar') return numerals === 'latin' ? 'ar-u-nu-latn' : 'ar-u-nu-arab';
  return lang;
}

/** Digits a person may type (Arabic-Indic, Eastern Arabic-Indic) as ASCII digits. */
export function asciiDigits(s: string): string {
  return s.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660)).replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
}

export type Formatters = {
  readonly lang: string;
  /** The Intl locale (language + numbering system) every formatter here uses. */
  readonly locale: string;
  /** An integer without grouping (a year, a day): "2024" / "٢٠٢٤". */
  digits(n: number): string;
  date(iso: string | undefined): string;
  /**
   * A calendar date as a record holds it, whole or partial ("2024", "2024-03", "2024-03-05"): "2024", "March 2024",
   * "5 Mar 2024" in the language, never a day or a month that was not given, and never shifted by the time zone.
   */
  calendarDate(value: string | undefined): string;
  dateTime(iso: string | undefined): string;
  /** A time as a camera or a file recorded it: its clock time and offset, not this computer's (shared/recorded-time.ts). */
  recordedDateTime(value: string | undefined): string;
  /** The calendar day of such a recorded time, as it was recorded (not this computer's day at that instant). */
  recordedDate(value: string | undefined): string;
  /**
   * The day a record gives (a consent's "given on"): a calendar date ("2024-03-05") as that day, a date and time as
   * its own day. `date` would read "2024-03-05" as midnight UTC and show 4 March west of Greenwich.
   */
  day(value: string | undefined): string;
  number(n: number): string;
  bytes(n: number): string;
  percent(done: number, total: number): string;
  /** "a, b and c" / "a، b و c": a list joined the way the language joins lists. */
  list(items: readonly string[]): string;
};

const cache = new Map<string, Formatters>();

function make(lang: string, locale: string): Formatters {
  const dateFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const dateTimeFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const dayFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const monthFmt = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' });
  const yearFmt = new Intl.DateTimeFormat(locale, { year: 'numeric', timeZone: 'UTC' });
  const num = new Intl.NumberFormat(locale);
  const plain = new Intl.NumberFormat(locale, { useGrouping: false });
  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const listFmt = new Intl.ListFormat(lang, { style: 'long', type: 'unit' });
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  const unitFmts = units.map((unit) => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }));
  const recorded = recordedTimeFormat(locale);
  const calendarDate = (value: string | undefined): string => {
    const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value ?? '');
    if (!m) return value ?? '';
    const at = Date.UTC(Number(m[1]), m[2] ? Number(m[2]) - 1 : 0, m[3] ? Number(m[3]) : 1);
    const d = new Date(at);
    d.setUTCFullYear(Number(m[1])); // years before 100 are not 19xx
    return (m[3] ? dayFmt : m[2] ? monthFmt : yearFmt).format(d);
  };
  const parse = (iso: string | undefined): Date | undefined => {
    if (!iso) return undefined;
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? undefined : d;
  };
  return {
    lang,
    locale,
    digits: (n) => plain.format(n),
    date: (iso) => {
      const d = parse(iso);
      return d ? dateFmt.format(d) : '';
    },
    calendarDate,
    dateTime: (iso) => {
      const d = parse(iso);
      return d ? dateTimeFmt.format(d) : '';
    },
    recordedDateTime: (value) => recorded.dateTime(value),
    recordedDate: (value) => recorded.date(value),
    day: (value) => (/^\d{4}(-\d{2}){0,2}$/.test(value ?? '') ? calendarDate(value) : recorded.date(value)),
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
  const l = isLanguage(lang) ? lang : 'en';
  const locale = intlLocale(l);
  let f = cache.get(locale);
  if (!f) cache.set(locale, (f = make(l, locale)));
  return f;
}

export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  return formatters(i18n.language);
}
