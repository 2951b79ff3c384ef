import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { assignTag, createCase, createPerson, createTestimony, recordConsent, setPersonRole } from '../../../../../main/archive/catalogue';
import { planPacket } from '../../../../../main/archive/export/plan';
import { exportPacket } from '../../../../../main/archive/export';
import { packetTexts } from './world';
import { createVault, type Vault } from '../../../../../main/archive/vault/vault';
import { TEST_PASSPHRASE, tempDir } from '../../../../helpers/tmp';

/**
 * Issue 13 item 4: the WGAD form is filled from the catalogue wherever the catalogue can answer — the detained
 * person's name as consent allows, the arrest date and place from the testimonies, the circumstances from the
 * case summary, the categories and reasons from the tags, the submitter from the settings, the consent answers
 * from the consent records — so a documented case leaves at most one required answer to the lawyer.
 */
describe('WGAD answers from the catalogue', () => {
  const vaults: Vault[] = [];
  afterEach(() => {
    for (const v of vaults.splice(0)) v.lock();
  });

  async function documentedCase(discloseName: boolean) {
    const { vault } = await createVault(path.join(tempDir('wgad-fill-'), 'vault'), TEST_PASSPHRASE);
    vaults.push(vault);
    vault.setSetting('actor', 'Documentation team 3');
    vault.log.actor = 'Documentation team 3'; // as settings.set does
    vault.setSetting('contact', 'team3@example.org');
    const c = createCase(vault, { title: 'Detention in Istanbul', country: 'TR', summary: 'Arrested at a demonstration and held for three days without a lawyer.' });
    const victim = createPerson(vault, { realName: 'Mehmet Ali Demir', pseudonym: 'Victim B', sex: 'male' });
    setPersonRole(vault, { personId: victim.id, caseId: c.id, role: 'victim' });
    recordConsent(vault, { personId: victim.id, mechanism: '*', discloseName, shareMaterial: true, givenAt: '2024-03-11', howRecorded: 'written-signed' });
    createTestimony(vault, { caseId: c.id, witnessId: victim.id, title: 'Interview', interviewDate: '2024-03-10', place: 'Kadıköy police station, Istanbul', text: 'They held me for three days.' });
    createTestimony(vault, { caseId: c.id, title: 'Later interview', interviewDate: '2024-05-01', place: 'Ankara', text: 'More.' });
    assignTag(vault, { targetId: c.id, termId: 'wgad.category-ii' });
    assignTag(vault, { targetId: c.id, termId: 'place.police-station' });
    return { vault, caseId: c.id };
  }

  it('fills at least 90% of the required answers, the name as the pseudonym when consent withholds it', async () => {
    const { vault, caseId } = await documentedCase(false);
    const plan = planPacket(vault, { caseId, mechanismId: 'wgad-individual', profile: 'redacted', lang: 'en' });
    const required = plan.fields.filter((f) => f.required);
    const filled = required.filter((f) => f.source === 'catalogue');
    expect(filled.length / required.length).toBeGreaterThanOrEqual(0.9);
    const value = (id: string) => plan.fields.find((f) => f.fieldId === id)?.value;
    expect(value('familyName')).toBe('Victim B');
    expect(value('firstName')).toBe('Victim B');
    expect(value('arrestDate')).toBe('2024-03-10');
    expect(value('arrestPlace')).toBe('Kadıköy police station, Istanbul');
    expect(value('circumstances')).toContain('held for three days');
    expect(value('categories')).toEqual(['wgad.category-ii']);
    expect(String(value('arbitrarinessReasons'))).toMatch(/Category II/i);
    expect(value('submitterName')).toBe('Documentation team 3');
    expect(value('submitterContact')).toBe('team3@example.org');
    expect(value('submissionDate')).toBe(new Date().toISOString().slice(0, 10));
    expect(value('personConsents')).toBe(true);
    expect(value('personInformed')).toBe(true);
    expect(JSON.stringify(plan.fields)).not.toContain('Demir');
    // What the catalogue cannot know is still asked.
    expect(plan.missingFields).toEqual(['domesticSteps']);
  });

  it('says where each filled answer came from: the person, the case, the testimony of that date, the tags, Settings', async () => {
    const { vault, caseId } = await documentedCase(false);
    const plan = planPacket(vault, { caseId, mechanismId: 'wgad-individual', profile: 'redacted', lang: 'en' });
    const origin = (id: string) => plan.fields.find((f) => f.fieldId === id)?.origin;
    const victim = plan.persons.find((p) => p.roles.includes('victim'))!;
    expect(origin('familyName')).toEqual({ kind: 'person', recordId: victim.personId, label: 'Victim B' });
    expect(origin('arrestDate')).toMatchObject({ kind: 'testimony', label: 'Interview', date: '2024-03-10' });
    expect(origin('arrestPlace')).toMatchObject({ kind: 'testimony', label: 'Interview', date: '2024-03-10' });
    expect(origin('circumstances')).toEqual({ kind: 'case', recordId: caseId, label: 'Detention in Istanbul' });
    expect(origin('categories')).toEqual({ kind: 'tags' });
    expect(origin('submitterContact')).toEqual({ kind: 'settings' });
    expect(origin('submissionDate')).toEqual({ kind: 'today' });
    expect(origin('personInformed')).toEqual({ kind: 'consent', recordId: victim.personId, label: 'Victim B' });
    // Every value from the catalogue names its source; answers typed by the person have none.
    for (const f of plan.fields.filter((x) => x.source === 'catalogue')) expect(f.origin, f.fieldId).toBeDefined();
    const typed = planPacket(vault, { caseId, mechanismId: 'wgad-individual', profile: 'redacted', lang: 'en', answers: { domesticSteps: 'Habeas corpus, rejected.' } });
    expect(typed.fields.find((f) => f.fieldId === 'domesticSteps')).toMatchObject({ source: 'answer' });
    expect(typed.fields.find((f) => f.fieldId === 'domesticSteps')?.origin).toBeUndefined();
  });

  it('a required answer is given or deferred on purpose: neither blocks (app), deferred is listed and marked in the cover, no field id in any message', async () => {
    const { vault, caseId } = await documentedCase(false);
    const base = { caseId, mechanismId: 'wgad-individual', profile: 'redacted', lang: 'es' } as const;
    // The app passes deferredFields: the unanswered required field is then a blocker, not "nothing blocks".
    const strict = planPacket(vault, { ...base, deferredFields: [] });
    expect(strict.canExport).toBe(false);
    expect(strict.blockers).toEqual([{ code: 'INVALID_INPUT', fieldId: 'domesticSteps', message: expect.stringContaining('“') as unknown as string, problem: { key: 'problem.packet.answerMissing' } }]);
    expect(strict.missingFields).toEqual(['domesticSteps']);
    // Deferred: exportable, listed as deferred (not missing), the field marked.
    const deferred = planPacket(vault, { ...base, deferredFields: ['domesticSteps'] });
    expect(deferred.canExport).toBe(true);
    expect(deferred.missingFields).toEqual([]);
    expect(deferred.deferredFields).toEqual(['domesticSteps']);
    expect(deferred.fields.find((f) => f.fieldId === 'domesticSteps')).toMatchObject({ deferred: true, source: 'missing' });
    // Messages name fields by their label in the packet's language, never by their id.
    for (const text of [...strict.blockers.map((b) => b.message), ...strict.warnings, ...deferred.warnings]) expect(text).not.toMatch(/domesticSteps|familyName|arrestDate/);
    // The CLI (no deferredFields): marked "to be completed" as before, not blocking.
    const cli = planPacket(vault, base);
    expect(cli.canExport).toBe(true);
    // The warning says to give the answer and export again: completing the signed cover by hand would break the
    // packet's verification (it said "to be completed in the cover document").
    const toGive = cli.warnings[cli.notices.findIndex((n) => n.problem.key === 'problem.packet.answersToComplete')]!;
    expect(toGive).toMatch(/give them and export again/);
    expect(toGive).not.toMatch(/completed in the cover document/);
    // The cover says the packet is an incomplete draft and marks the deferred answer as such.
    const outPath = path.join(tempDir('deferred-cover-'), 'packet');
    await exportPacket(vault, { ...base, deferredFields: ['domesticSteps'], outPath });
    const pdf = packetTexts(outPath).find((t) => t.file.endsWith('(pdftotext)') && /cover/i.test(t.file))!.text;
    expect(pdf).toContain('[por completar antes del envío]');
    expect(pdf).toContain('BORRADOR INCOMPLETO');
    await expect(exportPacket(vault, { ...base, deferredFields: [], outPath: `${outPath}-2` })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  }, 60_000);

  it('an answer that is no date (a date typed halfway in the wizard) blocks, named by its label in the packet language; the export refuses it', async () => {
    const { vault, caseId } = await documentedCase(false);
    const base = { caseId, mechanismId: 'wgad-individual', profile: 'redacted' as const, lang: 'es' as const, deferredFields: ['domesticSteps'] };
    // What the wizard sends for a date typed halfway: the parts as typed, which are no date. The arrest date the
    // catalogue gives (the testimony's, 2024-03-10) is not used in its place.
    const halfTyped = planPacket(vault, { ...base, answers: { arrestDate: JSON.stringify(['20', '3', '5']) } });
    expect(halfTyped.canExport).toBe(false);
    expect(halfTyped.blockers).toEqual([
      { code: 'INVALID_INPUT', fieldId: 'arrestDate', message: expect.stringContaining('(bad-date)') as unknown as string, problem: { key: 'problem.packet.answerNotADate', params: { field: 'Fecha del arresto' } } },
    ]);
    // Any other answer that is not valid: its own sentence, by the label too.
    const notAChoice = planPacket(vault, { ...base, answers: { warrantShown: 'perhaps' } });
    expect(notAChoice.blockers).toEqual([expect.objectContaining({ fieldId: 'warrantShown', problem: { key: 'problem.packet.answerInvalid', params: { field: expect.any(String) as unknown as string } } })]);
    const outPath = path.join(tempDir('half-date-'), 'packet');
    await expect(exportPacket(vault, { ...base, answers: { arrestDate: JSON.stringify(['20', '3', '5']) }, outPath })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    // Finished, it is the answer, over the catalogue's.
    const finished = planPacket(vault, { ...base, answers: { arrestDate: '2025-03-05' } });
    expect(finished.canExport).toBe(true);
    expect(finished.fields.find((f) => f.fieldId === 'arrestDate')?.value).toBe('2025-03-05');
  }, 60_000);

  it('lists every place a name that consent withholds was replaced by the pseudonym: answer, catalogue field, testimony, case title', async () => {
    const { vault } = await createVault(path.join(tempDir('wgad-replaced-'), 'vault'), TEST_PASSPHRASE);
    vaults.push(vault);
    const c = createCase(vault, { title: 'Detention of Demir', summary: 'Mehmet Ali Demir was arrested at a demonstration.' });
    const victim = createPerson(vault, { realName: 'Mehmet Ali Demir', pseudonym: 'Victim B' });
    setPersonRole(vault, { personId: victim.id, caseId: c.id, role: 'victim' });
    recordConsent(vault, { personId: victim.id, mechanism: '*', discloseName: false, shareMaterial: true, givenAt: '2024-03-11', howRecorded: 'written-signed' });
    createTestimony(vault, { caseId: c.id, title: 'Interview', interviewDate: '2024-03-10', text: 'Demir told us: they took Mehmet Ali Demir away. Demir was beaten.' });
    const plan = planPacket(vault, { caseId: c.id, mechanismId: 'wgad-individual', profile: 'redacted', lang: 'en', answers: { domesticSteps: 'The family of Mehmet Ali Demir filed habeas corpus.' } });
    expect(plan.replacements).toEqual(
      expect.arrayContaining([
        { where: 'field', fieldId: 'domesticSteps', source: 'answer', count: 1, pseudonyms: ['Victim B'] },
        { where: 'field', fieldId: 'circumstances', source: 'catalogue', count: 1, pseudonyms: ['Victim B'] },
        { where: 'testimony', label: 'T01', count: 3, pseudonyms: ['Victim B'] },
        { where: 'case', count: 1, pseudonyms: ['Victim B'] },
      ]),
    );
    expect(plan.replacements.find((r) => r.where === 'testimony')?.count).toBe(plan.testimonies[0]!.replacements);
    expect(JSON.stringify(plan)).not.toMatch(/Demir|Mehmet/);
    // Consent given for this mechanism: nothing is replaced, nothing listed.
    recordConsent(vault, { personId: victim.id, mechanism: 'wgad-individual', discloseName: true, shareMaterial: true, givenAt: '2024-03-12', howRecorded: 'written-signed' });
    expect(planPacket(vault, { caseId: c.id, mechanismId: 'wgad-individual', profile: 'redacted', lang: 'en' }).replacements).toEqual([]);
  });

  it('gives the real family and given names when consent discloses the name; an answer cannot override them', async () => {
    const { vault, caseId } = await documentedCase(true);
    const plan = planPacket(vault, { caseId, mechanismId: 'wgad-individual', profile: 'redacted', lang: 'en', answers: { familyName: 'Someone Else' } });
    const value = (id: string) => plan.fields.find((f) => f.fieldId === id)?.value;
    expect(value('familyName')).toBe('Demir');
    expect(value('firstName')).toBe('Mehmet Ali');
  });

  it('the covers (DOCX and PDF) of every template with a person name field carry the consenting victim\'s names, never "[to be completed]" for them; a mechanism the consent does not cover gets the pseudonym', async () => {
    const { vault, caseId } = await documentedCase(false);
    // Consent to disclose the name to the WGAD and the Special Procedures only ('*' withholds it, as above).
    const personId = planPacket(vault, { caseId, mechanismId: 'wgad-individual', profile: 'redacted', lang: 'en' }).persons.find((p) => p.roles.includes('victim'))!.personId;
    for (const mechanism of ['wgad-individual', 'sp-communication']) recordConsent(vault, { personId, mechanism, discloseName: true, shareMaterial: true, givenAt: '2024-03-12', howRecorded: 'written-signed' });
    const dir = tempDir('names-cover-');
    const cases = [
      { mechanismId: 'wgad-individual', lang: 'en' as const, names: ['Demir', 'Mehmet Ali'] },
      { mechanismId: 'sp-communication', lang: 'es' as const, names: ['Mehmet Ali Demir'] },
      { mechanismId: 'cat-art22', lang: 'fr' as const, names: ['Victim B'] },
    ];
    for (const c of cases) {
      const outPath = path.join(dir, c.mechanismId);
      const plan = planPacket(vault, { caseId, mechanismId: c.mechanismId, profile: 'redacted', lang: c.lang });
      const nameFields = plan.fields.filter((f) => f.source !== 'answer' && /name/i.test(f.fieldId) && !/submitter|author|source|representative|mayBePublished/i.test(f.fieldId));
      expect(nameFields.length, c.mechanismId).toBeGreaterThan(0);
      for (const f of nameFields) {
        expect(plan.missingFields, `${c.mechanismId}/${f.fieldId}`).not.toContain(f.fieldId);
        expect(f.source, `${c.mechanismId}/${f.fieldId}`).toBe('catalogue');
      }
      await exportPacket(vault, { caseId, mechanismId: c.mechanismId, profile: 'redacted', lang: c.lang, answers: {}, outPath });
      const covers = packetTexts(outPath).filter((t) => /cover/i.test(t.file) && /(pdftotext|unzipped)/.test(t.file));
      expect(covers.map((t) => t.file.split('/').pop()), c.mechanismId).toHaveLength(2);
      for (const t of covers) {
        for (const n of c.names) expect(t.text, `${t.file}: ${n}`).toContain(n);
        if (c.mechanismId === 'cat-art22') expect(t.text, t.file).not.toContain('Demir');
        for (const f of t.file.endsWith('(pdftotext)') ? nameFields : []) {
          // The label followed by the placeholder would be a name left "to be completed".
          const label = f.label;
          const at = t.text.indexOf(label);
          expect(at, `${t.file}: ${label}`).toBeGreaterThanOrEqual(0);
          expect(t.text.slice(at + label.length, at + label.length + 200), `${t.file}: ${label}`).not.toMatch(/^[^A-Za-zÀ-ÿ]*(\[to be completed\]|\[por completar\]|\[à compléter\])/u);
        }
      }
    }
  }, 60_000);
});
