import { API_EVENTS, API_METHODS, IPC_EVENT_PREFIX, channelFor, type ApiEventName, type ApiEvents, type ApiMethod, type HuellaBridge } from '../../shared/api';
import type { Result } from '../../shared/errors';
import { previewUrlFor } from './policy/origins';

/**
 * window.huella, built without Electron so a test can check its surface (STYLE: Mattermost / Bitwarden, not
 * create-electron-vite). The page gets four functions and nothing else: never ipcRenderer, never an IPC event
 * object (its `sender` would hand the page the raw IPC), never a channel outside API_METHODS / API_EVENTS.
 */
export type BridgeTransport = {
  invoke(channel: string, input: unknown): Promise<unknown>;
  /** Delivers only the payload to the listener; returns the unsubscribe. */
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
  /** Electron's webUtils.getPathForFile: "" when the File did not come from the filesystem. */
  pathForFile(file: File): string;
};

/** The shape of Electron's ipcRenderer that the transport uses (structural, so tests pass a fake). */
export type IpcRendererLike = {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
};
export type WebUtilsLike = { getPathForFile(file: File): string };

export function ipcTransport(ipc: IpcRendererLike, webUtils: WebUtilsLike): BridgeTransport {
  return {
    invoke: (channel, input) => ipc.invoke(channel, input),
    subscribe(channel, listener) {
      // The IpcRendererEvent is dropped here: only the (cloned) payload crosses into the page's world.
      const wrapped = (_event: unknown, payload: unknown): void => listener(payload);
      ipc.on(channel, wrapped);
      return () => {
        ipc.removeListener(channel, wrapped);
      };
    },
    pathForFile: (file) => webUtils.getPathForFile(file),
  };
}

const METHODS: ReadonlySet<string> = new Set(API_METHODS);
const EVENTS: ReadonlySet<string> = new Set(API_EVENTS);

const UNKNOWN_METHOD = { ok: false, error: { code: 'INVALID_INPUT', message: 'Unknown API method.' } } as const;
const NOT_SENDABLE = { ok: false, error: { code: 'INVALID_INPUT', message: 'The request could not be sent (it must be plain data).' } } as const;

export function buildBridge(transport: BridgeTransport): HuellaBridge {
  const bridge: HuellaBridge = {
    async call(method, input) {
      if (typeof method !== 'string' || !METHODS.has(method)) return UNKNOWN_METHOD as Result<never>;
      try {
        return (await transport.invoke(channelFor(method as ApiMethod), input ?? {})) as Result<never>;
      } catch {
        // Structured-clone failures (functions, DOM nodes) and a main process without the handler end up here.
        return NOT_SENDABLE as Result<never>;
      }
    },
    on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
      if (typeof event !== 'string' || !EVENTS.has(event) || typeof listener !== 'function') return () => undefined;
      return transport.subscribe(`${IPC_EVENT_PREFIX}${event}`, (payload) => listener(payload as ApiEvents[E]));
    },
    previewUrl(itemId) {
      return previewUrlFor(String(itemId));
    },
    pathForFile(file) {
      try {
        const p = transport.pathForFile(file);
        return p === '' ? undefined : p;
      } catch {
        return undefined;
      }
    },
  };
  return Object.freeze(bridge);
}
