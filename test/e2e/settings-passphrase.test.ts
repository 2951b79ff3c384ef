import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../shared/api';
import { startTestHost, type TestHost } from './host/server';
import { openApp, recordAxe, runAxe, screenshot, type AppWindow } from './support/browser';
import { PASSPHRASE } from './support/flows';
import { isolate, messages } from './support/messages';

/**
 * Settings → change the passphrase, in en, es and ar: a mismatched confirmation and a wrong current passphrase are
 * said and cost nothing typed; the right one changes it, and from then on only the new passphrase unlocks the vault.
 */
const NEW = 'a new passphrase for the border';

for (const lang of ['en', 'es', 'ar'] as const satisfies readonly Language[]) {
  describe(`changing the passphrase (${lang})`, () => {
    const m = messages(lang);
    let host: TestHost;
    let app: AppWindow;
    let tmp: string;

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huella-e2e-passphrase-${lang}-`));
      host = await startTestHost({ appState: { language: lang } });
      await host.call('vault.create', { path: path.join(tmp, 'vault'), passphrase: PASSPHRASE, language: lang });
      app = await openApp(host, { locale: lang === 'ar' ? 'ar' : lang === 'es' ? 'es-ES' : 'en-GB', viewport: { width: 1280, height: 900 } });
      await app.page.getByRole('heading', { level: 1, name: m('library.title') }).waitFor();
    });
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail') await screenshot(app.page, `failure-passphrase-${lang}-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
    });
    afterAll(async () => {
      await app?.close();
      await host?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('says a mismatch and a wrong current passphrase without losing what was typed, then changes it', async () => {
      const { page } = app;
      await page.getByRole('link', { name: m('nav.settings'), exact: true }).click();
      const form = page.getByRole('form', { name: m('settings.passphrase') });
      await form.waitFor();
      const current = form.getByLabel(m('settings.currentPassphrase'));
      const next = form.getByLabel(m('settings.newPassphrase'));
      const confirm = form.getByLabel(m('create.confirm'));
      const submit = form.getByRole('button', { name: m('settings.changePassphrase') });
      await current.fill('not the passphrase at all');
      // Too short: said at the field, not only a greyed-out button.
      await next.fill('short');
      await confirm.fill('short');
      expect(await submit.isDisabled()).toBe(true);
      expect(await next.getAttribute('aria-invalid')).toBe('true');
      await form.getByText(m(`create.tooShort_${new Intl.PluralRules(lang).select(10)}`, { count: isolate(lang)(lang === 'ar' ? '١٠' : '10') })).waitFor();
      await next.fill(NEW);
      await confirm.fill(`${NEW}!`);
      await form.getByRole('alert').filter({ hasText: m('create.mismatch') }).waitFor();
      expect(await submit.isDisabled()).toBe(true);
      await confirm.fill(NEW);
      await submit.click();
      await form.getByText(m('errors.WRONG_PASSPHRASE')).waitFor();
      // Nothing typed is lost: the user corrects one field and tries again.
      expect([await current.inputValue(), await next.inputValue(), await confirm.inputValue()]).toEqual(['not the passphrase at all', NEW, NEW]);
      await screenshot(page, `${lang}-settings-passphrase-wrong`);
      const axe = await runAxe(page, `${lang}-settings-passphrase-wrong`);
      recordAxe(axe);
      expect(axe.serious).toEqual([]);
      await current.fill(PASSPHRASE);
      await submit.click();
      await form.getByRole('status').filter({ hasText: m('settings.passphraseChanged') }).waitFor({ timeout: 60_000 });
      expect([await current.inputValue(), await next.inputValue(), await confirm.inputValue()]).toEqual(['', '', '']);
      await screenshot(page, `${lang}-settings-passphrase-changed`);
    });

    it('after the change, the old passphrase no longer unlocks the vault and the new one does', async () => {
      const { page } = app;
      await page.getByRole('button', { name: m('shell.lock') }).click();
      await page.getByRole('heading', { name: m('unlock.title') }).waitFor();
      const field = page.getByLabel(m('unlock.passphrase'));
      await field.fill(PASSPHRASE);
      await page.getByRole('button', { name: m('unlock.submit'), exact: true }).click();
      await page.getByText(m('errors.WRONG_PASSPHRASE')).waitFor({ timeout: 60_000 });
      await field.fill(NEW);
      await page.getByRole('button', { name: m('unlock.submit'), exact: true }).click();
      await page.getByRole('heading', { level: 1, name: m('library.title') }).waitFor({ timeout: 60_000 });
    });
  });
}
