import type { BrowserWindowConstructorOptions, Session, WebPreferences } from 'electron';

/**
 * The audited webPreferences of the only window (DESIGN §8). main.ts builds its BrowserWindow options with
 * mainWindowOptions() and nothing else (a test parses main/electron to prove it); the assertion runs at creation
 * time too, so a future edit that weakens a preference stops the app instead of shipping.
 */
export const HARDENED_WEB_PREFERENCES = Object.freeze({
  // The page and the preload live in separate JavaScript worlds: the page sees window.huella and nothing else.
  contextIsolation: true,
  // The renderer runs in Chromium's OS sandbox; the preload can reach only the sandboxed Electron modules.
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  // Same-origin policy stays on; no http content inside an app page, ever.
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  // A file dropped outside the drop zone must not navigate the window to file://.
  navigateOnDragDrop: false,
  // Hunspell dictionaries are downloaded from the network on Linux and Windows; evidence text stays out of it too.
  spellcheck: false,
  enableWebSQL: false,
  plugins: false,
  safeDialogs: true,
  // A middle click must not open anything (new windows are refused anyway; this removes the path).
  disableBlinkFeatures: 'Auxclick',
  // Media never plays on its own (there is no media today; this keeps it so).
  autoplayPolicy: 'document-user-activation-required',
} as const satisfies WebPreferences);

export type WindowOptionsInput = {
  readonly preload: string;
  readonly session: Session;
  /** Development builds only. */
  readonly devTools: boolean;
  readonly title: string;
  readonly icon?: string;
};

/** The full BrowserWindow options. */
export function mainWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  const webPreferences: WebPreferences = { ...HARDENED_WEB_PREFERENCES, preload: input.preload, session: input.session, devTools: input.devTools };
  assertHardenedWebPreferences(webPreferences);
  return {
    title: input.title,
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 520,
    // Not shown until the first paint: no white flash, and nothing visible before the CSP'd page is in place.
    show: false,
    ...(input.icon ? { icon: input.icon } : {}),
    webPreferences,
  };
}

/** The preferences whose value must be exactly this, whatever else changes. */
const REQUIRED: readonly (readonly [keyof WebPreferences, boolean])[] = [
  ['contextIsolation', true],
  ['sandbox', true],
  ['nodeIntegration', false],
  ['nodeIntegrationInWorker', false],
  ['nodeIntegrationInSubFrames', false],
  ['webSecurity', true],
  ['allowRunningInsecureContent', false],
  ['webviewTag', false],
  ['experimentalFeatures', false],
  ['navigateOnDragDrop', false],
];

/** Throws, naming the preference, if any audited preference is missing or weakened. */
export function assertHardenedWebPreferences(prefs: WebPreferences | undefined): void {
  if (!prefs) throw new Error('BrowserWindow created without webPreferences: the hardened defaults are required');
  for (const [key, value] of REQUIRED) {
    if (prefs[key] !== value) throw new Error(`Refusing to create a window with webPreferences.${key} = ${String(prefs[key])} (must be ${String(value)})`);
  }
  if (prefs.enableBlinkFeatures) throw new Error('Refusing to create a window that enables extra Blink features');
  if (prefs.additionalArguments && prefs.additionalArguments.length > 0) throw new Error('Refusing to pass extra arguments to the renderer');
  if (typeof prefs.preload !== 'string' || !/preload\.cjs$/.test(prefs.preload)) throw new Error('The preload must be our bundled preload.cjs');
}
