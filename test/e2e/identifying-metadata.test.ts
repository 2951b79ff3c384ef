import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../shared/api';
import { makeMp3 } from '../fixtures/av';
import { makePdf } from '../fixtures/documents';
import { startTestHost, type TestHost } from './host/server';
import { openApp, screenshot, type AppWindow } from './support/browser';
import { importViaApi, PASSPHRASE } from './support/flows';
import { messages } from './support/messages';
import { writePhoto } from './support/photos';

/**
 * A PDF naming its author and an MP3 recording a place were shown with "No location, device serial or author was
 * found in this file's metadata": the import does not read those types' metadata, so the page claimed an absence
 * it never looked for, and a documenter could share the original thinking it clean. The page now says the
 * metadata was not read; a photo's is read and said as before. And "This preview was re-made by Huella" is said
 * only under a preview, not under the placeholder of a file that has none. In en and ar.
 */
for (const lang of ['en', 'ar'] as const satisfies readonly Language[]) {
  describe(`what the item page says of identifying metadata (${lang})`, () => {
    const m = messages(lang);
    let host: TestHost;
    let app: AppWindow;
    let tmp: string;

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huella-e2e-identifying-${lang}-`));
      const dir = path.join(tmp, 'evidence');
      await makePdf({ dir, name: 'report.pdf' });
      makeMp3({ dir, name: 'interview.mp3' });
      await writePhoto(dir, { name: 'plain.jpg' });
      host = await startTestHost({ appState: { language: lang } });
      await host.call('vault.create', { path: path.join(tmp, 'vault'), passphrase: PASSPHRASE, language: lang });
      await importViaApi(host, [dir]);
      app = await openApp(host, { locale: lang === 'ar' ? 'ar' : 'en-GB', viewport: { width: 1280, height: 900 } });
    });
    afterAll(async () => {
      await app?.close();
      app?.assertClean();
      await host?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    const open = async (name: string) => {
      const { items } = await host.call('items.list', { offset: 0, limit: 10, sort: 'name-asc' });
      const id = items.find((i) => i.originalName === name)!.id;
      await app.page.goto(`${host.origin}/#/item/${id}`);
      await app.page.getByRole('heading', { level: 1, name }).waitFor();
      return app.page.getByRole('region', { name: m('item.identifying') });
    };

    it('a PDF and an MP3: not read, never "none found"', async () => {
      for (const name of ['report.pdf', 'interview.mp3']) {
        const region = await open(name);
        expect(await region.innerText(), name).toContain(m('item.identifyingNotRead'));
        expect(await region.innerText(), name).not.toContain(m('item.noIdentifying'));
        // No preview was made of it: the page does not say one was re-made.
        expect(await app.page.getByText(m('item.previewNote')).count(), name).toBe(0);
      }
      await screenshot(app.page, `${lang}-identifying-not-read`);
    });

    it('a photo, whose metadata is read, is never said to be unread', async () => {
      const region = await open('plain.jpg');
      expect(await region.innerText()).not.toContain(m('item.identifyingNotRead'));
      await app.page.getByText(m('item.previewNote')).waitFor();
    });
  });
}
