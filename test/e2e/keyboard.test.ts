import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ANSWERS, MECHANISM } from '../unit/main/archive/export/world';
import { startTestHost, type TestHost } from './host/server';
import { openApp, screenshot, type AppWindow } from './support/browser';
import { PASSPHRASE, waitForOperation } from './support/flows';
import { writePhotoFolder } from './support/photos';

type Focused = { readonly tag: string; readonly name: string; readonly role: string | null; readonly outline: string; readonly posinset: string | null };

/** What has the keyboard focus: its tag, accessible-ish name, and whether a focus ring is drawn. */
async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const d = (globalThis as unknown as { document: { activeElement: { tagName: string; textContent: string | null; getAttribute(n: string): string | null; closest(s: string): { getAttribute(n: string): string | null } | null; labels?: { textContent: string | null }[] } | null } }).document;
    const el = d.activeElement;
    const cs = (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } }).getComputedStyle(el);
    const label = el?.labels?.[0]?.textContent ?? '';
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      name: (el?.getAttribute('aria-label') ?? label ?? '') || (el?.textContent ?? '').trim().slice(0, 80),
      role: el?.getAttribute('role') ?? null,
      outline: cs.outlineStyle,
      posinset: el?.closest('li')?.getAttribute('aria-posinset') ?? null,
    };
  });
}

/** Presses Tab (or Shift+Tab) until the focused element's name matches; fails after `max` presses. */
async function tabTo(page: Page, name: string | RegExp, options: { back?: boolean; max?: number } = {}): Promise<Focused> {
  const matches = (f: Focused) => (typeof name === 'string' ? f.name === name : name.test(f.name));
  for (let i = 0; i < (options.max ?? 60); i++) {
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (matches(f)) return f;
  }
  throw new Error(`could not reach ${String(name)} with the keyboard`);
}

/**
 * A whole journey with the keyboard only — no mouse click anywhere: create a vault, confirm the recovery sheet,
 * import a folder, move through the library with the arrow keys, open an item, tag it by type-ahead with its
 * details, lock, unlock. Every control reached shows a visible focus ring.
 */
describe('keyboard-only journey', () => {
  let host: TestHost;
  let app: AppWindow;
  let tmp: string;
  let photosDir: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'huella-e2e-keyboard-'));
    photosDir = (await writePhotoFolder(path.join(tmp, 'photos'), 4)).dir;
    host = await startTestHost();
    app = await openApp(host);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshot(app.page, `failure-keyboard-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
  });
  afterAll(async () => {
    await app?.close();
    await host?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('creates a vault and confirms the recovery sheet with the keyboard', async () => {
    const { page } = app;
    await page.getByRole('heading', { name: 'Create a vault' }).waitFor();
    host.dialogs.queue('chooseVaultFolder', path.join(tmp, 'vault'));
    const choose = await tabTo(page, 'Choose an empty folder…');
    expect(choose.outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.getByText(path.join(tmp, 'vault')).waitFor();
    await tabTo(page, 'Passphrase');
    await page.keyboard.type(PASSPHRASE);
    await page.keyboard.press('Tab');
    expect((await focused(page)).name).toBe('Type the passphrase again');
    await page.keyboard.type(PASSPHRASE);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Recovery sheet' }).waitFor({ timeout: 60_000 });
    await tabTo(page, /I have printed/);
    await page.keyboard.press('Space');
    const cont = await tabTo(page, 'Continue to the library');
    expect(cont.outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Library' }).waitFor();
  });

  it('skips to the content, reaches the navigation, and imports a folder', async () => {
    const { page } = app;
    const skip = await tabTo(page, 'Skip to content', { back: true, max: 20 });
    expect(skip.tag).toBe('a');
    expect(skip.outline).not.toBe('none');
    // The skip link moves the focus to the screen's heading, past the navigation.
    await page.keyboard.press('Enter');
    expect((await focused(page)).tag).toBe('h1');
    await tabTo(page, 'Import', { back: true });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor();
    host.dialogs.queue('pickFiles', [photosDir]);
    await tabTo(page, 'Choose a folder…');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 120_000 });
  });

  it('selects 4 items at once with Space and Shift+arrows, and adds them to a case in one action', async () => {
    const { page } = app;
    const kase = await host.call('cases.create', { title: 'Keyboard case' });
    await tabTo(page, 'Library', { back: true });
    await page.keyboard.press('Enter');
    await page.getByText('5 items').waitFor();
    await tabTo(page, /(broken|IMG_)/);
    await page.keyboard.press('Space');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.getByText('4 items selected').waitFor();
    await tabTo(page, 'Add to a case…', { back: true });
    await page.keyboard.press('Enter');
    // The cases load after the form opens: an arrow pressed before the option exists would choose nothing.
    const choice = page.locator('#selection-case');
    await choice.locator('option', { hasText: 'Keyboard case' }).waitFor({ state: 'attached' });
    await tabTo(page, 'Case');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => choice.inputValue()).toBe(kase.id);
    const add = await tabTo(page, 'Add 4 items');
    expect(add.outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await host.call('cases.list', {})).find((c) => c.id === kase.id)?.itemCount).toBe(4);
    // The focus ends on the bar's status, not the page body (polled: the status renders once the answer is in).
    await expect.poll(async () => (await focused(page)).tag).not.toBe('body');
    await tabTo(page, 'Clear the selection', { back: true });
    await page.keyboard.press('Enter');
    await page.getByText('4 items selected').waitFor({ state: 'detached' });
    // Back to the first item, where the next test starts (the grid keeps the item last reached).
    await tabTo(page, /(broken|IMG_)/);
    await page.keyboard.press('Home');
    expect((await focused(page)).posinset).toBe('1');
  });

  it('moves through the library with arrow keys, Home and End, and opens an item with Enter', async () => {
    const { page } = app;
    await tabTo(page, 'Library', { back: true });
    await page.keyboard.press('Enter');
    await page.getByText('5 items').waitFor();
    const first = await tabTo(page, /(broken|IMG_)/);
    expect(first.posinset).toBe('1');
    expect(first.outline).not.toBe('none');
    await page.keyboard.press('ArrowRight');
    expect((await focused(page)).posinset).toBe('2');
    await page.keyboard.press('End');
    expect((await focused(page)).posinset).toBe('5');
    await page.keyboard.press('Home');
    expect((await focused(page)).posinset).toBe('1');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const last = await focused(page);
    expect(last.posinset).toBe('5');
    // The library is one tab stop: Tab leaves it instead of walking through every item.
    await page.keyboard.press('Tab');
    expect((await focused(page)).posinset).toBeNull();
    await page.keyboard.press('Shift+Tab');
    expect((await focused(page)).posinset).toBe('5');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Custody timeline' }).waitFor();
    expect(page.url()).toMatch(/#\/item\/it_[0-9a-z]{10}$/);
  });

  it('tags the item by type-ahead and fills the method details without the mouse', async () => {
    const { page } = app;
    const box = await tabTo(page, 'Add a tag', { max: 150 });
    expect(box.role).toBe('combobox');
    await page.keyboard.type('electric');
    await page.getByRole('option').first().waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.locator('#assign-title').waitFor();
    await tabTo(page, 'Duration');
    await page.keyboard.type('20 minutes');
    const add = await tabTo(page, /^Add “/);
    expect(add.outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.locator('.tags dd', { hasText: '20 minutes' }).waitFor();
    const tags = await host.call('tags.list', { targetId: page.url().split('/').at(-1)! });
    expect(tags.map((t) => t.termId)).toEqual(['ip.electric-shock']);
    expect(tags[0]!.details).toEqual({ duration: '20 minutes' });
  });

  it('backs the vault up to a chosen folder from Settings with the keyboard', async () => {
    const { page } = app;
    await tabTo(page, 'Settings', { back: true, max: 150 });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    host.dialogs.queue('chooseBackupFolder', path.join(tmp, 'backup'));
    const choose = await tabTo(page, 'Choose a folder or drive…');
    expect(choose.outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.getByText(path.join(tmp, 'backup'), { exact: true }).waitFor();
    const start = await tabTo(page, 'Back up now');
    expect(start.outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.getByTestId('backup-done').waitFor({ timeout: 60_000 });
    expect(fs.existsSync(path.join(tmp, 'backup', 'huella-backup.json'))).toBe(true);
    // The focus stayed on the button while the backup ran (it did not drop to the page body).
    const after = await focused(page);
    expect([after.tag, after.name]).toEqual(['button', 'Back up now']);
  });

  it('locks and unlocks with the keyboard', async () => {
    const { page } = app;
    await tabTo(page, 'Lock now', { back: true, max: 120 });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Unlock the vault' }).waitFor();
    // The passphrase field has the focus on arrival.
    expect((await focused(page)).name).toBe('Passphrase');
    await page.keyboard.type(PASSPHRASE);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Library' }).waitFor();
  });

  it('verifies a packet from the reviewer\'s door of the unlock screen with the keyboard', async () => {
    const { page } = app;
    // A packet of this vault, exported through the API (the wizard has its own tests).
    const kase = await host.call('cases.create', { title: 'Keyboard case' });
    const items = (await host.call('items.list', { offset: 0, limit: 10, sort: 'name-asc' })).items.filter((i) => i.originalName.startsWith('IMG_'));
    await host.call('cases.addItems', { caseId: kase.id, itemIds: items.map((i) => i.id) });
    const out = path.join(tmp, 'packet');
    const { operationId } = await host.call('packets.export', { mechanismId: MECHANISM, caseId: kase.id, profile: 'redacted', lang: 'en', outPath: out, answers: ANSWERS });
    await waitForOperation(host, operationId);
    await tabTo(page, 'Lock now', { back: true, max: 150 });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Unlock the vault' }).waitFor();
    const door = await tabTo(page, 'Verify a packet');
    expect(door.outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Verify a packet', level: 1 }).waitFor();
    host.dialogs.queue('choosePacket', out);
    // The packet is a folder: the folder's own button asks the native dialog for a folder.
    await tabTo(page, 'Choose a packet folder…');
    await page.keyboard.press('Enter');
    await page.getByText(out, { exact: true }).waitFor();
    expect(host.dialogs.calls.at(-1)).toEqual({ kind: 'choosePacket', arg: true });
    await tabTo(page, 'Verify');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: /^All good/ }).waitFor({ timeout: 60_000 });
    // The focus is on the verdict, so the next Tab continues from the result, not from the top of the page.
    const verdict = await focused(page);
    expect([verdict.tag, verdict.name]).toEqual(['h2', 'All good: every file is exactly what the sender signed']);
    await tabTo(page, 'Back to the vault', { back: true, max: 80 });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Unlock the vault' }).waitFor();
  });

  it('stayed on the test host, with no CSP violation or page error', async () => {
    await app.close();
    app.assertClean();
  });
});
