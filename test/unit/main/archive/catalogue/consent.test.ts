import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  casesWithConsentState,
  consentStateOf,
  consentStatus,
  consentStatuses,
  createCase,
  createPerson,
  listConsents,
  personsWithConsentState,
  recordConsent,
  revokeConsent,
  setPersonRole,
} from '../../../../../main/archive/catalogue';
import { CONSENT_STATES, type Consent } from '../../../../../shared/model/catalogue';
import type { Vault } from '../../../../../main/archive/vault/vault';
import { MECHANISMS } from '../../../../../shared/mechanisms';
import { tempDir } from '../../../../helpers/tmp';
import { eventsOf, expectNoPlaintext, expectRefused, makeItems, newVault } from './helpers';

const base = { givenAt: '2024-01-10', howRecorded: 'written-signed' as const };

describe('consent', () => {
  const root = tempDir();
  let vault: Vault;
  let other: Vault;
  let personId: string;
  beforeAll(async () => {
    vault = await newVault(root);
    other = await newVault(root);
    personId = createPerson(vault, { realName: 'Noemí Carrasco', pseudonym: 'N' }).id;
  });

  it('records consent with one consent.recorded event (enumerations in clear, free text committed)', async () => {
    const [evidence] = await makeItems(vault, [{ mediaType: 'audio/mpeg', originalName: 'consentimiento.mp3' }]);
    let consent: Consent | undefined;
    const events = await eventsOf(vault, () => {
      consent = recordConsent(vault, { personId, mechanism: '*', discloseName: true, shareMaterial: true, ...base, evidenceItemId: evidence, recipients: 'solo la ONU, no la prensa', notes: 'grabado en casa de su madre' });
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'consent.recorded',
      subject: personId,
      data: { consentId: consent!.id, mechanism: '*', discloseName: true, shareMaterial: true, givenAt: '2024-01-10', howRecorded: 'written-signed', evidenceItemId: evidence, fields: ['notes', 'recipients'] },
    });
    expectNoPlaintext(vault, ['solo la ONU', 'casa de su madre', 'Noemí']);
    expect(consentStatus(vault, personId, 'wgad-individual')).toEqual({ personId, mechanism: 'wgad-individual', state: 'granted', consentId: consent!.id });
  });

  it('derives the state per mechanism: newest applicable record wins, revocation never resurrects an older one', () => {
    const p = createPerson(vault, { realName: 'Octavio', pseudonym: 'O' }).id;
    expect(consentStatus(vault, p, 'cat-art22').state).toBe('none');
    const any = recordConsent(vault, { personId: p, mechanism: '*', discloseName: false, shareMaterial: true, ...base, givenAt: '2024-01-01' });
    expect(consentStatus(vault, p, 'cat-art22').state).toBe('name-withheld');
    recordConsent(vault, { personId: p, mechanism: 'cat-art22', discloseName: false, shareMaterial: false, ...base, givenAt: '2024-02-01' });
    expect(consentStatus(vault, p, 'cat-art22').state).toBe('refused');
    expect(consentStatus(vault, p, 'wgad-individual').state).toBe('name-withheld');
    const wgad = recordConsent(vault, { personId: p, mechanism: 'wgad-individual', discloseName: true, shareMaterial: false, ...base, givenAt: '2024-03-01' });
    expect(consentStatus(vault, p, 'wgad-individual').state).toBe('material-withheld');
    revokeConsent(vault, { id: wgad.id });
    // Withdrawn: not back to the older '*' record.
    expect(consentStatus(vault, p, 'wgad-individual')).toMatchObject({ state: 'revoked', consentId: wgad.id });
    revokeConsent(vault, { id: any.id });
    expect(consentStatus(vault, p, 'sp-communication').state).toBe('revoked');
    expect(consentStatus(vault, p, 'cat-art22').state).toBe('refused');
    // A newer record after a revocation is in force again.
    recordConsent(vault, { personId: p, mechanism: '*', discloseName: true, shareMaterial: true, ...base, givenAt: '2024-04-01' });
    expect(consentStatus(vault, p, 'wgad-individual').state).toBe('granted');
    const states = consentStatuses(vault, p);
    expect(states.map((s) => s.mechanism)).toEqual(['*', ...MECHANISMS.map((m) => m.id)]);
    expect(states.every((s) => s.state === 'granted')).toBe(true);
    expect(listConsents(vault, { personId: p }).map((c) => c.givenAt)).toEqual(['2024-04-01', '2024-03-01', '2024-02-01', '2024-01-01']);
  });

  it('consentStateOf covers every state', () => {
    const mk = (over: Partial<Consent>): Consent => ({ id: 'con_x', personId: 'per_x', mechanism: '*', discloseName: true, shareMaterial: true, givenAt: '2024-01-01', howRecorded: 'other', recordedAt: '2024-01-01T00:00:00Z', ...over });
    expect(consentStateOf([], 'cat-art22').state).toBe('none');
    expect(consentStateOf([mk({ mechanism: 'sp-communication' })], 'cat-art22').state).toBe('none');
    expect(consentStateOf([mk({})], 'cat-art22').state).toBe('granted');
    expect(consentStateOf([mk({ discloseName: false })], 'x').state).toBe('name-withheld');
    expect(consentStateOf([mk({ shareMaterial: false })], 'x').state).toBe('material-withheld');
    expect(consentStateOf([mk({ discloseName: false, shareMaterial: false })], 'x').state).toBe('refused');
    expect(consentStateOf([mk({ revokedAt: '2024-02-01T00:00:00Z' })], 'x').state).toBe('revoked');
  });

  it('the SQL used by the search filter agrees with consentStateOf on random histories (property)', () => {
    const mechs = MECHANISMS.map((m) => m.id);
    const record = fc.record({
      who: fc.nat(3),
      mechanism: fc.constantFrom('*', ...mechs),
      discloseName: fc.boolean(),
      shareMaterial: fc.boolean(),
      day: fc.integer({ min: 1, max: 4 }),
      revoke: fc.nat(4).map((x) => x === 0),
    });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 12 }), fc.constantFrom(...CONSENT_STATES), fc.constantFrom(undefined, ...mechs), (records, state, mechanism) => {
        const people = [0, 1, 2, 3].map((i) => createPerson(vault, { realName: `R${i}`, pseudonym: `P${i}` }).id);
        const c = createCase(vault, { title: 'consent property' });
        people.forEach((p, i) => setPersonRole(vault, { personId: p, caseId: c.id, role: i === 3 ? 'alleged-perpetrator' : 'victim' }));
        for (const r of records) {
          const rec = recordConsent(vault, { personId: people[r.who]!, mechanism: r.mechanism, discloseName: r.discloseName, shareMaterial: r.shareMaterial, givenAt: `2024-01-0${r.day}`, howRecorded: 'other' });
          if (r.revoke) revokeConsent(vault, { id: rec.id });
        }
        const expectedPersons = people.filter((p) => (mechanism ? [mechanism] : mechs).some((m) => consentStateOf(listConsents(vault, { personId: p }), m).state === state));
        const sqlPersons = personsWithConsentState(vault, state, mechanism);
        expect(people.filter((p) => sqlPersons.has(p))).toEqual(expectedPersons);
        const caseMatches = expectedPersons.some((p) => p !== people[3]);
        expect(casesWithConsentState(vault, state, mechanism).includes(c.id)).toBe(caseMatches);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses invalid consent and changes nothing', async () => {
    const stranger = createPerson(other, { realName: 'Z', pseudonym: 'Z' });
    const ok = { personId, mechanism: 'cat-art22', discloseName: true, shareMaterial: true, ...base };
    await expectRefused(vault, () => recordConsent(vault, { ...ok, mechanism: 'interpol' }), 'INVALID_INPUT', 'mechanism');
    await expectRefused(vault, () => recordConsent(vault, { ...ok, mechanism: 'NOT VALID' }), 'INVALID_INPUT', 'mechanism');
    await expectRefused(vault, () => recordConsent(vault, { ...ok, givenAt: '2024-02-31' }), 'INVALID_INPUT', 'givenAt');
    await expectRefused(vault, () => recordConsent(vault, { ...ok, howRecorded: 'telepathy' as never }), 'INVALID_INPUT', 'howRecorded');
    await expectRefused(vault, () => recordConsent(vault, { ...ok, discloseName: 'yes' as never }), 'INVALID_INPUT', 'discloseName');
    await expectRefused(vault, () => recordConsent(vault, { ...ok, personId: stranger.id }), 'NOT_FOUND', 'personId');
    await expectRefused(vault, () => recordConsent(vault, { ...ok, evidenceItemId: 'it_zzzzzzzzzz' }), 'NOT_FOUND', 'evidenceItemId');
    await expectRefused(vault, () => recordConsent(vault, { ...ok, notes: 'n'.repeat(100 * 1024 + 1) }), 'INVALID_INPUT', 'notes');
    await expectRefused(vault, () => revokeConsent(vault, { id: 'con_zzzzzzzzzz' }), 'NOT_FOUND', 'id');
    const c = recordConsent(vault, ok);
    const events = await eventsOf(vault, () => revokeConsent(vault, { id: c.id }));
    expect(events.map((e) => [e.type, e.subject, e.data.consentId, e.data.mechanism])).toEqual([['consent.revoked', personId, c.id, 'cat-art22']]);
    await expectRefused(vault, () => revokeConsent(vault, { id: c.id }), 'CONFLICT', 'id');
  });
});
