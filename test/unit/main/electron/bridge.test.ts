import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { API_EVENTS, API_METHODS, IPC_CHANNEL_PREFIX, IPC_EVENT_PREFIX, channelFor, type HuellaBridge } from '../../../../shared/api';
import { buildBridge, ipcTransport, type BridgeTransport, type IpcRendererLike } from '../../../../main/electron/bridge';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** A stand-in for ipcRenderer that records everything and calls listeners like Electron does (event first). */
function fakeIpc() {
  const invoked: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Set<Listener>>();
  const senderSecret = { send: () => 'raw ipc' };
  const ipc: IpcRendererLike = {
    async invoke(channel, ...args) {
      invoked.push({ channel, args });
      return { ok: true, value: { echoed: channel } };
    },
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
      return ipc;
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
      return ipc;
    },
  };
  const emit = (channel: string, payload: unknown) => {
    for (const l of listeners.get(channel) ?? []) l({ sender: senderSecret, ports: [] }, payload);
  };
  return { ipc, invoked, listeners, emit };
}

const fakeWebUtils = { getPathForFile: (file: File) => (file.name === 'dropped.jpg' ? '/home/me/dropped.jpg' : '') };

describe('window.huella (the preload bridge)', () => {
  it('exposes exactly the HuellaBridge surface, frozen', () => {
    const bridge = buildBridge(ipcTransport(fakeIpc().ipc, fakeWebUtils));
    expect(Object.keys(bridge).sort()).toEqual(['call', 'on', 'pathForFile', 'previewUrl']);
    expect(Object.isFrozen(bridge)).toBe(true);
    for (const v of Object.values(bridge)) expect(typeof v).toBe('function');
    expectTypeOf(bridge).toEqualTypeOf<HuellaBridge>();
  });

  it('sends every API method on its own channel, with the input, and nothing else', async () => {
    const f = fakeIpc();
    const bridge = buildBridge(ipcTransport(f.ipc, fakeWebUtils));
    for (const m of API_METHODS) {
      const r = await bridge.call(m, {} as never);
      expect(r).toEqual({ ok: true, value: { echoed: channelFor(m) } });
    }
    expect(f.invoked.map((c) => c.channel)).toEqual(API_METHODS.map((m) => `${IPC_CHANNEL_PREFIX}${m}`));
    expect(f.invoked.every((c) => c.args.length === 1)).toBe(true);
  });

  it('never sends a method outside API_METHODS', async () => {
    const f = fakeIpc();
    const bridge = buildBridge(ipcTransport(f.ipc, fakeWebUtils));
    for (const m of ['vault.delete', 'constructor', '__proto__', 'toString', '', '../vault.lock', 'huella:vault.lock']) {
      const r = await bridge.call(m as never, {} as never);
      expect(r.ok, m).toBe(false);
    }
    expect(await bridge.call(42 as never, {} as never)).toMatchObject({ ok: false });
    expect(f.invoked).toEqual([]);
  });

  it('turns a failed send (non-cloneable input, no handler) into an error Result, not a throw', async () => {
    const transport: BridgeTransport = { invoke: () => Promise.reject(new Error('An object could not be cloned')), subscribe: () => () => undefined, pathForFile: () => '' };
    const r = await buildBridge(transport).call('session.status', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('delivers only the payload of an event, never the IPC event (whose sender is raw IPC)', () => {
    const f = fakeIpc();
    const bridge = buildBridge(ipcTransport(f.ipc, fakeWebUtils));
    const got: unknown[][] = [];
    bridge.on('session.locked', (...args: unknown[]) => got.push(args));
    f.emit(`${IPC_EVENT_PREFIX}session.locked`, { reason: 'idle' });
    expect(got).toEqual([[{ reason: 'idle' }]]);
  });

  it('subscribes only to API_EVENTS and unsubscribes cleanly', () => {
    const f = fakeIpc();
    const bridge = buildBridge(ipcTransport(f.ipc, fakeWebUtils));
    const offs = API_EVENTS.map((e) => bridge.on(e, () => undefined));
    expect([...f.listeners.keys()].sort()).toEqual(API_EVENTS.map((e) => `${IPC_EVENT_PREFIX}${e}`).sort());
    const offBad = bridge.on('vault.unlock' as never, () => undefined);
    bridge.on('session.locked', 'not a function' as never);
    expect(f.listeners.size).toBe(API_EVENTS.length);
    expect([...f.listeners.values()].every((s) => s.size === 1)).toBe(true);
    for (const off of offs) off();
    offBad();
    expect([...f.listeners.values()].every((s) => s.size === 0)).toBe(true);
  });

  it('gives preview URLs on the preview protocol, never file://', () => {
    const bridge = buildBridge(ipcTransport(fakeIpc().ipc, fakeWebUtils));
    expect(bridge.previewUrl('it_0123456789')).toBe('huella-preview://item/it_0123456789');
    expect(bridge.previewUrl('../../x')).toBe('huella-preview://item/..%2F..%2Fx');
  });

  it('reports a dropped file path, and undefined when Electron knows none', () => {
    const bridge = buildBridge(ipcTransport(fakeIpc().ipc, fakeWebUtils));
    expect(bridge.pathForFile(new File([], 'dropped.jpg'))).toBe('/home/me/dropped.jpg');
    expect(bridge.pathForFile(new File([], 'made-in-page.txt'))).toBeUndefined();
    const throwing = buildBridge({ invoke: async () => undefined, subscribe: () => () => undefined, pathForFile: () => { throw new TypeError('not a File'); } });
    expect(throwing.pathForFile({} as File)).toBeUndefined();
  });
});

describe('preload.ts', () => {
  const file = path.resolve(import.meta.dirname, '../../../../main/electron/preload.ts');
  const src = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const calls: ts.CallExpression[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) calls.push(n);
    n.forEachChild(visit);
  };
  visit(src);

  it('exposes one thing, window.huella = buildBridge(ipcTransport(ipcRenderer, webUtils))', () => {
    const exposes = calls.filter((c) => ts.isPropertyAccessExpression(c.expression) && c.expression.name.text === 'exposeInMainWorld');
    expect(exposes).toHaveLength(1);
    const [name, value] = exposes[0]!.arguments;
    expect(name && ts.isStringLiteral(name) && name.text).toBe('huella');
    expect(value?.getText(src)).toBe('buildBridge(ipcTransport(ipcRenderer, webUtils))');
  });

  it('uses ipcRenderer nowhere else (it must never reach the page)', () => {
    const uses: ts.Node[] = [];
    const find = (n: ts.Node): void => {
      if (ts.isIdentifier(n) && n.text === 'ipcRenderer') uses.push(n.parent);
      n.forEachChild(find);
    };
    find(src);
    // once in the import, once as the transport's argument
    expect(uses.map((u) => ts.SyntaxKind[u.kind])).toEqual(['ImportSpecifier', 'CallExpression']);
    expect(src.getText()).not.toMatch(/exposeInIsolatedWorld|executeInMainWorld|\bwindow\./);
  });
});
