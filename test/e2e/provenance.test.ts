import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../shared/api';
import type { ItemSummary } from '../../shared/model/items';
import { makeProofModeBundle, type ProofModeBundle } from '../fixtures/proofmode';
import { startTestHost, type TestHost } from './host/server';
import { openApp, recordAxe, runAxe, screenshot, type AppWindow } from './support/browser';
import { importViaApi, PASSPHRASE } from './support/flows';
import { messages } from './support/messages';

/**
 * The item view's provenance sections (issue 16 item 4): Content Credentials (C2PA) of a file signed by c2pa-rs, and
 * ProofMode's PGP signature over a photo of a bundle (valid) and over the same photo changed by one byte (invalid),
 * in English and Arabic (right to left), with axe and a screenshot of each for a person to look at.
 */
const C2PA_SAMPLE = path.join(import.meta.dirname, '../fixtures/c2pa/c2pa-rs-signed.heic');

for (const lang of ['en', 'ar'] as readonly Language[]) {
  describe(`provenance in the item view (${lang})`, () => {
    const m = messages(lang);
    let host: TestHost;
    let app: AppWindow;
    let tmp: string;
    let valid: ProofModeBundle;
    let items: readonly ItemSummary[];

    const open = async (page: Page, name: string, index = 0): Promise<void> => {
      const item = items.filter((i) => i.originalName === name)[index]!;
      await page.evaluate((h) => {
        (globalThis as unknown as { location: { hash: string } }).location.hash = h;
      }, `#/item/${item.id}`);
      await page.getByRole('heading', { level: 1, name }).waitFor();
    };

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huella-e2e-provenance-${lang}-`));
      fs.mkdirSync(path.join(tmp, 'in'));
      fs.copyFileSync(C2PA_SAMPLE, path.join(tmp, 'in', 'signed-by-c2pa-rs.heic'));
      valid = await makeProofModeBundle({ dir: tmp, zip: true });
      const tampered = await makeProofModeBundle({ dir: fs.mkdtempSync(path.join(tmp, 'tampered-')), zip: false, tamperMedia: true });
      host = await startTestHost({ appState: { language: lang } });
      await host.call('vault.create', { path: path.join(tmp, 'vault'), passphrase: PASSPHRASE, language: lang });
      await importViaApi(host, [path.join(tmp, 'in'), valid.path, tampered.path]);
      items = (await host.call('items.list', { offset: 0, limit: 100, sort: 'ingested-asc' })).items;
      app = await openApp(host, { locale: lang === 'ar' ? 'ar' : 'en-GB', viewport: { width: 1280, height: 1400 } });
    }, 180_000);
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail') await screenshot(app.page, `failure-provenance-${lang}-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
    });
    afterAll(async () => {
      await app?.close();
      await host?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('Content Credentials: the verdict, the signer as its certificate claims, and the trust note', async () => {
      const { page } = app;
      await open(page, 'signed-by-c2pa-rs.heic');
      const section = page.getByTestId('c2pa-facts');
      await section.getByRole('heading', { level: 2, name: m('item.c2pa.title') }).waitFor();
      const text = await section.innerText();
      expect(text).toContain(m('item.c2pa.valid'));
      expect(text).toContain(m('item.c2pa.signer'));
      expect(text).toMatch(/CN=C2PA Signer/);
      expect(text).toContain(m('item.c2pa.trustNote'));
      await section.scrollIntoViewIfNeeded();
      await screenshot(page, `${lang}-item-c2pa`);
      const axe = await runAxe(page, `${lang}-item-c2pa`);
      recordAxe(axe);
      expect(axe.serious, JSON.stringify(axe.serious, null, 1)).toEqual([]);
    });

    it('ProofMode: the signature over the photo is valid, with the key fingerprint, the proof data and its files', async () => {
      const { page } = app;
      const photo = valid.media[0]!.name;
      await open(page, photo, 0);
      const section = page.getByTestId('proofmode-facts');
      await section.getByRole('heading', { level: 2, name: m('item.proofmode.title') }).waitFor();
      const text = await section.innerText();
      expect(text).toContain(m('item.proofmode.valid'));
      expect(text.replace(/\s/g, '')).toContain(valid.keyFingerprint);
      expect(text).toContain(m('item.proofmode.roles.media'));
      expect(text).toContain(m('item.proofmode.proofHashOk'));
      expect(text).toContain('-34.6037, -58.3816');
      expect(text).toContain(m('item.proofmode.states.valid'));
      await section.scrollIntoViewIfNeeded();
      await screenshot(page, `${lang}-item-proofmode-valid`);
      const axe = await runAxe(page, `${lang}-item-proofmode`);
      recordAxe(axe);
      expect(axe.serious, JSON.stringify(axe.serious, null, 1)).toEqual([]);
    });

    it('ProofMode: the same photo changed by one byte after signing is shown NOT valid, with why', async () => {
      const { page } = app;
      const photo = valid.media[0]!.name;
      // The tampered bundle's photo has the same name; it is the second item of that name.
      await open(page, photo, 1);
      const section = page.getByTestId('proofmode-facts');
      await section.getByRole('heading', { level: 2, name: m('item.proofmode.title') }).waitFor();
      const text = await section.innerText();
      expect(text).toContain(m('item.proofmode.invalid'));
      expect(text).toContain(m('item.proofmode.reason'));
      expect(text).toContain(m('item.proofmode.problems.mismatch'));
      await section.scrollIntoViewIfNeeded();
      await screenshot(page, `${lang}-item-proofmode-invalid`);
    });

    it('the packet wizard: Content Credentials removed by default, kept for one item on purpose, with what they disclose', async () => {
      const { page } = app;
      const c2pa = items.find((i) => i.originalName === 'signed-by-c2pa-rs.heic')!;
      const c = await host.call('cases.create', { title: 'C2PA' });
      await host.call('cases.addItems', { caseId: c.id, itemIds: [c2pa.id] });
      await page.getByRole('link', { name: m('nav.packet'), exact: true }).click();
      await page.getByRole('heading', { level: 1, name: m('packet.title') }).waitFor();
      await page.getByLabel(m('packet.case'), { exact: true }).selectOption(c.id);
      await page.locator('#mech-sp-communication').check();
      for (const step of ['fields', 'contents', 'profile']) {
        await page.getByRole('button', { name: m('packet.next') }).click();
        await page.getByRole('heading', { level: 2, name: m(`packet.step.${step}`) }).waitFor();
      }
      await page.getByLabel(m('packet.keepContentCredentials')).waitFor();
      expect(await page.getByLabel(m('packet.keepContentCredentials')).isChecked()).toBe(false);
      await page.getByRole('button', { name: m('packet.next') }).click();
      const cell = page.getByTestId('packet-cc-E001');
      await cell.getByText(m('packet.cc.removed')).waitFor();
      await cell.getByLabel(m('packet.cc.keepThis')).check();
      // Interpolated values are isolated (U+2068…U+2069) in right-to-left text: compare without the marks.
      const plain = async (): Promise<string> => (await cell.innerText()).replace(/[\u2066-\u2069]/g, '');
      await expect.poll(plain, { timeout: 30_000 }).toContain(m('packet.cc.kept', { path: 'data/content-credentials/E001.c2pa' }));
      expect(await cell.innerText()).toMatch(/CN=C2PA Signer/);
      expect(await page.getByTestId('packet-review').innerText()).toContain('data/content-credentials/E001.c2pa');
      await screenshot(page, `${lang}-packet-review-content-credentials`);
    });
  });
}
