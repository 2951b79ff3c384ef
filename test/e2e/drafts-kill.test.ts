import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Draft } from '../../shared/model/drafts';
import type { Person, Testimony } from '../../shared/model/catalogue';
import { startTestHost } from './host/server';
import { openApp, screenshot, type AppWindow } from './support/browser';
import { startChildHost, type ChildHost } from './support/child-host';
import { PASSPHRASE } from './support/flows';

/**
 * Issue 13, "nothing typed is ever lost": the app is killed (SIGKILL, as the OS or a power cut would: no flush, no
 * lock, no exit handler) 2 s after the last keystroke in a testimony. A new app on the same vault, unlocked, holds
 * what was typed as a draft, and the testimony screen brings it back.
 */
describe('a testimony draft survives killing the app', () => {
  let tmp = '';
  const hosts: ChildHost[] = [];
  let app: AppWindow | undefined;

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && app) await screenshot(app.page, 'failure-drafts-kill').catch(() => undefined);
  });
  afterAll(async () => {
    await app?.close().catch(() => undefined);
    for (const h of hosts) await h.kill();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const unlock = async (a: AppWindow) => {
    await a.page.getByRole('heading', { name: 'Unlock the vault' }).waitFor();
    await a.page.getByLabel('Passphrase').fill(PASSPHRASE);
    await a.page.getByRole('button', { name: 'Unlock' }).click();
    await a.page.getByRole('heading', { name: 'Library' }).waitFor();
  };

  it('kills the host 2 s after typing; the next start, unlocked, has the text as a draft and shows it', async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'huella-e2e-kill-'));
    const vault = path.join(tmp, 'vault');
    // Set-up through the API of an in-process host, then closed: the vault holds one testimony.
    const setup = await startTestHost();
    await setup.call('vault.create', { path: vault, passphrase: PASSPHRASE, language: 'en' });
    const testimony = await setup.call('testimonies.create', { title: 'Interview with Witness A', text: 'They took us to a building near the port.' });
    await setup.close();

    const first = await startChildHost(vault);
    hosts.push(first);
    app = await openApp(first);
    await unlock(app);
    await app.page.goto(`${first.origin}/#/testimony/${testimony.id}`);
    // The text box by its role: while the screen loads, its section is labelled "Testimony" too, and a key pressed
    // there lands on the heading (the caret then starts at 0 and the added words came first: a flaky test in CI).
    const box = app.page.getByRole('textbox', { name: 'Testimony', exact: true });
    await expect.poll(() => box.inputValue()).toBe(testimony.text);
    await box.press('End');
    const added = ' I heard screams from the next room; they asked about my brother.';
    await box.pressSequentially(added, { delay: 15 });
    await app.page.waitForTimeout(2000);
    await first.kill();
    await app.close();
    app = undefined;
    const typed = `${testimony.text}${added}`;

    const second = await startChildHost(vault);
    hosts.push(second);
    app = await openApp(second);
    await unlock(app);
    // The draft in the vault holds the text as typed.
    const draft = (await second.call('drafts.get', { form: 'testimony', recordId: testimony.id })) as Draft | null;
    expect(draft?.data.text).toBe(typed);
    // And the testimony screen shows it (brought back from the draft, or already a saved version).
    await app.page.goto(`${second.origin}/#/testimony/${testimony.id}`);
    await expect.poll(() => app!.page.getByRole('textbox', { name: 'Testimony', exact: true }).inputValue(), { timeout: 10_000 }).toBe(typed);
    await screenshot(app.page, 'en-testimony-after-kill');
    // Once open, what was typed is (or becomes) a saved version too.
    await expect.poll(async () => ((await second.call('testimonies.get', { id: testimony.id })) as Testimony).text, { timeout: 10_000 }).toBe(typed);
    await app.close();
    app.assertClean();
    app = undefined;
  });
  it("kills the host 2 s after typing into a person's identity form; the next start has it as a draft and shows it", async () => {
    tmp ||= fs.mkdtempSync(path.join(os.tmpdir(), 'huella-e2e-kill-'));
    const vault = path.join(tmp, 'vault-person');
    const setup = await startTestHost();
    await setup.call('vault.create', { path: vault, passphrase: PASSPHRASE, language: 'en' });
    const person = await setup.call('persons.create', { realName: 'Mehmet Ali Demir', pseudonym: 'Victim B' });
    await setup.close();

    const first = await startChildHost(vault);
    hosts.push(first);
    app = await openApp(first);
    await unlock(app);
    await app.page.goto(`${first.origin}/#/person/${person.id}`);
    const identity = app.page.getByRole('form', { name: 'Identity' });
    const notes = identity.getByRole('textbox', { name: 'Notes', exact: true });
    await notes.waitFor();
    const typed = 'Released on 8 March; the family has the hospital report.';
    await notes.pressSequentially(typed, { delay: 15 });
    await app.page.waitForTimeout(2000);
    await first.kill();
    await app.close();
    app = undefined;

    const second = await startChildHost(vault);
    hosts.push(second);
    app = await openApp(second);
    await unlock(app);
    const draft = (await second.call('drafts.get', { form: 'person', recordId: person.id })) as Draft | null;
    expect(draft?.data.notes).toBe(typed);
    // Not saved as the record (only Save does that), but shown, and said to be brought back.
    expect(((await second.call('persons.get', { id: person.id })) as Person).notes).toBeUndefined();
    await app.page.goto(`${second.origin}/#/person/${person.id}`);
    await app.page.getByTestId('draft-restored').waitFor();
    expect(await app.page.getByRole('form', { name: 'Identity' }).getByRole('textbox', { name: 'Notes', exact: true }).inputValue()).toBe(typed);
    await screenshot(app.page, 'en-person-after-kill');
    await app.close();
    app.assertClean();
    app = undefined;
  });
});
