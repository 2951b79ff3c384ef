import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../shared/api';
import { allFields, getMechanism } from '../../shared/mechanisms';
import { startTestHost, type TestHost } from './host/server';
import { openApp, recordAxe, runAxe, screenshot, type AppWindow } from './support/browser';
import { importViaApi, PASSPHRASE } from './support/flows';
import { messages } from './support/messages';
import { testJpeg } from '../fixtures/phone-media';
import { dataWords, untranslatedTexts } from './support/pseudo';

/**
 * The packet review with the plan's warnings present (issue 13): a draft template (the HRC complaint), Content
 * Credentials kept for a signed HEIC, and asked for a JPEG that has none. Each warning reaches the app as a key and
 * values and is said in the person's language: in the pseudo-locale no plain word of them may show. The wizard is
 * opened on a packet draft saved at the review step (the same draft the wizard writes as one goes).
 */
const SIGNED_HEIC = path.join(import.meta.dirname, '../fixtures/c2pa/c2pa-rs-signed.heic');
const hrc = getMechanism('hrc-complaint')!;

/** Data shown as it is: the case title, file names, the sidecar's path, and the template's own field labels (the
 * mechanism's words come from its template, in en/es/fr/ar, not from the UI catalogue the pseudo-locale rewrites). */
const DATA = dataWords('Huella', 'Notices case', 'signed heic plain jpg', 'data content-credentials content credentials c2pa E001 E002', ...allFields(hrc).map((f) => f.label.en));

for (const lang of ['en', 'es', 'ar', 'pseudo'] as const) {
  describe(`packet review warnings (${lang})`, () => {
    const m = messages(lang);
    const pseudo = lang === 'pseudo';
    let host: TestHost;
    let app: AppWindow;
    let tmp: string;
    let caseId = '';

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huella-e2e-notices-${lang}-`));
      const language: Language = pseudo ? 'en' : lang;
      host = await startTestHost({ appState: { language } });
      await host.call('vault.create', { path: path.join(tmp, 'vault'), passphrase: PASSPHRASE, language });
      const inputs = path.join(tmp, 'in');
      fs.mkdirSync(inputs);
      fs.copyFileSync(SIGNED_HEIC, path.join(inputs, 'signed.heic'));
      testJpeg(path.join(inputs, 'plain.jpg'), 64, 48, 3);
      await importViaApi(host, [inputs]);
      const items = (await host.call('items.list', { offset: 0, limit: 10, sort: 'name-asc' })).items;
      caseId = (await host.call('cases.create', { title: 'Notices case' })).id;
      await host.call('cases.addItems', { caseId, itemIds: items.map((i) => i.id) });
      const choices = {
        caseId,
        mechanismId: 'hrc-complaint',
        profile: 'redacted',
        recipient: '',
        lang: language,
        includeFileNames: false,
        answers: {},
        deferredFields: [],
        keepContentCredentialsItemIds: items.map((i) => i.id),
      };
      await host.call('drafts.save', { form: 'packet', recordId: caseId, data: { step: 'review', choices } });
      app = await openApp(host, { locale: lang === 'ar' ? 'ar' : lang === 'es' ? 'es-ES' : 'en-GB', viewport: { width: 1280, height: 900 }, pseudoLocale: pseudo });
    });
    afterAll(async () => {
      await app?.close();
      await host?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('says each warning in the person’s language, none in English', async () => {
      const { page } = app;
      await page.evaluate((h) => {
        (globalThis as unknown as { location: { hash: string } }).location.hash = h;
      }, `#/packet/${caseId}`);
      const notices = page.getByTestId('packet-notices');
      await notices.waitFor({ timeout: 30_000 });
      const keys = await notices.locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-notice')));
      expect(keys).toEqual(expect.arrayContaining(['problem.packet.ccKept', 'problem.packet.ccNothingToKeep']));
      const text = (await notices.innerText()).replace(/[\u2066-\u2069]/g, '');
      for (const n of await notices.locator('li').all()) expect((await n.innerText()).trim()).not.toBe('');
      const nothing = (await notices.locator('li[data-notice="problem.packet.ccNothingToKeep"]').innerText()).replace(/[\u2066-\u2069]/g, '').trim();
      expect([m('problem.packet.ccNothingToKeep', { label: 'E001' }), m('problem.packet.ccNothingToKeep', { label: 'E002' })]).toContain(nothing);
      if (lang === 'es' || lang === 'ar') expect(text).not.toMatch(/nothing to keep|identify the device/);
      // The draft template, said once, by the template's status line.
      await page.getByText(m('packet.templateWarning.draft')).waitFor();
      await page.waitForTimeout(150);
      await screenshot(page, `${lang}-29-packet-review-notices`);
      const axe = await runAxe(page, `${lang}-29-packet-review-notices`);
      recordAxe(axe);
      expect(axe.serious, JSON.stringify(axe.serious, null, 1)).toEqual([]);
      if (pseudo) {
        // What the Content Credentials name (the certificate's subject, the software) is data, shown as it is.
        const plan = await host.call('packets.plan', { caseId, mechanismId: 'hrc-complaint', profile: 'redacted', lang: 'en', deferredFields: [] });
        const named = plan.items.flatMap((i) => i.contentCredentials?.disclosures ?? []).flatMap((d) => [d.value, d.agent ?? '']);
        expect(named.length).toBeGreaterThan(0);
        expect(await untranslatedTexts(page, new Set([...DATA, ...dataWords(...named)]))).toEqual([]);
      }
    });
  });
}
