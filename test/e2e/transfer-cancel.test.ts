import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, listKeys, makeBucket, requireS3 } from '../helpers/s3';
import { startTestHost, type TestHost } from './host/server';
import { openApp, screenshot, type AppWindow } from './support/browser';
import { importViaApi, PASSPHRASE } from './support/flows';
import { messages } from './support/messages';
import { writePhotoFolder } from './support/photos';

/**
 * Cancel and progress of push and pull in the app, against the REAL S3 server (the Ceph gateway; test/helpers/s3.ts):
 * a push cancelled mid-upload leaves no finished bundle on the remote, and the next push finishes it; a pull shows
 * which bundle and how much of it, is cancelled while downloading, imports nothing and leaves no download behind;
 * a second pull receives everything, with the documenter's hashes. A 24 MiB original makes each transfer last long
 * enough to press Cancel in the middle.
 */
const env = requireS3();
const BIG = 24 * 1024 * 1024;
let admin: S3Client;
let bucket: string;

beforeAll(async () => {
  admin = adminClient(env);
  bucket = await makeBucket(admin);
});
afterAll(() => admin?.destroy());

for (const lang of ['en', 'ar'] as const) {
  describe(`cancel and progress of push and pull (${lang})`, () => {
    const m = messages(lang);
    const prefix = `cancel-${lang}`;
    let tmp: string;
    let documenter: TestHost;
    let lawyer: TestHost;
    let docApp: AppWindow;
    let lawApp: AppWindow;
    let caseId: string;
    const go = async (app: AppWindow, hash: string, heading: string) => {
      await app.page.evaluate((h) => {
        (globalThis as unknown as { location: { hash: string } }).location.hash = h;
      }, hash);
      await app.page.getByRole('heading', { level: 1, name: heading }).waitFor();
    };
    const items = async (host: TestHost) => (await host.call('items.list', { offset: 0, limit: 100, sort: 'name-asc' })).items;
    type Progress = { kind: string; progress: { bytesDone: number; phase?: string; bundle?: number; bundles?: number } };
    const progressOf = (host: TestHost, kind: string) =>
      host.emitted.filter((e) => e.event === 'operation.progress' && (e.payload as Progress).kind === kind).map((e) => (e.payload as Progress).progress);
    const finishedBundles = async () => (await listKeys(admin, bucket, `${prefix}/bundles/`)).filter((k) => k.key.endsWith('bundle.json.minisig')).length;

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huella-e2e-transfer-cancel-${lang}-`));
      documenter = await startTestHost({ appState: { language: lang } });
      lawyer = await startTestHost({ appState: { language: lang } });
      await documenter.call('vault.create', { path: path.join(tmp, 'documenter'), passphrase: PASSPHRASE, language: lang });
      await lawyer.call('vault.create', { path: path.join(tmp, 'lawyer'), passphrase: PASSPHRASE, language: lang });
      const photos = await writePhotoFolder(path.join(tmp, 'photos'), 2);
      fs.rmSync(photos.broken);
      fs.writeFileSync(path.join(photos.dir, 'interview-recording.bin'), crypto.randomBytes(BIG));
      await importViaApi(documenter, [photos.dir]);
      const all = await items(documenter);
      caseId = (await documenter.call('cases.create', { title: 'Raid on the market' })).id;
      await documenter.call('cases.addItems', { caseId, itemIds: all.map((i) => i.id) });
      for (const host of [documenter, lawyer]) await host.call('remotes.add', { name: 'org', url: `s3://${bucket}/${prefix}`, endpoint: env.endpoint });
      const open = { locale: lang === 'ar' ? 'ar' : 'en-GB', viewport: { width: 1280, height: 900 } };
      docApp = await openApp(documenter, open);
      lawApp = await openApp(lawyer, open);
    }, 180_000);
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail') {
        const name = ctx.task.name.slice(0, 30).replace(/\W+/g, '-');
        await screenshot(docApp.page, `failure-transfer-cancel-doc-${lang}-${name}`).catch(() => undefined);
        await screenshot(lawApp.page, `failure-transfer-cancel-law-${lang}-${name}`).catch(() => undefined);
      }
    });
    afterAll(async () => {
      await docApp?.close();
      await lawApp?.close();
      await documenter?.close();
      await lawyer?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('a push cancelled mid-upload leaves no finished bundle; the next push finishes it', async () => {
      const { page } = docApp;
      const card = (await lawyer.call('transfer.contact', {})).line;
      await go(docApp, `#/share/${caseId}`, m('share.title'));
      await page.getByRole('textbox', { name: m('share.pasteCard') }).fill(card);
      await page.getByTestId('share-recipient-words').waitFor();
      await page.getByRole('radio', { name: m('share.toRemote') }).check();
      await page.getByRole('button', { name: m('share.push') }).click();
      await expect.poll(() => progressOf(documenter, 'share').some((p) => p.bytesDone > 0), { timeout: 60_000, interval: 20 }).toBe(true);
      await page.getByRole('button', { name: m('common.cancel') }).click();
      await page.getByText(m('share.cancelled')).waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('share-done').count()).toBe(0);
      expect(await finishedBundles()).toBe(0);
      await screenshot(page, `${lang}-73-push-cancelled`);

      await page.getByRole('button', { name: m('share.push') }).click();
      await page.getByTestId('share-done').waitFor({ timeout: 120_000 });
      // The cancelled bundle was finished by this push, not left half-sent.
      const pushed = await finishedBundles();
      expect(pushed).toBeGreaterThanOrEqual(1);
      const keys = await listKeys(admin, bucket, `${prefix}/bundles/`);
      const unfinished = new Set(keys.map((k) => k.key.split('/').slice(0, -1).join('/')).filter((d) => !d.includes('/objects')));
      for (const d of unfinished) expect(keys.some((k) => k.key === `${d}/bundle.json.minisig`), d).toBe(true);
    });

    it('a pull shows which bundle and how much; cancelled while downloading it imports nothing; a second pull completes', async () => {
      const { page } = lawApp;
      await go(lawApp, '#/receive', m('receive.title'));
      await page.getByRole('button', { name: m('receive.pull') }).click();
      await expect
        .poll(() => progressOf(lawyer, 'pull').some((p) => p.phase === 'downloading' && p.bytesDone > 0), { timeout: 60_000, interval: 20 })
        .toBe(true);
      await page.getByRole('button', { name: m('common.cancel') }).click();
      await page.getByText(m('receive.cancelled')).waitFor({ timeout: 60_000 });
      const seen = progressOf(lawyer, 'pull');
      expect(seen[0]).toMatchObject({ bundle: 1 });
      expect(seen[0]!.bundles).toBeGreaterThanOrEqual(1);
      expect(await items(lawyer)).toHaveLength(0);
      // No half-downloaded bundle stays behind in the lawyer's vault.
      const inbox = path.join(tmp, 'lawyer', 'transfers', 'inbox');
      expect(fs.existsSync(inbox) ? fs.readdirSync(inbox) : []).toEqual([]);
      await screenshot(page, `${lang}-74-pull-cancelled`);

      await page.getByRole('button', { name: m('receive.pull') }).click();
      const compare = page.getByTestId('compare-sender');
      await compare.waitFor({ timeout: 120_000 });
      await compare.getByRole('button', { name: m('receive.acceptSender') }).click();
      await page.getByTestId('pull-report').getByTestId('receive-done').first().waitFor({ timeout: 120_000 });
      const sent = await items(documenter);
      const received = await items(lawyer);
      expect(received.map((i) => i.sha256).sort()).toEqual(sent.map((i) => i.sha256).sort());
      expect(progressOf(lawyer, 'pull').some((p) => p.phase === 'checking')).toBe(true);
      await page.getByTestId('pull-report').scrollIntoViewIfNeeded();
      await screenshot(page, `${lang}-75-pulled-after-cancel`);
    });

    it('stayed on the test hosts, with no CSP violation or page error', async () => {
      await docApp.close();
      await lawApp.close();
      docApp.assertClean();
      lawApp.assertClean();
    });
  });
}
