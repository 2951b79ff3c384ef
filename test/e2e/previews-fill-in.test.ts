import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { countPendingPreviews } from '../../main/archive/db/items';
import { ingestPaths } from '../../main/archive/ingest/ingest';
import { startTestHost, type TestHost } from './host/server';
import { openApp, recordAxe, runAxe, screenshot, type AppWindow } from './support/browser';
import { expectCancelledImport, importViaApi, PASSPHRASE } from './support/flows';
import { messages } from './support/messages';
import { writePhoto } from './support/photos';

/**
 * Previews come after the originals (issue 19): while they are being made the library and an item's page show a
 * placeholder named in the person's language, and each preview replaces its placeholder as soon as it is stored
 * (the items.previewsMade event), with no reload and no navigation.
 *
 * The originals are imported with phase 2 left for later (ingestPaths' waitPreviews: false, what a quit between
 * the phases leaves, and what the app then makes in the background), so the placeholders are on screen for sure
 * before the previews are made by the run the app starts at unlock (Session.makePreviewsInBackground). An import
 * through the API checks the import operation announces its previews too.
 */
for (const lang of ['en', 'ar'] as const) {
  describe(`previews fill in without a reload (${lang})`, () => {
    const m = messages(lang);
    const iso = (v: string) => (lang === 'ar' ? `\u2068${v}\u2069` : v);
    const pendingName = m('item.previewPending', { type: iso(m('media.image')) });
    let tmp: string;
    let host: TestHost;
    let app: AppWindow;
    let seed = 300;
    // Each photo has its own pixels (a repeated one would be a duplicate, not a new item).
    const photos = async (dir: string, names: readonly string[]) => Promise.all(names.map((name) => writePhoto(dir, { name, seed: seed++ })));
    /** Phase 1 only, as a quit between the phases leaves it: the originals stored, the previews pending. */
    const originalsOnly = async (files: readonly string[]) => {
      const report = await ingestPaths(host.session.requireVault(), files, { waitPreviews: false });
      expect(report.ingested).toBe(files.length);
      return report.results.map((r) => r.itemId!);
    };
    const shoot = async (name: string) => {
      await app.page.waitForTimeout(150);
      await screenshot(app.page, `${lang}-${name}`);
      const r = await runAxe(app.page, `${lang}-${name}`);
      recordAxe(r);
      expect(r.serious, JSON.stringify(r.serious, null, 1)).toEqual([]);
    };
    const go = async (hash: string, heading: string) => {
      await app.page.evaluate((h) => {
        (globalThis as unknown as { location: { hash: string } }).location.hash = h;
      }, hash);
      await app.page.getByRole('heading', { level: 1, name: heading }).waitFor();
    };
    /** Counts page loads: a reload or a navigation away would reset it. */
    const markPage = () =>
      app.page.evaluate(() => {
        (globalThis as unknown as { __previewsMark: number }).__previewsMark = 42;
      });
    const samePage = () => app.page.evaluate(() => (globalThis as unknown as { __previewsMark?: number }).__previewsMark === 42);

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huella-e2e-previews-${lang}-`));
      host = await startTestHost({ appState: { language: lang } });
      await host.call('vault.create', { path: path.join(tmp, 'vault'), passphrase: PASSPHRASE, language: lang });
    }, 120_000);
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail' && app) await screenshot(app.page, `failure-previews-${lang}-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
    });
    afterAll(async () => {
      await app?.close();
      await host?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('the library shows named placeholders, then each preview without a reload', async () => {
      const ids = await originalsOnly(await photos(path.join(tmp, 'a'), ['IMG_2001.jpg', 'IMG_2002.jpg', 'IMG_2003.jpg', 'IMG_2004.jpg', 'IMG_2005.jpg']));
      // The app opens on the library, which lists the five photos with their previews still to be made.
      app = await openApp(host, { locale: lang === 'ar' ? 'ar' : 'en-GB', viewport: { width: 1280, height: 900 } });
      await app.page.getByRole('heading', { level: 1, name: m('library.title') }).waitFor();
      const grid = app.page.locator('ul.items');
      const placeholders = grid.getByRole('img', { name: pendingName });
      await expect.poll(() => placeholders.count(), { timeout: 20_000 }).toBe(5);
      expect(await grid.locator('img').count()).toBe(0);
      await shoot('library-previews-pending');
      await markPage();

      const before = host.emitted.length;
      host.session.makePreviewsInBackground(host.session.requireVault());
      await expect.poll(() => grid.locator('img').count(), { timeout: 60_000 }).toBe(5);
      expect(await placeholders.count()).toBe(0);
      expect(await samePage()).toBe(true);
      // Each preview really is shown (decoded from the main process's preview URL), not a broken image.
      await expect.poll(() => grid.locator('img').evaluateAll((imgs) => imgs.filter((i) => (i as unknown as { naturalWidth: number }).naturalWidth > 0).length), { timeout: 20_000 }).toBe(5);
      const announced = host.emitted.slice(before).filter((e) => e.event === 'items.previewsMade').flatMap((e) => (e.payload as { itemIds: string[] }).itemIds);
      expect([...announced].sort()).toEqual([...ids].sort());
      await shoot('library-previews-made');
    }, 120_000);

    it("an item's page shows its placeholder, then its preview without a reload", async () => {
      const [id] = await originalsOnly(await photos(path.join(tmp, 'b'), ['IMG_3001.jpg']));
      await go(`#/item/${id}`, 'IMG_3001.jpg');
      const placeholder = app.page.getByRole('img', { name: pendingName });
      await placeholder.waitFor({ timeout: 20_000 });
      await markPage();
      const preview = app.page.getByRole('img', { name: m('item.previewAlt', { name: iso('IMG_3001.jpg') }) });
      expect(await preview.count()).toBe(0);
      host.session.makePreviewsInBackground(host.session.requireVault());
      await preview.waitFor({ timeout: 60_000 });
      expect(await placeholder.count()).toBe(0);
      expect(await samePage()).toBe(true);
      await shoot('item-preview-made');
    }, 120_000);

    it('an import through the app announces each group of previews it stores', async () => {
      const dir = path.join(tmp, 'c');
      await photos(dir, ['IMG_4001.jpg', 'IMG_4002.jpg', 'IMG_4003.jpg']);
      const before = host.emitted.length;
      await importViaApi(host, [dir]);
      const after = host.emitted.slice(before);
      const announced = after.filter((e) => e.event === 'items.previewsMade').flatMap((e) => (e.payload as { itemIds: string[] }).itemIds);
      const items = (await host.call('items.list', { offset: 0, limit: 100, sort: 'name-asc' })).items.filter((i) => i.originalName.startsWith('IMG_400'));
      expect(items.map((i) => i.hasPreview)).toEqual([true, true, true]);
      expect([...announced].sort()).toEqual(items.map((i) => i.id).sort());
      // Announced before the operation ends, as each group is stored.
      const done = after.findIndex((e) => e.event === 'operation.done');
      expect(after.findIndex((e) => e.event === 'items.previewsMade')).toBeLessThan(done);
    }, 120_000);

    it('Cancel pressed while the previews are made: every original is in, and the screen says how many previews are left', async () => {
      // 1,000 distinct files (a byte appended to one photo): their previews take seconds on any machine, so a click
      // made as soon as the previews' phase is announced lands inside it.
      const many = path.join(tmp, 'many');
      fs.mkdirSync(many);
      const base = fs.readFileSync(await writePhoto(tmp, { name: 'base.jpg', seed: seed++ }));
      for (let i = 0; i < 1000; i++) fs.writeFileSync(path.join(many, `scan-${i}.jpg`), Buffer.concat([base, Buffer.from(`#${i}`)]));
      await go('#/import', m('import.title'));
      const before = host.emitted.length;
      host.dialogs.queue('pickFiles', [many]);
      await app.page.getByRole('button', { name: m('import.pickFolder') }).click();
      const inPreviews = () => host.emitted.slice(before).some((e) => e.event === 'operation.progress' && (e.payload as { progress?: { phase?: string } }).progress?.phase === 'previews');
      await expect.poll(inPreviews, { timeout: 120_000, interval: 20 }).toBe(true);
      await app.page.getByRole('button', { name: m('import.cancel') }).click();
      await screenshot(app.page, `${lang}-import-previews-cancelling`);
      const report = await expectCancelledImport(app.page, host, lang, 1000);
      expect(report.cancelled).toBe(false); // the originals were all in before the click
      expect(report.ingested).toBe(1000);
      expect(report.previewsPending).toBeGreaterThan(0);
      await shoot('import-cancelled-in-previews');
      // What was left is made at the next unlock (or import): here the app's background run, as after an unlock.
      host.session.makePreviewsInBackground(host.session.requireVault());
      await expect.poll(() => countPendingPreviews(host.session.requireVault().store), { timeout: 120_000 }).toBe(0);
    }, 240_000);

    it('stayed on the test host, with no CSP violation or page error', async () => {
      await app.close();
      app.assertClean();
    });
  });
}
