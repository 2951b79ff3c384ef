import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Person } from '../../shared/model/catalogue';
import { startTestHost, type TestHost } from './host/server';
import { openApp, screenshot, type AppWindow } from './support/browser';
import { PASSPHRASE } from './support/flows';
import { messages } from './support/messages';

/**
 * A consent's day is the day the person gave it, wherever the computer is. On a computer west of Greenwich (a
 * documenter in Bogotá, in Spanish), "2024-03-05" was read as midnight UTC and shown as 4 March; and the form's
 * "given on" started on the UTC day, which is tomorrow there every evening from 19:00.
 */
describe('consent dates on a computer in Bogotá (UTC−5), in Spanish', () => {
  const m = messages('es');
  let host: TestHost;
  let app: AppWindow;
  let tmp: string;
  let person: Person;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'huella-e2e-consent-dates-'));
    host = await startTestHost({ appState: { language: 'es' } });
    await host.call('vault.create', { path: path.join(tmp, 'vault'), passphrase: PASSPHRASE, language: 'es' });
    person = await host.call('persons.create', { realName: 'José Ramón Núñez', pseudonym: 'Testigo A' });
    await host.call('consent.record', { personId: person.id, mechanism: '*', discloseName: false, shareMaterial: true, givenAt: '2024-03-05', howRecorded: 'oral-recorded' });
    app = await openApp(host, { locale: 'es-CO', timezoneId: 'America/Bogota', fakeClock: true, viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await app?.close();
    app?.assertClean();
    await host?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('shows the day given, not the day before', async () => {
    const { page } = app;
    await page.goto(`${host.origin}/#/person/${person.id}`);
    await page.getByRole('heading', { level: 1, name: 'Testigo A' }).waitFor();
    const consent = page.getByRole('region', { name: m('consent.title') });
    const day = new Intl.DateTimeFormat('es', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 2, 5)));
    await consent.getByText(m('consent.givenOn', { date: day, how: m('consent.methods.oral-recorded') })).waitFor();
    expect(await consent.locator('table td', { hasText: day }).count()).toBeGreaterThan(0);
    await screenshot(page, 'es-consent-dates-bogota');
  });

  it("starts a new decision on the computer's day at 21:00 in Bogotá (already the next day in UTC)", async () => {
    const { page } = app;
    await page.clock.setSystemTime(new Date('2026-12-08T02:00:00Z')); // 7 December, 21:00 in Bogotá
    expect(await page.evaluate(() => new Date().toISOString())).toMatch(/^2026-12-08T02:00/);
    // Away and back in the app (no reload, the clock stays set): the form is drawn anew.
    await page.getByRole('link', { name: m('nav.people'), exact: true }).click();
    await page.getByRole('link', { name: 'Testigo A' }).click();
    await page.getByRole('heading', { level: 1, name: 'Testigo A' }).waitFor();
    await page.getByText(m('consent.record')).click();
    const given = page.getByRole('group', { name: m('consent.givenAt') });
    expect([await given.getByLabel(m('date.year')).inputValue(), await given.getByLabel(m('date.month')).inputValue(), await given.getByLabel(m('date.day')).inputValue()]).toEqual(['2026', '12', '7']);
  });
});
