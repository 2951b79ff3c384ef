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

export type SocketModules = { readonly net: typeof netModule; readonly dgram: typeof dgramModule };

/** Installs the guard. Returns a function that removes it, for tests only: the app never removes it. */
export function installSocketGuard({ net, dgram }: SocketModules): () => void {
  const socket = net.Socket.prototype;
  const server = net.Server.prototype;
  const udp = dgram.Socket.prototype;
  const saved = { connect: socket.connect, listen: server.listen, bind: udp.bind, send: udp.send };
  const refuse = (what: string) =>
    function refused(): never {
      throw new NetworkRefusedError(what);
    };
  socket.connect = refuse('socket connect') as typeof socket.connect;
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
