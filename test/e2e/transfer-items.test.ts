import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_FILES, parseBundleManifest } from '../../main/archive/transfer/format';
import { startTestHost, type TestHost } from './host/server';
import { openApp, recordAxe, runAxe, screenshot, type AppWindow } from './support/browser';
import { importViaApi, PASSPHRASE } from './support/flows';
import { messages } from './support/messages';
import { writePhotoFolder } from './support/photos';
import ar from '../../shared/i18n/ar.json';
import en from '../../shared/i18n/en.json';

/**
 * Sharing chosen items, not a whole case (issue 15): in the documenter's library three photos out of five are
 * ticked, "Share…" opens Share with exactly those three, the bundle goes to a folder; the lawyer's vault receives
 * it, the three items arrive with the documenter's SHA-256s, and a received item's page shows both links of its
 * custody: the documenter's signed import and transfer events, then the lawyer's own receipt. One item is also
 * shared from its own page. No network at all.
 */
const clean = (s: string) => s.replace(/[\u2066-\u2069]/g, '');
const eventLabel = (lang: 'en' | 'ar', type: string) => (lang === 'ar' ? ar : en).custody.type[type as 'item.ingested'];
const CHOSEN = ['IMG_1000.jpg', 'IMG_1002.jpg', 'IMG_1004.jpg'];

for (const lang of ['en', 'ar'] as const) {
  describe(`share chosen items through a folder (${lang})`, () => {
    const m = messages(lang);
    const iso = (v: string) => (lang === 'ar' ? `\u2068${v}\u2069` : v);
    let tmp: string;
    let usb: string;
    let documenter: TestHost;
    let lawyer: TestHost;
    let docApp: AppWindow;
    let lawApp: AppWindow;
    let lawyerCard: string;
    const shoot = async (app: AppWindow, name: string) => {
      await app.page.waitForTimeout(150);
      await screenshot(app.page, `${lang}-${name}`);
      const r = await runAxe(app.page, `${lang}-${name}`);
      recordAxe(r);
      expect(r.serious, JSON.stringify(r.serious, null, 1)).toEqual([]);
    };
    const go = async (app: AppWindow, hash: string, heading: string) => {
      await app.page.evaluate((h) => {
        (globalThis as unknown as { location: { hash: string } }).location.hash = h;
      }, hash);
      await app.page.getByRole('heading', { level: 1, name: heading }).waitFor();
    };
    const itemsOf = async (host: TestHost) => (await host.call('items.list', { offset: 0, limit: 100, sort: 'name-asc' })).items;

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huella-e2e-transfer-items-${lang}-`));
      usb = path.join(tmp, 'usb-stick');
      fs.mkdirSync(usb);
      documenter = await startTestHost({ appState: { language: lang } });
      lawyer = await startTestHost({ appState: { language: lang } });
      await documenter.call('vault.create', { path: path.join(tmp, 'documenter'), passphrase: PASSPHRASE, language: lang });
      await lawyer.call('vault.create', { path: path.join(tmp, 'lawyer'), passphrase: PASSPHRASE, language: lang });
      const photos = await writePhotoFolder(path.join(tmp, 'photos'), 5);
      fs.rmSync(photos.broken);
      await importViaApi(documenter, [photos.dir]);
      lawyerCard = (await lawyer.call('transfer.contact', {})).line;
      const open = { locale: lang === 'ar' ? 'ar' : 'en-GB', viewport: { width: 1280, height: 900 } };
      docApp = await openApp(documenter, open);
      lawApp = await openApp(lawyer, open);
    }, 180_000);
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail') {
        const name = ctx.task.name.slice(0, 30).replace(/\W+/g, '-');
        await screenshot(docApp.page, `failure-transfer-items-doc-${lang}-${name}`).catch(() => undefined);
        await screenshot(lawApp.page, `failure-transfer-items-law-${lang}-${name}`).catch(() => undefined);
      }
    });
    afterAll(async () => {
      await docApp?.close();
      await lawApp?.close();
      await documenter?.close();
      await lawyer?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('three items ticked in the library are shared, and only those leave', async () => {
      const { page } = docApp;
      await go(docApp, '#/library', m('library.title'));
      const check = (name: string) => page.getByRole('checkbox', { name: m('selection.select', { name: iso(name) }) });
      for (const name of CHOSEN) await check(name).click();
      await expect.poll(() => page.locator('ul.items li.selected').count()).toBe(3);
      await page.getByRole('button', { name: m('selection.share') }).click();
      await page.getByRole('heading', { level: 1, name: m('share.titleItems') }).waitFor();
      expect(clean(await page.getByTestId('share-chosen').innerText())).toContain(clean(m(`share.chosenItems_${lang === 'ar' ? 'few' : 'other'}`, { formatted: lang === 'ar' ? '٣' : '3' })));
      await page.getByRole('textbox', { name: m('share.pasteCard') }).fill(lawyerCard);
      const plan = page.getByTestId('share-plan');
      await plan.getByTestId('share-recipient-words').waitFor();
      await expect.poll(() => plan.locator('tbody tr').count()).toBe(3);
      const planText = clean(await plan.innerText());
      for (const name of CHOSEN) expect(planText).toContain(name);
      for (const name of ['IMG_1001.jpg', 'IMG_1003.jpg']) expect(planText).not.toContain(name);
      await shoot(docApp, '67-share-items-plan');

      documenter.dialogs.queue('chooseTransferPath', usb);
      await page.getByRole('button', { name: m('share.chooseFolder') }).click();
      await page.getByText(usb, { exact: true }).waitFor();
      await page.getByRole('button', { name: m('share.write') }).click();
      await page.getByTestId('share-done').waitFor({ timeout: 60_000 });
      const written = fs.readdirSync(usb);
      expect(written).toHaveLength(1);
      const manifest = parseBundleManifest(fs.readFileSync(path.join(usb, written[0]!, BUNDLE_FILES.manifest)));
      expect(manifest.objects).toHaveLength(3);
      await page.getByTestId('share-done').scrollIntoViewIfNeeded();
      await shoot(docApp, '68-share-items-done');
    });

    it('the lawyer receives the three with their original hashes; an item shows both vaults\' custody events', async () => {
      const { page } = lawApp;
      await go(lawApp, '#/receive', m('receive.title'));
      lawyer.dialogs.queue('chooseTransferPath', usb);
      await page.getByRole('button', { name: m('receive.chooseFolder') }).click();
      await page.getByText(usb, { exact: true }).waitFor();
      await page.getByRole('button', { name: m('receive.start') }).click();
      const compare = page.getByTestId('compare-sender');
      await compare.waitFor({ timeout: 60_000 });
      await compare.getByRole('button', { name: m('receive.acceptSender') }).click();
      const done = page.getByTestId('receive-done');
      await done.waitFor({ timeout: 60_000 });

      const sent = (await itemsOf(documenter)).filter((i) => CHOSEN.includes(i.originalName));
      const received = await itemsOf(lawyer);
      expect(sent).toHaveLength(3);
      expect(received.map((i) => i.originalName).sort()).toEqual([...CHOSEN].sort());
      expect(received.map((i) => i.sha256).sort()).toEqual(sent.map((i) => i.sha256).sort());

      // One received item's page: the documenter's signed events (import, transfer), then the lawyer's receipt.
      const item = received.find((i) => i.originalName === CHOSEN[1])!;
      const senderItem = sent.find((i) => i.originalName === CHOSEN[1])!;
      await go(lawApp, `#/item/${item.id}`, CHOSEN[1]!);
      const own = page.locator('section', { has: page.locator('#item-custody') });
      await own.getByText(eventLabel(lang, 'item.received')).first().waitFor({ timeout: 30_000 });
      const theirs = page.getByTestId('sender-custody');
      await theirs.waitFor();
      const theirsText = clean(await theirs.innerText());
      expect(theirsText).toContain(eventLabel(lang, 'item.ingested'));
      expect(theirsText).toContain(eventLabel(lang, 'items.transferred'));
      expect(theirsText).toContain((await documenter.call('transfer.contact', {})).words.join(' '));
      // They are the documenter's own events about this item, as its log holds them.
      const docLog = (await documenter.call('custody.events', { offset: 0, limit: 200 })).events;
      const ingest = docLog.find((e) => e.type === 'item.ingested' && e.subject === senderItem.id)!;
      const link = (await lawyer.call('transfer.senderCustody', { itemId: item.id }))!;
      expect(link.events.find((e) => e.type === 'item.ingested')?.canonical).toBe(ingest.canonical);
      expect(link.events.map((e) => e.type)).toContain('items.transferred');
      // An item imported here, not received, has no sender's link.
      expect(await documenter.call('transfer.senderCustody', { itemId: senderItem.id })).toBeNull();
      await theirs.scrollIntoViewIfNeeded();
      await shoot(lawApp, '69-received-item-both-custody');
    });

    it('one item is shared from its own page', async () => {
      const { page } = docApp;
      const one = (await itemsOf(documenter)).find((i) => i.originalName === 'IMG_1003.jpg')!;
      await go(docApp, `#/item/${one.id}`, 'IMG_1003.jpg');
      await page.getByRole('link', { name: m('item.share') }).click();
      await page.getByRole('heading', { level: 1, name: m('share.titleItems') }).waitFor();
      await page.getByRole('textbox', { name: m('share.pasteCard') }).fill(lawyerCard);
      const plan = page.getByTestId('share-plan');
      await expect.poll(() => plan.locator('tbody tr').count()).toBe(1);
      expect(clean(await plan.locator('tbody tr').innerText())).toContain('IMG_1003.jpg');
    });

    it('stayed on the test hosts, with no CSP violation or page error', async () => {
      await docApp.close();
      await lawApp.close();
      docApp.assertClean();
      lawApp.assertClean();
    });
  });
}
