// First, before anything else loads: the libuv thread pool's size (read once, when the pool starts), then the
// socket guard (no module imported below may open a socket, DESIGN §1 A5).
import './threadpool';
import './guard/install';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  globalShortcut,
  ipcMain,
  Menu,
  powerMonitor,
  protocol,
  session as electronSessions,
  type IpcMainInvokeEvent,
  type Session as ElectronSession,
  type WebContents,
} from 'electron';
import { API_METHODS, IPC_EVENT_PREFIX, channelFor, type ApiEventName, type ApiEvents, type ApiMethod } from '../../shared/api';
import type { Result } from '../../shared/errors';
import { shutdownIngestWorkers } from '../archive/ingest/ingest';
import { dispatch } from '../ipc/dispatch';
import { createHandlers } from '../ipc/handlers';
import { previewBytes } from '../ipc/preview';
import { Session } from '../ipc/session';
import { electronDialogs } from './dialogs/electron-dialogs';
import { IdleLockTimer, type LockReason } from './lock/idle-timer';
import { GLOBAL_LOCK_SHORTCUT, menuTemplate } from './menu/template';
import { decideNavigation, decidePermission, decideWebviewAttach, decideWindowOpen } from './policy/navigation';
import { APP_ENTRY_URL, APP_SCHEME, PREVIEW_SCHEME, isAppUrl, schemeOf } from './policy/origins';
import { requestDecision, type RequestPolicy } from './policy/requests';
import { isTrustedSender } from './policy/sender';
import { CHROMIUM_SWITCHES } from './policy/switches';
import { mainWindowOptions } from './policy/window-options';
import { resolveAppRequest } from './protocol/app-protocol';
import { withSecurityHeaders } from './protocol/headers';
import { servePreview } from './protocol/preview-protocol';
import { PRIVILEGED_SCHEMES, WINDOW_PARTITION } from './protocol/schemes';
import { AppStateFile } from './state/app-state-file';

/**
 * The Electron shell (DESIGN §8): thin glue. Every decision it applies is a pure function in ./policy,
 * ./protocol, ./lock or ./menu, unit-tested without Electron; this file only wires them to Electron's events.
 */

/** Replaced at bundle time by scripts/build-main.js (true only for `HUELLA_DEV=1 npm run build:main`). */
declare const HUELLA_DEVELOPMENT: boolean;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RENDERER_ROOT = path.resolve(HERE, '..', '..', 'renderer');
const PRELOAD = path.join(HERE, 'preload.cjs');
/** DevTools exist only in a development bundle run from source, never in a packaged app. */
const DEVELOPMENT = HUELLA_DEVELOPMENT && !app.isPackaged;
const REQUEST_POLICY: RequestPolicy = Object.freeze({ allowDevtools: DEVELOPMENT });
const IDLE_CHECK_MS = 5_000;
const UNTRUSTED_SENDER: Result<never> = { ok: false, error: { code: 'INVALID_INPUT', message: 'This request did not come from the Huella window.' } };

let mainWindow: BrowserWindow | undefined;

// ------------------------------------------------------------------------------------------ before ready

if (!app.requestSingleInstanceLock()) {
  // Another Huella is running: two processes on one vault would race on its database. Hand over and leave.
  app.quit();
} else {
  protocol.registerSchemesAsPrivileged([...PRIVILEGED_SCHEMES]);
  app.enableSandbox();
  for (const [name, value] of CHROMIUM_SWITCHES) {
    if (value === undefined) app.commandLine.appendSwitch(name);
    else app.commandLine.appendSwitch(name, value);
  }
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  // Closing the window ends the app on every platform (also macOS): an app without a window still holding an
  // unlocked vault is what A2 is about.
  app.on('window-all-closed', () => app.quit());
  app.whenReady().then(start, (e: unknown) => {
    console.error('Huella could not start:', e instanceof Error ? e.message : 'unknown error');
    app.exit(1);
  });
}

// ------------------------------------------------------------------------------------------ hardening

/** Every webContents, ours or not (DevTools included): no navigation away, no windows, no webviews. */
function hardenContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    console.warn(`Refused to open a window (${schemeOf(url)})`);
    return decideWindowOpen(url);
  });
  const guard = (e: { url: string; isSameDocument: boolean; preventDefault(): void }): void => {
    const d = decideNavigation({ url: e.url, currentUrl: contents.getURL(), isSameDocument: e.isSameDocument });
    if (!d.allow) {
      e.preventDefault();
      console.warn(`Refused navigation (${schemeOf(e.url)}): ${d.reason}`);
    }
  };
  contents.on('will-navigate', guard);
  contents.on('will-frame-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event, _prefs, params) => {
    if (!decideWebviewAttach(params.src ?? '').allow) event.preventDefault();
  });
  // WebRTC may not gather or use UDP candidates except through a proxy, and there is none: no peer connections.
  contents.setWebRTCIPHandlingPolicy('disable_non_proxied_udp');
  if (!DEVELOPMENT) contents.on('devtools-opened', () => contents.closeDevTools());
}

/** Applied to the window's in-memory session and to the default session alike. */
function hardenSession(ses: ElectronSession): void {
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => callback(decidePermission(permission, details.requestingUrl)));
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => decidePermission(permission, requestingOrigin));
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => {
    const decision = requestDecision(details.url, REQUEST_POLICY);
    if (decision.cancel) console.warn(`Refused a request (${schemeOf(details.url)})`);
    callback(decision);
  });
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback(isAppUrl(details.url) ? { responseHeaders: withSecurityHeaders(details.responseHeaders) } : {});
  });
  // Downloads would write a file the user did not export through the archive (possibly plaintext): refused.
  ses.on('will-download', (event) => event.preventDefault());
  ses.setSpellCheckerEnabled(false);
  void ses.setProxy({ mode: 'direct' });
}

// ------------------------------------------------------------------------------------------ start

function start(): void {
  const ses = electronSessions.fromPartition(WINDOW_PARTITION);
  hardenSession(electronSessions.defaultSession);
  hardenSession(ses);

  const emit = <E extends ApiEventName>(event: E, payload: ApiEvents[E]): void => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(`${IPC_EVENT_PREFIX}${event}`, payload);
  };
  const archive = new Session({ dialogs: electronDialogs(() => mainWindow), appState: new AppStateFile(app.getPath('userData')), emit });
  const handlers = createHandlers(archive);
  const isUnlocked = (): boolean => archive.vault !== undefined && !archive.vault.isLocked;

  const lockSession = (reason: LockReason): void => {
    const had = isUnlocked();
    // Cancels operations, closes the database, zeroes the keys we hold, tells the renderer (session.locked).
    archive.lock(reason);
    if (!had) return;
    // The renderer is a guest (STYLE 14): we do not rely on it forgetting. Drop Chromium's in-memory cache and
    // storage, then load the page afresh, which discards its JavaScript state and shows the unlock screen.
    void ses.clearCache();
    void ses.clearStorageData();
    if (mainWindow && !mainWindow.isDestroyed()) void mainWindow.loadURL(APP_ENTRY_URL);
  };
  const timer = new IdleLockTimer({ now: Date.now, idleMinutes: () => archive.settings().autoLockMinutes, isUnlocked, lock: lockSession });
  setInterval(() => timer.check(), IDLE_CHECK_MS);

  registerProtocols(ses, archive);
  registerIpc(handlers, () => {
    const wasUnlocked = isUnlocked();
    return () => {
      if (!wasUnlocked && isUnlocked()) timer.unlocked();
    };
  });

  powerMonitor.on('suspend', () => timer.lockNow('suspend'));
  powerMonitor.on('lock-screen', () => timer.lockNow('screen-lock'));
  powerMonitor.on('user-did-resign-active', () => timer.lockNow('screen-lock'));
  if (!globalShortcut.register(GLOBAL_LOCK_SHORTCUT, () => timer.lockNow('shortcut'))) {
    console.warn('The global lock shortcut is taken by another application; use the menu or Ctrl/Cmd+L.');
  }
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ lockNow: () => timer.lockNow('menu') }, { isMac: process.platform === 'darwin', development: DEVELOPMENT, productName: 'Huella' })));

  app.on('will-quit', () => {
    globalShortcut.unregisterAll();
    archive.lock('user', false);
    void shutdownIngestWorkers();
  });

  mainWindow = createWindow(ses, timer);
}

function createWindow(ses: ElectronSession, timer: IdleLockTimer): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions({ preload: PRELOAD, session: ses, devTools: DEVELOPMENT, title: 'Huella' }));
  win.once('ready-to-show', () => win.show());
  // Real input from the browser process (keys, mouse, wheel, touch) is what counts as "not idle".
  win.webContents.on('input-event', () => timer.activity());
  win.webContents.on('render-process-gone', () => {
    // A crashed renderer cannot show a lock screen: lock, then load a fresh page.
    timer.lockNow('user');
    if (!win.isDestroyed()) void win.loadURL(APP_ENTRY_URL);
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = undefined;
  });
  void win.loadURL(APP_ENTRY_URL);
  return win;
}

// ------------------------------------------------------------------------------------------ protocols

function registerProtocols(ses: ElectronSession, archive: Session): void {
  ses.protocol.handle(APP_SCHEME, async (request) => {
    const r = resolveAppRequest(request.url, request.method, RENDERER_ROOT);
    if (r.kind === 'refused') return new Response(null, { status: r.status, headers: r.headers });
    try {
      const body = request.method === 'HEAD' ? null : await fs.promises.readFile(r.file);
      return new Response(body, { status: r.status, headers: r.headers });
    } catch {
      return new Response(null, { status: 404, headers: { 'cache-control': 'no-store' } });
    }
  });
  // Decrypted in memory by main/ipc and handed over as the response body: no temporary file, ever.
  ses.protocol.handle(PREVIEW_SCHEME, async (request) => {
    const r = await servePreview(request.url, request.method, (itemId) => previewBytes(archive, itemId));
    return new Response(r.body ?? null, { status: r.status, headers: r.headers });
  });
}

// ------------------------------------------------------------------------------------------ IPC

function senderOf(event: IpcMainInvokeEvent): Parameters<typeof isTrustedSender>[0] {
  const frame = event.senderFrame;
  const contents = event.sender;
  return {
    frameUrl: frame && !frame.detached ? frame.url : undefined,
    isMainFrame: frame !== null && frame.parent === null && frame.frameTreeNodeId === contents.mainFrame.frameTreeNodeId,
    isOurWindow: mainWindow !== undefined && !mainWindow.isDestroyed() && contents.id === mainWindow.webContents.id,
  };
}

/** One handler per API method, registered from API_METHODS; each checks the sender, then main/ipc validates. */
function registerIpc(handlers: ReturnType<typeof createHandlers>, observe: () => () => void): void {
  for (const method of API_METHODS) {
    ipcMain.handle(channelFor(method), async (event, input: unknown) => {
      if (!isTrustedSender(senderOf(event))) {
        console.warn(`Refused an IPC call from outside the app window (${method})`);
        return UNTRUSTED_SENDER;
      }
      const after = observe();
      const result = await dispatch(handlers, method satisfies ApiMethod, input);
      after();
      return result;
    });
  }
}
