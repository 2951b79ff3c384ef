import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cosignRequest } from '../../main/archive/witness/cosign';
import { pickLocalized } from '../../shared/localized';
import { allFields, getMechanism } from '../../shared/mechanisms';
import { initWitness } from '../../main/archive/witness/state';
import { startTestHost, type TestHost } from './host/server';
import { hasFocus, openApp, recordAxe, runAxe, screenshot, type AppWindow } from './support/browser';
import { PASSPHRASE } from './support/flows';
import { messages } from './support/messages';
import { writePhotoFolder } from './support/photos';
import { seedCatalogue, type Seeded } from './support/seed';

/**
 * The packet wizard and packet verification, end to end: a case with GPS photos, a witness whose consent withholds
 * the name, a testimony; the wizard shows what each file loses and who is named how, exports a redacted packet
 * through the real builder, then the verify screen checks it (PASS) — and, after one byte of the packet is
 * changed, reports FAIL. Screens are shot in English and Arabic with axe on each.
 */
for (const lang of ['en', 'ar'] as const) {
  describe(`packets (${lang})`, () => {
    const m = messages(lang);
    let host: TestHost;
    let app: AppWindow;
    let tmp: string;
    let seeded: Seeded;
    let witnessKey = '';
    const shoot = async (name: string) => {
      await app.page.waitForTimeout(150);
      await screenshot(app.page, `${lang}-${name}`);
      const r = await runAxe(app.page, `${lang}-${name}`);
      recordAxe(r);
      expect(r.serious, JSON.stringify(r.serious, null, 1)).toEqual([]);
    };

    // Each radio sits right beside its label, on the label's first line (they were stretched 32rem wide and floated
    // far from their labels: the text-input width rule of .field applied to radios).
    const radiosBesideLabels = async (ids: readonly string[]) => {
      for (const id of ids) {
        const radio = (await app.page.locator(`#${id}`).boundingBox())!;
        const label = (await app.page.locator(`label[for="${id}"]`).boundingBox())!;
        expect(radio.width, id).toBeLessThanOrEqual(24);
        const gap = lang === 'ar' ? radio.x - (label.x + label.width) : label.x - (radio.x + radio.width);
        expect(gap, `${id}: gap between radio and label`).toBeGreaterThanOrEqual(0);
        expect(gap, `${id}: gap between radio and label`).toBeLessThanOrEqual(16);
        expect(Math.abs(radio.y - label.y), `${id}: radio on the label's first line`).toBeLessThanOrEqual(12);
      }
    };

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huella-e2e-packets-${lang}-`));
      host = await startTestHost({ appState: { language: lang } });
      await host.call('vault.create', { path: path.join(tmp, 'vault'), passphrase: PASSPHRASE, language: lang });
      seeded = await seedCatalogue(host, (await writePhotoFolder(path.join(tmp, 'photos'), 4)).dir);
      // The victim's consent (material may be shared, name withheld): without it the plan blocks the export.
      const victim = (await host.call('persons.list', { caseId: seeded.caseId })).find((p) => p.pseudonym === 'Victim B')!;
      await host.call('consent.record', { personId: victim.id, mechanism: '*', discloseName: false, shareMaterial: true, givenAt: '2024-03-11', howRecorded: 'oral-recorded' });
      // A witness cosigned the log as it is now (issue 17): the packet carries that, and the verify screen reports it.
      witnessKey = initWitness(path.join(tmp, 'witness'), 'witness.example.org/lawyer').verifierKey;
      await host.call('witnesses.add', { key: witnessKey, label: 'Lawyer' });
      const cosigned = cosignRequest(path.join(tmp, 'witness'), (await host.call('witnesses.request', {})).text);
      await host.call('witnesses.addCosignature', { text: cosigned.cosignedCheckpoint });
      // The fixture's truncated JPEG goes into the case too: the export cannot strip it, so the review must say so.
      const broken = (await host.call('items.list', { offset: 0, limit: 100, sort: 'name-asc' })).items.find((i) => i.originalName === 'broken.jpg')!;
      await host.call('cases.addItems', { caseId: seeded.caseId, itemIds: [broken.id] });
      app = await openApp(host, { locale: lang === 'ar' ? 'ar' : 'en-GB', viewport: { width: 1280, height: 900 } });
    });
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail') await screenshot(app.page, `failure-packets-${lang}-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
    });
    afterAll(async () => {
      await app?.close();
      await host?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('walks the wizard: mechanism, fields, contents, profile, and a review of what leaves the vault', async () => {
      const { page } = app;
      await page.getByRole('link', { name: m('nav.packet'), exact: true }).click();
      await page.getByRole('heading', { level: 1, name: m('packet.title') }).waitFor();
      await page.getByLabel(m('packet.case'), { exact: true }).selectOption(seeded.caseId);
      await page.locator('#mech-wgad-individual').check();
      await radiosBesideLabels(await page.locator('input[name=mechanism]').evaluateAll((els) => els.map((e) => e.id)));
      await shoot('25-packet-mechanism');
      await page.getByRole('button', { name: m('packet.next') }).click();
      await page.getByRole('heading', { level: 2, name: m('packet.step.fields') }).waitFor();
      await page.getByText(m('packet.fromCatalogue')).first().waitFor();
      // personConsents and personInformed come from the recorded consent: nothing to tick, no input for them.
      expect(await page.locator('#ans-personInformed').count()).toBe(0);
      expect(await page.locator('#ans-personConsents').count()).toBe(0);
      await page.locator('#ans-domesticSteps').fill('Habeas corpus petition by Ayşe Yılmaz, 12 March 2024, rejected.');
      // Each value from the catalogue says which record it came from (the case, by its title), in the person's language.
      const origins = await page.getByTestId('field-origin').allInnerTexts();
      expect(origins.map((x) => x.replace(/[\u2066-\u2069]/g, ''))).toContain(m('packet.origin.case', { label: 'Detention of A. in Istanbul' }));
      await shoot('26-packet-fields');
      await page.getByRole('button', { name: m('packet.next') }).click();
      await page.getByRole('heading', { level: 2, name: m('packet.step.contents') }).waitFor();
      await page.locator('input[id^=pi-]').first().waitFor();
      await shoot('27-packet-contents');
      await page.getByRole('button', { name: m('packet.next') }).click();
      await page.getByLabel(m('packet.profiles.redacted')).check();
      await radiosBesideLabels(['profile-redacted', 'profile-forensic']);
      await shoot('28-packet-profile');
      await page.getByRole('button', { name: m('packet.next') }).click();
      const review = page.getByTestId('packet-review');
      await review.waitFor();
      await review.locator('tbody tr').first().waitFor();
      // The GPS photos lose their position; the witness is named by pseudonym (consent withholds the name).
      expect(await review.innerText()).toContain(m('packet.removes.gps'));
      expect(await review.locator('tr', { hasText: 'Witness A' }).innerText()).toContain(m('packet.pseudonymShown'));
      expect(await review.innerText()).not.toContain('Ayşe');
      // The truncated JPEG: the export would refuse it, so the review lists it as a blocker, in the person's language,
      // naming the exhibit and what to do; never "nothing blocks".
      const blocker = review.locator('[data-testid^=packet-blocker-E]');
      await blocker.waitFor();
      const label = (await blocker.getAttribute('data-testid'))!.replace('packet-blocker-', '');
      const plain = (x: string) => x.replace(/[\u2066-\u2069]/g, ''); // the isolates around values in RTL
      expect(plain(await blocker.innerText())).toContain(m('problem.packet.itemStripFailed', { label }));
      expect(await review.getByText(m('packet.ready')).count()).toBe(0);
      expect(await review.locator('tr', { hasText: label }).innerText()).toContain(m('packet.cannotSend'));
      await shoot('29-packet-review-blocked');
      // The remedy in one click: the same packet without that exhibit; then nothing blocks.
      const leaveOut = blocker.getByRole('button');
      expect(plain(await leaveOut.innerText())).toBe(m('packet.leaveOut', { label }));
      await leaveOut.click();
      await review.locator('[data-testid^=packet-blocker-E]').waitFor({ state: 'detached' });
      // Required answers the catalogue could not give and nobody typed: each listed by the mechanism's own label
      // (no internal field name), to answer or to leave "to be completed before sending"; until then, not ready.
      const unanswered = review.locator('[data-testid^=packet-unanswered-]');
      await unanswered.first().waitFor();
      const count = await unanswered.count();
      expect(count).toBeGreaterThan(0);
      expect(plain(await unanswered.first().innerText())).toMatch(/“|«/);
      expect(await review.innerText()).not.toMatch(/submitterName|arbitrarinessReasons|detentionPlaces/);
      expect(await review.getByText(m('packet.ready')).count()).toBe(0);
      for (let i = 0; i < count; i++) {
        await unanswered.first().getByRole('button', { name: m('packet.deferIt') }).click();
        await expect.poll(() => unanswered.count()).toBe(count - i - 1);
      }
      await review.getByText(m('packet.ready')).waitFor();
      expect(await review.getByTestId('packet-deferred').locator('li').count()).toBe(count);
      // The witness's name typed into an answer went out as her pseudonym (consent withholds it): the review says where.
      const replaced = review.getByTestId('packet-replaced');
      const domesticSteps = allFields(getMechanism('wgad-individual')!).find((f) => f.id === 'domesticSteps')!;
      const answerRow = replaced.locator('li', { hasText: 'Witness A' }).first();
      expect(plain(await answerRow.innerText())).toContain(m('packet.replaced.answer', { field: pickLocalized(domesticSteps.label, lang) }));
      expect(await replaced.innerText()).not.toMatch(/Ayşe|Yılmaz/);
      expect(plain(await replaced.innerText())).toContain(m('packet.replaced.title'));
      await replaced.scrollIntoViewIfNeeded();
      await shoot('29-packet-review-names');
      expect(await review.locator('[data-testid^=packet-blocker-]').count()).toBe(0);
      await shoot('29-packet-review');
      // An exhibit opened from the review opens beside the wizard, not instead of it: the review stays on screen, and
      // closing the panel returns focus to the link, with the step, answers and selection as they were.
      const exhibitLink = review.getByRole('link', { name: 'E001' });
      await exhibitLink.click();
      const panel = page.getByTestId('exhibit-panel');
      await panel.getByRole('heading', { level: 2 }).waitFor();
      expect(plain(await panel.getByRole('heading', { level: 2 }).innerText())).toBe(m('packet.exhibit.title', { label: 'E001' }));
      await panel.locator('img').first().waitFor();
      expect(await page.getByTestId('packet-review').isVisible()).toBe(true);
      expect(await page.getByRole('heading', { level: 1, name: m('packet.title') }).isVisible()).toBe(true);
      const [reviewBox, panelBox] = [(await page.getByTestId('packet-review').boundingBox())!, (await panel.boundingBox())!];
      // Beside: side by side (the panel after the wizard in the reading direction), not below it.
      expect(lang === 'ar' ? panelBox.x + panelBox.width <= reviewBox.x + 1 : panelBox.x >= reviewBox.x + reviewBox.width - 1).toBe(true);
      expect(plain(await panel.innerText())).toContain(m('packet.actions.strip'));
      await shoot('29-packet-exhibit-panel');
      await panel.getByRole('button', { name: m('packet.exhibit.close') }).click();
      await panel.waitFor({ state: 'detached' });
      expect(await hasFocus(exhibitLink)).toBe(true);
      // By keyboard: Enter on the link opens it, Escape closes it.
      await exhibitLink.press('Enter');
      await panel.waitFor();
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });
      await page.getByTestId('packet-review').getByText(m('packet.ready')).waitFor();
      expect(await page.locator('[aria-current=step]').innerText()).toContain(m('packet.step.review'));
      for (let i = 0; i < 3; i++) await page.getByRole('button', { name: m('common.back') }).click();
      expect(await page.locator('#ans-domesticSteps').inputValue()).toBe('Habeas corpus petition by Ayşe Yılmaz, 12 March 2024, rejected.');
      for (let i = 0; i < 3; i++) await page.getByRole('button', { name: m('packet.next') }).click();
      await page.getByTestId('packet-review').waitFor();
    });

    it('opens an item from the contents step beside the wizard, the step and the selection kept (click and Enter)', async () => {
      const { page } = app;
      const plain = (x: string) => x.replace(/[\u2066-\u2069]/g, '');
      const iso = (v: string) => (lang === 'ar' ? `\u2068${v}\u2069` : v); // values are isolated in RTL
      for (let i = 0; i < 2; i++) await page.getByRole('button', { name: m('common.back') }).click();
      await page.getByRole('heading', { level: 2, name: m('packet.step.contents') }).waitFor();
      await page.locator('input[id^=pi-]').first().waitFor();
      const ticks = async () => page.locator('input[id^=pi-]').evaluateAll((els) => els.map((e) => `${e.id}:${String((e as unknown as { checked: boolean }).checked)}`));
      const before = await ticks();
      // broken.jpg was left out on the review: it is listed here, not ticked.
      const brokenBox = page.getByRole('checkbox', { name: 'broken.jpg' });
      expect(await brokenBox.isChecked()).toBe(false);
      const items = (await host.call('items.list', { offset: 0, limit: 100, filters: { caseId: seeded.caseId }, sort: 'captured-asc' })).items;
      const photo = items.find((i) => i.originalName !== 'broken.jpg' && i.hasPreview)!;
      const photoName = photo.title ?? photo.originalName;
      // A plain click opens it beside the contents step, which stays on screen.
      const view = page.getByRole('link', { name: m('packet.exhibit.viewNamed', { name: iso(photoName) }), exact: true });
      await view.click();
      const panel = page.getByTestId('exhibit-panel');
      await panel.locator('img').first().waitFor();
      expect(await page.getByRole('heading', { level: 2, name: m('packet.step.contents') }).isVisible()).toBe(true);
      // It is in the packet: titled by its exhibit number, as on the review.
      const title = plain(await panel.getByRole('heading', { level: 2 }).innerText());
      const exhibit = /E\d{3}/.exec(title)?.[0] ?? '';
      expect(title).toBe(m('packet.exhibit.title', { label: exhibit }));
      const [stepBox, panelBox] = [(await page.locator('section[aria-labelledby=packet-step-title]').boundingBox())!, (await panel.boundingBox())!];
      expect(lang === 'ar' ? panelBox.x + panelBox.width <= stepBox.x + 1 : panelBox.x >= stepBox.x + stepBox.width - 1).toBe(true);
      expect(await page.locator('[aria-current=step]').innerText()).toContain(m('packet.step.contents'));
      await shoot('27b-packet-contents-exhibit');
      await panel.getByRole('button', { name: m('packet.exhibit.close') }).click();
      await panel.waitFor({ state: 'detached' });
      expect(await hasFocus(view)).toBe(true);
      // By keyboard: Enter on the left-out item's link opens it; the panel says it is not in the packet; Escape closes.
      const brokenView = page.getByRole('link', { name: m('packet.exhibit.viewNamed', { name: iso('broken.jpg') }), exact: true });
      await brokenView.focus();
      await page.keyboard.press('Enter');
      await panel.getByTestId('exhibit-not-in-packet').waitFor();
      expect(plain(await panel.getByRole('heading', { level: 2 }).innerText())).toBe('broken.jpg');
      expect(await hasFocus(panel.getByRole('heading', { level: 2 }))).toBe(true);
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });
      expect(await hasFocus(brokenView)).toBe(true);
      // Nothing moved: the same step, the same ticks; forward to the review, ready as before.
      expect(await page.locator('[aria-current=step]').innerText()).toContain(m('packet.step.contents'));
      expect(await ticks()).toEqual(before);
      for (let i = 0; i < 2; i++) await page.getByRole('button', { name: m('packet.next') }).click();
      await page.getByTestId('packet-review').getByText(m('packet.ready')).waitFor();
    });

    it('exports the packet through the real builder, with progress, and verifies it: PASS', async () => {
      const { page } = app;
      await page.getByRole('button', { name: m('packet.next') }).click();
      const out = path.join(tmp, 'out', 'packet.zip');
      fs.mkdirSync(path.dirname(out));
      host.dialogs.queue('choosePacketDestination', out);
      await page.getByRole('button', { name: m('packet.export') }).click();
      await page.getByText(m('packet.exported')).waitFor({ timeout: 120_000 });
      expect(fs.existsSync(out)).toBe(true);
      await shoot('30-packet-exported');
      await page.getByRole('button', { name: m('packet.verifyIt') }).click();
      await page.getByRole('heading', { level: 1, name: m('verifyPacket.title') }).waitFor();
      await page.getByLabel(m('verifyPacket.witnessKeys')).fill(witnessKey);
      await page.getByRole('button', { name: m('verifyPacket.verify'), exact: true }).click();
      await page.getByRole('heading', { level: 2, name: m('verifyPacket.pass') }).waitFor({ timeout: 60_000 });
      await page.getByRole('heading', { level: 3, name: m('verifyPacket.witnessed') }).waitFor();
      expect(await page.getByTestId('verify-report').innerText()).toContain('witness.example.org/lawyer');
      await shoot('31-verify-packet-pass');
    });

    it('reports FAIL, with the file at fault, after one byte of the packet is changed', async () => {
      const { page } = app;
      const out = path.join(tmp, 'out', 'packet.zip');
      const bytes = fs.readFileSync(out);
      // Flip a byte in the middle of the archive (inside some member's data).
      const at = Math.floor(bytes.length / 2);
      bytes[at] = bytes[at]! ^ 0xff;
      fs.writeFileSync(out, bytes);
      host.dialogs.queue('choosePacket', out);
      await page.getByRole('button', { name: m('verifyPacket.choose') }).click();
      await page.getByRole('button', { name: m('verifyPacket.verify'), exact: true }).click();
      await page.getByRole('heading', { level: 2, name: m('verifyPacket.fail') }).waitFor({ timeout: 60_000 });
      await shoot('32-verify-packet-fail');
    });

    it('stayed on the test host, with no CSP violation or page error', async () => {
      await app.close();
      app.assertClean();
    });
  });
}
