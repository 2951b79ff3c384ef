/**
 * window.huella for the e2e test host: the same HuellaBridge the Electron preload exposes, implemented over
 * same-origin HTTP to the test host (POST /api/<method>) and Server-Sent Events (GET /events). Bundled by the
 * host with esbuild at start-up; HUELLA_TOKEN is replaced by the per-run token (the host serves this script only
 * to requests that already carry that token).
 *
 * Test tooling only: never shipped. The renderer cannot tell it from the Electron preload.
 */
import './csp';
import { API_EVENTS, API_METHODS, type ApiEventName, type ApiEvents, type HuellaBridge } from '../../../shared/api';
import type { Result } from '../../../shared/errors';

declare const HUELLA_TOKEN: string;

type Listener = (payload: unknown) => void;
const listeners = new Map<ApiEventName, Set<Listener>>();
const methods = new Set<string>(API_METHODS);

// Paths of files "dropped" by a test: a real drag from the desktop cannot be scripted in Chromium, so the test
// registers the path a dropped File stands for (Electron uses webUtils.getPathForFile for the same thing).
const dropPaths = new WeakMap<File, string>();
const namedDropPaths = new Map<string, string>();

const source = new EventSource(`/events?token=${encodeURIComponent(HUELLA_TOKEN)}`);
for (const name of API_EVENTS) {
  source.addEventListener(name, (e) => {
    const payload: unknown = JSON.parse((e as MessageEvent<string>).data);
    for (const l of listeners.get(name) ?? []) l(payload);
  });
}

const bridge: HuellaBridge = {
  async call(method, input) {
    if (!methods.has(method)) return { ok: false, error: { code: 'INVALID_INPUT', message: 'Unknown API method.' } };
    const res = await fetch(`/api/${encodeURIComponent(method)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-huella-token': HUELLA_TOKEN },
      body: JSON.stringify(input ?? {}),
    });
    return (await res.json()) as Result<never>;
  },
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void) {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    const l = listener as Listener;
    set.add(l);
    return () => {
      set.delete(l);
    };
  },
  previewUrl(itemId) {
    return `/preview/${encodeURIComponent(itemId)}?token=${encodeURIComponent(HUELLA_TOKEN)}`;
  },
  pathForFile(file) {
    return dropPaths.get(file) ?? namedDropPaths.get(file.name);
  },
};

Object.defineProperty(window, 'huella', { value: Object.freeze(bridge), writable: false, configurable: false });
Object.defineProperty(window, '__huellaTest', {
  value: Object.freeze({
    registerDropPath(name: string, path: string) {
      namedDropPaths.set(name, path);
    },
    registerDropFile(file: File, path: string) {
      dropPaths.set(file, path);
    },
  }),
});
