import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_FILES, parseBundleManifest } from '../../main/archive/transfer/format';
import { startTestHost, type TestHost } from './host/server';
import { openApp, recordAxe, runAxe, screenshot, type AppWindow } from './support/browser';
import { importViaApi, PASSPHRASE, waitForOperation } from './support/flows';
import { messages } from './support/messages';
import { writePhotoFolder } from './support/photos';
import ar from '../../shared/i18n/ar.json';
import en from '../../shared/i18n/en.json';

/**
 * Share and Receive in the app (issue 15 item 5), in English and Arabic, with no network at all: the documenter's
 * vault (one window, one host) shares a case to a folder after reviewing exactly what leaves; the lawyer's vault
 * (another window and host) receives it from that folder, compares the sender's words before pinning, and the item
 * is there with its custody (item.received in its timeline). A replayed bundle and a bundle changed in transit are
 * refused with the reason in the person's language, and nothing more is imported.
 */
const clean = (s: string) => s.replace(/[\u2066-\u2069]/g, '');
/** A custody event type as the app names it (the type holds a dot, so it is one key under custody.type). */
const eventLabel = (lang: 'en' | 'ar', type: string) => (lang === 'ar' ? ar : en).custody.type[type as 'item.ingested'];

for (const lang of ['en', 'ar'] as const) {
  describe(`share and receive through a folder (${lang})`, () => {
    const m = messages(lang);
    let tmp: string;
    let usb: string;
    let documenter: TestHost;
    let lawyer: TestHost;
    let docApp: AppWindow;
    let lawApp: AppWindow;
    let caseId: string;
    let sharedLabels: string[];
    let bundleDir: string;
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
    const itemCount = async (host: TestHost) => (await host.call('items.list', { offset: 0, limit: 100, sort: 'name-asc' })).total;

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huella-e2e-transfer-${lang}-`));
      usb = path.join(tmp, 'usb-stick');
      fs.mkdirSync(usb);
      documenter = await startTestHost({ appState: { language: lang } });
      lawyer = await startTestHost({ appState: { language: lang } });
      await documenter.call('vault.create', { path: path.join(tmp, 'documenter'), passphrase: PASSPHRASE, language: lang });
      await lawyer.call('vault.create', { path: path.join(tmp, 'lawyer'), passphrase: PASSPHRASE, language: lang });
      await importViaApi(documenter, [(await writePhotoFolder(path.join(tmp, 'photos'), 3)).dir]);
      const items = (await documenter.call('items.list', { offset: 0, limit: 100, sort: 'name-asc' })).items;
      const kase = await documenter.call('cases.create', { title: 'Detention at the north checkpoint', country: 'MX' });
      caseId = kase.id;
      const shared = items.slice(0, 2);
      await documenter.call('cases.addItems', { caseId, itemIds: shared.map((i) => i.id) });
      sharedLabels = shared.map((i) => i.title ?? i.originalName);
      const open = { locale: lang === 'ar' ? 'ar' : 'en-GB', viewport: { width: 1280, height: 900 } };
      docApp = await openApp(documenter, open);
      lawApp = await openApp(lawyer, open);
    }, 180_000);
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail') {
        await screenshot(docApp.page, `failure-transfer-doc-${lang}-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
        await screenshot(lawApp.page, `failure-transfer-law-${lang}-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
      }
    });
    afterAll(async () => {
      await docApp?.close();
      await lawApp?.close();
      await documenter?.close();
      await lawyer?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('the documenter sees exactly what leaves for the lawyer, then writes the bundle to a folder', async () => {
      // The lawyer's contact card, from their Receive screen.
      await go(lawApp, '#/receive', m('receive.title'));
      const card = clean(await lawApp.page.getByTestId('contact-line').innerText()).trim();
      expect(card).toMatch(/^huella-contact-v1 age1/);
      const lawyerCard = await lawyer.call('transfer.contact', {});
      await shoot(lawApp, '60-receive-empty');

      const { page } = docApp;
      await go(docApp, `#/share/${caseId}`, m('share.title'));
      await page.getByRole('textbox', { name: m('share.pasteCard') }).fill(card);
      const plan = page.getByTestId('share-plan');
      await plan.getByTestId('share-recipient-words').waitFor();
      // The words the documenter reads to the lawyer are the lawyer's own.
      expect(clean(await plan.getByTestId('share-recipient-words').innerText())).toBe(lawyerCard.words.join(' '));
      const planText = clean(await plan.innerText());
      for (const label of sharedLabels) expect(planText).toContain(label);
      expect(planText).toContain(eventLabel(lang, 'item.ingested'));
      expect(planText).toContain(m('share.field.originalName'));
      expect(await plan.locator('tbody tr').count()).toBe(2);
      await shoot(docApp, '61-share-plan');

      documenter.dialogs.queue('chooseTransferPath', usb);
      await page.getByRole('button', { name: m('share.chooseFolder') }).click();
      await page.getByText(usb, { exact: true }).waitFor();
      await page.getByRole('button', { name: m('share.write') }).click();
      await page.getByTestId('share-done').waitFor({ timeout: 60_000 });
      const written = fs.readdirSync(usb);
      expect(written).toHaveLength(1);
      bundleDir = path.join(usb, written[0]!);
      expect(fs.existsSync(path.join(bundleDir, BUNDLE_FILES.signature))).toBe(true);
      expect(clean(await page.getByTestId('share-done').innerText())).toContain(bundleDir);
      expect(documenter.emitted.some((e) => e.event === 'operation.progress' && (e.payload as { kind: string }).kind === 'share')).toBe(true);
      // The documenter's custody log records the transfer.
      const log = await documenter.call('custody.events', { offset: 0, limit: 200 });
      expect(log.events.some((e) => e.type === 'items.transferred')).toBe(true);
      await page.getByTestId('share-done').scrollIntoViewIfNeeded();
      await shoot(docApp, '62-share-done');
    });

    it('the lawyer receives it after comparing the sender\'s words: the items are there with their custody', async () => {
      const { page } = lawApp;
      const docCard = await documenter.call('transfer.contact', {});
      // The folder chosen is the USB stick's root: the one bundle inside it is found.
      lawyer.dialogs.queue('chooseTransferPath', usb);
      await page.getByRole('button', { name: m('receive.chooseFolder') }).click();
      await page.getByText(usb, { exact: true }).waitFor();
      await page.getByRole('button', { name: m('receive.start') }).click();
      const compare = page.getByTestId('compare-sender');
      await compare.waitFor({ timeout: 60_000 });
      const compareText = clean(await compare.innerText());
      expect(compareText).toContain(docCard.words.join(' '));
      expect(compareText).toContain(docCard.fingerprint);
      expect(await itemCount(lawyer)).toBe(0); // nothing imported before the person accepts
      await shoot(lawApp, '63-receive-compare-sender');

      await compare.getByRole('button', { name: m('receive.acceptSender') }).click();
      const done = page.getByTestId('receive-done');
      await done.waitFor({ timeout: 60_000 });
      expect(await itemCount(lawyer)).toBe(2);
      expect(clean(await done.innerText())).toContain(m('receive.pinned'));
      await done.scrollIntoViewIfNeeded();
      await shoot(lawApp, '64-receive-done');

      // The received item, with its custody: item.received in its timeline, the same content hash as the sender's.
      await done.getByRole('link', { name: m('receive.openCase') }).waitFor();
      const first = done.getByRole('listitem').first().getByRole('link');
      await first.click();
      await page.getByText(eventLabel(lang, 'item.received')).first().waitFor({ timeout: 30_000 });
      const received = (await lawyer.call('items.list', { offset: 0, limit: 100, sort: 'name-asc' })).items;
      const sent = (await documenter.call('items.list', { offset: 0, limit: 100, sort: 'name-asc' })).items;
      expect(received.map((i) => i.sha256).sort()).toEqual(sent.filter((i) => sharedLabels.includes(i.title ?? i.originalName)).map((i) => i.sha256).sort());
      await shoot(lawApp, '65-received-item-custody');
    });

    it('a replayed bundle and a bundle changed in transit are refused in the person\'s language, nothing imported', async () => {
      const { page } = lawApp;
      await go(lawApp, '#/receive', m('receive.title'));
      // The same bundle again: a replay.
      lawyer.dialogs.queue('chooseTransferPath', bundleDir);
      await page.getByRole('button', { name: m('receive.chooseFolder') }).click();
      await page.getByText(bundleDir, { exact: true }).waitFor();
      await page.getByRole('button', { name: m('receive.start') }).click();
      const section = page.locator('section', { has: page.getByRole('heading', { name: m('receive.folderTitle') }) });
      const alert = section.getByRole('alert');
      await alert.waitFor({ timeout: 60_000 });
      const replay = m('problem.transfer.replay');
      expect(clean(await alert.innerText())).toContain(replay.slice(0, replay.indexOf('{{')).trim());

      // A second bundle of the same case, one byte of one original changed on the way.
      const second = path.join(tmp, 'usb-2');
      fs.mkdirSync(second);
      const { operationId } = await documenter.call('transfer.share', { recipient: { text: clean(await page.getByTestId('contact-line').innerText()) }, caseId, to: { folder: second } });
      await waitForOperation(documenter, operationId);
      const tampered = path.join(second, fs.readdirSync(second)[0]!);
      const manifest = parseBundleManifest(fs.readFileSync(path.join(tampered, BUNDLE_FILES.manifest)));
      const name = manifest.objects[0]!.name;
      const f = path.join(tampered, BUNDLE_FILES.objects, name);
      const bytes = fs.readFileSync(f);
      bytes[bytes.length - 20]! ^= 0x01;
      fs.writeFileSync(f, bytes);
      lawyer.dialogs.queue('chooseTransferPath', tampered);
      await page.getByRole('button', { name: m('receive.chooseFolder') }).click();
      await page.getByText(tampered, { exact: true }).waitFor();
      await page.getByRole('button', { name: m('receive.start') }).click();
      const changed = m('problem.transfer.objectChanged', { object: `${name.slice(0, 16)}…` });
      await expect.poll(async () => clean(await alert.innerText()), { timeout: 60_000 }).toContain(changed);
      expect(await itemCount(lawyer)).toBe(2);
      await alert.scrollIntoViewIfNeeded();
      await shoot(lawApp, '66-receive-refused');
    });

    it('stayed on the test hosts, with no CSP violation or page error', async () => {
      await docApp.close();
      await lawApp.close();
      docApp.assertClean();
      lawApp.assertClean();
    });
  });
}
