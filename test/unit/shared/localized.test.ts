import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../shared/api';
import { LANGS, pickLocalized } from '../../../shared/localized';

describe('LANGS', () => {
  it('is the same set as the API contract languages, English first (the fallback)', () => {
    expect([...LANGS].sort()).toEqual([...LANGUAGES].sort());
    expect(LANGS[0]).toBe('en');
  });
});

describe('pickLocalized', () => {
  const text = { en: 'Torture', es: 'Tortura', fr: '  ', ar: 'التعذيب' };
  it('returns the text in the requested language', () => {
    expect(pickLocalized(text, 'es')).toBe('Tortura');
    expect(pickLocalized(text, 'ar')).toBe('التعذيب');
  });
  it('falls back to English when the requested text is blank', () => {
    expect(pickLocalized(text, 'fr')).toBe('Torture');
  });
});
