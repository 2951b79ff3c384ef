import { z } from 'zod';
import { TERM_ID_PATTERN } from '../taxonomy/types';
import { canonicalLanguageTag, isCountryCode } from '../locale/codes';
import { V } from '../validation';

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
    .refine((v) => !LONE_SURROGATE.test(v), { message: V('problem.validation.brokenCharacter') })
    .refine((v) => !v.includes('\u0000'), { message: V('problem.validation.nulCharacter') });
}

/** A required one-line text: trimmed, not empty, at most `max` characters. */
export function requiredText(max: number) {
  return wellFormed(z.string().trim().min(1, { message: V('problem.validation.required') }).max(max, { message: V('problem.validation.tooLong') }));
}

/** An optional text of at most `max` characters; empty means "not set". */
export function optionalText(max: number) {
  return wellFormed(z.string().trim().max(max, { message: V('problem.validation.tooLong') }));
}

/** A long text limited in UTF-8 bytes (notes, testimony text); kept exactly as written (no trimming). */
export function longText(maxBytes: number) {
  return wellFormed(z.string()).refine((v) => utf8Length(v) <= maxBytes, { message: V('problem.validation.tooLongKb'), params: { max: Math.round(maxBytes / 1024) } });
}

export function prefixedId(prefix: string) {
  return z.string().regex(new RegExp(`^${prefix}_[0-9a-z]{10}$`), { message: V('problem.validation.notAnId') });
}

export const caseId = prefixedId('case');
export const itemId = prefixedId('it');
export const personId = prefixedId('per');
export const testimonyId = prefixedId('tes');
export const consentId = prefixedId('con');
export const linkId = prefixedId('lnk');
export const tagAssignmentId = prefixedId('tag');

/** Taxonomy term ids look like `ip.electric-shock`; whether the term exists is checked against the taxonomy. */
export const termId = z.string().max(128, { message: V('problem.validation.notATerm') }).regex(TERM_ID_PATTERN, { message: V('problem.validation.notATerm') });

/** A mechanism template id from shared/mechanisms, or '*' for any mechanism. */
export const mechanismId = z.string().regex(/^(\*|[a-z0-9][a-z0-9-]{0,63})$/, { message: V('problem.validation.notAMechanism') });

/** An ISO 3166-1 alpha-2 code that exists ("TR"; "tr" is upper-cased; "TU" or "Turkey" is refused). */
export const countryCode = z
  .string()
  .trim()
  .refine((v) => /^[A-Za-z]{2}$/.test(v) && isCountryCode(v), { message: V('problem.validation.notACountry') })
  .transform((v) => v.toUpperCase());

/** A BCP 47 language tag of a known language, stored in canonical form ("ar-SY"); "Turkish" or "tu" is refused. */
export const languageTag = z
  .string()
  .trim()
  .refine((v) => canonicalLanguageTag(v) !== undefined, { message: V('problem.validation.notALanguage') })
  .transform((v) => canonicalLanguageTag(v)!);

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
  { message: V('problem.validation.notAPartialDate') },
);

/** A calendar date (YYYY-MM-DD) or an ISO 8601 date-time. */
export const dateOrDateTime = z.string().refine(
  (v) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(v);
    return m !== null && validDay(Number(m[1]), Number(m[2]), Number(m[3]));
  },
  { message: V('problem.validation.notADate') },
);
