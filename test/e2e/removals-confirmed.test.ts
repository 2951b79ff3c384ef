import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from './host/server';
import { openApp, recordAxe, runAxe, screenshot, type AppWindow } from './support/browser';
import { importViaApi, PASSPHRASE } from './support/flows';
import { isolate, messages, pluralPattern } from './support/messages';
import { writePhotoFolder } from './support/photos';

/**
 * Issue 18 (one confirm pattern): removing many items from the library's selection bar is confirmed like removing
 * one item (a reason, then a dialog that says how many), and removing an S3 remote in Settings asks first. Cancel
 * changes nothing and keeps the reason typed; the dialog passes axe; confirming does what it says. Also Settings'
 * custody-log name: the default is shown translated (placeholder), never pre-filled with the stored 'owner'. en, es, ar.
 */
for (const lang of ['en', 'es', 'ar'] as const) {
  describe(`removals are confirmed (${lang})`, () => {
    const m = messages(lang);
    const iso = isolate(lang);
    let host: TestHost;
    let app: AppWindow;
    let tmp: string;

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huella-e2e-removals-${lang}-`));
      host = await startTestHost({ appState: { language: lang } });
      await host.call('vault.create', { path: path.join(tmp, 'vault'), passphrase: PASSPHRASE, language: lang });
      await importViaApi(host, [(await writePhotoFolder(path.join(tmp, 'photos'), 4)).dir]);
      // Stored only: adding a remote opens no connection (Test does).
      await host.call('remotes.add', { name: 'org', url: 's3://evidence/team3', endpoint: 'https://s3.example.org' });
      app = await openApp(host, { locale: lang === 'ar' ? 'ar' : lang === 'es' ? 'es-ES' : 'en-GB', viewport: { width: 1280, height: 900 } });
    });
    afterAll(async () => {
      await app?.close();
      await host?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });
    const live = async () => (await host.call('items.list', { offset: 0, limit: 50, sort: 'name-asc' })).items.map((i) => i.originalName);

    it('removes 2 selected items only after a dialog that says how many; Cancel keeps them and the reason', async () => {
      const { page } = app;
      const before = await live();
      expect(before.length).toBeGreaterThanOrEqual(4);
      const [first, second] = before.filter((n) => n.startsWith('IMG_')) as [string, string];
      const check = (name: string) => page.getByRole('checkbox', { name: m('selection.select', { name: iso(name) }) });
      await check(first).click();
      await check(second).click();
      await page.getByText(pluralPattern(lang, 'selection.count', 2)).first().waitFor();
      await page.getByRole('button', { name: m('selection.remove') }).click();
      const reason = 'Duplicado de la carpeta del teléfono';
      await page.locator('#selection-reason').fill(reason);
      await page.getByRole('button', { name: pluralPattern(lang, 'selection.removeN', 2) }).click();
      const dialog = page.getByRole('dialog', { name: pluralPattern(lang, 'selection.removeConfirmTitle', 2) });
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain(m('selection.removeConfirmBody'));
      // The safe choice has the focus.
      expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent)).toBe(m('common.cancel'));
      await screenshot(page, `${lang}-removals-selection-dialog`);
      const axe = await runAxe(page, `${lang}-removals-selection-dialog`);
      recordAxe(axe);
      expect(axe.serious, JSON.stringify(axe.serious, null, 1)).toEqual([]);
      await dialog.getByRole('button', { name: m('common.cancel') }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await live()).toEqual(before);
      expect(await page.locator('#selection-reason').inputValue()).toBe(reason);
      // Escape cancels too.
      await page.getByRole('button', { name: pluralPattern(lang, 'selection.removeN', 2) }).click();
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      expect(await live()).toEqual(before);
      // Confirmed: both are removed, the others stay.
      await page.getByRole('button', { name: pluralPattern(lang, 'selection.removeN', 2) }).click();
      await dialog.getByRole('button', { name: pluralPattern(lang, 'selection.removeN', 2) }).click();
      await expect.poll(live).toEqual(before.filter((n) => n !== first && n !== second));
      await page.locator('.selection-done').filter({ hasText: /\S/ }).waitFor();
    });

    it('Settings shows the default custody-log name in the person’s language, not the stored English word', async () => {
      const { page } = app;
      await page.getByRole('link', { name: m('nav.settings'), exact: true }).click();
      const name = page.getByLabel(m('settings.actor'));
      expect(await name.inputValue()).toBe('');
      expect(await name.getAttribute('placeholder')).toBe(m('custody.owner'));
      const save = page.getByRole('button', { name: m('common.save'), exact: true }).first();
      // Saving the other settings keeps the default; a name typed is recorded; emptied, the default comes back.
      await page.getByLabel(m('settings.autoLock')).fill('7');
      await save.click();
      await expect.poll(async () => (await host.call('settings.get', {})).autoLockMinutes).toBe(7);
      expect((await host.call('settings.get', {})).actor).toBe('owner');
      await name.fill('Equipo 3');
      await save.click();
      await expect.poll(async () => (await host.call('settings.get', {})).actor).toBe('Equipo 3');
      await name.fill('');
      await save.click();
      await expect.poll(async () => (await host.call('settings.get', {})).actor).toBe('owner');
      expect(await name.inputValue()).toBe('');
    });

    it('removes an S3 remote only after a dialog; Cancel keeps it', async () => {
      const { page } = app;
      const section = page.getByTestId('remotes-section');
      await section.getByTestId('remote-org').waitFor();
      await section.getByRole('button', { name: m('remotes.removeNamed', { name: iso('org') }) }).click();
      const dialog = page.getByRole('dialog', { name: m('remotes.removeConfirmTitle', { name: iso('org') }) });
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain(m('remotes.removeConfirmBody'));
      await screenshot(page, `${lang}-removals-remote-dialog`);
      const axe = await runAxe(page, `${lang}-removals-remote-dialog`);
      recordAxe(axe);
      expect(axe.serious, JSON.stringify(axe.serious, null, 1)).toEqual([]);
      await dialog.getByRole('button', { name: m('common.cancel') }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect((await host.call('remotes.list', {})).map((r) => r.name)).toEqual(['org']);
      await section.getByRole('button', { name: m('remotes.removeNamed', { name: iso('org') }) }).click();
      await dialog.getByRole('button', { name: m('remotes.remove') }).click();
      await section.getByText(m('remotes.none')).waitFor();
      expect(await host.call('remotes.list', {})).toEqual([]);
    });
  });
}
