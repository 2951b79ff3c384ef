import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from './host/server';
import { openApp, screenshot, type AppWindow } from './support/browser';
import { EN, PASSPHRASE, createVaultViaUi } from './support/flows';
import { addSymlink, writePhotoFolder } from './support/photos';

/**
 * The documenter's journey, end to end on a fresh vault, through the real UI in Chromium and the real main/ipc
 * handlers, vault, SQLCipher and crypto behind the test host: create a vault (recovery sheet), import a folder of
 * photos with GPS (progress, a per-file problem), find the GPS photos, see the GPS flagged, verify one, tag two
 * with Istanbul Protocol methods (with details), open a case, add a witness with consent, write a testimony that
 * autosaves with history, search, copy the checkpoint, lock and unlock.
 *
 * Every step runs under the harness guards: a request to any other origin, a CSP violation or a page error fails.
 */
describe('documenter journey (Chromium, real vault)', () => {
  let host: TestHost;
  let app: AppWindow;
  let tmp: string;
  let photosDir: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'huella-e2e-journey-'));
    const photos = await writePhotoFolder(path.join(tmp, 'photos'), 4);
    photosDir = photos.dir;
    addSymlink(photosDir, photos.photos[0]!);
    host = await startTestHost();
    app = await openApp(host);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshot(app.page, `failure-journey-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
  });
  afterAll(async () => {
    await app?.close();
    await host?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('creates a vault and shows the recovery sheet once, with a key that unlocks the vault', async () => {
    const { page } = app;
    const key = await createVaultViaUi(page, host, path.join(tmp, 'vault'), EN);
    expect(key).toMatch(/^([A-Z2-7]{5} ){10,}[A-Z2-7]{1,5}$/);
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await page.getByText('The library is empty.', { exact: false }).waitFor();
    expect(fs.existsSync(path.join(tmp, 'vault', 'vault.json'))).toBe(true);
  });

  it('imports a folder by the file picker: progress, then a summary and the file that was refused', async () => {
    const { page } = app;
    await page.getByRole('link', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Import' }).waitFor();
    host.dialogs.queue('pickFiles', [photosDir]);
    await page.getByRole('button', { name: 'Choose a folder…' }).click();
    await page.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 120_000 });
    expect(host.dialogs.calls.at(-1)).toEqual({ kind: 'pickFiles', arg: true });
    const summary = await page.locator('.note[role=status]').innerText();
    expect(summary).toContain('Imported: 5.');
    // The symbolic link is refused and listed with its reason.
    await page.getByRole('heading', { name: '1 file was not imported' }).waitFor();
    expect(await page.locator('.file-results .status-skipped').first().innerText()).toContain('link-to-photo.jpg');
    expect(host.emitted.some((e) => e.event === 'operation.progress')).toBe(true);
  });

  it('lists the items, filters those with GPS, and flags the GPS position in the item view', async () => {
    const { page } = app;
    await page.getByRole('link', { name: 'Library', exact: true }).click();
    await page.getByText('5 items').waitFor();
    await page.getByLabel('Location (GPS)').selectOption('yes');
    await page.getByText('2 items').waitFor();
    const gpsLinks = page.locator('ul.items a.cell-link');
    expect(await gpsLinks.count()).toBe(2);
    await gpsLinks.first().click();
    const flag = page.getByTestId('gps-flag');
    await flag.waitFor();
    expect(await flag.innerText()).toContain('This file records the place where it was made (GPS).');
    expect(await flag.innerText()).toMatch(/41\.01\d+/);
    await page.getByRole('button', { name: 'Verify this item' }).click();
    await page.getByText('Verified: the content and its records are intact.').waitFor();
  });

  it('tags two photos with Istanbul Protocol methods by type-ahead, with the method details', async () => {
    const { page } = app;
    const tagWith = async (query: string, option: RegExp, duration: string) => {
      const box = page.getByRole('combobox', { name: 'Add a tag' });
      await box.fill(query);
      await page.getByRole('option', { name: option }).first().waitFor();
      await box.press('Enter');
      await page.getByRole('heading', { name: /^Details for/ }).waitFor();
      await page.getByLabel('Duration').fill(duration);
      await page.getByRole('button', { name: /^Add “/ }).click();
      // The assigned tag's details (not the field's hint, which also quotes examples).
      await page.locator('.tags dd', { hasText: duration }).waitFor();
      await page.locator('.tags .chip', { hasText: option }).waitFor();
    };
    await tagWith('electric', /Electric shock/i, '20 minutes');
    expect(await page.locator('.tags .chip').first().innerText()).toMatch(/Electric shock/i);

    await page.goBack();
    await page.getByText('2 items').waitFor();
    await page.locator('ul.items a.cell-link').nth(1).click();
    await page.getByTestId('gps-flag').waitFor();
    await tagWith('suspen', /Suspension/i, 'about 3 hours');

    const tagged = host.emitted.length; // the catalogue events are custody events: check them in the log
    expect(tagged).toBeGreaterThan(0);
    const events = await host.call('custody.events', { offset: 0, limit: 50 });
    expect(events.events.filter((e) => e.type === 'tag.assigned' || e.type === 'item.tagged').length).toBeGreaterThanOrEqual(2);
  });

  it('opens a case, adds the tagged photos, a witness with recorded consent, and a testimony that autosaves', async () => {
    const { page } = app;
    await page.getByRole('link', { name: 'Cases', exact: true }).click();
    await page.getByText('Open a new case').click();
    await page.getByLabel('Title').fill('Detention of A. in Istanbul');
    // The country from the picker: typed in part, chosen from the list.
    await page.getByRole('combobox', { name: 'Country' }).fill('Turk');
    await page.getByRole('option', { name: /^Türkiye/ }).click();
    await page.getByRole('button', { name: 'Create the case' }).click();
    await page.getByRole('heading', { name: 'Detention of A. in Istanbul' }).waitFor();

    // The witness, and their consent.
    await page.getByRole('link', { name: 'People', exact: true }).click();
    await page.getByText('Add a person').click();
    await page.getByLabel('Pseudonym').fill('Witness A');
    await page.getByLabel('Real name').fill('Ayşe Yılmaz');
    await page.getByRole('button', { name: 'Add the person' }).click();
    await page.getByRole('heading', { name: 'Witness A' }).waitFor();
    await page.getByText('No consent is recorded for this person.').waitFor();
    await page.getByText('Record a consent decision').click();
    await page.getByLabel('The material may be shared').check();
    await page.getByLabel('How it was recorded').selectOption('written-signed');
    await page.getByRole('button', { name: 'Record the decision' }).click();
    await page.getByText('Material only, name withheld').first().waitFor();

    // Back to the case: the witness, then a testimony.
    await page.getByRole('link', { name: 'Cases', exact: true }).click();
    await page.getByRole('link', { name: 'Detention of A. in Istanbul' }).click();
    await page.getByLabel('Person', { exact: true }).selectOption({ label: 'Witness A' });
    await page.getByLabel('Role', { exact: true }).selectOption('witness');
    await page.getByRole('button', { name: 'Add to the case' }).click();
    await page.getByRole('link', { name: 'Witness A' }).waitFor();
    await page.getByRole('button', { name: 'New testimony' }).click();
    await page.getByRole('heading', { name: 'New testimony' }).waitFor();
    await page.getByLabel('Title', { exact: true }).fill('Interview with Witness A');
    await page.getByLabel('Witness', { exact: true }).selectOption({ label: 'Witness A' });
    const testimonyBox = page.getByRole('textbox', { name: 'Testimony', exact: true });
    await testimonyBox.fill('They took us to a building near the port. I heard screams from the next room.');
    await page.getByTestId('save-state').getByText(/^Saved: version \d+/).waitFor({ timeout: 10_000 });
    // The witness's consent is shown beside the testimony.
    await page.locator('section[aria-labelledby=tes-consent]').getByText('Material only, name withheld').first().waitFor();
    // A second edit makes a new version; both are in the history.
    await testimonyBox.press('End');
    await testimonyBox.pressSequentially(' They asked about my brother.');
    await page.getByTestId('save-state').getByText(/^Saved: version [3-9]/).waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('#tes-history ~ ol li').count()).toBeGreaterThanOrEqual(3);
    const testimonies = await host.call('testimonies.list', {});
    expect(testimonies[0]?.title).toBe('Interview with Witness A');
    const expected = 'They took us to a building near the port. I heard screams from the next room. They asked about my brother.';
    await expect.poll(async () => (await host.call('testimonies.get', { id: testimonies[0]!.id })).text, { timeout: 10_000 }).toBe(expected);
    await page.getByTestId('save-state').getByText(/^Saved: version/).waitFor();
  });

  it('adds a tagged photo to the case from its page and finds things by search', async () => {
    const { page } = app;
    await page.getByRole('link', { name: 'Library', exact: true }).click();
    await page.getByLabel('Location (GPS)').selectOption('yes');
    await page.locator('ul.items a.cell-link').first().click();
    await page.getByTestId('gps-flag').waitFor();
    await page.getByLabel('Add to a case').selectOption({ label: 'Detention of A. in Istanbul' });
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('link', { name: 'Detention of A. in Istanbul' }).waitFor();

    await page.getByRole('link', { name: 'Search', exact: true }).click();
    await page.getByLabel('Words to find').fill('port screams');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('link', { name: 'Interview with Witness A' }).waitFor();
    expect(await page.locator('.search-hit mark').count()).toBeGreaterThan(0);
  });

  it('shows the custody log with the latest checkpoint to copy', async () => {
    const { page } = app;
    await app.context.grantPermissions(['clipboard-write'], { origin: host.origin });
    await page.getByRole('link', { name: 'Custody log', exact: true }).click();
    const note = page.getByTestId('checkpoint-note');
    await note.waitFor();
    const text = await note.innerText();
    const vaultId = (await host.call('session.status', {})).vaultId!;
    expect(text.split('\n')[0]).toBe(`huella/${vaultId}`);
    await page.getByRole('button', { name: 'Copy the checkpoint' }).click();
    await page.getByText(/^(Copied\.|Selected: press Ctrl\+C to copy\.)$/).waitFor();
    await page.getByRole('button', { name: 'Verify now' }).click();
    await page.getByText('Everything verifies.').waitFor({ timeout: 60_000 });
  });

  it('locks on demand, drops what was on screen, refuses a wrong passphrase and unlocks with the right one', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Lock now' }).click();
    await page.getByRole('heading', { name: 'Unlock the vault' }).waitFor();
    expect(host.session.vault).toBeUndefined();
    const body = await page.locator('body').innerText();
    expect(body).not.toContain('Witness A');
    expect(body).not.toContain('IMG_');
    await page.getByLabel('Passphrase').fill('wrong passphrase here');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('alert').getByText('Wrong passphrase. Check the keyboard layout', { exact: false }).waitFor();
    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await page.getByText('5 items').waitFor();
  });

  it('made no request outside the test host, no CSP violation and no page error', async () => {
    await app.close();
    app.assertClean();
    expect(app.violations.foreignRequests).toEqual([]);
  });
});
