import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from './host/server';
import { openApp, recordAxe, runAxe, screenshot, type AppWindow } from './support/browser';
import { PASSPHRASE } from './support/flows';
import { messages } from './support/messages';
import { writePhotoFolder } from './support/photos';

/**
 * Backup in the app (issue 13, Build 8), in English and Arabic: the one-time notice after an import that the
 * originals are still on the disk; Settings says the vault was never backed up, backs it up to a chosen folder with
 * progress, then shows the last backup and its age; checks the backup (intact, then with one evidence file changed:
 * damaged, the file named); makes a new recovery sheet after the passphrase is typed again, and the new key
 * unlocks the vault while the old one no longer does.
 */
for (const lang of ['en', 'ar'] as const) {
  describe(`backup in the app (${lang})`, () => {
    const m = messages(lang);
    let host: TestHost;
    let app: AppWindow;
    let tmp: string;
    let vaultDir: string;
    let oldRecoveryKey: string;
    let photos: string;
    const backupDir = () => path.join(tmp, 'usb-drive', 'huella-backup');
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

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huella-e2e-backup-${lang}-`));
      vaultDir = path.join(tmp, 'vault');
      host = await startTestHost({ appState: { language: lang } });
      oldRecoveryKey = (await host.call('vault.create', { path: vaultDir, passphrase: PASSPHRASE, language: lang })).recoveryKey;
      photos = (await writePhotoFolder(path.join(tmp, 'photos'), 3)).dir;
      fs.mkdirSync(path.dirname(backupDir()), { recursive: true });
      app = await openApp(host, { locale: lang === 'ar' ? 'ar' : 'en-GB', viewport: { width: 1280, height: 900 } });
    });
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail') await screenshot(app.page, `failure-backup-${lang}-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
    });
    afterAll(async () => {
      await app?.close();
      await host?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('after the first import, says once that the originals are still on the disk', async () => {
      const { page } = app;
      await go('#/import', m('import.title'));
      host.dialogs.queue('pickFiles', [photos]);
      await page.getByRole('button', { name: m('import.pickFolder') }).click();
      await page.getByRole('heading', { name: m('import.finished') }).waitFor({ timeout: 120_000 });
      await page.getByTestId('originals-notice').getByText(m('import.originalsTitle')).waitFor();
      expect(fs.readdirSync(photos).length).toBeGreaterThanOrEqual(3);
      await shoot('50-import-originals-notice');
      // A second import (the same files: duplicates, and one new one): no notice again.
      fs.copyFileSync(path.join(photos, fs.readdirSync(photos).filter((f) => f.endsWith('.jpg'))[0]!), path.join(tmp, 'again.jpg'));
      fs.appendFileSync(path.join(tmp, 'again.jpg'), Buffer.from('another file'));
      await go('#/library', m('library.title'));
      await go('#/import', m('import.title'));
      host.dialogs.queue('pickFiles', [path.join(tmp, 'again.jpg')]);
      await page.getByRole('button', { name: m('import.pickFolder') }).click();
      await page.getByRole('heading', { name: m('import.finished') }).waitFor({ timeout: 120_000 });
      await page.getByText(m('import.openLibrary')).waitFor();
      expect(await page.getByTestId('originals-notice').count()).toBe(0);
    });

    it('Settings: never backed up, then a backup to a chosen folder with progress, then its date and age', async () => {
      const { page } = app;
      await go('#/settings', m('settings.title'));
      const section = page.getByTestId('backup-section');
      await section.getByText(m('backup.never')).waitFor();
      host.dialogs.queue('chooseBackupFolder', backupDir());
      await section.getByRole('button', { name: m('backup.chooseTarget') }).click();
      await section.getByText(backupDir(), { exact: true }).waitFor();
      await section.scrollIntoViewIfNeeded();
      await shoot('51-settings-backup');
      await section.getByRole('button', { name: m('backup.start') }).click();
      await section.getByTestId('backup-done').waitFor({ timeout: 60_000 });
      const done = (await section.getByTestId('backup-done').innerText()).replace(/[\u2068\u2069]/g, '');
      expect(done.length).toBeGreaterThan(10);
      expect(fs.existsSync(path.join(backupDir(), 'huella-backup.json'))).toBe(true);
      // The last backup, from the custody log: today, "now" in the language's words.
      // The status is read again once the backup reports done: wait for it.
      const last = () => section.getByTestId('last-backup').innerText().then((s) => s.replace(/[\u2068\u2069]/g, ''));
      const now = new Intl.RelativeTimeFormat(lang === 'ar' ? 'ar-u-nu-arab' : 'en', { numeric: 'auto' }).format(0, 'minute');
      await expect.poll(last, { timeout: 10_000 }).toContain(now);
      expect(await last()).not.toContain(m('backup.never'));
      expect(progressSeen(host)).toBe(true);
      await shoot('52-settings-backup-done');
    });

    it('checks the backup: intact, then damaged with the changed evidence file named', async () => {
      const { page } = app;
      const section = page.getByTestId('backup-section');
      await section.getByRole('button', { name: m('backup.verify') }).click();
      const report = section.getByTestId('backup-verify-report');
      await report.waitFor({ timeout: 60_000 });
      expect(await report.locator('.note-ok').count()).toBe(1);
      // One byte of one evidence object changed on the drive.
      const blobs = path.join(backupDir(), 'blobs');
      const files = fs.readdirSync(blobs, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
      const victim = path.join(files[0]!.parentPath, files[0]!.name);
      const bytes = fs.readFileSync(victim);
      bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 1;
      fs.writeFileSync(victim, bytes);
      await section.getByRole('button', { name: m('backup.verify') }).click();
      await report.locator('.note-error').waitFor({ timeout: 60_000 });
      const text = await report.innerText();
      expect(text).toContain(m('backup.problem.object_hash'));
      expect(text).toContain(files[0]!.name.slice(0, 16));
      await report.scrollIntoViewIfNeeded();
      await shoot('53-settings-backup-damaged');
    });

    it('a new recovery sheet after the passphrase: the new key unlocks, the old one no longer does', async () => {
      const { page } = app;
      const form = page.locator('form', { has: page.getByRole('heading', { name: m('backup.recoveryTitle') }) });
      await form.getByLabel(m('settings.currentPassphrase')).fill('not the passphrase');
      await form.getByRole('button', { name: m('backup.newRecoverySheet') }).click();
      await form.getByRole('alert').waitFor();
      await form.getByLabel(m('settings.currentPassphrase')).fill(PASSPHRASE);
      await form.getByRole('button', { name: m('backup.newRecoverySheet') }).click();
      await page.getByRole('heading', { level: 2, name: m('recovery.title') }).waitFor();
      const newKey = (await page.locator('.recovery-key').innerText()).replace(/\s+/g, ' ').trim();
      expect(newKey.replace(/\W/g, '')).not.toBe(oldRecoveryKey.replace(/\W/g, ''));
      await shoot('54-settings-new-recovery-sheet');
      await page.getByLabel(m('recovery.confirm')).check();
      await page.getByRole('button', { name: m('recovery.backToSettings') }).click();
      await page.getByRole('heading', { level: 2, name: m('backup.recoveryTitle') }).waitFor();
      await host.call('vault.lock', {});
      await expect(host.call('vault.unlock', { path: vaultDir, recoveryKey: oldRecoveryKey })).rejects.toThrow();
      await host.call('vault.unlock', { path: vaultDir, recoveryKey: newKey });
    });

    it('stayed on the test host, with no CSP violation or page error', async () => {
      await app.close();
      app.assertClean();
    });
  });
}

/** The backup reported its progress to the renderer (operation.progress events of kind 'backup'). */
function progressSeen(host: TestHost): boolean {
  return host.emitted.some((e) => e.event === 'operation.progress' && (e.payload as { kind: string }).kind === 'backup');
}
