import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { connectionOf, type SqlParam } from '../../../main/archive/db/connection';
import { generateCatalogue } from '../../fixtures/catalogue-generator';
import type { TestHost } from '../host/server';
import { importViaApi } from '../support/flows';
import { writePhotoFolder } from '../support/photos';

/** A statement on the vault's one statement cache (tests may write SQL directly: they build fixtures, or play an attacker). */
const run = (vault: { readonly store: Parameters<typeof connectionOf>[0] }, sql: string, ...params: SqlParam[]) => connectionOf(vault.store).run(sql, ...params);

/**
 * Library performance in Chromium: time to first render and frame times while scrolling, for a vault of N items.
 * Used by the CI smoke test (a few thousand items, no timing assertions) and by perf/library-100k.ts.
 */

export type FrameStats = { readonly frames: number; readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number; readonly over16: number; readonly over33: number; readonly over50: number };
export type LibraryPerf = {
  readonly items: number;
  readonly generateSeconds: number;
  readonly firstRenderMs: number;
  readonly navigateToItemsMs: number;
  readonly grid: FrameStats;
  readonly list: FrameStats;
  readonly jumpToEndMs: number;
  readonly maxRenderedItems: number;
  readonly lastPosinset: number;
};

/** Fills the unlocked vault with `items` synthetic items (real encrypted objects and custody events, fast) and a few
 * real photos whose encrypted previews the synthetic items share, so the grid decrypts real thumbnails. */
export async function fillVault(host: TestHost, tmp: string, items: number, log = false): Promise<number> {
  const vault = host.session.requireVault();
  const started = performance.now();
  await generateCatalogue(vault, {
    items,
    chunk: 2000,
    onProgress: log ? (done, total) => process.stdout.write(`\r  generating ${done}/${total} items`) : undefined,
  });
  if (log) process.stdout.write('\n');
  await importViaApi(host, [(await writePhotoFolder(path.join(tmp, 'photos'), 12)).dir]);
  const previews = vault.db.prepare<[], { p: string }>('SELECT preview_object AS p FROM items WHERE preview_object IS NOT NULL').all().map((r) => r.p);
  // Test-only shortcut: synthetic items borrow the real photos' encrypted previews (preview_object is not unique).
  vault.transaction(() => {
    const ids = vault.db.prepare<[], { id: string }>('SELECT id FROM items WHERE preview_object IS NULL AND media_type LIKE \'image/%\'').all();
    ids.forEach((r, i) => run(vault, 'UPDATE items SET preview_object = ? WHERE id = ?', previews[i % previews.length]!, r.id));
  });
  return (performance.now() - started) / 1000;
}

function stats(deltas: readonly number[]): FrameStats {
  const d = [...deltas].sort((a, b) => a - b);
  const q = (p: number) => d[Math.min(d.length - 1, Math.floor(p * d.length))] ?? 0;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    frames: d.length,
    p50: round(q(0.5)),
    p95: round(q(0.95)),
    p99: round(q(0.99)),
    max: round(d.at(-1) ?? 0),
    over16: d.filter((x) => x > 17.5).length,
    over33: d.filter((x) => x > 34).length,
    over50: d.filter((x) => x > 50).length,
  };
}

type Probe = { __frames?: number[]; __recording?: boolean; requestAnimationFrame(cb: (t: number) => void): number; performance: { getEntriesByName(n: string): { startTime: number }[] } };

/** Scrolls the library with the mouse wheel for `steps` events and returns the frame-time statistics. */
async function wheelScroll(page: Page, steps: number, deltaY: number): Promise<FrameStats> {
  const box = await page.getByTestId('library-scroll').boundingBox();
  if (!box) throw new Error('no library');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  // A string, not a function: tsx (esbuild keepNames) would wrap inner functions in a helper the page lacks.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__recording = true;
    let last = 0;
    const tick = (t) => {
      if (last) window.__frames.push(t - last);
      last = t;
      if (window.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  for (let i = 0; i < steps; i++) {
    await page.mouse.wheel(0, deltaY);
    await page.waitForTimeout(16);
  }
  await page.waitForTimeout(300);
  const frames = await page.evaluate(() => {
    const w = globalThis as unknown as Probe;
    w.__recording = false;
    return w.__frames ?? [];
  });
  return stats(frames);
}

async function renderedItems(page: Page): Promise<number> {
  return page.locator('ul.items > li').count();
}

/** Measures an app already open on the unlocked vault (the page is loaded fresh here). */
export async function measureLibrary(page: Page, host: TestHost, items: number, generateSeconds: number, options: { steps?: number } = {}): Promise<LibraryPerf> {
  const steps = options.steps ?? 150;
  // Time to first render: a fresh load of the app, from navigation start to the first page of items on screen.
  await page.goto(`${host.origin}/#/library`);
  await page.locator('ul.items a.cell-link').first().waitFor();
  const firstRenderMs = await page.evaluate(() => (globalThis as unknown as Probe).performance.getEntriesByName('library:first-items')[0]?.startTime ?? -1);
  // In-app navigation from another screen back to the library.
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
  const t0 = Date.now();
  await page.getByRole('link', { name: 'Library', exact: true }).click();
  await page.locator('ul.items a.cell-link').first().waitFor();
  const navigateToItemsMs = Date.now() - t0;

  let maxRendered = await renderedItems(page);
  const grid = await wheelScroll(page, steps, 900);
  maxRendered = Math.max(maxRendered, await renderedItems(page));

  // Jump to the very end with the keyboard; the last item loads and has the right position in the set.
  await page.locator('ul.items a.cell-link[tabindex="0"]').focus();
  const t1 = Date.now();
  await page.keyboard.press('End');
  await page.locator(`ul.items li[aria-posinset="${items}"] a.cell-link`).waitFor({ timeout: 30_000 });
  const jumpToEndMs = Date.now() - t1;
  const lastPosinset = Number(await page.locator('ul.items li').last().getAttribute('aria-posinset'));
  maxRendered = Math.max(maxRendered, await renderedItems(page));

  await page.keyboard.press('Home');
  await page.getByRole('button', { name: 'List' }).click();
  await page.locator('ul.items-list a.row-link').first().waitFor();
  const list = await wheelScroll(page, steps, 900);
  maxRendered = Math.max(maxRendered, await renderedItems(page));
  await page.getByRole('button', { name: 'Grid' }).click();

  return { items, generateSeconds, firstRenderMs: Math.round(firstRenderMs), navigateToItemsMs, grid, list, jumpToEndMs, maxRenderedItems: maxRendered, lastPosinset };
}

export function report(perf: LibraryPerf, outFile?: string): string {
  const f = (s: FrameStats) => `${s.frames} frames; p50 ${s.p50} ms, p95 ${s.p95} ms, p99 ${s.p99} ms, max ${s.max} ms; >16.7 ms: ${s.over16}, >33 ms: ${s.over33}, >50 ms: ${s.over50}`;
  const text = [
    `library with ${perf.items.toLocaleString('en')} items (vault filled in ${perf.generateSeconds.toFixed(1)} s)`,
    `  first render (fresh load → first items on screen): ${perf.firstRenderMs} ms`,
    `  back to the library from another screen: ${perf.navigateToItemsMs} ms`,
    `  grid, wheel scrolling: ${f(perf.grid)}`,
    `  list, wheel scrolling: ${f(perf.list)}`,
    `  End key → last item on screen: ${perf.jumpToEndMs} ms (aria-posinset ${perf.lastPosinset})`,
    `  most <li> in the DOM at once: ${perf.maxRenderedItems}`,
  ].join('\n');
  if (outFile) {
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    fs.writeFileSync(outFile, JSON.stringify(perf, null, 2));
  }
  return text;
}
