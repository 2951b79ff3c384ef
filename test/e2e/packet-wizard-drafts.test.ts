import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../shared/api';
import { pickLocalized } from '../../shared/localized';
import { allFields, getMechanism } from '../../shared/mechanisms';
import type { Draft } from '../../shared/model/drafts';
import { testJpeg } from '../fixtures/phone-media';
import { startTestHost, type TestHost } from './host/server';
import { drawnLeftToRight } from './support/bidi';
import { openApp, recordAxe, runAxe, screenshot, type AppWindow } from './support/browser';
import { importViaApi, leaveLockUnlock, PASSPHRASE } from './support/flows';
import { messages } from './support/messages';

/**
 * The packet wizard's draft (issue 13 item 4) for what the rest of its tests do not type: a date answer, in the app's
 * DateField (the language's order, month names and digits, not the browser's), typed halfway, is kept in the draft
 * exactly as typed and comes back after leaving the wizard and after locking; while it is there the review says, in
 * the person's language and by the mechanism's label, that it is not a date, and the export is refused: the date it
 * replaced is never sent in its place. The export's zip-or-folder choice is kept the same way. In en, es and ar.
 */
const LANGS: readonly Language[] = ['en', 'es', 'ar'];
const wgad = getMechanism('wgad-individual')!;
const fieldNamed = (id: string, lang: Language) => pickLocalized(allFields(wgad).find((f) => f.id === id)!.label, lang);

for (const lang of LANGS) {
  describe(`packet wizard drafts (${lang})`, () => {
    const m = messages(lang);
    let host: TestHost;
    let app: AppWindow;
    let tmp: string;
    let caseId = '';
    /** Digits as the language shows them (Arabic-Indic in ar). */
    const digits = (v: string) => (lang === 'ar' ? v.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d))) : v);
    const plain = (x: string) => x.replace(/[\u2066-\u2069]/g, '');
    const draft = async () => ((await host.call('drafts.get', { form: 'packet', recordId: caseId } as never)) as Draft | null)?.data as { step: string; choices: Record<string, unknown> } | undefined;
    const shoot = async (name: string) => {
      await app.page.waitForTimeout(150);
      await screenshot(app.page, `${lang}-packet-drafts-${name}`);
      const r = await runAxe(app.page, `${lang}-packet-drafts-${name}`);
      recordAxe(r);
      expect(r.serious, JSON.stringify(r.serious, null, 1)).toEqual([]);
    };
    const openWizard = async () => {
      const { page } = app;
      await page.goto(`${host.origin}/#/packet/${caseId}`);
      await page.getByRole('heading', { level: 1, name: m('packet.title') }).waitFor();
      await page.getByTestId('packet-restored').waitFor();
    };
    const leaveAndLock = async () => {
      const { page } = app;
      await leaveLockUnlock(page, m);
      await openWizard();
    };
    const arrest = () => app.page.getByRole('group', { name: fieldNamed('arrestDate', lang) });

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huella-e2e-packet-drafts-${lang}-`));
      host = await startTestHost({ appState: { language: lang } });
      await host.call('vault.create', { path: path.join(tmp, 'vault'), passphrase: PASSPHRASE, language: lang });
      const inputs = path.join(tmp, 'in');
      fs.mkdirSync(inputs);
      testJpeg(path.join(inputs, 'photo.jpg'), 64, 48, 3);
      await importViaApi(host, [inputs]);
      const items = (await host.call('items.list', { offset: 0, limit: 10, sort: 'name-asc' })).items;
      caseId = (await host.call('cases.create', { title: 'Detention in Izmir', country: 'TR' })).id;
      await host.call('cases.addItems', { caseId, itemIds: items.map((i) => i.id) });
      const victim = await host.call('persons.create', { realName: 'Mehmet Demir', pseudonym: 'Victim B' });
      await host.call('persons.setRole', { personId: victim.id, caseId, role: 'victim' });
      await host.call('consent.record', { personId: victim.id, mechanism: '*', discloseName: false, shareMaterial: true, givenAt: '2024-03-11', howRecorded: 'oral-recorded' });
      app = await openApp(host, { locale: lang === 'ar' ? 'ar' : lang === 'es' ? 'es-ES' : 'en-GB', viewport: { width: 1280, height: 900 } });
    });
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail') await screenshot(app.page, `failure-packet-drafts-${lang}-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
    });
    afterAll(async () => {
      await app?.close();
      app?.assertClean();
      await host?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('asks a date answer in the app’s date field and keeps one typed halfway through leaving and locking; the review refuses it by its label', async () => {
      const { page } = app;
      await page.goto(`${host.origin}/#/packet/${caseId}`);
      await page.getByRole('heading', { level: 1, name: m('packet.title') }).waitFor();
      await page.locator('#mech-wgad-individual').check();
      await page.getByRole('button', { name: m('packet.next') }).click();
      await page.getByRole('heading', { level: 2, name: m('packet.step.fields') }).waitFor();
      // The date the catalogue gives (the submission's, today) is shown as a date in the language, not as 2026-12-06.
      const today = await page.getByTestId('from-catalogue-submissionDate').locator('bdi').innerText();
      expect(today).not.toMatch(/\d{4}-\d{2}-\d{2}/);
      expect(today).toMatch(lang === 'ar' ? /^[^0-9]*[\u0660-\u0669]{4}[^0-9]*$/ : new RegExp(String(new Date().getUTCFullYear())));
      // The date of arrest: day, month by name and year in the language's order, not a browser date input.
      const year = arrest().getByRole('textbox', { name: m('date.year') });
      await arrest().getByRole('textbox', { name: m('date.day') }).fill(digits('5'));
      await arrest().getByRole('combobox', { name: m('date.month') }).selectOption('3');
      await year.fill(digits('2024'));
      await expect.poll(async () => ((await draft())?.choices.answers as Record<string, unknown> | undefined)?.arrestDate, { timeout: 3000 }).toBe('2024-03-05');
      // The year retyped halfway: no date, kept in the draft as typed; the answer is not changed behind it.
      await year.fill(digits('20'));
      await expect.poll(async () => ((await draft())?.choices.typedAnswers as Record<string, unknown> | undefined)?.arrestDate, { timeout: 3000 }).toBe(JSON.stringify([digits('20'), '3', digits('5')]));
      await leaveAndLock();
      // Back on the fields step, as typed, in the language's digits, marked at the field in the person's language.
      await page.getByRole('heading', { level: 2, name: m('packet.step.fields') }).waitFor();
      expect(await year.inputValue()).toBe(digits('20'));
      expect(await arrest().getByRole('textbox', { name: m('date.day') }).inputValue()).toBe(digits('5'));
      expect(await year.getAttribute('aria-invalid')).toBe('true');
      await arrest().getByText(m('problem.validation.notAPartialDate')).waitFor();
      await arrest().scrollIntoViewIfNeeded();
      await shoot('fields-half-date');

      // The review: the date is named by the mechanism's label as not a date, and nothing says the export is ready,
      // even with every other required answer left to be completed.
      for (let i = 0; i < 3; i++) await page.getByRole('button', { name: m('packet.next') }).click();
      const review = page.getByTestId('packet-review');
      const notADate = review.getByTestId('packet-invalid-arrestDate');
      await notADate.waitFor({ timeout: 30_000 });
      expect(plain(await notADate.innerText())).toContain(m('problem.packet.answerNotADate', { field: fieldNamed('arrestDate', lang) }));
      const unanswered = review.locator('[data-testid^=packet-unanswered-]');
      while ((await unanswered.count()) > 0) {
        const n = await unanswered.count();
        await unanswered.first().getByRole('button', { name: m('packet.deferIt') }).click();
        await expect.poll(() => unanswered.count()).toBeLessThan(n);
      }
      expect(await review.locator('[data-testid^=packet-blocker-], [data-testid^=packet-invalid-]').count()).toBe(1);
      expect(await review.getByText(m('packet.ready')).count()).toBe(0);
      await shoot('review-half-date');
      // The export refuses it too (the plan got the date as typed, not the one it replaced).
      await page.getByRole('button', { name: m('packet.next') }).click();
      await page.getByRole('heading', { level: 2, name: m('packet.step.export') }).waitFor();
      await page.getByText(m('packet.cannotExport')).waitFor();
      expect(await page.getByRole('button', { name: m('packet.export') }).isDisabled()).toBe(true);

      // "Correct it" leads back to the field; the year finished (in the language's digits): the date is the answer,
      // nothing half typed is left, and nothing blocks.
      for (let i = 0; i < 1; i++) await page.getByRole('button', { name: m('common.back') }).click();
      await review.getByTestId('packet-invalid-arrestDate').getByRole('button', { name: m('packet.correctIt') }).click();
      await page.getByRole('heading', { level: 2, name: m('packet.step.fields') }).waitFor();
      await year.fill(digits('2025'));
      await expect.poll(async () => (await draft())?.choices, { timeout: 3000 }).toMatchObject({ answers: { arrestDate: '2025-03-05' }, typedAnswers: {} });
      for (let i = 0; i < 3; i++) await page.getByRole('button', { name: m('packet.next') }).click();
      await review.getByText(m('packet.ready')).waitFor({ timeout: 30_000 });
      expect(await review.locator('[data-testid^=packet-invalid-]').count()).toBe(0);
    });

    it('keeps the export’s zip-or-folder choice through leaving and locking', async () => {
      const { page } = app;
      await page.getByRole('button', { name: m('packet.next') }).click();
      await page.getByRole('heading', { level: 2, name: m('packet.step.export') }).waitFor();
      expect(await page.getByRole('radio', { name: m('packet.format.zip') }).isChecked()).toBe(true);
      await page.getByRole('radio', { name: m('packet.format.folder') }).check();
      await expect.poll(async () => (await draft())?.choices.packetFormat, { timeout: 3000 }).toBe('folder');
      await leaveAndLock();
      await page.getByRole('heading', { level: 2, name: m('packet.step.export') }).waitFor();
      expect(await page.getByRole('radio', { name: m('packet.format.folder') }).isChecked()).toBe(true);
      await expect.poll(() => page.getByRole('button', { name: m('packet.export') }).isEnabled(), { timeout: 30_000 }).toBe(true);
      // '.zip' is drawn '.zip' in every language (in Arabic, not 'zip.'), in the label and the intro above it.
      expect(await drawnLeftToRight(page.locator('label[for=packet-format-zip]'), '.zip')).toBe(true);
      expect(await drawnLeftToRight(page.getByText(m('packet.exportIntro').replace(/[\u200e\u2066-\u2069]/g, '').slice(0, 12)), '.zip')).toBe(true);
      await shoot('export-folder');
      // Exported as the kept choice: a folder.
      const out = path.join(tmp, 'out', 'packet');
      fs.mkdirSync(path.dirname(out));
      host.dialogs.queue('choosePacketDestination', out);
      await page.getByRole('button', { name: m('packet.export') }).click();
      await page.getByRole('status').getByText(m('packet.exported')).waitFor({ timeout: 120_000 });
      expect(fs.statSync(out).isDirectory()).toBe(true);
      // Where it was written and its tag manifest's hash, drawn left to right.
      const written = page.getByRole('status').filter({ hasText: m('packet.exported') });
      expect(await drawnLeftToRight(written, `${out}`)).toBe(true);
      const tagmanifest = await written.locator('code.hash').innerText();
      expect(tagmanifest).toMatch(/^[0-9a-f]{64}$/);
      expect(await drawnLeftToRight(written, tagmanifest)).toBe(true);
      await shoot('exported');
      // Verified from there: the verify screen names the folder, left to right; a zip is offered as '.zip'.
      await page.getByRole('button', { name: m('packet.verifyIt') }).click();
      await page.getByRole('heading', { level: 1, name: m('verifyPacket.title') }).waitFor();
      expect(await drawnLeftToRight(page.locator('#vp-path'), out)).toBe(true);
      expect(await drawnLeftToRight(page.getByRole('button', { name: m('verifyPacket.choose') }), '.zip')).toBe(true);
      await page.getByRole('button', { name: m('verifyPacket.verify'), exact: true }).click();
      await page.getByRole('heading', { level: 2, name: m('verifyPacket.pass') }).waitFor({ timeout: 60_000 });
      expect(await drawnLeftToRight(page.locator('#vp-signer-key'), (await page.locator('#vp-signer-key').innerText()).trim())).toBe(true);
      await shoot('verify-pass');
    });
  });
}
