import { useId, useMemo, useState, type ReactElement, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { asciiDigits, useFormat } from '../lib/format';
import { describedByOf, FieldNotes } from './Field';

type Part = 'day' | 'month' | 'year';
type Parts = { readonly day: string; readonly month: string; readonly year: string };

/** "2024", "2024-03" or "2024-03-05" as its parts (empty strings for what is not known). */
function split(value: string | undefined): Parts {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(value ?? '');
  return m ? { year: m[1]!, month: m[2] ? String(Number(m[2])) : '', day: m[3] ? String(Number(m[3])) : '' } : { year: '', month: '', day: '' };
}

/**
 * What was typed, as it was, when the parts do not make a date yet (a year typed halfway, a day without a month):
 * kept in a form's draft so nothing typed is lost, and brought back as typed. '' when the parts make a date (or
 * are all empty): the value says it all then.
 */
export function typedDate(p: Parts, partial: boolean): string {
  return composeDate(p, partial) === 'invalid' ? JSON.stringify([p.year, p.month, p.day]) : '';
}

/** The parts a typedDate() string holds (undefined if it holds none). */
function untyped(typed: string | undefined): Parts | undefined {
  if (!typed) return undefined;
  try {
    const v: unknown = JSON.parse(typed);
    if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'string')) {
      const [year, month, day] = v as string[];
      return { year: year!.slice(0, 4), month: /^(?:[1-9]|1[0-2])?$/.test(month!) ? month! : '', day: day!.slice(0, 2) };
    }
  } catch {
    // Not what typedDate() wrote: nothing to bring back.
  }
  return undefined;
}

function validDay(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/**
 * The stored form of what was typed: null when every part is empty, the ISO date (or year, or year-month where a
 * partial date is allowed) when the parts make one, or 'invalid' with nothing stored.
 */
export function composeDate(p: Parts, partial: boolean): { readonly value: string | null } | 'invalid' {
  const y = asciiDigits(p.year).trim();
  const d = asciiDigits(p.day).trim();
  const m = p.month;
  if (!y && !m && !d) return { value: null };
  if (!/^\d{4}$/.test(y) || Number(y) < 1) return 'invalid';
  if (!m) return partial && !d ? { value: y } : 'invalid';
  const mm = m.padStart(2, '0');
  if (!d) return partial ? { value: `${y}-${mm}` } : 'invalid';
  if (!/^\d{1,2}$/.test(d) || !validDay(Number(y), Number(m), Number(d))) return 'invalid';
  return { value: `${y}-${mm}-${d.padStart(2, '0')}` };
}

/** The order of day, month and year in the language ("5 March 2024", "March 5, 2024", "٥ مارس ٢٠٢٤"). */
function partOrder(locale: string): Part[] {
  const parts = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).formatToParts(Date.UTC(2000, 0, 2));
  const order = parts.map((p) => p.type).filter((t): t is Part => t === 'day' || t === 'month' || t === 'year');
  return order.length === 3 ? order : ['day', 'month', 'year'];
}

/**
 * A date typed in the app's language, independent of the browser's locale (an `<input type=date>` follows the
 * browser): day, month (by name) and year in the language's order and digits, as the GOV.UK date pattern does, so
 * a known year alone or a month and year can be given where the record allows it (a birth year, an interview
 * month). Arabic-Indic digits are accepted as typed. A date that does not exist (30 February) is refused at the
 * field and never passed on.
 */
export function DateField({
  label,
  value,
  onChange,
  partial = false,
  hint,
  error,
  typed,
  onTyped,
  badges,
}: {
  readonly label: string;
  /** Shown after the label in the legend (a form's "required" badge). */
  readonly badges?: ReactNode;
  readonly value: string | undefined;
  /** null: every part emptied. Only whole, existing dates (or partial ones where allowed) are passed on. */
  readonly onChange: (value: string | null) => void;
  /** Allow a year alone, or a month and year. */
  readonly partial?: boolean;
  readonly hint?: string;
  readonly error?: string | undefined;
  /** What a draft kept of a date typed halfway (typedDate()): shown as typed, marked invalid, instead of `value`. */
  readonly typed?: string | undefined;
  /**
   * A change that makes no date yet: what was typed (typedDate()), for the form's draft; '' when the parts make the
   * date again without changing the value. A call of onChange means nothing is half typed any more.
   */
  readonly onTyped?: (typed: string) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  // Shown with the language's digits once the person leaves the part, digit by digit (a '0' typed first stays);
  // typed digits, Western or Arabic-Indic, are kept while typing.
  const show = (s: string) => (/^\d+$/.test(asciiDigits(s)) ? asciiDigits(s).replace(/\d/g, (d) => f.digits(Number(d))) : s);
  const shown = (p: Parts): Parts => ({ day: show(p.day), month: p.month, year: show(p.year) });
  // A date brought back half typed from a draft is shown as typed, in the language's digits (Arabic-Indic in ar).
  const [parts, setParts] = useState<Parts>(() => shown(untyped(typed) ?? split(value)));
  const [lastValue, setLastValue] = useState(value);
  // A date brought back half typed is marked at once.
  const [touched, setTouched] = useState(() => untyped(typed) !== undefined);
  // A new value from outside (a reload, another record) replaces what is shown, unless it is what we sent.
  if (value !== lastValue) {
    setLastValue(value);
    const current = composeDate(parts, partial);
    if (current === 'invalid' || (current.value ?? undefined) !== value) setParts(shown(split(value)));
  }
  const order = useMemo(() => partOrder(f.locale), [f.locale]);
  const months = useMemo(() => {
    const fmt = new Intl.DateTimeFormat(f.locale, { month: 'long', timeZone: 'UTC' });
    return Array.from({ length: 12 }, (_, i) => fmt.format(Date.UTC(2000, i, 1)));
  }, [f.locale]);
  const composed = composeDate(parts, partial);
  const invalid = touched && composed === 'invalid';
  const shownError = invalid ? t(partial ? 'problem.validation.notAPartialDate' : 'problem.validation.notADate') : error;
  const describedBy = describedByOf(id, hint, shownError);

  const update = (patch: Partial<Parts>) => {
    const next = { ...parts, ...patch };
    setParts(next);
    const c = composeDate(next, partial);
    // One call per change (a form's state is set once): what was typed, or the new value (then nothing half typed).
    if (c === 'invalid') onTyped?.(typedDate(next, partial));
    else if ((c.value ?? undefined) !== value) {
      setLastValue(c.value ?? undefined);
      onChange(c.value);
    } else onTyped?.('');
  };
  const controls: Record<Part, ReactElement> = {
    day: (
      <div className="date-part date-day" key="day">
        <label htmlFor={`${id}-day`}>{t('date.day')}</label>
        <input
          id={`${id}-day`}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          maxLength={2}
          value={parts.day}
          aria-invalid={invalid || Boolean(error) || undefined}
          aria-describedby={describedBy}
          onChange={(e) => update({ day: e.target.value })}
          onBlur={(e) => {
            setTouched(true);
            setParts((p) => ({ ...p, day: show(e.target.value) }));
          }}
        />
      </div>
    ),
    month: (
      <div className="date-part date-month" key="month">
        <label htmlFor={`${id}-month`}>{t('date.month')}</label>
        <select
          id={`${id}-month`}
          value={parts.month}
          aria-invalid={invalid || Boolean(error) || undefined}
          aria-describedby={describedBy}
          onChange={(e) => update({ month: e.target.value })}
          onBlur={() => setTouched(true)}
        >
          <option value="">{t('date.noMonth')}</option>
          {months.map((name, i) => (
            <option key={i} value={String(i + 1)}>
              {name}
            </option>
          ))}
        </select>
      </div>
    ),
    year: (
      <div className="date-part date-year" key="year">
        <label htmlFor={`${id}-year`}>{t('date.year')}</label>
        <input
          id={`${id}-year`}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          maxLength={4}
          value={parts.year}
          aria-invalid={invalid || Boolean(error) || undefined}
          aria-describedby={describedBy}
          onChange={(e) => update({ year: e.target.value })}
          onBlur={(e) => {
            setTouched(true);
            setParts((p) => ({ ...p, year: show(e.target.value) }));
          }}
        />
      </div>
    ),
  };
  return (
    <fieldset className={shownError ? 'field date-field field-invalid' : 'field date-field'} aria-describedby={describedBy}>
      <legend>
        {label}
        {badges}
      </legend>
      <div className="date-parts">{order.map((p) => controls[p])}</div>
      <FieldNotes id={id} hint={hint} error={shownError} />
    </fieldset>
  );
}
