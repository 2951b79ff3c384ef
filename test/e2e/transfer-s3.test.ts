import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, listKeys, makeBucket, requireS3 } from '../helpers/s3';
import { startTestHost, type TestHost } from './host/server';
import { openApp, recordAxe, runAxe, screenshot, type AppWindow } from './support/browser';
import { importViaApi, PASSPHRASE } from './support/flows';
import { messages } from './support/messages';
import { writePhotoFolder } from './support/photos';

/**
 * Share and Receive through a REAL S3 server (the Ceph gateway .ci/run starts; test/helpers/s3.ts), in English and
 * Arabic: the lawyer adds the organisation's remote in Settings and tests it (credentials from the environment,
 * never typed); the documenter pushes a case to it from Share; the lawyer pulls it from Receive, compares the
 * sender's words, and the items arrive; a second pull finds nothing new.
 */
const env = requireS3();
const clean = (s: string) => s.replace(/[\u2066-\u2069]/g, '');
let admin: S3Client;
let bucket: string;

beforeAll(async () => {
  admin = adminClient(env);
  bucket = await makeBucket(admin);
});
afterAll(() => admin?.destroy());

for (const lang of ['en', 'ar'] as const) {
  describe(`share and receive through S3 (${lang})`, () => {
    const m = messages(lang);
    const prefix = `org-${lang}`;
    let tmp: string;
    let documenter: TestHost;
    let lawyer: TestHost;
    let docApp: AppWindow;
    let lawApp: AppWindow;
    let caseId: string;
    let shared: number;
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
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huella-e2e-transfer-s3-${lang}-`));
      documenter = await startTestHost({ appState: { language: lang } });
      lawyer = await startTestHost({ appState: { language: lang } });
      await documenter.call('vault.create', { path: path.join(tmp, 'documenter'), passphrase: PASSPHRASE, language: lang });
      await lawyer.call('vault.create', { path: path.join(tmp, 'lawyer'), passphrase: PASSPHRASE, language: lang });
      await importViaApi(documenter, [(await writePhotoFolder(path.join(tmp, 'photos'), 2)).dir]);
      const items = (await documenter.call('items.list', { offset: 0, limit: 100, sort: 'name-asc' })).items;
      caseId = (await documenter.call('cases.create', { title: 'Disappearance on the coast road' })).id;
      await documenter.call('cases.addItems', { caseId, itemIds: items.map((i) => i.id) });
      shared = items.length;
      await documenter.call('remotes.add', { name: 'org', url: `s3://${bucket}/${prefix}`, endpoint: env.endpoint });
      const open = { locale: lang === 'ar' ? 'ar' : 'en-GB', viewport: { width: 1280, height: 900 } };
      docApp = await openApp(documenter, open);
      lawApp = await openApp(lawyer, open);
    }, 180_000);
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail') {
        await screenshot(docApp.page, `failure-transfer-s3-doc-${lang}-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
        await screenshot(lawApp.page, `failure-transfer-s3-law-${lang}-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
      }
    });
    afterAll(async () => {
      await docApp?.close();
      await lawApp?.close();
      await documenter?.close();
      await lawyer?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('Settings → Remotes: the lawyer adds the organisation\'s bucket and tests it; no key is typed or stored', async () => {
      const { page } = lawApp;
      await go(lawApp, '#/settings', m('settings.title'));
      const section = page.getByTestId('remotes-section');
      await section.getByText(m('remotes.none')).waitFor();
      await section.getByRole('textbox', { name: m('remotes.name') }).fill('org');
      await section.getByRole('textbox', { name: m('remotes.url') }).fill(`s3://${bucket}/${prefix}`);
      await section.getByRole('textbox', { name: m('remotes.endpoint') }).fill(env.endpoint);
      await section.getByRole('button', { name: m('remotes.add') }).click();
      await section.getByTestId('remote-org').waitFor();
      // 'Test org' (its name isolated in right-to-left text): the first button of the remote's row.
      await section.getByTestId('remote-org').getByRole('button').first().click();
      const ok = section.getByTestId('remote-test-ok');
      await ok.waitFor({ timeout: 30_000 });
      expect(clean(await ok.innerText())).toContain(m('remotes.fromEnvironment'));
      // The secret is nowhere in the vault's files (it came from the environment and stayed there).
      const secret = process.env.AWS_SECRET_ACCESS_KEY!;
      for (const f of fs.readdirSync(path.join(tmp, 'lawyer'), { recursive: true, withFileTypes: true }).filter((d) => d.isFile())) {
        expect(fs.readFileSync(path.join(f.parentPath, f.name)).includes(secret), f.name).toBe(false);
      }
      await section.scrollIntoViewIfNeeded();
      await shoot(lawApp, '70-settings-remotes');
    });

    it('the documenter pushes the case to the remote from Share', async () => {
      await go(lawApp, '#/receive', m('receive.title'));
      const card = clean(await lawApp.page.getByTestId('contact-line').innerText()).trim();
      const { page } = docApp;
      await go(docApp, `#/share/${caseId}`, m('share.title'));
      await page.getByRole('textbox', { name: m('share.pasteCard') }).fill(card);
      await page.getByTestId('share-recipient-words').waitFor();
      await page.getByRole('radio', { name: m('share.toRemote') }).check();
      await page.getByRole('button', { name: m('share.push') }).click();
      const done = page.getByTestId('share-done');
      await done.waitFor({ timeout: 120_000 });
      expect(clean(await done.innerText())).toContain('org');
      const keys = await listKeys(admin, bucket, `${prefix}/bundles/`);
      expect(keys.some((k) => k.key.endsWith('bundle.json.minisig'))).toBe(true);
      expect(keys.filter((k) => k.key.includes('/objects/'))).toHaveLength(shared);
      expect(documenter.emitted.some((e) => e.event === 'operation.progress' && (e.payload as { kind: string }).kind === 'share')).toBe(true);
      await done.scrollIntoViewIfNeeded();
      await shoot(docApp, '71-share-pushed');
    });

    it('the lawyer pulls it from Receive after comparing the sender\'s words; a second pull brings nothing new', async () => {
      const { page } = lawApp;
      const docCard = await documenter.call('transfer.contact', {});
      await page.getByRole('button', { name: m('receive.pull') }).click();
      const compare = page.getByTestId('compare-sender');
      await compare.waitFor({ timeout: 60_000 });
      expect(clean(await compare.innerText())).toContain(docCard.words.join(' '));
      expect(await itemCount(lawyer)).toBe(0);
      await compare.getByRole('button', { name: m('receive.acceptSender') }).click();
      const report = page.getByTestId('pull-report');
      await report.getByTestId('receive-done').waitFor({ timeout: 120_000 });
      expect(await itemCount(lawyer)).toBe(shared);
      await report.scrollIntoViewIfNeeded();
      await shoot(lawApp, '72-pulled');
      await page.getByRole('button', { name: m('receive.pull') }).click();
      await report.getByText(m('receive.alreadyReceived')).waitFor({ timeout: 60_000 });
      expect(await itemCount(lawyer)).toBe(shared);
    });

    it('stayed on the test hosts, with no CSP violation or page error', async () => {
      await docApp.close();
      await lawApp.close();
      docApp.assertClean();
      lawApp.assertClean();
    });
  });
}
