import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import dgram from 'node:dgram';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_METHODS, IPC_CHANNEL_PREFIX } from '../../../../shared/api';
import { GLOBAL_LOCK_SHORTCUT } from '../../../../main/electron/menu/template';
import { CONTENT_SECURITY_POLICY } from '../../../../main/electron/policy/csp';
import { assertHardenedWebPreferences } from '../../../../main/electron/policy/window-options';
import { buildMainBundles, removeMainBundles } from '../../../helpers/build-main';
import { tempDir } from '../../../helpers/tmp';

/**
 * The bundled main process (dist/main/electron/main.cjs, as shipped) run in plain Node against a recording
 * stand-in for the `electron` module: Electron itself cannot be downloaded or launched here, so this is how the
 * glue is exercised. It proves the wiring (which handler is installed where, what each answers), not Chromium's
 * behaviour: that part needs a real Electron run (see the README).
 */

type Handler = (...args: never[]) => unknown;
type Recorded = { readonly calls: { what: string; args: unknown[] }[] };

class FakeEmitter extends EventEmitter {}

function fakeSession(name: string, rec: Recorded) {
  const s = Object.assign(new FakeEmitter(), {
    name,
    permissionRequest: undefined as Handler | undefined,
    permissionCheck: undefined as Handler | undefined,
    devicePermission: undefined as Handler | undefined,
    beforeRequest: undefined as Handler | undefined,
    headersReceived: undefined as Handler | undefined,
    protocols: new Map<string, Handler>(),
    setPermissionRequestHandler(fn: Handler) { s.permissionRequest = fn; },
    setPermissionCheckHandler(fn: Handler) { s.permissionCheck = fn; },
    setDevicePermissionHandler(fn: Handler) { s.devicePermission = fn; },
    setSpellCheckerEnabled(v: boolean) { rec.calls.push({ what: `${name}.setSpellCheckerEnabled`, args: [v] }); },
    async setProxy(config: unknown) { rec.calls.push({ what: `${name}.setProxy`, args: [config] }); },
    async clearCache() { rec.calls.push({ what: `${name}.clearCache`, args: [] }); },
    async clearStorageData() { rec.calls.push({ what: `${name}.clearStorageData`, args: [] }); },
    webRequest: {
      onBeforeRequest(fn: Handler) { s.beforeRequest = fn; },
      onHeadersReceived(fn: Handler) { s.headersReceived = fn; },
    },
    protocol: { handle(scheme: string, fn: Handler) { s.protocols.set(scheme, fn); } },
  });
  return s;
}
type FakeSession = ReturnType<typeof fakeSession>;

function fakeWebContents(id: number, rec: Recorded) {
  const wc = Object.assign(new FakeEmitter(), {
    id,
    url: '',
    mainFrame: { frameTreeNodeId: 100 + id },
    sent: [] as unknown[][],
    windowOpen: undefined as Handler | undefined,
    webrtcPolicy: '',
    send(...args: unknown[]) { wc.sent.push(args); },
    getURL() { return wc.url; },
    setWindowOpenHandler(fn: Handler) { wc.windowOpen = fn; },
    setWebRTCIPHandlingPolicy(p: string) { wc.webrtcPolicy = p; },
    closeDevTools() { rec.calls.push({ what: 'closeDevTools', args: [id] }); },
  });
  return wc;
}
type FakeWebContents = ReturnType<typeof fakeWebContents>;

function fakeElectron(options: { singleInstance: boolean; userData: string }) {
  const rec: Recorded = { calls: [] };
  const record = (what: string) => (...args: unknown[]) => {
    rec.calls.push({ what, args });
  };
  let ready!: () => void;
  const whenReady = new Promise<void>((r) => (ready = r));
  const sessions = { defaultSession: fakeSession('default', rec), partitions: new Map<string, FakeSession>() };
  const windows: { options: { webPreferences?: Record<string, unknown> }; webContents: FakeWebContents; loaded: string[] }[] = [];
  const ipcHandlers = new Map<string, Handler>();
  const shortcuts = new Map<string, Handler>();
  const app = Object.assign(new FakeEmitter(), {
    isPackaged: false,
    requestSingleInstanceLock: () => options.singleInstance,
    quit: record('app.quit'),
    exit: record('app.exit'),
    enableSandbox: record('app.enableSandbox'),
    commandLine: { appendSwitch: record('app.commandLine.appendSwitch') },
    whenReady: () => whenReady,
    getPath: (name: string) => (name === 'userData' ? options.userData : path.join(options.userData, name)),
  });
  class BrowserWindow extends FakeEmitter {
    readonly options: { webPreferences?: Record<string, unknown> };
    readonly webContents: FakeWebContents;
    readonly loaded: string[] = [];
    constructor(opts: { webPreferences?: Record<string, unknown> }) {
      super();
      this.options = opts;
      this.webContents = fakeWebContents(windows.length + 1, rec);
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    async loadURL(url: string) {
      this.loaded.push(url);
      this.webContents.url = url;
    }
    isDestroyed() { return false; }
    isMinimized() { return false; }
    restore() {}
    focus() {}
    show() {}
  }
  const electron = {
    app,
    BrowserWindow,
    protocol: { registerSchemesAsPrivileged: record('protocol.registerSchemesAsPrivileged') },
    session: {
      defaultSession: sessions.defaultSession,
      fromPartition(p: string) {
        const s = sessions.partitions.get(p) ?? fakeSession(p, rec);
        sessions.partitions.set(p, s);
        return s;
      },
    },
    ipcMain: { handle(channel: string, fn: Handler) { ipcHandlers.set(channel, fn); } },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: record('Menu.setApplicationMenu') },
    globalShortcut: { register(acc: string, fn: Handler) { shortcuts.set(acc, fn); return true; }, unregisterAll: record('globalShortcut.unregisterAll') },
    powerMonitor: new FakeEmitter(),
    dialog: {},
  };
  return { electron, rec, ready, sessions, windows, ipcHandlers, shortcuts };
}

const originalConnect = net.Socket.prototype.connect;
const originalListen = net.Server.prototype.listen;
const originalBind = dgram.Socket.prototype.bind;
const originalSend = dgram.Socket.prototype.send;

/** Evaluates main.cjs with `electron` replaced; records, at each package load, whether the socket guard was on. */
function loadMain(mainCjs: string, fake: ReturnType<typeof fakeElectron>) {
  const realRequire = createRequire(mainCjs);
  const loads: { id: string; guarded: boolean }[] = [];
  const fakeRequire = (id: string): unknown => {
    if (id === 'electron') return fake.electron;
    loads.push({ id, guarded: net.Socket.prototype.connect !== originalConnect });
    return realRequire(id);
  };
  const module = { exports: {} };
  const code = fs.readFileSync(mainCjs, 'utf8');
  new Function('exports', 'require', 'module', '__filename', '__dirname', code)(module.exports, fakeRequire, module, mainCjs, path.dirname(mainCjs));
  return loads;
}

let electronDir: string;
beforeAll(() => {
  electronDir = buildMainBundles();
  // A tiny renderer where main.cjs looks for it (dist/renderer beside dist/main).
  const renderer = path.resolve(electronDir, '..', '..', 'renderer');
  fs.mkdirSync(renderer, { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Huella</title>');
  // The idle check runs on setInterval and reads Date.now: both are driven by the test.
  vi.useFakeTimers({ toFake: ['setInterval', 'Date'] });
}, 120_000);
afterAll(() => {
  removeMainBundles(electronDir);
  net.Socket.prototype.connect = originalConnect;
  net.Server.prototype.listen = originalListen;
  dgram.Socket.prototype.bind = originalBind;
  dgram.Socket.prototype.send = originalSend;
  vi.useRealTimers();
});

describe('main.cjs when another instance holds the lock', () => {
  it('quits and wires nothing', () => {
    const fake = fakeElectron({ singleInstance: false, userData: tempDir() });
    loadMain(path.join(electronDir, 'main.cjs'), fake);
    expect(fake.rec.calls.map((c) => c.what)).toEqual(['app.quit']);
  });
});

describe('main.cjs wiring (fake Electron)', () => {
  const userData = tempDir();
  const fake = fakeElectron({ singleInstance: true, userData });
  let loads: { id: string; guarded: boolean }[];
  let win: (typeof fake.windows)[number];
  let ses: FakeSession;

  beforeAll(async () => {
    loads = loadMain(path.join(electronDir, 'main.cjs'), fake);
    fake.ready();
    await new Promise((r) => setImmediate(r));
    win = fake.windows[0]!;
    ses = fake.sessions.partitions.get('huella-window')!;
  });

  it('installs the socket guard before it loads any package', () => {
    const packages = loads.filter((l) => !l.id.startsWith('node:'));
    expect(packages.map((l) => l.id)).toEqual(expect.arrayContaining(['better-sqlite3-multiple-ciphers', 'libsodium-wrappers-sumo']));
    expect(packages.filter((l) => !l.guarded)).toEqual([]);
  });

  it('registers both schemes in one call, enables the sandbox everywhere and applies the switches, before ready', () => {
    const what = fake.rec.calls.map((c) => c.what);
    expect(what.filter((w) => w === 'protocol.registerSchemesAsPrivileged')).toHaveLength(1);
    const schemes = fake.rec.calls.find((c) => c.what === 'protocol.registerSchemesAsPrivileged')!.args[0] as { scheme: string }[];
    expect(schemes.map((s) => s.scheme)).toEqual(['app', 'huella-preview']);
    expect(what).toContain('app.enableSandbox');
    const switches = fake.rec.calls.filter((c) => c.what === 'app.commandLine.appendSwitch').map((c) => c.args);
    expect(switches).toContainEqual(['host-resolver-rules', 'MAP * ~NOTFOUND']);
    expect(switches).toContainEqual(['no-proxy-server']);
  });

  it('creates one window from the audited options, in the in-memory session, loading app://huella', () => {
    expect(fake.windows).toHaveLength(1);
    expect(() => assertHardenedWebPreferences(win.options.webPreferences as never)).not.toThrow();
    expect(win.options.webPreferences?.session).toBe(ses);
    expect(win.options.webPreferences?.devTools).toBe(false);
    expect(String(win.options.webPreferences?.preload)).toBe(path.join(electronDir, 'preload.cjs'));
    expect(win.loaded).toEqual(['app://huella/index.html']);
  });

  it('hardens both sessions: permissions, devices, requests, downloads, spellcheck, proxy', () => {
    for (const s of [fake.sessions.defaultSession, ses]) {
      let granted: boolean | undefined;
      s.permissionRequest!({} as never, 'media' as never, ((g: boolean) => (granted = g)) as never, { requestingUrl: 'app://huella/index.html' } as never);
      expect(granted, s.name).toBe(false);
      expect(s.permissionCheck!({} as never, 'clipboard-sanitized-write' as never, 'app://huella' as never, {} as never)).toBe(false);
      expect(s.devicePermission!({} as never)).toBe(false);
      const decide = (url: string) => {
        let r: unknown;
        s.beforeRequest!({ url } as never, ((x: unknown) => (r = x)) as never);
        return r;
      };
      expect(decide('http://127.0.0.1:8080/')).toEqual({ cancel: true });
      expect(decide('devtools://devtools/bundled/inspector.html')).toEqual({ cancel: true });
      expect(decide('app://huella/index.html')).toEqual({ cancel: false });
      let prevented = false;
      s.emit('will-download', { preventDefault: () => (prevented = true) });
      expect(prevented).toBe(true);
      expect(fake.rec.calls).toContainEqual({ what: `${s.name}.setSpellCheckerEnabled`, args: [false] });
      expect(fake.rec.calls).toContainEqual({ what: `${s.name}.setProxy`, args: [{ mode: 'direct' }] });
    }
  });

  it('forces the CSP onto app:// responses and leaves preview responses alone', () => {
    let r: { responseHeaders?: Record<string, string[]> } = {};
    ses.headersReceived!({ url: 'app://huella/index.html', responseHeaders: { 'Content-Security-Policy': ["default-src *"] } } as never, ((x: typeof r) => (r = x)) as never);
    expect(r.responseHeaders?.['content-security-policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(r.responseHeaders?.['Content-Security-Policy']).toBeUndefined();
    ses.headersReceived!({ url: 'huella-preview://item/it_0123456789', responseHeaders: {} } as never, ((x: typeof r) => (r = x)) as never);
    expect(r).toEqual({});
  });

  it('serves the renderer over app:// with the CSP, refuses traversal, and 404s previews while locked', async () => {
    const app = ses.protocols.get('app')!;
    const ok = (await app({ url: 'app://huella/index.html', method: 'GET' } as never)) as Response;
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await ok.text()).toContain('<title>Huella</title>');
    const out = (await app({ url: 'app://huella/..%2f..%2fpackage.json', method: 'GET' } as never)) as Response;
    expect(out.status).toBe(404);
    const preview = ses.protocols.get('huella-preview')!;
    expect(((await preview({ url: 'huella-preview://item/it_0123456789', method: 'GET' } as never)) as Response).status).toBe(404);
  });

  it('registers one IPC handler per API method and nothing else', () => {
    expect([...fake.ipcHandlers.keys()].sort()).toEqual(API_METHODS.map((m) => `${IPC_CHANNEL_PREFIX}${m}`).sort());
  });

  it('answers the main frame of its window and refuses every other sender before validating', async () => {
    const call = fake.ipcHandlers.get(`${IPC_CHANNEL_PREFIX}session.status`)!;
    const main = { sender: win.webContents, senderFrame: { url: 'app://huella/index.html#/', detached: false, parent: null, frameTreeNodeId: win.webContents.mainFrame.frameTreeNodeId } };
    expect(await call(main as never, {} as never)).toMatchObject({ ok: true, value: { state: 'no-vault' } });
    const refused = [
      { ...main, senderFrame: { ...main.senderFrame, parent: {}, frameTreeNodeId: 999 } },
      { ...main, senderFrame: { ...main.senderFrame, url: 'file:///tmp/index.html' } },
      { ...main, senderFrame: null },
      { ...main, sender: fakeWebContents(99, fake.rec) },
    ];
    for (const event of refused) {
      expect(await call(event as never, {} as never)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    // and a trusted call still goes through main/ipc validation
    expect(await call(main as never, { unexpected: 1 } as never)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('hardens every webContents: no window, no navigation away, no webview, no UDP for WebRTC', () => {
    const wc = win.webContents;
    expect(wc.windowOpen!({ url: 'https://example.org' } as never)).toEqual({ action: 'deny' });
    expect(wc.webrtcPolicy).toBe('disable_non_proxied_udp');
    const navigate = (event: string, url: string, isSameDocument: boolean) => {
      let prevented = false;
      wc.emit(event, { url, isSameDocument, preventDefault: () => (prevented = true) });
      return prevented;
    };
    for (const ev of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(navigate(ev, 'https://example.org/', false), ev).toBe(true);
      expect(navigate(ev, 'file:///etc/passwd', false), ev).toBe(true);
      expect(navigate(ev, 'app://huella/index.html#/item/it_0123456789', true), ev).toBe(false);
    }
    let webview = false;
    wc.emit('will-attach-webview', { preventDefault: () => (webview = true) }, {}, { src: 'https://example.org' });
    expect(webview).toBe(true);
    wc.emit('devtools-opened');
    expect(fake.rec.calls).toContainEqual({ what: 'closeDevTools', args: [wc.id] });
  });

  it('locks on suspend, screen lock, the global shortcut and the menu (no vault open: no reload needed)', () => {
    expect(fake.shortcuts.has(GLOBAL_LOCK_SHORTCUT)).toBe(true);
    fake.electron.powerMonitor.emit('suspend');
    fake.electron.powerMonitor.emit('lock-screen');
    fake.shortcuts.get(GLOBAL_LOCK_SHORTCUT)!();
    expect(fake.electron.powerMonitor.listenerCount('suspend')).toBe(1);
    expect(fake.electron.powerMonitor.listenerCount('lock-screen')).toBe(1);
    // Nothing was unlocked, so nothing was reloaded or cleared.
    expect(win.loaded).toEqual(['app://huella/index.html']);
    const menu = fake.rec.calls.find((c) => c.what === 'Menu.setApplicationMenu')!.args[0] as { submenu?: { id?: string }[] }[];
    expect(menu.flatMap((m) => m.submenu ?? []).some((i) => i.id === 'lock-now')).toBe(true);
  });

  describe('with a vault unlocked', () => {
    const vaultDir = path.join(tempDir(), 'vault');
    const trusted = () => ({ sender: win.webContents, senderFrame: { url: 'app://huella/index.html#/', detached: false, parent: null, frameTreeNodeId: win.webContents.mainFrame.frameTreeNodeId } });
    const call = (method: string, input: unknown) => fake.ipcHandlers.get(`${IPC_CHANNEL_PREFIX}${method}`)!(trusted() as never, input as never) as Promise<{ ok: boolean; value?: unknown }>;
    const lockEvents = () => win.webContents.sent.filter(([channel]) => channel === 'huella-event:session.locked').map(([, payload]) => payload);
    const unlock = async () => {
      const r = fs.existsSync(vaultDir)
        ? await call('vault.unlock', { path: vaultDir, passphrase: 'correct horse battery staple' })
        : await call('vault.create', { path: vaultDir, passphrase: 'correct horse battery staple', language: 'en' });
      expect(r.ok).toBe(true);
      expect(await call('session.status', {})).toMatchObject({ ok: true, value: { state: 'unlocked' } });
    };

    it('remembers the vault folder in the app state file in userData, and nothing else', async () => {
      await unlock();
      expect(fs.readdirSync(userData)).toEqual(['huella-app-state.json']);
      expect(JSON.parse(fs.readFileSync(path.join(userData, 'huella-app-state.json'), 'utf8'))).toEqual({ lastVaultPath: vaultDir, language: 'en' });
    }, 60_000);

    it('suspend locks: the database closes, the renderer is told, its storage cleared and its page reloaded', async () => {
      const before = win.loaded.length;
      fake.electron.powerMonitor.emit('suspend');
      expect(await call('session.status', {})).toMatchObject({ ok: true, value: { state: 'locked' } });
      expect(lockEvents().at(-1)).toEqual({ reason: 'suspend' });
      expect(fake.rec.calls.map((c) => c.what)).toEqual(expect.arrayContaining(['huella-window.clearCache', 'huella-window.clearStorageData']));
      expect(win.loaded.slice(before)).toEqual(['app://huella/index.html']);
    });

    it('the idle timer locks after the setting (10 minutes by default) without input, once', async () => {
      await unlock();
      vi.advanceTimersByTime(9 * 60_000);
      win.webContents.emit('input-event', {}, { type: 'mouseMove' });
      vi.advanceTimersByTime(9 * 60_000);
      expect(await call('session.status', {})).toMatchObject({ value: { state: 'unlocked' } });
      vi.advanceTimersByTime(60_000 + 5_000);
      expect(await call('session.status', {})).toMatchObject({ value: { state: 'locked' } });
      expect(lockEvents().at(-1)).toEqual({ reason: 'idle' });
      const count = lockEvents().length;
      vi.advanceTimersByTime(60 * 60_000);
      expect(lockEvents()).toHaveLength(count);
    }, 60_000);

    it('the global shortcut and the menu lock at once', async () => {
      await unlock();
      fake.shortcuts.get(GLOBAL_LOCK_SHORTCUT)!();
      expect(lockEvents().at(-1)).toEqual({ reason: 'shortcut' });
      await unlock();
      const menu = fake.rec.calls.find((c) => c.what === 'Menu.setApplicationMenu')!.args[0] as { submenu?: { id?: string; click?: () => void }[] }[];
      menu.flatMap((m) => m.submenu ?? []).find((i) => i.id === 'lock-now')!.click!();
      expect(lockEvents().at(-1)).toEqual({ reason: 'menu' });
      expect(await call('session.status', {})).toMatchObject({ value: { state: 'locked' } });
    }, 60_000);
  });
});
