import { describe, expect, it } from 'vitest';
import { MECHANISMS, allFields, getMechanism, isPartialIsoDate, requiredFields, validateAnswers } from '../../../../shared/mechanisms';
import type { AnswerValue, Answers, Mechanism, MechanismField } from '../../../../shared/mechanisms';

const mech = (id: string): Mechanism => {
  const m = getMechanism(id);
  if (!m) throw new Error(id);
  return m;
};

// A valid answer for any field, so a complete answer set can be built for every template.
function sample(field: MechanismField): AnswerValue {
  switch (field.type) {
    case 'text': case 'longtext': return `answer for ${field.id}`;
    case 'date': return '2023-02-28';
    case 'country': return 'VE';
    case 'boolean': return true;
    case 'choice': return field.choices?.[0]?.id ?? null;
    case 'multichoice': return (field.choices ?? []).slice(0, 2).map((c) => c.id);
    case 'person': return 'pe_0123456789';
    case 'items': return ['it_0123456789', 'it_abcdefghij'];
  }
}

const complete = (m: Mechanism): Record<string, AnswerValue> =>
  Object.fromEntries(allFields(m).map((f) => [f.id, sample(f)]));

describe('validateAnswers', () => {
  it('accepts a complete, well-typed answer set for every mechanism', () => {
    for (const m of MECHANISMS) expect(validateAnswers(m, complete(m)), m.id).toEqual({ missing: [], invalid: [] });
  });

  it('reports every missing required field when nothing is answered', () => {
    for (const m of MECHANISMS) {
      const check = validateAnswers(m, {});
      expect(check.missing, m.id).toEqual(requiredFields(m).map((f) => f.id));
      expect(check.missing.length, m.id).toBeGreaterThan(0);
      expect(check.invalid).toEqual([]);
    }
  });

  it('reports exactly the one required field removed from a complete set', () => {
    for (const m of MECHANISMS) {
      for (const f of requiredFields(m)) {
        const answers = { ...complete(m), [f.id]: null };
        expect(validateAnswers(m, answers).missing, `${m.id}/${f.id}`).toEqual([f.id]);
      }
    }
  });

  it('treats blank text, empty lists and null as unanswered, but false as an answer', () => {
    const m = mech('sp-communication');
    const base = complete(m);
    expect(validateAnswers(m, { ...base, victimName: '   ' }).missing).toEqual(['victimName']);
    expect(validateAnswers(m, { ...base, circumstances: '' }).missing).toEqual(['circumstances']);
    const wgad = mech('wgad-individual');
    expect(validateAnswers(wgad, { ...complete(wgad), categories: [] }).missing).toEqual(['categories']);
    expect(validateAnswers(m, { ...base, fullNameMayBePublished: false })).toEqual({ missing: [], invalid: [] });
  });

  it('requires conditional fields only when their condition holds', () => {
    const sp = mech('sp-communication');
    const base: Answers = { ...complete(sp), urgencyReason: null };
    expect(validateAnswers(sp, { ...base, urgency: 'past' }).missing).toEqual([]);
    expect(validateAnswers(sp, { ...base, urgency: 'ongoing-or-imminent' }).missing).toEqual(['urgencyReason']);

    const cat = mech('cat-art22');
    const catBase: Answers = {
      ...complete(cat), hasRepresentative: true, representativeName: null, authorizationAttached: false,
      authorizationMissingReason: '',
    };
    expect(validateAnswers(cat, catBase).missing).toEqual(['representativeName', 'authorizationMissingReason']);
    expect(validateAnswers(cat, { ...catBase, hasRepresentative: false, authorizationAttached: null }).missing).toEqual([]);
  });

  it('flags answers of the wrong type', () => {
    const m = mech('cat-art22');
    const check = validateAnswers(m, {
      ...complete(m), facts: true, interimMeasures: 'yes', documents: 'it_0123456789', articlesViolated: 'art-3',
    });
    expect(check.missing).toEqual([]);
    // Reported in form order.
    expect(check.invalid).toEqual([
      { fieldId: 'articlesViolated', reason: 'wrong-type' },
      { fieldId: 'facts', reason: 'wrong-type' },
      { fieldId: 'interimMeasures', reason: 'wrong-type' },
      { fieldId: 'documents', reason: 'wrong-type' },
    ]);
  });

  it('flags values outside a field\'s choices and duplicates', () => {
    const m = mech('cat-art22');
    const check = validateAnswers(m, {
      ...complete(m), complainantRole: 'neighbour', articlesViolated: ['art-3', 'art-99'], documents: ['it_a', 'it_a'],
    });
    expect(check.invalid).toEqual([
      { fieldId: 'complainantRole', reason: 'not-a-choice' },
      { fieldId: 'articlesViolated', reason: 'not-a-choice' },
      { fieldId: 'documents', reason: 'duplicate-value' },
    ]);
    expect(validateAnswers(m, { ...complete(m), articlesViolated: ['art-3', 'art-3'] }).invalid).toEqual([
      { fieldId: 'articlesViolated', reason: 'duplicate-value' },
    ]);
  });

  it('flags impossible dates and malformed country codes', () => {
    const m = mech('sp-communication');
    expect(validateAnswers(m, { ...complete(m), incidentDate: '2023-02-30' }).invalid).toEqual([{ fieldId: 'incidentDate', reason: 'bad-date' }]);
    expect(validateAnswers(m, { ...complete(m), incidentDate: '30/01/2023' }).invalid).toEqual([{ fieldId: 'incidentDate', reason: 'bad-date' }]);
    expect(validateAnswers(m, { ...complete(m), incidentCountry: 'Venezuela' }).invalid).toEqual([{ fieldId: 'incidentCountry', reason: 'bad-country' }]);
    expect(validateAnswers(m, { ...complete(m), incidentCountry: 've' }).invalid).toEqual([{ fieldId: 'incidentCountry', reason: 'bad-country' }]);
  });

  it('flags answers to fields the template does not have', () => {
    const m = mech('hrc-complaint');
    expect(validateAnswers(m, { ...complete(m), favouriteColour: 'blue' }).invalid).toEqual([{ fieldId: 'favouriteColour', reason: 'unknown-field' }]);
  });

  it('refuses a packet when a consent the mechanism needs was answered no', () => {
    for (const m of MECHANISMS) {
      for (const id of m.consent.mustBeTrue) {
        expect(validateAnswers(m, { ...complete(m), [id]: false }).invalid, `${m.id}/${id}`).toEqual([
          { fieldId: id, reason: 'consent-not-given' },
        ]);
      }
    }
  });
});

describe('isPartialIsoDate', () => {
  it('accepts a year, a year and month, or a full calendar date', () => {
    for (const d of ['2023', '2023-02', '2023-02-28', '2024-02-29', '1999-12-31']) expect(isPartialIsoDate(d), d).toBe(true);
  });
  it('rejects impossible or malformed dates', () => {
    for (const d of ['2023-02-29', '2023-13', '2023-00', '2023-04-31', '2023-1-5', '23-01-01', '2023-02-28T00:00', '', '0999']) {
      expect(isPartialIsoDate(d), d).toBe(false);
    }
  });
});
