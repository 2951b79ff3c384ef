import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from './host/server';
import { openApp, screenshot, type AppWindow } from './support/browser';
import { expectCancelledImport, importViaApi, PASSPHRASE } from './support/flows';
import { writePhoto, writePhotoFolder } from './support/photos';

/**
 * Locking (DESIGN §1 A2): after the idle minutes from the settings the renderer locks the vault; activity resets
 * the timer; a lock decided by the main process (suspend, screen lock) reaches the renderer as an event and drops
 * everything on screen. Also: importing by drag and drop.
 */
describe('auto-lock and lock events', () => {
  let host: TestHost;
  let app: AppWindow;
  let tmp: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'huella-e2e-lock-'));
    host = await startTestHost();
    await host.call('vault.create', { path: path.join(tmp, 'vault'), passphrase: PASSPHRASE, language: 'en' });
    await host.call('settings.set', { autoLockMinutes: 1 });
    await importViaApi(host, [(await writePhotoFolder(path.join(tmp, 'photos'), 2)).dir]);
    app = await openApp(host, { fakeClock: true });
    await app.page.getByText('3 items').waitFor();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshot(app.page, `failure-lock-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
  });
  afterAll(async () => {
    await app?.close();
    await host?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('imports files dropped on the import screen', async () => {
    const { page } = app;
    const dropped = await writePhoto(tmp, { name: 'dropped.jpg', seed: 7 });
    await page.getByRole('link', { name: 'Import', exact: true }).click();
    await page.getByTestId('dropzone').waitFor();
    await page.evaluate((p) => {
      const w = globalThis as unknown as {
        __huellaTest: { registerDropPath(name: string, path: string): void };
        document: { querySelector(s: string): { dispatchEvent(e: unknown): void } };
        DataTransfer: new () => { items: { add(f: unknown): void } };
        DragEvent: new (type: string, init: unknown) => unknown;
        File: new (bits: string[], name: string, init: unknown) => unknown;
      };
      w.__huellaTest.registerDropPath('dropped.jpg', p);
      const dt = new w.DataTransfer();
      dt.items.add(new w.File(['-'], 'dropped.jpg', { type: 'image/jpeg' }));
      dt.items.add(new w.File(['-'], 'unknown.jpg', { type: 'image/jpeg' }));
      const zone = w.document.querySelector('[data-testid=dropzone]');
      zone.dispatchEvent(new w.DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new w.DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, dropped);
    // The file whose path is unknown is reported; the other is imported.
    await page.getByText('Some dropped items could not be located on disk.', { exact: false }).waitFor();
    await page.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 60_000 });
    expect(await page.locator('.note[role=status]').innerText()).toContain('Imported: 1.');
  });

  it('cancels a long import: the files already imported stay, the rest are not imported', async () => {
    const { page } = app;
    // 1,000 distinct small files (a byte appended to one JPEG makes each unique), so the import takes a while.
    const many = path.join(tmp, 'many');
    fs.mkdirSync(many);
    const base = fs.readFileSync(await writePhoto(tmp, { name: 'base.jpg', seed: 9 }));
    for (let i = 0; i < 1000; i++) fs.writeFileSync(path.join(many, `scan-${i}.jpg`), Buffer.concat([base, Buffer.from(String(i))]));
    await page.getByRole('link', { name: 'Import', exact: true }).click();
    host.dialogs.queue('pickFiles', [many]);
    await page.getByRole('button', { name: 'Choose a folder…' }).click();
    await page.getByRole('button', { name: 'Cancel import' }).click();
    // Pressed at once, Cancel lands among the originals on any machine this runs on; the helper checks either phase.
    const report = await expectCancelledImport(page, host, 'en', 1000);
    const total = (await host.call('items.list', { offset: 0, limit: 1, sort: 'name-asc' })).total;
    expect(total).toBe(4 + report.ingested);
  });

  it('locks after the idle minutes from the settings, unless there is activity', async () => {
    const { page } = app;
    await page.getByRole('link', { name: 'Library', exact: true }).click();
    await page.getByText(/^\d+ items$/).waitFor();
    await page.clock.runFor(40_000);
    await page.mouse.move(200, 300);
    await page.mouse.move(220, 320);
    await page.clock.runFor(40_000);
    expect(host.session.vault).toBeDefined();
    await page.clock.runFor(30_000);
    await page.getByRole('heading', { name: 'Unlock the vault' }).waitFor();
    await page.getByText('The vault was locked after a period without activity.').waitFor();
    expect(host.session.vault).toBeUndefined();
    expect(host.emitted.filter((e) => e.event === 'session.locked').at(-1)?.payload).toEqual({ reason: 'idle' });
    expect(await page.locator('body').innerText()).not.toContain('IMG_');
  });

  it('drops what is on screen when the main process locks (computer going to sleep)', async () => {
    const { page } = app;
    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByText(/^\d+ items$/).waitFor();
    await page.locator('ul.items a.cell-link').first().click();
    await page.getByRole('heading', { name: 'Custody timeline' }).waitFor();
    host.session.lock('suspend');
    await page.getByText('The vault was locked when the computer went to sleep.').waitFor();
    const body = await page.locator('body').innerText();
    expect(body).not.toMatch(/IMG_|dropped\.jpg|SHA-256/);
    // The preview URL no longer answers either: the vault is locked in the main process.
    const status = await page.evaluate(async (url) => (await fetch(url)).status, `${host.origin}/preview/it_0000000000?token=${host.token}`);
    expect(status).toBe(404);
  });

  it('stayed on the test host, with no CSP violation or page error', async () => {
    await app.close();
    app.assertClean();
  });
});
