import { allFields, isRequired } from './registry';
import type { AnswerCheck, AnswerValue, Answers, InvalidAnswer, InvalidReason, Mechanism, MechanismField } from './types';

// Checks the documenter's answers against a template before a packet is built. It reports every problem at once
// (the wizard shows them all, the CLI prints them all) rather than stopping at the first.

function isEmpty(value: AnswerValue | undefined): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false; // a boolean is an answer, `false` included
}

const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/** YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date: witnesses often remember only the month, or the year. */
export function isPartialIsoDate(s: string): boolean {
  const m = PARTIAL_DATE.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  if (m[2] === undefined) return year >= 1000;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return false;
  if (m[3] === undefined) return true;
  const day = Number(m[3]);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day >= 1 && day <= daysInMonth;
}

// Shape only: an ISO 3166-1 alpha-2 code. Which codes are assigned is the country picker's business.
const COUNTRY = /^[A-Z]{2}$/;

function isStringList(value: AnswerValue): value is readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v.trim() !== '');
}

function checkValue(field: MechanismField, value: AnswerValue): InvalidReason | undefined {
  switch (field.type) {
    case 'text':
    case 'longtext':
    case 'person':
      return typeof value === 'string' ? undefined : 'wrong-type';
    case 'date':
      if (typeof value !== 'string') return 'wrong-type';
      return isPartialIsoDate(value) ? undefined : 'bad-date';
    case 'country':
      if (typeof value !== 'string') return 'wrong-type';
      return COUNTRY.test(value) ? undefined : 'bad-country';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'wrong-type';
    case 'choice':
      if (typeof value !== 'string') return 'wrong-type';
      return field.choices?.some((c) => c.id === value) ? undefined : 'not-a-choice';
    case 'multichoice': {
      if (!isStringList(value)) return 'wrong-type';
      if (!value.every((v) => field.choices?.some((c) => c.id === v))) return 'not-a-choice';
      return new Set(value).size === value.length ? undefined : 'duplicate-value';
    }
    case 'items':
      if (!isStringList(value)) return 'wrong-type';
      return new Set(value).size === value.length ? undefined : 'duplicate-value';
    default: {
      const unreachable: never = field.type;
      return unreachable;
    }
  }
}

/**
 * Which required answers are missing (conditional requirements included) and which given answers are invalid:
 * unknown field ids, wrong types, values outside a field's choices, impossible dates, malformed country codes,
 * and consent questions the mechanism needs answered "yes" that were answered "no".
 */
export function validateAnswers(mechanism: Mechanism, answers: Answers): AnswerCheck {
  const fields = allFields(mechanism);
  const known = new Set(fields.map((f) => f.id));
  const mustBeTrue = new Set(mechanism.consent.mustBeTrue);
  const missing: string[] = [];
  const invalid: InvalidAnswer[] = [];

  for (const [fieldId, value] of Object.entries(answers)) {
    if (value !== undefined && !known.has(fieldId)) invalid.push({ fieldId, reason: 'unknown-field' });
  }
  for (const field of fields) {
    const value = answers[field.id];
    if (value === undefined || isEmpty(value)) {
      if (isRequired(field, answers)) missing.push(field.id);
      continue;
    }
    const reason = checkValue(field, value);
    if (reason) invalid.push({ fieldId: field.id, reason });
    else if (mustBeTrue.has(field.id) && value === false) invalid.push({ fieldId: field.id, reason: 'consent-not-given' });
  }
  return { missing, invalid };
}
