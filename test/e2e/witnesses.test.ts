import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import encodeQR from 'qr';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../shared/api';
import { cosignRequest } from '../../main/archive/witness/cosign';
import { initWitness } from '../../main/archive/witness/state';
import { startTestHost, type TestHost } from './host/server';
import { openApp, recordAxe, runAxe, screenshot, type AppWindow } from './support/browser';
import { PASSPHRASE } from './support/flows';
import { messages } from './support/messages';

/**
 * Witnesses in Settings, as a documenter uses them: add the witness's key, show the checkpoint as a QR code (and
 * save it as a file), let the witness cosign it on "their" computer (the witness code, no vault), paste the answer
 * back, and see which checkpoint is cosigned by whom. English and Arabic (right to left), with axe.
 */
for (const lang of ['en', 'ar'] as readonly Language[]) {
  describe(`witnesses in Settings (${lang})`, () => {
    const m = messages(lang);
    const w = (key: string): string => m(`witnesses.${key}`);
    let host: TestHost;
    let app: AppWindow;
    let tmp: string;
    let witnessDir: string;
    let witnessKey: string;

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huella-e2e-witness-${lang}-`));
      witnessDir = path.join(tmp, 'witness');
      witnessKey = initWitness(witnessDir, 'witness.example.org/lawyer').verifierKey;
      host = await startTestHost({ appState: { language: lang } });
      await host.call('vault.create', { path: path.join(tmp, 'vault'), passphrase: PASSPHRASE, language: lang });
      app = await openApp(host, { locale: lang === 'ar' ? 'ar' : 'en-GB', viewport: { width: 1280, height: 1000 } });
    });
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail') await screenshot(app.page, `failure-witnesses-${lang}-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
    });
    afterAll(async () => {
      await app?.close();
      await host?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('adds a witness, hands over the checkpoint as a QR code and a file, and adds the returned cosignature', async () => {
      const { page } = app;
      await page.evaluate(() => {
        (globalThis as unknown as { location: { hash: string } }).location.hash = '#/settings';
      });
      await page.getByRole('heading', { level: 2, name: w('title') }).waitFor();
      await page.getByLabel(w('key'), { exact: true }).fill(witnessKey);
      await page.getByLabel(w('label'), { exact: true }).fill('Abogada Ruiz');
      await page.getByRole('button', { name: w('add'), exact: true }).click();
      await page.getByRole('cell', { name: /[0-9A-F]{4} [0-9A-F]{4}/ }).waitFor();

      // The QR code carries exactly the request text shown beside it.
      await page.getByRole('button', { name: w('showQr') }).click();
      const qr = page.getByRole('img', { name: w('qrTitle') });
      await qr.waitFor();
      const text = await page.locator('#witness-request-text').innerText();
      expect(text.startsWith('huella-witness-request/1\nlog-key huella/')).toBe(true);
      const dark = encodeQR(text, 'raw', { ecc: 'low', border: 4 }).flat().filter(Boolean).length;
      expect(await qr.locator('rect').count()).toBe(dark + 1); // + the white background
      await page.waitForTimeout(150);
      await screenshot(page, `${lang}-settings-witnesses-qr`);
      const axe = await runAxe(page, `${lang}-settings-witnesses`);
      recordAxe(axe);
      expect(axe.serious, JSON.stringify(axe.serious, null, 1)).toEqual([]);

      // The same request as a file, where the person chose to save it.
      const file = path.join(tmp, 'for-witness.txt');
      host.dialogs.queue('chooseSaveFile', file);
      await page.getByRole('button', { name: w('saveFile') }).click();
      await page.getByText(file).waitFor();
      expect(fs.readFileSync(file, 'utf8')).toBe(text);

      // The witness cosigns on their own computer; the answer comes back and is pasted in.
      const cosigned = cosignRequest(witnessDir, fs.readFileSync(file, 'utf8'));
      await page.getByLabel(w('cosignatureText'), { exact: true }).fill(cosigned.cosignedCheckpoint);
      await page.getByRole('button', { name: w('addCosignature') }).click();
      const cosignedList = page.locator('.witness-cosigned li');
      await expect.poll(() => cosignedList.count()).toBe(1);
      expect(await cosignedList.first().innerText()).toContain('Abogada Ruiz');
      // The same cosignature again: kept once.
      await page.getByLabel(w('cosignatureText'), { exact: true }).fill(cosigned.signatureLine);
      await page.getByRole('button', { name: w('addCosignature') }).click();
      await page.getByText(w('cosignatureKnown')).waitFor();
      await screenshot(page, `${lang}-settings-witnesses-cosigned`);
    });

    it('says precisely why a cosignature by an unknown witness is refused', async () => {
      const { page } = app;
      const strangerDir = path.join(tmp, 'stranger');
      initWitness(strangerDir, 'someone.else/w');
      const req = await host.call('witnesses.request', {});
      const c = cosignRequest(strangerDir, req.text);
      await page.getByLabel(w('cosignatureText'), { exact: true }).fill(c.cosignedCheckpoint);
      await page.getByRole('button', { name: w('addCosignature') }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('someone.else/w');
    });
  });
}
