import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../shared/api';
import type { Case, Person } from '../../shared/model/catalogue';
import type { Draft } from '../../shared/model/drafts';
import { termLabel } from '../../shared/taxonomy';
import { startTestHost, type TestHost } from './host/server';
import { hasFocus, openApp, recordAxe, runAxe, screenshot, type AppWindow } from './support/browser';
import { importViaApi, lockAndUnlock as lockAndUnlockIn, PASSPHRASE } from './support/flows';
import { isolate, messages } from './support/messages';
import { writePhotoFolder } from './support/photos';

/**
 * Issue 13, "nothing typed is ever lost", for the catalogue's forms: the case's description, "add a person", and
 * "record a consent decision". What is typed is a draft in the vault (valid or not); leaving the screen, locking and
 * unlocking bring it back, and the form says so; a refused save marks the field, keeps the text and says it is kept;
 * saving for real discards the draft. In en, es and ar, by the labels a person reads.
 */
const LANGS: readonly Language[] = ['en', 'es', 'ar'];

for (const lang of LANGS) {
  describe(`form drafts (${lang})`, () => {
    const m = messages(lang);
    let host: TestHost;
    let app: AppWindow;
    let tmp: string;
    let kase: Case;
    let person: Person;
    const shoot = (name: string) => screenshot(app.page, `${lang}-drafts-${name}`);
    /** Digits as the language shows them (Arabic-Indic in ar). */
    const digits = (v: string) => (lang === 'ar' ? v.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d))) : v);
    const draftOf = (form: string, recordId: string) => host.call('drafts.get', { form, recordId } as never) as Promise<Draft | null>;

    const lockAndUnlock = () => lockAndUnlockIn(app.page, m);

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huella-e2e-form-drafts-${lang}-`));
      host = await startTestHost({ appState: { language: lang } });
      await host.call('vault.create', { path: path.join(tmp, 'vault'), passphrase: PASSPHRASE, language: lang });
      kase = await host.call('cases.create', { title: 'Detention in Istanbul', country: 'TR' });
      person = await host.call('persons.create', { realName: 'Mehmet Ali Demir', pseudonym: 'Victim B' });
      await host.call('persons.setRole', { personId: person.id, caseId: kase.id, role: 'victim' });
      await importViaApi(host, [(await writePhotoFolder(path.join(tmp, 'photos'), 1)).dir]);
      app = await openApp(host, { locale: lang === 'ar' ? 'ar' : lang === 'es' ? 'es-ES' : 'en-GB', viewport: { width: 1280, height: 900 } });
    });
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail') await screenshot(app.page, `failure-form-drafts-${lang}-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
    });
    afterAll(async () => {
      await app?.close();
      app?.assertClean();
      await host?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("keeps the case's description through leaving, locking and unlocking; a refused save marks the field and keeps the text", async () => {
      const { page } = app;
      await page.goto(`${host.origin}/#/case/${kase.id}`);
      await page.getByRole('heading', { level: 1, name: kase.title }).waitFor();
      const summary = page.getByRole('textbox', { name: m('cases.summary'), exact: true });
      const notes = page.getByRole('textbox', { name: m('cases.notes'), exact: true });
      const said = 'Arrested at a demonstration on 5 March 2024; held three days without a lawyer.';
      await summary.fill(said);
      await notes.fill('Ask the sister for the court papers.');
      // Written as a draft within ~1.5 s, without pressing Save: not a record yet.
      await expect.poll(async () => (await draftOf('case', kase.id))?.data.summary, { timeout: 3000 }).toBe(said);
      expect((await host.call('cases.get', { id: kase.id })).summary).toBeUndefined();
      await page.getByRole('link', { name: m('nav.library'), exact: true }).click();
      await page.getByRole('heading', { level: 1, name: m('library.title') }).waitFor();
      await lockAndUnlock();
      await page.goto(`${host.origin}/#/case/${kase.id}`);
      await page.getByTestId('draft-restored').waitFor();
      expect(await page.getByTestId('draft-restored').innerText()).toBe(m('drafts.restored'));
      expect(await summary.inputValue()).toBe(said);
      expect(await notes.inputValue()).toBe('Ask the sister for the court papers.');
      await shoot('case-restored');
      const axe = await runAxe(page, `${lang}-case-draft-restored`);
      recordAxe(axe);
      expect(axe.serious).toEqual([]);

      // A title of spaces passes the browser but not the archive: marked at the field, in the person's language,
      // with the text (and everything else typed) kept, and said to be kept as a draft.
      const title = page.getByRole('textbox', { name: m('cases.caseTitle'), exact: true });
      await title.fill('   ');
      await page.getByRole('button', { name: m('common.save'), exact: true }).first().click();
      await page.getByTestId('draft-kept').waitFor();
      expect(await title.getAttribute('aria-invalid')).toBe('true');
      await page.getByText(m('problem.validation.required')).first().waitFor();
      expect(await title.inputValue()).toBe('   ');
      expect(await summary.inputValue()).toBe(said);
      await expect.poll(async () => (await draftOf('case', kase.id))?.data.title).toBe('   ');
      await shoot('case-refused');

      // Saved for real: a record, and no draft left; the note goes.
      await title.fill('Detention in Istanbul, March 2024');
      await page.getByRole('button', { name: m('common.save'), exact: true }).first().click();
      await expect.poll(async () => (await host.call('cases.get', { id: kase.id })).summary).toBe(said);
      await expect.poll(() => draftOf('case', kase.id)).toBeNull();
      await expect.poll(() => page.getByTestId('draft-restored').count()).toBe(0);
    });

    it('keeps a country typed that is not a choice through leaving, locking and unlocking, marked; never stored', async () => {
      const { page } = app;
      await page.goto(`${host.origin}/#/case/${kase.id}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      const country = page.getByRole('combobox', { name: m('cases.country') });
      const before = (await host.call('cases.get', { id: kase.id })).country;
      await country.fill('Narnia');
      await country.press('Tab');
      await page.getByText(m('problem.validation.notACountry')).first().waitFor();
      // In the draft as typed, not in the record.
      await expect.poll(async () => (await draftOf('case', kase.id))?.data.countryTyped, { timeout: 3000 }).toBe('Narnia');
      expect((await host.call('cases.get', { id: kase.id })).country).toBe(before);
      await page.getByRole('link', { name: m('nav.library'), exact: true }).click();
      await page.getByRole('heading', { level: 1, name: m('library.title') }).waitFor();
      await lockAndUnlock();
      await page.goto(`${host.origin}/#/case/${kase.id}`);
      await page.getByTestId('draft-restored').waitFor();
      expect(await country.inputValue()).toBe('Narnia');
      expect(await country.getAttribute('aria-invalid')).toBe('true');
      await page.getByText(m('problem.validation.notACountry')).first().waitFor();
      await shoot('case-country-refused-restored');
      // Chosen (by its code) at last: nothing pending in the draft any more.
      await country.fill('GE');
      await country.press('Tab');
      await expect.poll(async () => (await draftOf('case', kase.id))?.data).toMatchObject({ country: 'GE', countryTyped: '' });
      expect(await country.getAttribute('aria-invalid')).toBeNull();
      await page.getByRole('button', { name: m('common.save'), exact: true }).first().click();
      await expect.poll(async () => (await host.call('cases.get', { id: kase.id })).country).toBe('GE');
      await expect.poll(() => draftOf('case', kase.id)).toBeNull();
    });

    it("keeps an item's description through leaving, locking and unlocking; saving it drops the draft", async () => {
      const { page } = app;
      const itemId = (await host.call('items.list', { offset: 0, limit: 5, sort: 'name-asc' })).items[0]!.id;
      await page.goto(`${host.origin}/#/item/${itemId}`);
      await page.getByText(m('item.describe'), { exact: true }).click();
      const description = page.getByRole('textbox', { name: m('item.description'), exact: true });
      const said = 'The cell door seen from the corridor; the marks on the frame are from the night of 5 March.';
      await description.fill(said);
      await expect.poll(async () => (await draftOf('item', itemId))?.data.description, { timeout: 3000 }).toBe(said);
      expect((await host.call('items.get', { id: itemId })).item.description).toBeUndefined();
      await page.getByRole('link', { name: m('nav.library'), exact: true }).click();
      await page.getByRole('heading', { level: 1, name: m('library.title') }).waitFor();
      await lockAndUnlock();
      await page.goto(`${host.origin}/#/item/${itemId}`);
      // Brought back unfolded, saying it is a draft.
      await page.getByTestId('draft-restored').waitFor();
      expect(await description.inputValue()).toBe(said);
      await shoot('item-restored');
      await description.locator('xpath=ancestor::form').getByRole('button', { name: m('common.save'), exact: true }).click();
      await expect.poll(async () => (await host.call('items.get', { id: itemId })).item.description).toBe(said);
      await expect.poll(() => draftOf('item', itemId)).toBeNull();
    });

    it('keeps "add a person" through leaving the screen, and drops the draft once the person is created', async () => {
      const { page } = app;
      await page.getByRole('link', { name: m('nav.people'), exact: true }).click();
      await page.getByRole('heading', { level: 1, name: m('people.title') }).waitFor();
      await page.getByText(m('people.new')).click();
      await page.getByRole('textbox', { name: m('people.pseudonym'), exact: true }).fill('Witness C');
      await page.getByRole('textbox', { name: m('people.realName'), exact: true }).fill('Ayşe Yılmaz');
      await page.getByRole('link', { name: m('nav.cases'), exact: true }).click();
      await page.getByRole('heading', { level: 1, name: m('cases.title') }).waitFor();
      await expect.poll(async () => (await draftOf('person-new', 'new'))?.data).toEqual({ pseudonym: 'Witness C', realName: 'Ayşe Yılmaz' });
      await page.getByRole('link', { name: m('nav.people'), exact: true }).click();
      // The form opens by itself, on what was typed.
      await page.getByTestId('draft-restored').waitFor();
      expect(await page.getByRole('textbox', { name: m('people.pseudonym'), exact: true }).inputValue()).toBe('Witness C');
      expect(await page.getByRole('textbox', { name: m('people.realName'), exact: true }).inputValue()).toBe('Ayşe Yılmaz');
      await shoot('person-new-restored');
      await page.getByRole('button', { name: m('people.create') }).click();
      await page.getByRole('heading', { level: 1, name: 'Witness C' }).waitFor();
      await expect.poll(() => draftOf('person-new', 'new')).toBeNull();
    });

    it('keeps a consent decision being recorded, and the identity form, through locking and unlocking', async () => {
      const { page } = app;
      const consent = page.getByRole('region', { name: m('consent.title') });
      await page.goto(`${host.origin}/#/person/${person.id}`);
      await page.getByRole('heading', { level: 1, name: 'Victim B' }).waitFor();
      await page.getByRole('textbox', { name: m('people.occupation'), exact: true }).fill('Teacher');
      await page.getByText(m('consent.record')).click();
      await page.getByLabel(m('consent.shareMaterial')).check();
      const notes = 'Agreed by phone on 6 March; the written form follows.';
      await consent.getByRole('textbox', { name: m('consent.notes'), exact: true }).fill(notes);
      // Locking from this screen: what is pending is written before the vault locks.
      await lockAndUnlock();
      await page.goto(`${host.origin}/#/person/${person.id}`);
      await page.getByRole('heading', { level: 1, name: 'Victim B' }).waitFor();
      await expect.poll(() => page.getByTestId('draft-restored').count()).toBe(2);
      expect(await page.getByRole('textbox', { name: m('people.occupation'), exact: true }).inputValue()).toBe('Teacher');
      expect(await consent.getByRole('textbox', { name: m('consent.notes'), exact: true }).inputValue()).toBe(notes);
      expect(await page.getByLabel(m('consent.shareMaterial')).isChecked()).toBe(true);
      expect(await page.getByLabel(m('consent.discloseName')).isChecked()).toBe(false);
      await shoot('person-consent-restored');
      const axe = await runAxe(page, `${lang}-person-drafts-restored`);
      recordAxe(axe);
      expect(axe.serious).toEqual([]);
      // Recorded for real: the decision is in force and its draft is gone; the identity draft is still there.
      await page.getByRole('button', { name: m('consent.save') }).click();
      await page.getByText(m('consent.states.name-withheld')).first().waitFor();
      await expect.poll(() => draftOf('consent', person.id)).toBeNull();
      // One decision for any mechanism reads as one line that says what it covers, not once per mechanism.
      const inForce = page.getByRole('list', { name: m('consent.inForce') });
      await expect.poll(() => inForce.getByRole('listitem').count()).toBe(1);
      expect(await inForce.getByText(m('consent.states.name-withheld'), { exact: true }).count()).toBe(1);
      expect(await inForce.getByText(m('consent.coversAll'), { exact: true }).count()).toBe(1);
      // The role's link names the case (renamed in the first test).
      await page.getByRole('link', { name: 'Detention in Istanbul, March 2024', exact: true }).waitFor();
      await page.getByRole('heading', { name: m('people.roles') }).scrollIntoViewIfNeeded();
      await shoot('person-consent-recorded');
      expect((await draftOf('person', person.id))?.data.occupation).toBe('Teacher');
    });
    it('keeps a birth date typed halfway in the draft, marks it at the field, and never saves the old date over it', async () => {
      const { page } = app;
      await page.goto(`${host.origin}/#/person/${person.id}`);
      await page.getByRole('heading', { level: 1, name: 'Victim B' }).waitFor();
      const identity = page.getByRole('form', { name: m('people.identity') });
      const birth = identity.getByRole('group', { name: m('people.birthDate') });
      const year = birth.getByRole('textbox', { name: m('date.year') });
      await year.fill('19');
      // Half a year is no date, yet it is in the draft as typed (and the rest of the form with it).
      await expect.poll(async () => (await draftOf('person', person.id))?.data.birthDateTyped, { timeout: 3000 }).toBe(JSON.stringify(['19', '', '']));
      expect((await draftOf('person', person.id))?.data.occupation).toBe('Teacher');
      await page.getByRole('link', { name: m('nav.library'), exact: true }).click();
      await page.getByRole('heading', { level: 1, name: m('library.title') }).waitFor();
      await page.goto(`${host.origin}/#/person/${person.id}`);
      await page.getByRole('heading', { level: 1, name: 'Victim B' }).waitFor();
      // Brought back as typed, in the language's digits, and marked at once, with the message in its language.
      expect(await year.inputValue()).toBe(digits('19'));
      expect(await year.getAttribute('aria-invalid')).toBe('true');
      await birth.getByText(m('problem.validation.notAPartialDate')).waitFor();
      await shoot('person-half-date');
      const axe = await runAxe(page, `${lang}-person-half-date`);
      recordAxe(axe);
      expect(axe.serious).toEqual([]);
      // Saving is refused at the field: no record written, nothing typed lost.
      await identity.getByRole('button', { name: m('common.save'), exact: true }).click();
      await birth.getByText(m('problem.validation.notAPartialDate')).waitFor();
      expect((await host.call('persons.get', { id: person.id })).occupation).toBeUndefined();
      expect(await year.inputValue()).toBe(digits('19'));
      expect((await draftOf('person', person.id))?.data.birthDateTyped).toBe(JSON.stringify(['19', '', '']));
      // Finished, it is a date: nothing half typed in the draft, and it saves.
      await year.fill('1990');
      await expect.poll(async () => (await draftOf('person', person.id))?.data).toMatchObject({ birthDate: '1990', birthDateTyped: '' });
      await identity.getByRole('button', { name: m('common.save'), exact: true }).click();
      await expect.poll(async () => (await host.call('persons.get', { id: person.id })).birthDate).toBe('1990');
      expect((await host.call('persons.get', { id: person.id })).occupation).toBe('Teacher');
      await expect.poll(() => draftOf('person', person.id)).toBeNull();

      // The consent decision's date likewise: a day erased is no date; kept as typed, and nothing is recorded.
      const consent = page.getByRole('region', { name: m('consent.title') });
      await page.getByText(m('consent.record')).click();
      const given = consent.getByRole('group', { name: m('consent.givenAt') });
      const day = given.getByRole('textbox', { name: m('date.day') });
      await day.fill('');
      await expect.poll(async () => JSON.parse(((await draftOf('consent', person.id))?.data.givenAtTyped as string | undefined) || '[]')[2], { timeout: 3000 }).toBe('');
      const before = (await host.call('consent.list', { personId: person.id })).length;
      await page.getByRole('link', { name: m('nav.library'), exact: true }).click();
      await page.getByRole('heading', { level: 1, name: m('library.title') }).waitFor();
      await page.goto(`${host.origin}/#/person/${person.id}`);
      await page.getByRole('heading', { level: 1, name: 'Victim B' }).waitFor();
      expect(await day.inputValue()).toBe('');
      expect(await day.getAttribute('aria-invalid')).toBe('true');
      await given.getByText(m('problem.validation.notADate')).waitFor();
      await consent.getByRole('button', { name: m('consent.save') }).click();
      await given.getByText(m('problem.validation.notADate')).waitFor();
      expect((await host.call('consent.list', { personId: person.id })).length).toBe(before);
      await day.fill('5');
      await expect.poll(async () => (await draftOf('consent', person.id))?.data.givenAtTyped).toBe('');
    });

    it("edits a method's details after tagging, sites on the body chart by keyboard, kept as a draft through leaving and locking", async () => {
      const { page } = app;
      const iso = (v: string) => (lang === 'ar' ? `\u2068${v}\u2069` : v);
      const old = await host.call('tags.assign', { targetId: kase.id, termId: 'ip.falanga', details: { anatomicalSites: ['feet-soles'], duration: 'two hours' } });
      await page.goto(`${host.origin}/#/case/${kase.id}`);
      const method = termLabel('ip.falanga', lang);
      const editButton = page.getByRole('button', { name: m('tags.editDetails', { label: iso(method) }) });
      await editButton.focus();
      await page.keyboard.press('Enter');
      // The form opens where the details were, focus on its heading, filled with the details as they are.
      const heading = page.getByRole('heading', { name: m('tags.detailsFor', { label: iso(method) }) });
      await heading.waitFor();
      expect(await hasFocus(heading)).toBe(true);
      const form = page.getByRole('form', { name: m('tags.detailsFor', { label: iso(method) }) });
      const duration = form.locator(`input[id$="-duration"]`);
      expect(await duration.inputValue()).toBe('two hours');
      expect(await form.locator('input[type=checkbox][id$="-feet-soles"]').isChecked()).toBe(true);
      await duration.fill('three hours, twice');
      await form.getByTestId('body-chart').locator('[data-site=back][data-side=back]').focus();
      await page.keyboard.press('Space');
      expect(await form.locator('input[type=checkbox][id$="-back"]').isChecked()).toBe(true);
      await shoot('tag-edit');
      // Kept as a draft while typed (not saved yet), and brought back after leaving the screen, locking and unlocking.
      await expect.poll(async () => (await draftOf('tag-edit', kase.id))?.data, { timeout: 3000 }).toEqual({ assignmentId: old.id, termId: 'ip.falanga', details: { anatomicalSites: ['feet-soles', 'back'], duration: 'three hours, twice' } });
      expect((await host.call('tags.list', { targetId: kase.id }))[0]!.details).toEqual({ anatomicalSites: ['feet-soles'], duration: 'two hours' });
      await page.getByRole('link', { name: m('nav.library'), exact: true }).click();
      await page.getByRole('heading', { level: 1, name: m('library.title') }).waitFor();
      await lockAndUnlock();
      await page.goto(`${host.origin}/#/case/${kase.id}`);
      await form.getByTestId('tag-draft-tag-edit').waitFor();
      expect(await form.getByTestId('tag-draft-tag-edit').innerText()).toBe(m('drafts.restored'));
      expect(await duration.inputValue()).toBe('three hours, twice');
      expect(await form.locator('input[type=checkbox][id$="-back"]').isChecked()).toBe(true);
      await shoot('tag-edit-restored');
      await form.getByRole('button', { name: m('tags.saveDetails') }).focus();
      await page.keyboard.press('Enter');
      // One assignment with the new details (the old one removed), and focus back on the row's Edit button.
      await expect.poll(async () => (await host.call('tags.list', { targetId: kase.id })).map((a) => a.id)).not.toContain(old.id);
      const tags = await host.call('tags.list', { targetId: kase.id });
      expect(tags).toHaveLength(1);
      expect(tags[0]!.details).toEqual({ anatomicalSites: expect.arrayContaining(['feet-soles', 'back']) as unknown, duration: 'three hours, twice' });
      await expect.poll(() => hasFocus(editButton)).toBe(true);
      await page.locator('.tags dd', { hasText: 'three hours, twice' }).waitFor();
      // Saved for real: no draft left (leaving the screen does not write it again).
      await expect.poll(() => draftOf('tag-edit', kase.id)).toBeNull();
      const axe = await runAxe(page, `${lang}-tag-edited`);
      recordAxe(axe);
      expect(axe.serious).toEqual([]);
      await page.getByRole('link', { name: m('nav.library'), exact: true }).click();
      await page.getByRole('heading', { level: 1, name: m('library.title') }).waitFor();
      expect(await draftOf('tag-edit', kase.id)).toBeNull();
    });

    it("keeps the details of a tag being added through leaving the screen; assigning it drops the draft", async () => {
      const { page } = app;
      const iso = (v: string) => (lang === 'ar' ? `\u2068${v}\u2069` : v);
      await page.goto(`${host.origin}/#/case/${kase.id}`);
      await page.getByRole('heading', { level: 1, name: 'Detention in Istanbul, March 2024' }).waitFor();
      const method = termLabel('ip.electric-shock', lang);
      const add = page.getByRole('combobox', { name: m('tags.add') });
      await add.fill(method);
      await page.getByRole('option', { name: method }).first().click();
      const form = page.getByRole('form', { name: m('tags.detailsFor', { label: iso(method) }) });
      await form.waitFor();
      await form.locator(`input[id$="-duration"]`).fill('about ten minutes');
      await form.locator('input[type=checkbox][id$="-wrists-hands"]').check();
      await expect.poll(async () => (await draftOf('tag-new', kase.id))?.data, { timeout: 3000 }).toEqual({ termId: 'ip.electric-shock', details: { duration: 'about ten minutes', anatomicalSites: ['wrists-hands'] } });
      await page.getByRole('link', { name: m('nav.library'), exact: true }).click();
      await page.getByRole('heading', { level: 1, name: m('library.title') }).waitFor();
      await page.goto(`${host.origin}/#/case/${kase.id}`);
      await form.getByTestId('tag-draft-tag-new').waitFor();
      expect(await form.locator(`input[id$="-duration"]`).inputValue()).toBe('about ten minutes');
      expect(await form.locator('input[type=checkbox][id$="-wrists-hands"]').isChecked()).toBe(true);
      await shoot('tag-new-restored');
      await form.getByRole('button', { name: m('tags.assign', { label: iso(method) }) }).click();
      await page.locator('.tags dd', { hasText: 'about ten minutes' }).waitFor();
      const shock = (await host.call('tags.list', { targetId: kase.id })).find((a) => a.termId === 'ip.electric-shock');
      expect(shock?.details).toEqual({ duration: 'about ten minutes', anatomicalSites: ['wrists-hands'] });
      await expect.poll(() => draftOf('tag-new', kase.id)).toBeNull();
      expect(await form.count()).toBe(0);
    });

    it('keeps an interview date typed halfway in the testimony draft, marks it at the field, and never saves the old date with the text', async () => {
      const { page } = app;
      const testimony = await host.call('testimonies.create', { title: 'Interview with Witness A', interviewDate: '2024-03', text: 'They took us to a building.' });
      await page.goto(`${host.origin}/#/testimony/${testimony.id}`);
      await page.getByRole('heading', { level: 1, name: 'Interview with Witness A' }).waitFor();
      const when = page.getByRole('group', { name: m('testimony.fields.interviewDate') });
      const year = when.getByRole('textbox', { name: m('date.year') });
      const box = page.getByRole('textbox', { name: m('testimony.fields.text'), exact: true });
      await expect.poll(() => year.inputValue()).toBe(digits('2024'));
      // The year half retyped, then more text: the draft keeps both; no version is saved with the old date.
      await year.fill('20');
      const said = 'They took us to a building near the port.';
      await box.fill(said);
      await expect.poll(async () => (await draftOf('testimony', testimony.id))?.data, { timeout: 3000 }).toMatchObject({ text: said, interviewDateTyped: JSON.stringify(['20', '3', '']) });
      await expect.poll(() => page.getByTestId('save-state').innerText(), { timeout: 8000 }).toBe(m('testimony.saveFailed'));
      expect(await year.getAttribute('aria-invalid')).toBe('true');
      await when.getByText(m('problem.validation.notAPartialDate')).waitFor();
      const stored = await host.call('testimonies.get', { id: testimony.id });
      expect([stored.revision, stored.interviewDate, stored.text]).toEqual([1, '2024-03', 'They took us to a building.']);

      // Leaving, locking and unlocking: back exactly as typed, in the language's digits, marked at once.
      await page.getByRole('link', { name: m('nav.library'), exact: true }).click();
      await page.getByRole('heading', { level: 1, name: m('library.title') }).waitFor();
      await lockAndUnlock();
      await page.goto(`${host.origin}/#/testimony/${testimony.id}`);
      await page.getByTestId('draft-restored').waitFor();
      expect(await year.inputValue()).toBe(digits('20'));
      expect(await box.inputValue()).toBe(said);
      expect(await year.getAttribute('aria-invalid')).toBe('true');
      await when.getByText(m('problem.validation.notAPartialDate')).waitFor();
      await expect.poll(() => page.getByTestId('save-state').innerText(), { timeout: 8000 }).toBe(m('testimony.saveFailed'));
      expect((await host.call('testimonies.get', { id: testimony.id })).revision).toBe(1);
      await shoot('testimony-half-date');
      const axe = await runAxe(page, `${lang}-testimony-half-date`);
      recordAxe(axe);
      expect(axe.serious).toEqual([]);

      // The year finished (in the language's digits, as a person in Arabic types it): saved with the text.
      await year.fill(digits('2025'));
      await expect.poll(async () => { const x = await host.call('testimonies.get', { id: testimony.id }); return [x.interviewDate, x.text]; }, { timeout: 8000 }).toEqual(['2025-03', said]);
      await expect.poll(async () => (await draftOf('testimony', testimony.id))?.data.interviewDateTyped ?? '').toBe('');
    });

    it("marks a testimony's refused text field (a place too long) at the field and names it in the note; the text typed stays", async () => {
      const { page } = app;
      const testimony = await host.call('testimonies.create', { title: 'Interview with Witness C', text: 'First paragraph.' });
      await page.goto(`${host.origin}/#/testimony/${testimony.id}`);
      await page.getByRole('heading', { level: 1, name: 'Interview with Witness C' }).waitFor();
      const place = page.getByRole('textbox', { name: m('testimony.fields.place'), exact: true });
      const box = page.getByRole('textbox', { name: m('testimony.fields.text'), exact: true });
      const said = 'First paragraph.\n\nThe second paragraph, typed while the place was too long.';
      await place.fill('Kadıköy '.repeat(70)); // 560 characters: over the 500 a place may have
      await box.fill(said);
      await expect.poll(() => page.getByTestId('save-state').innerText(), { timeout: 8000 }).toBe(m('testimony.saveFailed'));
      // The note says which field, and the field itself is marked with the reason, as the note's advice says.
      const tooLong = m('problem.validation.tooLong', { max: 500 });
      await page.locator('.note-error li', { hasText: m('common.labelled', { label: isolate(lang)(m('testimony.fields.place')) }) }).waitFor();
      expect(await place.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await place.getAttribute('aria-describedby')) ?? '';
      expect(describedBy).not.toBe('');
      expect(await page.locator(`[id="${describedBy.split(' ')[0]}"]`).innerText()).toContain(tooLong.split(/\d/)[0]!.trim());
      expect(await box.getAttribute('aria-invalid')).toBeNull();
      expect(await box.inputValue()).toBe(said);
      await expect.poll(async () => (await draftOf('testimony', testimony.id))?.data.text, { timeout: 3000 }).toBe(said);
      await shoot('testimony-place-too-long');
      // Shortened: saved, and no longer marked.
      await place.fill('Kadıköy police station, Istanbul');
      await expect.poll(async () => (await host.call('testimonies.get', { id: testimony.id })).text, { timeout: 8000 }).toBe(said);
      await expect.poll(() => place.getAttribute('aria-invalid')).toBeNull();
    });
  });
}
