import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../shared/api';
import { startTestHost, type TestHost } from './host/server';
import { openApp, recordAxe, runAxe, screenshot, type AppWindow, type AxeSummary } from './support/browser';
import { expectCancelledImport, PASSPHRASE } from './support/flows';
import { messages } from './support/messages';
import { addSymlink, writePhotoFolder } from './support/photos';
import { pseudoText } from '../../shared/i18n/pseudo';
import { dataWords, untranslatedTexts } from './support/pseudo';
import { seedCatalogue, type Seeded } from './support/seed';

/**
 * Every screen, in English, Spanish, Arabic (right to left) and the pseudo-locale: a screenshot saved to
 * test-output/screenshots/ for people to look at, and axe-core run on it — zero serious or critical violations
 * allowed on any screen. In the pseudo-locale every translated text is in accented look-alikes, and a screen
 * fails on any plain word that did not go through the translation layer (support/pseudo.ts) other than the data
 * this test typed or imported (DATA below). The state is made through the API so that each screen has
 * realistic content.
 */

const LANGS: readonly (Language | 'pseudo')[] = ['en', 'es', 'ar', 'pseudo'];

/** How a list numbers its items (CSS list-style-type): 'none', 'decimal', 'arabic-indic'. Run in the page. */
const listStyle = (list: Locator): Promise<string> =>
  list.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { listStyleType: string } }).getComputedStyle(el).listStyleType);

/**
 * What the test typed or imported (support/seed.ts, support/photos.ts), the brand, and what Intl writes in English
 * for the pseudo-locale (month names, AM/PM, country and language names): data, shown as it is.
 */
const DATA = dataWords(
  'Huella',
  'Detention of A. in Istanbul',
  'Arrested at a demonstration on 5 March 2024; held for three days without access to a lawyer.',
  'Ayşe Yılmaz Witness A Mehmet Demir Victim B',
  'Interview with Witness A',
  'They took us to a building near the port. I heard screams from the next room.',
  '20 minutes twice a day about 3 hours',
  'IMG jpg scan broken link Huella Test Camera HT',
  'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec January February March April June July August September October November December AM PM',
  // A recorded time's offset as Intl names it in English ("10:15 AM GMT-3": shared/recorded-time.ts).
  'GMT',
  'Turkey Türkiye Turkish',
  // Sizes as Intl writes them in English (the unit names of Intl.NumberFormat).
  'byte bytes kB MB GB',
);

for (const lang of LANGS) {
  describe(`every screen in ${lang}`, () => {
    const m = messages(lang);
    const pseudo = lang === 'pseudo';
    const untranslated: string[] = [];
    let host: TestHost;
    let app: AppWindow;
    let tmp: string;
    let photosDir: string;
    let seeded: Seeded;
    const axe: AxeSummary[] = [];

    const shoot = async (page: Page, screen: string): Promise<void> => {
      // Let images decode and late answers render before the picture is taken.
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(150);
      await screenshot(page, `${lang}-${screen}`);
      if (pseudo) {
        const found = await untranslatedTexts(page, DATA);
        untranslated.push(...found.map((f) => `${screen}: ${f}`));
        expect.soft(found, `${screen}: not through the translation layer`).toEqual([]);
      }
      const result = await runAxe(page, `${lang}-${screen}`);
      recordAxe(result);
      axe.push(result);
      expect(result.serious, `${lang}-${screen}: ${JSON.stringify(result.serious, null, 1)}`).toEqual([]);
    };
    const go = async (page: Page, hash: string, heading: string): Promise<void> => {
      await page.evaluate((h) => {
        (globalThis as unknown as { location: { hash: string } }).location.hash = h;
      }, hash);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    };

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huella-e2e-screens-${lang}-`));
      const photos = await writePhotoFolder(path.join(tmp, 'photos'), 4);
      photosDir = photos.dir;
      addSymlink(photosDir, photos.photos[0]!);
      host = await startTestHost({ appState: { language: pseudo ? 'en' : lang } });
      app = await openApp(host, { locale: lang === 'ar' ? 'ar' : lang === 'es' ? 'es-ES' : 'en-GB', viewport: { width: 1280, height: 900 }, pseudoLocale: pseudo });
    });
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail') await screenshot(app.page, `failure-screens-${lang}-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
    });
    afterAll(async () => {
      await app?.close();
      await host?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
      const counts = axe.map((a) => `${a.screen}: ${a.serious.length} serious/critical, ${a.all.length} in all`);
      console.log(`axe (${lang}):\n  ${counts.join('\n  ')}`);
      if (untranslated.length > 0) console.log(`not translated (${lang}):\n  ${untranslated.join('\n  ')}`);
    });

    it('lays the page out in the right direction', async () => {
      const { page } = app;
      await page.getByRole('heading', { level: 1, name: m('create.title') }).waitFor();
      const html = page.locator('html');
      expect([await html.getAttribute('lang'), await html.getAttribute('dir')]).toEqual([pseudo ? 'en' : lang, lang === 'ar' ? 'rtl' : 'ltr']);
    });

    it('create vault and recovery sheet', async () => {
      const { page } = app;
      await shoot(page, '01-create-vault');
      host.dialogs.queue('chooseVaultFolder', path.join(tmp, 'vault'));
      await page.getByRole('button', { name: m('create.chooseFolder') }).click();
      await page.getByLabel(m('create.passphrase'), { exact: true }).fill(PASSPHRASE);
      await page.getByLabel(m('create.confirm')).fill(PASSPHRASE);
      await page.getByRole('button', { name: m('create.submit') }).click();
      await page.getByRole('heading', { level: 1, name: m('recovery.title') }).waitFor({ timeout: 60_000 });
      // A numbered list counts in the language's digits: Arabic-Indic in Arabic.
      expect(await listStyle(page.locator('ol.recovery-steps'))).toBe(lang === 'ar' ? 'arabic-indic' : 'decimal');
      await shoot(page, '02-recovery-sheet');
      await page.getByLabel(m('recovery.confirm')).check();
      await page.getByRole('button', { name: m('recovery.continue') }).click();
      await page.getByRole('heading', { level: 1, name: m('library.title') }).waitFor();
      await shoot(page, '03-library-empty');
    });

    it('import with progress, summary and per-file problems', async () => {
      const { page } = app;
      await go(page, '#/import', m('import.title'));
      await shoot(page, '04-import');
      host.dialogs.queue('pickFiles', [photosDir]);
      await page.getByRole('button', { name: m('import.pickFolder') }).click();
      await page.getByRole('heading', { name: m('import.finished') }).waitFor({ timeout: 120_000 });
      await shoot(page, '05-import-finished');
      // A long import in progress, then cancelled.
      const many = path.join(tmp, 'many');
      fs.mkdirSync(many);
      const base = fs.readFileSync(path.join(photosDir, 'IMG_1001.jpg'));
      // 1,000 files: the originals take seconds and the previews longer, so Cancel lands before the end on any machine.
      for (let i = 0; i < 1000; i++) fs.writeFileSync(path.join(many, `scan-${i}.jpg`), Buffer.concat([base, Buffer.from(`#${i}`)]));
      host.dialogs.queue('pickFiles', [many]);
      await page.getByRole('button', { name: m('import.pickFolder') }).click();
      await page.locator('progress[value]').waitFor();
      await screenshot(page, `${lang}-05b-import-progress`);
      await page.getByRole('button', { name: m('import.cancel') }).click();
      await expectCancelledImport(page, host, lang, 1000);
      await shoot(page, '05c-import-cancelled');
    });

    it('library grid, list and filters', async () => {
      const { page } = app;
      // The rest of the catalogue, through the API (the import above already brought the photos in).
      seeded = await seedCatalogue(host, photosDir);
      await go(page, '#/library', m('library.title'));
      await page.locator('ul.items .cell-link img').first().waitFor();
      // The less used filters are folded away until opened.
      expect(await page.locator('details.more-filters').getAttribute('open')).toBeNull();
      // The open vault by its folder's name, not its random identifier.
      expect(await page.locator('.topbar .vault-id').innerText()).toBe('vault');
      await shoot(page, '06-library-grid');
      await page.getByText(m('library.moreFilters')).click();
      await page.getByLabel(m('library.filter.deleted')).waitFor();
      await shoot(page, '06b-library-more-filters');
      await page.getByText(m('library.moreFilters')).click();
      await page.getByRole('button', { name: m('library.list') }).click();
      await page.locator('ul.items-list .row-link').first().waitFor();
      await shoot(page, '07-library-list');
      await page.getByRole('button', { name: m('library.grid') }).click();
    });

    it('item detail with GPS flagged, tags, custody and verification', async () => {
      const { page } = app;
      await go(page, `#/item/${seeded.gpsItemId}`, 'IMG_1000.jpg');
      await page.getByTestId('gps-flag').waitFor();
      await page.getByRole('button', { name: m('item.verify') }).click();
      await page.getByText(m('item.verifyOk')).waitFor();
      // The capture time as the camera wrote it (10:15 at UTC−3, support/photos.ts), not moved into the browser's
      // zone (UTC here), which showed 13:15 / 1:15 PM.
      const captured = await page.locator('dt', { hasText: m('item.captured') }).locator('xpath=following-sibling::dd[1]').innerText();
      expect(captured).toContain(lang === 'ar' ? '١٠:١٥' : '10:15');
      // A tag's details (typed in English here) start where the language starts: on the right in Arabic, beside
      // their label, not thrown to the far side of the row.
      const value = page.locator('.tags dd', { hasText: '20 minutes' });
      const [dd, span] = [(await value.boundingBox())!, (await value.locator('span').boundingBox())!];
      if (lang === 'ar') expect(dd.x + dd.width - (span.x + span.width)).toBeLessThan(2);
      else expect(span.x - dd.x).toBeLessThan(2);
      await shoot(page, '08-item-detail');
      await page.getByRole('heading', { name: m('item.custody') }).scrollIntoViewIfNeeded();
      await shoot(page, '09-item-detail-custody');
      // Choosing an Istanbul Protocol method opens the details form.
      const box = page.getByRole('combobox', { name: m('tags.add') });
      await box.scrollIntoViewIfNeeded();
      await box.fill(lang === 'ar' ? 'تعليق' : pseudo ? pseudoText('susp') : 'susp');
      await page.getByRole('option').first().waitFor();
      await shoot(page, '10-tag-type-ahead');
      await box.press('Enter');
      await page.locator('#assign-title').waitFor();
      await shoot(page, '11-tag-details');
      await page.getByRole('button', { name: m('common.cancel') }).click();
    });

    it('cases, a case, and the delete confirmation', async () => {
      const { page } = app;
      await go(page, '#/cases', m('cases.title'));
      await shoot(page, '12-cases');
      await go(page, `#/case/${seeded.caseId}`, 'Detention of A. in Istanbul');
      await shoot(page, '13-case-detail');
      await page.getByRole('button', { name: m('cases.delete') }).click();
      await page.getByRole('dialog').waitFor();
      await shoot(page, '14-confirm-delete');
      await page.getByRole('dialog').getByRole('button', { name: m('common.cancel') }).click();
    });

    it('people, a person with consent', async () => {
      const { page } = app;
      await go(page, '#/people', m('people.title'));
      await shoot(page, '15-people');
      await go(page, `#/person/${seeded.witnessId}`, 'Witness A');
      await page.getByText(m('consent.record')).click();
      await shoot(page, '16-person-consent');
    });

    it('testimony editor with history', async () => {
      const { page } = app;
      await go(page, `#/testimony/${seeded.testimonyId}`, 'Interview with Witness A');
      await page.getByTestId('save-state').waitFor();
      // Drop-downs stand as tall as the text boxes beside them (in Arabic they were 51px beside 42px), and a date's
      // month, day and year line up.
      const height = (selector: string) => page.locator(selector).evaluate((el) => (el as unknown as { getBoundingClientRect(): { height: number } }).getBoundingClientRect().height);
      const [select, input, month, day] = [await height('#tes-witness'), await height('#tes-place'), await height('.date-month select'), await height('.date-day input')];
      expect(Math.abs(select - input), `select ${select}px, text box ${input}px`).toBeLessThan(1.5);
      expect(Math.abs(month - day), `month ${month}px, day ${day}px`).toBeLessThan(1.5);
      await shoot(page, '17-testimony');
      await page.getByRole('heading', { name: m('testimony.history') }).scrollIntoViewIfNeeded();
      // The versions list has no numbers in any language (each says its version), in Arabic too.
      expect(await listStyle(page.locator('#tes-history ~ ol'))).toBe('none');
      await page.locator('#tes-history ~ ol button').last().click();
      // The linked photo by its file name, not its id.
      await page.locator('section[aria-labelledby=tes-items] a', { hasText: 'IMG_1000.jpg' }).waitFor();
      await shoot(page, '18-testimony-history');
    });

    it('search with results', async () => {
      const { page } = app;
      await go(page, '#/search', m('search.title'));
      await page.getByLabel(m('search.text')).fill('port');
      await page.getByRole('button', { name: m('search.submit'), exact: true }).click();
      await page.locator('.search-hit').first().waitFor();
      await shoot(page, '19-search');
    });

    it('custody log with the checkpoint', async () => {
      const { page } = app;
      await go(page, '#/custody', m('custody.title'));
      await page.getByTestId('checkpoint-note').waitFor();
      // Subjects by their human labels (links), the ids one click away (folded): no raw it_/tes_/per_/case_ id shows.
      const timeline = page.locator('ol.timeline');
      await timeline.getByRole('link', { name: 'Interview with Witness A' }).first().waitFor();
      expect(await timeline.innerText()).not.toMatch(/\b(it|tes|per|case)_[a-z0-9]{6,}/);
      // The timeline draws dots, not list numbers (in Arabic a numbering rule once drew ١. ٢. over the dots); the
      // vault's default name for its owner is said in the person's language, not stored English ("by owner").
      expect(await listStyle(timeline)).toBe('none');
      expect((await timeline.locator('.actor').first().innerText()).replace(/[\u2066-\u2069]/g, '')).toBe(m('custody.by', { actor: m('custody.owner') }).replace(/[\u2066-\u2069]/g, ''));
      await timeline.locator('.subject-id summary').first().click();
      expect(await timeline.locator('.subject-id[open] code').first().innerText()).toMatch(/^(it|tes|per|case)_/);
      await shoot(page, '20-custody-log');
    });

    it('the packet wizard and packet verification, before anything is chosen', async () => {
      const { page } = app;
      await go(page, '#/packet', m('packet.title'));
      await shoot(page, '20b-packet-wizard');
      await go(page, '#/verify-packet', m('verifyPacket.title'));
      await shoot(page, '20c-verify-packet');
    });

    it("the packet wizard's steps for a case: what the mechanism asks, contents, profile, review, export", async () => {
      const { page } = app;
      await go(page, `#/packet/${seeded.caseId}`, m('packet.title'));
      await page.locator('#mech-wgad-individual').check();
      // The steps are numbered in the language's digits.
      expect(await page.locator('.stepper .step-number').first().innerText()).toBe(lang === 'ar' ? '\u0661' : '1');
      const next = async (step: string) => {
        await page.getByRole('button', { name: m('packet.next') }).click();
        await page.getByRole('heading', { level: 2, name: m(`packet.step.${step}`) }).waitFor({ timeout: 30_000 });
      };
      await next('fields');
      await page.getByText(m('packet.fromCatalogue')).first().waitFor();
      await shoot(page, '20f-packet-fields');
      await next('contents');
      await page.locator('input[id^=pi-]').first().waitFor();
      await shoot(page, '20g-packet-contents');
      await next('profile');
      await shoot(page, '20h-packet-profile');
      await next('review');
      await page.getByTestId('packet-review').locator('tbody tr').first().waitFor({ timeout: 30_000 });
      await shoot(page, '20i-packet-review');
      await page.getByRole('button', { name: m('packet.next') }).click();
      await page.getByRole('heading', { level: 2, name: m('packet.step.export') }).waitFor();
      await shoot(page, '20j-packet-export');
    });

    it('share a case (what leaves, for a recipient) and receive (this vault\'s contact card)', async () => {
      const { page } = app;
      // The vault's own card as the recipient: the plan is read only, nothing is written.
      const card = await host.call('transfer.contact', {});
      await go(page, `#/share/${seeded.caseId}`, m('share.title'));
      await page.getByRole('textbox', { name: m('share.pasteCard') }).fill(card.line);
      await page.getByTestId('share-plan').locator('tbody tr').first().waitFor();
      await shoot(page, '20d-share-plan');
      await go(page, '#/receive', m('receive.title'));
      await page.getByTestId('contact-line').waitFor();
      await shoot(page, '20e-receive');
    });

    it('settings', async () => {
      const { page } = app;
      await go(page, '#/settings', m('settings.title'));
      // The auto-lock range is a number like any other: in the language's digits.
      expect(await page.getByText(lang === 'ar' ? '\u0662\u0664\u0660' : '240', { exact: false }).count()).toBeGreaterThan(0);
      await shoot(page, '21-settings');
      await page.getByTestId('backup-section').scrollIntoViewIfNeeded();
      await shoot(page, '21b-settings-backup');
      await page.getByTestId('remotes-section').scrollIntoViewIfNeeded();
      await shoot(page, '21c-settings-remotes');
    });

    it('unlock after locking, with the reason', async () => {
      const { page } = app;
      await page.getByRole('button', { name: m('shell.lock') }).click();
      await page.getByRole('heading', { level: 1, name: m('unlock.title') }).waitFor();
      await shoot(page, '22-unlock');
      await page.getByLabel(m('unlock.passphrase')).fill('not the passphrase');
      await page.getByRole('button', { name: m('unlock.submit'), exact: true }).click();
      await page.getByRole('alert').waitFor();
      await shoot(page, '23-unlock-wrong-passphrase');
      await page.getByRole('button', { name: m('unlock.useRecoveryKey') }).click();
      await shoot(page, '24-unlock-recovery-key');
      // The reviewer's door, from the unlock screen: verify a packet without the vault.
      await page.getByRole('button', { name: m('gate.verifyPacket') }).click();
      await page.getByRole('heading', { level: 1, name: m('verifyPacket.title') }).waitFor();
      await shoot(page, '25-reviewer-door');
      await page.getByRole('button', { name: m('gate.backToVault') }).click();
      await page.getByRole('heading', { level: 1, name: m('unlock.title') }).waitFor();
    });

    it('stayed on the test host, with no CSP violation or page error', async () => {
      await app.close();
      app.assertClean();
    });
  });
}
