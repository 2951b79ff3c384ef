import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from './host/server';
import { OUTPUT_DIR, openApp, type AppWindow } from './support/browser';
import { PASSPHRASE } from './support/flows';
import { fillVault, measureLibrary, report } from './perf/measure';

/**
 * The virtualised library with a few thousand items (the 100,000-item measurement is perf/library-100k.ts, run by
 * hand): the DOM holds only what is on screen, scrolling loads pages lazily, the last item is reachable and
 * correctly positioned. Timings are printed, never asserted (CI machines vary).
 */
describe('library virtualisation (smoke, 3,000 items)', () => {
  let host: TestHost;
  let app: AppWindow;
  let tmp: string;
  let generateSeconds = 0;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'huella-e2e-scroll-'));
    host = await startTestHost();
    await host.call('vault.create', { path: path.join(tmp, 'vault'), passphrase: PASSPHRASE, language: 'en' });
    generateSeconds = await fillVault(host, tmp, 3000);
    app = await openApp(host, { viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await app?.close();
    await host?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('renders only the visible items, scrolls smoothly, and reaches the last item', async () => {
    const total = (await host.call('items.list', { offset: 0, limit: 1, sort: 'ingested-desc' })).total;
    expect(total).toBe(3013);
    const perf = await measureLibrary(app.page, host, total, generateSeconds, { steps: 60 });
    console.log(report(perf, path.join(OUTPUT_DIR, 'perf', `library-${total}-smoke.json`)));
    expect(perf.firstRenderMs).toBeGreaterThan(0);
    expect(perf.lastPosinset).toBe(total);
    // Virtualised: a few screens' worth of items at most, whatever the total.
    expect(perf.maxRenderedItems).toBeLessThan(300);
    expect(perf.grid.frames).toBeGreaterThan(30);
  });

  it('loads every visible page after a jump (no placeholders left once the view settles)', async () => {
    const { page } = app;
    await page.locator('ul.items a.cell-link[tabindex="0"]').focus();
    await page.keyboard.press('PageDown');
    await page.keyboard.press('PageDown');
    await page.keyboard.press('End');
    await page.waitForTimeout(500);
    expect(await page.locator('ul.items .placeholder').count()).toBe(0);
    expect(await page.locator('ul.items img').count()).toBeGreaterThan(0);
  });

  it('stayed on the test host, with no CSP violation or page error', async () => {
    await app.close();
    app.assertClean();
  });
});
