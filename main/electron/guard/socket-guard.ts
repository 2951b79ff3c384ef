import type dgramModule from 'node:dgram';
import type netModule from 'node:net';

/**
 * Run-time half of "the main process opens no sockets" (DESIGN §1 A5); the static half is a test that scans the
 * bundled main code. Our code imports no network module, but a dependency could (exifr, for one, can fetch URLs),
 * so every way Node opens a socket refuses instead: TCP and Unix-socket connects (which http, https, tls, http2,
 * fetch and WebSocket all go through), listening servers, and UDP. Installed first thing in the main bundle and in
 * every parse worker. Electron's own IPC and Chromium's network service do not use these classes; Chromium's
 * requests are refused separately by the session's request filter.
 */
export class NetworkRefusedError extends Error {
  readonly code = 'ERR_HUELLA_NO_NETWORK';
  constructor(what: string) {
    super(`Huella never opens network connections (refused: ${what}).`);
    this.name = 'NetworkRefusedError';
  }
}

export type SocketModules = {
  readonly net: typeof netModule;
  readonly dgram: typeof dgramModule;
  /**
   * The one exception (DESIGN §9): a TCP connect to a host and port that a push, pull or S3 backup the person
   * asked for has a permit for, while it runs (main/archive/remote/network-permit.ts). Unix sockets, servers and
   * UDP are never permitted.
   */
  readonly isPermitted?: (host: string | undefined, port: number | undefined) => boolean;
};

type ConnectTarget = { readonly host: string | undefined; readonly port: number | undefined; readonly path: boolean };

/**
 * The target of a Socket#connect call in any of its forms: (options[, cb]), (port[, host][, cb]), (path[, cb]),
 * and the normalized [options, cb] array that net.connect and http's agent pass.
 */
export function connectTarget(args: readonly unknown[]): ConnectTarget {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof o.path === 'string') return { host: undefined, port: undefined, path: true };
    const port = typeof o.port === 'number' ? o.port : typeof o.port === 'string' && /^\d+$/.test(o.port) ? Number(o.port) : undefined;
    return { host: typeof o.host === 'string' ? o.host : 'localhost', port, path: false };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first), path: false };
  }
  return { host: undefined, port: undefined, path: typeof first === 'string' };
}

/** Installs the guard. Returns a function that removes it, for tests only: the app never removes it. */
export function installSocketGuard({ net, dgram, isPermitted }: SocketModules): () => void {
  const socket = net.Socket.prototype;
  const server = net.Server.prototype;
  const udp = dgram.Socket.prototype;
  const saved = { connect: socket.connect, listen: server.listen, bind: udp.bind, send: udp.send };
  const refuse = (what: string) =>
    function refused(): never {
      throw new NetworkRefusedError(what);
    };
  socket.connect = function guardedConnect(this: netModule.Socket, ...args: unknown[]) {
    const target = connectTarget(args);
    if (isPermitted && !target.path && isPermitted(target.host, target.port)) return (saved.connect as (...a: unknown[]) => netModule.Socket).apply(this, args);
    throw new NetworkRefusedError(target.path ? 'socket connect' : `socket connect to ${target.host ?? '?'}:${target.port ?? '?'}`);
  } as typeof socket.connect;
  server.listen = refuse('listen') as typeof server.listen;
  udp.bind = refuse('udp bind') as typeof udp.bind;
  udp.send = refuse('udp send') as typeof udp.send;
  return () => {
    socket.connect = saved.connect;
    server.listen = saved.listen;
    udp.bind = saved.bind;
    udp.send = saved.send;
  };
}
