/**
 * The one door in "Huella opens no network connections" (DESIGN §1 A5, §9): while a push, pull or S3 backup the
 * person asked for is running, connections to THAT endpoint (host and port) are permitted; nothing else ever is.
 * The socket guard of the desktop app (main/electron/guard) asks `isConnectionPermitted` before refusing a connect;
 * the CLI has no guard installed, and the no-network campaign proves with strace that only push/pull/backup to S3
 * connect, and only to the endpoint.
 *
 * The permits live on globalThis under a registered symbol so that the guard and this module agree even if a
 * bundler were to load two copies of this file.
 */

type Permits = Map<string, number>;

const KEY = Symbol.for('huella.network-permits');

function permits(): Permits {
  const g = globalThis as { [KEY]?: Permits };
  g[KEY] ??= new Map();
  return g[KEY];
}

function key(host: string, port: number): string {
  return `${host.replace(/^\[|\]$/g, '').toLowerCase()}:${port}`;
}

/** Runs `fn` with connections to host:port permitted; the permit ends when `fn` settles. */
export async function withNetworkPermit<T>(endpoint: { readonly host: string; readonly port: number }, fn: () => Promise<T>): Promise<T> {
  const k = key(endpoint.host, endpoint.port);
  const p = permits();
  p.set(k, (p.get(k) ?? 0) + 1);
  try {
    return await fn();
  } finally {
    const n = (p.get(k) ?? 1) - 1;
    if (n <= 0) p.delete(k);
    else p.set(k, n);
  }
}

export function isConnectionPermitted(host: string | undefined, port: number | undefined): boolean {
  if (host === undefined || port === undefined || !Number.isInteger(port)) return false;
  return permits().has(key(host, port));
}

/** The endpoints permitted right now (for tests and diagnostics). */
export function permittedEndpoints(): string[] {
  return [...permits().keys()];
}
