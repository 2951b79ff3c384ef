import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Language, OperationResult } from '../../../shared/api';
import type { IngestReport } from '../../../shared/model/items';
import type { TestHost } from '../host/server';
import { messages, pluralPattern } from './messages';

export const PASSPHRASE = 'correct horse battery staple';

/** Waits until the host has emitted operation.done for `operationId`; returns the result or throws the error. */
export async function waitForOperation(host: TestHost, operationId: string, timeoutMs = 120_000): Promise<OperationResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = host.emitted.find((e) => e.event === 'operation.done' && (e.payload as { operationId: string }).operationId === operationId);
    if (done) {
      const p = done.payload as { ok: true; result: OperationResult } | { ok: false; error: { code: string; message: string } };
      if (!p.ok) throw new Error(`operation failed: ${p.error.code} ${p.error.message}`);
      return p.result;
    }
    if (Date.now() > deadline) throw new Error('operation did not finish in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Creates a vault through the UI (create screen → recovery sheet → library). Returns the recovery key shown. */
export async function createVaultViaUi(page: Page, host: TestHost, vaultDir: string, t: { create: string; choose: string; passphrase: string; confirm: string; submit: string; recovery: string; kept: RegExp; continue: string }): Promise<string> {
  await page.getByRole('heading', { name: t.create }).waitFor();
  host.dialogs.queue('chooseVaultFolder', vaultDir);
  await page.getByRole('button', { name: t.choose }).click();
  await page.getByText(vaultDir).waitFor();
  await page.getByLabel(t.passphrase, { exact: true }).fill(PASSPHRASE);
  await page.getByLabel(t.confirm).fill(PASSPHRASE);
  await page.getByRole('button', { name: t.submit }).click();
  await page.getByRole('heading', { name: t.recovery }).waitFor({ timeout: 60_000 });
  const key = (await page.locator('.recovery-key').innerText()).replace(/\s+/g, ' ').trim();
  await page.getByLabel(t.kept).check();
  await page.getByRole('button', { name: t.continue }).click();
  return key;
}

export const EN = {
  create: 'Create a vault',
  choose: 'Choose an empty folder…',
  passphrase: 'Passphrase',
  confirm: 'Type the passphrase again',
  submit: 'Create the vault',
  recovery: 'Recovery sheet',
  kept: /I have printed/,
  continue: 'Continue to the library',
};

/** Locks the vault with "Lock now" and unlocks it with the passphrase; ends on the library. `m` gives the UI's words. */
export async function lockAndUnlock(page: Page, m: (key: string) => string): Promise<void> {
  await page.getByRole('button', { name: m('shell.lock') }).click();
  await page.getByRole('heading', { name: m('unlock.title') }).waitFor();
  await page.getByLabel(m('unlock.passphrase')).fill(PASSPHRASE);
  await page.getByRole('button', { name: m('unlock.submit'), exact: true }).click();
  await page.getByRole('heading', { level: 1, name: m('library.title') }).waitFor();
}

/** What a documenter does mid-form (issue 13, nothing typed is lost): leaves for the library, locks, unlocks. */
export async function leaveLockUnlock(page: Page, m: (key: string) => string): Promise<void> {
  await page.getByRole('link', { name: m('nav.library'), exact: true }).click();
  await page.getByRole('heading', { level: 1, name: m('library.title') }).waitFor();
  await lockAndUnlock(page, m);
}

/** Imports paths through the API (fast set-up for tests that are not about importing). */
export async function importViaApi(host: TestHost, paths: string[]): Promise<void> {
  const { operationId } = await host.call('ingest.start', { paths });
  const result = await waitForOperation(host, operationId);
  if (result.kind !== 'ingest') throw new Error('not an ingest');
}

export function fixtureDir(base: string, name: string): string {
  return path.join(base, name);
}

/**
 * After Cancel was pressed on a running import of `chosen` files: checks what the screen says against the operation's
 * report, whichever phase the click reached. Cancelled while the originals were being stored (phase 1), the import
 * stops: fewer files than chosen were handled and the screen says the import was cancelled. Cancelled once every
 * original was stored (phase 2), only the previews stop: every file was handled. Either way the screen says how many
 * previews are left for later. Which phase a click lands in depends on the machine's speed; each outcome is checked exactly,
 * and an import that finished before the click fails the test (it needs more files).
 */
export async function expectCancelledImport(page: Page, host: TestHost, lang: Language | 'pseudo', chosen: number): Promise<IngestReport> {
  const m = messages(lang);
  const note = page.locator('.note[role=status]');
  await note.waitFor({ timeout: 60_000 });
  const done = host.emitted.filter((e) => e.event === 'operation.done').at(-1)?.payload as { ok: boolean; result?: OperationResult } | undefined;
  if (!done?.ok || done.result?.kind !== 'ingest') throw new Error(`the import did not end with a report: ${JSON.stringify(done)}`);
  const report = done.result.report;
  const handled = report.ingested + report.duplicates + report.failed + report.skipped;
  const lines = await note.locator('p').allInnerTexts();
  if (report.cancelled) {
    expect(handled).toBeLessThan(chosen);
    expect(lines[0]).toContain(m('import.cancelled'));
  } else {
    expect(report.previewsPending, 'the import finished before Cancel was pressed: the test needs more files').toBeGreaterThan(0);
    expect(handled).toBe(chosen);
    expect(lines[0]).not.toContain(m('import.cancelled'));
  }
  // The previews not made (a phase stopped, or never started) are counted under the summary, in the language.
  const pending = report.previewsPending ?? 0;
  expect(pending).toBeLessThanOrEqual(report.ingested);
  if (pending === 0) expect(lines).toHaveLength(1);
  else if (lang === 'pseudo') expect(lines[1]).toBe(m(`import.previewsPending_${new Intl.PluralRules('en').select(pending)}`, { formatted: String(pending) }));
  else expect(lines[1]).toMatch(pluralPattern(lang, 'import.previewsPending', pending));
  return report;
}
