import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { englishTemplate, englishText } from '../../../../shared/i18n/english';
import { englishIssues, fieldIssues, issueMessage } from '../../../../shared/validation';
import { HuellaError, msg } from '../../../../main/archive/errors';
import { CaseCreateInput, PersonCreateInput } from '../../../../shared/model/catalogue';

/**
 * Messages travel as keys and parameters; the CLI prints the English text of the same key. These check the
 * English rendering (placeholders, plurals, translated parameters) and that zod refusals become keyed messages.
 */
describe('English text of a Message', () => {
  it('fills placeholders, picks the plural form by count, and translates { key } parameters', () => {
    expect(englishText({ key: 'problem.validation.tooLong', params: { max: 500 } })).toBe('Too long: at most 500 characters.');
    expect(englishTemplate('library.count', 1)).toBe('{{formatted}} item');
    expect(englishText({ key: 'library.count', params: { count: 3, formatted: '3' } })).toBe('3 items');
    expect(englishText({ key: 'problem.validation.unknownFields', params: { fields: { key: 'roles.victim' } } })).toBe('Contains fields the app does not know: Victim.');
  });

  it('shows an unknown key as itself rather than inventing text, and leaves a missing parameter visible', () => {
    expect(englishText({ key: 'problem.nothing.here' })).toBe('problem.nothing.here');
    expect(englishText({ key: 'problem.validation.tooLong' })).toBe('Too long: at most {{max}} characters.');
  });

  it('a HuellaError built from a Message carries the key, the parameters and the English text', () => {
    const e = new HuellaError('INVALID_INPUT', msg('problem.validation.tooMany', { max: 20 }));
    expect(e.message).toBe('Too many: at most 20.');
    expect(e.toApiError()).toEqual({ code: 'INVALID_INPUT', message: 'Too many: at most 20.', key: 'problem.validation.tooMany', params: { max: 20 } });
  });
});

describe('zod refusals as messages', () => {
  const issues = (schema: z.ZodType, input: unknown) => {
    const r = schema.safeParse(input);
    if (r.success) throw new Error('expected a refusal');
    return fieldIssues(r.error);
  };

  it('keys the rules of the catalogue schemas, with their limits', () => {
    expect(issues(CaseCreateInput, { title: '  ' })).toEqual([{ path: ['title'], message: { key: 'problem.validation.required' } }]);
    expect(issues(CaseCreateInput, { title: 'x', summary: 'é'.repeat(60 * 1024) })).toEqual([{ path: ['summary'], message: { key: 'problem.validation.tooLongKb', params: { max: 100 } } }]);
    expect(issues(PersonCreateInput, { realName: 'A', pseudonym: 'B', birthDate: '1990-13', nationality: 'Turkey' }).map((i) => i.message.key)).toEqual([
      'problem.validation.notAPartialDate',
      'problem.validation.notACountry',
    ]);
  });

  it('keys zod’s own refusals by their code', () => {
    expect(issues(CaseCreateInput, {}).map((i) => i.message.key)).toEqual(['problem.validation.required']);
    // An enum's refusal names its choices: the CLI said 'status: Not one of the choices offered.' and listed none.
    expect(issues(CaseCreateInput, { title: 'x', status: 'archived' }).map((i) => i.message)).toEqual([{ key: 'problem.validation.notOneOf', params: { choices: 'open, submitted, closed' } }]);
    expect(englishIssues(issues(CaseCreateInput, { title: 'x', status: 'archived' }))).toBe('status: Not one of the choices: open, submitted, closed.');
    expect(issues(CaseCreateInput, { title: 'x', colour: 'red' })).toEqual([{ path: [], message: { key: 'problem.validation.unknownFields', params: { fields: 'colour' } } }]);
    expect(issueMessage({ code: 'too_big', origin: 'array', maximum: 3, path: [], message: 'x' } as never)).toEqual({ key: 'problem.validation.tooMany', params: { max: 3 } });
  });

  it('writes the English list the CLI prints', () => {
    expect(englishIssues([{ path: ['title'], message: { key: 'problem.validation.required' } }])).toBe('title: Required.');
  });
});
