import { z } from 'zod';
import { TERM_ID_PATTERN } from '../taxonomy/types';

/**
 * Field validators shared by the catalogue input schemas. Every free-text field has a limit (so oversized input is
 * refused with a message naming the field, never silently truncated) and must be well-formed Unicode: custody
 * commitments are computed over RFC 8785 JSON, which cannot carry lone surrogates, and NUL bytes break tools that
 * read the exported text.
 */

export const LIMITS = {
  title: 500,
  name: 300,
  shortText: 500,
  place: 500,
  reason: 2000,
  notesBytes: 100 * 1024,
  summaryBytes: 100 * 1024,
  testimonyBytes: 2 * 1024 * 1024,
  detailValue: 2000,
  idsPerCall: 10_000,
  query: 1000,
} as const;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** UTF-8 length without allocating (a 2 MB testimony is measured on every autosave). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function wellFormed<T extends z.ZodString>(s: T) {
  return s
    .refine((v) => !LONE_SURROGATE.test(v), { message: 'contains a broken Unicode character' })
    .refine((v) => !v.includes('\u0000'), { message: 'contains a NUL character' });
}

/** A required one-line text: trimmed, not empty, at most `max` characters. */
export function requiredText(max: number) {
  return wellFormed(z.string().trim().min(1, { message: 'is required' }).max(max, { message: `is too long (at most ${max} characters)` }));
}

/** An optional text of at most `max` characters; empty means "not set". */
export function optionalText(max: number) {
  return wellFormed(z.string().trim().max(max, { message: `is too long (at most ${max} characters)` }));
}

/** A long text limited in UTF-8 bytes (notes, testimony text); kept exactly as written (no trimming). */
export function longText(maxBytes: number) {
  return wellFormed(z.string()).refine((v) => utf8Length(v) <= maxBytes, { message: `is too long (at most ${Math.round(maxBytes / 1024)} KB)` });
}

export function prefixedId(prefix: string) {
  return z.string().regex(new RegExp(`^${prefix}_[0-9a-z]{10}$`), { message: `is not a ${prefix}_… id` });
}

export const caseId = prefixedId('case');
export const itemId = prefixedId('it');
export const personId = prefixedId('per');
export const testimonyId = prefixedId('tes');
export const consentId = prefixedId('con');
export const linkId = prefixedId('lnk');
export const tagAssignmentId = prefixedId('tag');

/** Taxonomy term ids look like `ip.electric-shock`; whether the term exists is checked against the taxonomy. */
export const termId = z.string().max(128, { message: 'is not a taxonomy term id' }).regex(TERM_ID_PATTERN, { message: 'is not a taxonomy term id (e.g. "ip.electric-shock")' });

/** A mechanism template id from shared/mechanisms, or '*' for any mechanism. */
export const mechanismId = z.string().regex(/^(\*|[a-z0-9][a-z0-9-]{0,63})$/, { message: "is not a mechanism id (e.g. 'wgad-individual', or '*' for any)" });

export const countryCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/, { message: 'is not an ISO 3166-1 alpha-2 country code (e.g. "MX")' })
  .transform((v) => v.toUpperCase());

export const languageTag = z.string().trim().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, { message: 'is not a BCP 47 language tag (e.g. "es", "ar-SY")' });

function validDay(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** YYYY, YYYY-MM or YYYY-MM-DD: people often know only the year of a birth or the month of an interview. */
export const partialDate = z.string().refine(
  (v) => {
    const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(v);
    if (!m) return false;
    const month = m[2] === undefined ? 1 : Number(m[2]);
    const day = m[3] === undefined ? 1 : Number(m[3]);
    return Number(m[1]) >= 1 && month >= 1 && month <= 12 && validDay(Number(m[1]), month, day);
  },
  { message: 'is not a date (YYYY, YYYY-MM or YYYY-MM-DD)' },
);

/** A calendar date (YYYY-MM-DD) or an ISO 8601 date-time. */
export const dateOrDateTime = z.string().refine(
  (v) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(v);
    return m !== null && validDay(Number(m[1]), Number(m[2]), Number(m[3]));
  },
  { message: 'is not a date (YYYY-MM-DD or an ISO 8601 date-time)' },
);
