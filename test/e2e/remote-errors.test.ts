import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../shared/api';
import { adminClient, makeBucket, requireS3 } from '../helpers/s3';
import { startTestHost, type TestHost } from './host/server';
import { openApp, recordAxe, runAxe, screenshot, type AppWindow } from './support/browser';
import { PASSPHRASE } from './support/flows';
import { messages } from './support/messages';

/**
 * Settings → Remotes (issue 13): testing a remote whose bucket does not exist, or whose endpoint cannot be reached,
 * says which, in the person's language, against the real Ceph gateway (wrong credentials: s3-errors.test).
 */
const env = requireS3();
const clean = (s: string) => s.replace(/[\u2066-\u2069]/g, '');
const LANGS: readonly Language[] = ['en', 'es', 'ar'];
let bucket: string;

beforeAll(async () => {
  const admin = adminClient(env);
  bucket = await makeBucket(admin);
  admin.destroy();
});

for (const lang of LANGS) {
  describe(`remote errors in Settings (${lang})`, () => {
    const m = messages(lang);
    let tmp: string;
    let host: TestHost;
    let app: AppWindow;
    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huella-e2e-remote-errors-${lang}-`));
      host = await startTestHost({ appState: { language: lang } });
      await host.call('vault.create', { path: path.join(tmp, 'vault'), passphrase: PASSPHRASE, language: lang });
      await host.call('remotes.add', { name: 'nobucket', url: 's3://huella-no-such-bucket-0000/org', endpoint: env.endpoint });
      await host.call('remotes.add', { name: 'offline', url: `s3://${bucket}/org`, endpoint: 'http://127.0.0.1:9' });
      app = await openApp(host, { locale: lang === 'ar' ? 'ar' : lang === 'es' ? 'es-ES' : 'en-GB', viewport: { width: 1280, height: 900 } });
    });
    afterAll(async () => {
      await app?.close();
      app?.assertClean();
      await host?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('says the bucket does not exist, and that the endpoint cannot be reached, in the language of the app', async () => {
      const { page } = app;
      await page.evaluate(() => {
        (globalThis as unknown as { location: { hash: string } }).location.hash = '#/settings';
      });
      await page.getByRole('heading', { level: 1, name: m('settings.title') }).waitFor();
      const section = page.getByTestId('remotes-section');
      const where = new URL(env.endpoint).host;
      const cases = [
        ['nobucket', m('problem.remote.noSuchBucket', { bucket: 'huella-no-such-bucket-0000', where })],
        ['offline', m('problem.remote.unreachable', { where: '127.0.0.1:9' })],
      ] as const;
      for (const [name, expected] of cases) {
        const row = section.getByTestId(`remote-${name}`);
        await row.getByRole('button').first().click();
        const alert = row.getByRole('alert');
        await alert.first().waitFor({ timeout: 30_000 });
        expect(clean(await alert.first().innerText())).toContain(clean(expected));
      }
      await section.getByTestId('remote-offline').scrollIntoViewIfNeeded();
      await screenshot(page, `${lang}-settings-remote-errors`);
      const axe = await runAxe(page, `${lang}-settings-remote-errors`);
      recordAxe(axe);
      expect(axe.serious).toEqual([]);
    });
  });
}
