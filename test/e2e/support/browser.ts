import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { TestHost } from '../host/server';

/**
 * The e2e harness: Debian's Chromium driven by playwright-core (never a downloaded browser), one fresh profile per
 * app window, and guards that make a test fail on anything the renderer must never do:
 * - a request to any origin but the test host (DESIGN §1 A5: the app opens no connection);
 * - a Content-Security-Policy violation (no inline script/style, no foreign resource);
 * - an uncaught page error.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
export const OUTPUT_DIR = path.join(ROOT, 'test-output');
export const SCREENSHOT_DIR = path.join(OUTPUT_DIR, 'screenshots');
const CHROMIUM = process.env.HUELLA_CHROMIUM ?? '/usr/bin/chromium';

/** The few browser globals the harness touches inside page.evaluate (this file compiles without the DOM lib). */
type PageGlobals = {
  __cspViolations?: string[];
  document: { addEventListener(type: 'securitypolicyviolation', fn: (e: { violatedDirective: string; blockedURI: string; sourceFile: string; lineNumber: number; columnNumber: number }) => void): void };
  axe?: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> };
};

export type AppWindow = {
  readonly page: Page;
  readonly context: BrowserContext;
  /** What the guards caught; assertClean() throws if any is non-empty. */
  readonly violations: { readonly foreignRequests: string[]; readonly csp: string[]; readonly pageErrors: string[] };
  assertClean(): void;
  close(): Promise<void>;
};

export type OpenOptions = {
  readonly locale?: string;
  readonly viewport?: { width: number; height: number };
  /** The browser's time zone (IANA name); UTC unless given. */
  readonly timezoneId?: string;
  /** Install Playwright's fake clock before the app loads (idle auto-lock tests). */
  readonly fakeClock?: boolean;
  /** Open the app in the pseudo-locale (every translated text in accented look-alikes: shared/i18n/pseudo.ts). */
  readonly pseudoLocale?: boolean;
};

/** Opens the app served by `host` in a fresh Chromium with its own temporary profile. */
export async function openApp(host: Pick<TestHost, 'origin' | 'token'>, options: OpenOptions = {}): Promise<AppWindow> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huella-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-features=Translate,OptimizationHints,MediaRouter'],
    viewport: options.viewport ?? { width: 1280, height: 860 },
    locale: options.locale ?? 'en-GB',
    timezoneId: options.timezoneId ?? 'UTC',
    // Every request from the page carries the per-run token; the host refuses any that does not.
    extraHTTPHeaders: { 'x-huella-token': host.token },
    serviceWorkers: 'block',
    acceptDownloads: false,
  });
  const violations = { foreignRequests: [] as string[], csp: [] as string[], pageErrors: [] as string[] };
  const allowed = (url: string) => url.startsWith(`${host.origin}/`) || url === 'about:blank';
  context.on('request', (req) => {
    const url = req.url();
    if (!allowed(url)) violations.foreignRequests.push(url);
  });
  // Belt and braces: a foreign request is also aborted, so a failing test cannot leak anything either.
  await context.route(
    (url) => !allowed(url.toString()),
    (route) => route.abort('blockedbyclient'),
  );
  await context.addInitScript(() => {
    const w = globalThis as unknown as PageGlobals;
    w.document.addEventListener('securitypolicyviolation', (e) => {
      (w.__cspViolations ??= []).push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`);
    });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => violations.pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) violations.csp.push(m.text());
  });
  if (options.fakeClock) await context.clock.install();
  await page.goto(`${host.origin}/${options.pseudoLocale ? '?pseudo-locale' : ''}`);
  return {
    page,
    context,
    violations,
    assertClean() {
      const problems = [
        ...violations.foreignRequests.map((u) => `request to a foreign origin: ${u}`),
        ...violations.csp.map((c) => `CSP violation: ${c}`),
        ...violations.pageErrors.map((e) => `page error: ${e}`),
      ];
      if (problems.length > 0) throw new Error(problems.join('\n'));
    },
    async close() {
      try {
        const csp = await page.evaluate(() => (globalThis as unknown as PageGlobals).__cspViolations ?? []).catch(() => []);
        violations.csp.push(...csp);
      } finally {
        await context.close();
        fs.rmSync(userDataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Collects CSP violations recorded in the page so far into the window's violations. */
export async function collectCsp(app: AppWindow): Promise<void> {
  const csp = await app.page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    const v = w.__cspViolations ?? [];
    w.__cspViolations = [];
    return v;
  });
  app.violations.csp.push(...csp);
}

/** Whether the element the locator finds holds the keyboard focus (this file compiles without the DOM lib). */
export function hasFocus(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  // Animations and the caret would make screenshots differ run to run.
  await page.screenshot({ path: file, fullPage: false, animations: 'disabled', caret: 'hide' });
  return file;
}

export type AxeViolation = { readonly id: string; readonly impact: string | null; readonly help: string; readonly nodes: number; readonly targets: readonly string[] };
export type AxeSummary = { readonly screen: string; readonly serious: readonly AxeViolation[]; readonly all: readonly AxeViolation[] };

const AXE_SOURCE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');

/**
 * Runs axe-core on the current page (WCAG 2.x A/AA rules and best practices) and returns the violations, the
 * serious and critical ones apart. axe is injected through Playwright (a CDP evaluation), not a <script> tag, so
 * the strict CSP of the page stays as it is.
 */
export async function runAxe(page: Page, screen: string): Promise<AxeSummary> {
  const loaded = await page.evaluate(() => typeof (globalThis as unknown as PageGlobals).axe !== 'undefined');
  if (!loaded) await page.evaluate(fs.readFileSync(AXE_SOURCE, 'utf8'));
  const raw = await page.evaluate(async () => {
    const w = globalThis as unknown as PageGlobals;
    const r = await w.axe!.run(w.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, targets: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)) }));
  });
  const serious = raw.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return { screen, serious, all: raw };
}

/** Appends one screen's axe result to test-output/axe.jsonl (the per-screen record the issue asks for). */
export function recordAxe(summary: AxeSummary): void {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  fs.appendFileSync(path.join(OUTPUT_DIR, 'axe.jsonl'), JSON.stringify({ screen: summary.screen, serious: summary.serious.length, total: summary.all.length, violations: summary.all }) + '\n');
}
