import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestimony, recordConsent, revokeConsent } from '../../../../../main/archive/catalogue';
import { exportPacket, planPacket } from '../../../../../main/archive/export';
import { partialsNextTo } from '../../../../../main/archive/export/output';
import { shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import type { PacketPlanInput } from '../../../../../shared/model/packet';
import { tempDir } from '../../../../helpers/tmp';
import { MECHANISM, NAMES, makeWorld, type World } from './world';

/** Consent decides: names per disclose-name consent, material refused without share consent (naming the record). */
describe('packet consent enforcement', () => {
  const root = tempDir('huella-consent-');
  let w: World;
  const base = (): PacketPlanInput => ({ mechanismId: MECHANISM, caseId: w.caseId, profile: 'redacted', lang: 'en', answers: w.answers });

  beforeAll(async () => {
    w = await makeWorld(root);
    await shutdownIngestWorkers();
  });
  afterAll(() => w?.vault.lock());

  it('refuses a testimony whose witness has no consent record, saying that none exists', async () => {
    const t = createTestimony(w.vault, { caseId: w.caseId, witnessId: w.persons.family, title: 'Mother', text: 'She saw the arrest.' });
    const plan = planPacket(w.vault, { ...base(), testimonyIds: [t.id] });
    expect(plan.canExport).toBe(false);
    const b = plan.blockers.find((x) => x.personId === w.persons.family)!;
    expect(b.code).toBe('CONSENT_REQUIRED');
    expect(b.consentId).toBeUndefined();
    expect(b.message).toMatch(/has no consent record for mechanism 'sp-communication'/);
    expect(b.message).not.toContain(NAMES.family);
    // The plan's line for that person reads as a sentence (it read "no consent record for … does not allow …").
    expect(plan.persons.find((p) => p.personId === w.persons.family)!.why).toBe("no consent record for 'sp-communication' or for all mechanisms ('*'), so the name may not be disclosed: pseudonym used");
    const out = path.join(root, 'no-record');
    await expect(exportPacket(w.vault, { ...base(), testimonyIds: [t.id], outPath: out })).rejects.toMatchObject({ code: 'CONSENT_REQUIRED', details: { personId: w.persons.family } });
    expect(fs.existsSync(out)).toBe(false);
    expect(partialsNextTo(out)).toEqual([]);
    // Leaving that testimony out makes the packet exportable again.
    expect(planPacket(w.vault, { ...base(), testimonyIds: [w.testimonyId] }).canExport).toBe(true);
  });

  it('uses the real name only when the consent in force allows it for this mechanism', () => {
    const before = planPacket(w.vault, base());
    expect(before.fields.find((f) => f.fieldId === 'victimName')!.value).toBe('Persona A');
    const other = recordConsent(w.vault, { personId: w.persons.victim, mechanism: 'cat-art22', discloseName: true, shareMaterial: true, givenAt: '2024-05-01', howRecorded: 'electronic' });
    expect(planPacket(w.vault, base()).fields.find((f) => f.fieldId === 'victimName')!.value).toBe('Persona A');
    const cat = planPacket(w.vault, { ...base(), mechanismId: 'cat-art22' });
    expect(cat.fields.find((f) => f.fieldId === 'complainantName')!.value).toBe(NAMES.victim);
    expect(cat.persons.find((p) => p.personId === w.persons.victim)).toMatchObject({ shownAs: 'name', consentId: other.id });
  });

  it('refuses when the victim revoked consent, naming the consent record', async () => {
    revokeConsent(w.vault, { id: w.victimConsentId });
    const only = { ...base(), testimonyIds: [w.testimonyId] };
    const plan = planPacket(w.vault, only);
    const b = plan.blockers.find((x) => x.personId === w.persons.victim)!;
    expect(b).toMatchObject({ code: 'CONSENT_REQUIRED', consentId: w.victimConsentId });
    expect(b.message).toContain(`consent record ${w.victimConsentId} is 'revoked'`);
    expect(plan.persons.find((p) => p.personId === w.persons.victim)).toMatchObject({ consentState: 'revoked', materialConsent: 'missing', shownAs: 'pseudonym' });
    const out = path.join(root, 'revoked');
    const err = await exportPacket(w.vault, { ...only, outPath: out }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONSENT_REQUIRED', details: { consentId: w.victimConsentId } });
    expect(String((err as Error).message)).toContain(w.victimConsentId);
    expect(fs.existsSync(out)).toBe(false);
  });
});
