import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { build } from 'esbuild';
import type { ApiEventName, ApiEvents, ApiInput, ApiMethod, ApiOutput } from '../../../shared/api';
import { shutdownIngestWorkers } from '../../../main/archive/ingest/ingest';
import { dispatch } from '../../../main/ipc/dispatch';
import { createHandlers } from '../../../main/ipc/handlers';
import type { AppState, AppStatePort } from '../../../main/ipc/ports';
import { previewBytes } from '../../../main/ipc/preview';
import { Session } from '../../../main/ipc/session';
import { ScriptedDialogs } from './dialogs';

/**
 * The e2e test host (issue 7): serves the built renderer and bridges window.huella to the real main/ipc handlers,
 * so Chromium end-to-end tests run the real vault, SQLCipher and crypto.
 *
 * Test tooling, never shipped. It listens on 127.0.0.1 only, on a random port, and every request must carry the
 * per-run random token (header `x-huella-token`, or `?token=` where a browser cannot set headers: EventSource and
 * <img>); anything else gets 403. It sends the same strict CSP the app uses, so a test also proves the renderer
 * needs no inline script or style and no other origin.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
export const RENDERER_DIR = path.join(ROOT, 'dist/renderer');
const MAX_BODY = 8 * 1024 * 1024;

export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), clipboard-read=()',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export class MemoryAppState implements AppStatePort {
  #state: AppState;
  constructor(initial: AppState = {}) {
    this.#state = initial;
  }
  load(): AppState {
    return this.#state;
  }
  save(state: AppState): void {
    this.#state = state;
  }
}

export type TestHost = {
  /** e.g. http://127.0.0.1:43123 — the only origin the renderer may talk to. */
  readonly origin: string;
  readonly token: string;
  readonly dialogs: ScriptedDialogs;
  readonly session: Session;
  readonly appState: MemoryAppState;
  /** Every event sent to the renderer, in order (tests assert on progress and lock events). */
  readonly emitted: { event: ApiEventName; payload: unknown }[];
  /** Requests refused (no or wrong token, wrong Host): a test can assert the guard fired. */
  readonly refused: { url: string; reason: string }[];
  /** Calls an API method the way the renderer does (same dispatch), to set up state quickly; throws on an error. */
  call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>>;
  close(): Promise<void>;
};

export type TestHostOptions = { readonly rendererDir?: string; readonly appState?: AppState };

async function bundleBridge(token: string): Promise<string> {
  const out = await build({
    entryPoints: [path.join(ROOT, 'test/e2e/browser/bridge.ts')],
    bundle: true,
    format: 'iife',
    target: 'chrome120',
    write: false,
    define: { HUELLA_TOKEN: JSON.stringify(token) },
    logLevel: 'silent',
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error('esbuild produced no bridge bundle');
  return file.text;
}

function tokenMatches(expected: Buffer, given: string | undefined | null): boolean {
  if (!given) return false;
  const g = Buffer.from(given);
  return g.length === expected.length && crypto.timingSafeEqual(g, expected);
}

export async function startTestHost(options: TestHostOptions = {}): Promise<TestHost> {
  const rendererDir = options.rendererDir ?? RENDERER_DIR;
  const indexFile = path.join(rendererDir, 'index.html');
  if (!fs.existsSync(indexFile)) throw new Error(`The renderer is not built (${indexFile} missing): run npm run build:renderer first.`);

  const token = crypto.randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const bridgeJs = await bundleBridge(token);
  // Read on every request: a rebuild of the renderer while a long-running host is up (perf runs) stays consistent.
  const indexHtml = (): string => {
    const html = fs.readFileSync(indexFile, 'utf8').replace('<script type="module"', '<script src="./huella-bridge.js"></script>\n    <script type="module"');
    if (!html.includes('huella-bridge.js')) throw new Error('could not inject the bridge into index.html');
    return html;
  };
  indexHtml();

  const sseClients = new Set<http.ServerResponse>();
  const emitted: TestHost['emitted'] = [];
  const refused: TestHost['refused'] = [];
  const dialogs = new ScriptedDialogs();
  const appState = new MemoryAppState(options.appState);
  const emit = <E extends ApiEventName>(event: E, payload: ApiEvents[E]): void => {
    emitted.push({ event, payload });
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const c of sseClients) c.write(frame);
  };
  const session = new Session({ dialogs, appState, emit });
  const handlers = createHandlers(session);

  let hostHeader = '';
  const send = (res: http.ServerResponse, status: number, type: string, body: string | Buffer): void => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      // DNS rebinding: a page on another name that resolves to 127.0.0.1 must not reach the vault.
      if (req.headers.host !== hostHeader) {
        refused.push({ url: url.pathname, reason: 'host' });
        return send(res, 403, 'text/plain', 'forbidden');
      }
      const headerToken = req.headers['x-huella-token'];
      if (!tokenMatches(tokenBytes, typeof headerToken === 'string' ? headerToken : url.searchParams.get('token'))) {
        refused.push({ url: url.pathname, reason: 'token' });
        return send(res, 403, 'text/plain', 'forbidden');
      }

      if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const c of req) {
          size += (c as Buffer).length;
          if (size > MAX_BODY) return send(res, 413, 'text/plain', 'too large');
          chunks.push(c as Buffer);
        }
        let input: unknown;
        try {
          input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        } catch {
          return send(res, 400, 'application/json', JSON.stringify({ ok: false, error: { code: 'INVALID_INPUT', message: 'Not JSON.' } }));
        }
        const result = await dispatch(handlers, decodeURIComponent(url.pathname.slice(5)), input);
        return send(res, 200, 'application/json', JSON.stringify(result));
      }
      if (req.method !== 'GET') return send(res, 405, 'text/plain', 'method not allowed');

      if (url.pathname === '/events') {
        res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
        res.write(': connected\n\n');
        sseClients.add(res);
        req.on('close', () => sseClients.delete(res));
        return;
      }
      if (url.pathname.startsWith('/preview/')) {
        const preview = await previewBytes(session, decodeURIComponent(url.pathname.slice('/preview/'.length)));
        if (!preview) return send(res, 404, 'text/plain', 'not found');
        return send(res, 200, preview.type, preview.data);
      }
      if (url.pathname === '/' || url.pathname === '/index.html') return send(res, 200, TYPES['.html']!, indexHtml());
      if (url.pathname === '/huella-bridge.js') return send(res, 200, TYPES['.js']!, bridgeJs);

      const file = path.resolve(rendererDir, '.' + path.posix.normalize(decodeURIComponent(url.pathname)));
      if (!file.startsWith(rendererDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return send(res, 404, 'text/plain', 'not found');
      return send(res, 200, TYPES[path.extname(file)] ?? 'application/octet-stream', fs.readFileSync(file));
    })().catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain', 'host error');
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  hostHeader = `127.0.0.1:${address.port}`;
  const origin = `http://${hostHeader}`;

  return {
    origin,
    token,
    dialogs,
    session,
    appState,
    emitted,
    refused,
    async call(method, input) {
      const r = await dispatch(handlers, method, input);
      if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
      return r.value as never;
    },
    async close() {
      session.lock('user', false);
      for (const c of sseClients) c.end();
      sseClients.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await shutdownIngestWorkers();
    },
  };
}
