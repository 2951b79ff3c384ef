import dgram from 'node:dgram';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectionPermitted, withNetworkPermit } from '../../../../../main/archive/remote/network-permit';
import { NetworkRefusedError, connectTarget, installSocketGuard } from '../../../../../main/electron/guard/socket-guard';

/** Runs an attempt that may throw at once or fail later through an 'error' event or a rejected promise. */
async function refusal(attempt: (onError: (e: unknown) => void) => unknown): Promise<unknown> {
  return new Promise((resolve) => {
    try {
      const r = attempt(resolve);
      if (r instanceof Promise) r.then(() => resolve(new Error('connected')), resolve);
    } catch (e) {
      resolve(e);
    }
    setTimeout(() => resolve(new Error('no refusal within 2 s')), 2000);
  });
}

const isRefusal = (e: unknown): boolean => {
  for (let x: unknown = e; x; x = (x as { cause?: unknown }).cause) if (x instanceof NetworkRefusedError) return true;
  return false;
};

describe('run-time socket guard', () => {
  let uninstall: () => void;
  beforeAll(() => {
    uninstall = installSocketGuard({ net, dgram });
  });
  afterAll(() => uninstall());

  it('refuses TCP and Unix-socket connects', async () => {
    expect(isRefusal(await refusal((onError) => net.connect(1, '127.0.0.1').on('error', onError)))).toBe(true);
    expect(isRefusal(await refusal((onError) => net.createConnection('/tmp/huella-no-such.sock').on('error', onError)))).toBe(true);
  });

  it('refuses http, https and tls clients', async () => {
    expect(isRefusal(await refusal((onError) => http.get('http://127.0.0.1:1/').on('error', onError)))).toBe(true);
    expect(isRefusal(await refusal((onError) => https.get('https://127.0.0.1:1/').on('error', onError)))).toBe(true);
    expect(isRefusal(await refusal((onError) => tls.connect(1, '127.0.0.1').on('error', onError)))).toBe(true);
  });

  it('refuses fetch (undici) before any packet leaves', async () => {
    expect(isRefusal(await refusal(() => fetch('http://127.0.0.1:65530/') /* not port 1: fetch refuses "bad ports" itself */))).toBe(true);
  });

  it('refuses listening servers and UDP', async () => {
    expect(isRefusal(await refusal((onError) => net.createServer().on('error', onError).listen(0, '127.0.0.1')))).toBe(true);
    expect(isRefusal(await refusal((onError) => http.createServer().on('error', onError).listen(0)))).toBe(true);
    const udp = dgram.createSocket('udp4');
    expect(isRefusal(await refusal(() => udp.bind(0)))).toBe(true);
    expect(isRefusal(await refusal(() => udp.send(Buffer.from('x'), 53, '127.0.0.1')))).toBe(true);
    udp.close();
  });

  it('says why, with a stable code', () => {
    const e = new NetworkRefusedError('socket connect');
    expect(e.code).toBe('ERR_HUELLA_NO_NETWORK');
    expect(e.message).toMatch(/never opens network connections/);
  });
});

describe('the one door: a permit for the endpoint of a push, pull or S3 backup', () => {
  let uninstall: () => void;
  let server: net.Server;
  let port = 0;
  let other: net.Server;
  let otherPort = 0;
  beforeAll(async () => {
    // Servers are opened before the guard is installed (the guard refuses to listen).
    server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
    other = http.createServer((_req, res) => res.end('other'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherPort = (other.address() as net.AddressInfo).port;
    uninstall = installSocketGuard({ net, dgram, isPermitted: isConnectionPermitted });
  });
  afterAll(async () => {
    uninstall();
    await new Promise((r) => server.close(r));
    await new Promise((r) => other.close(r));
  });

  const get = (p: number): Promise<string> =>
    new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: p, path: '/', agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });

  it('connects to the permitted endpoint only while the permit runs; every other host, port or family stays refused', async () => {
    expect(isRefusal(await refusal(() => get(port)))).toBe(true);
    await withNetworkPermit({ host: '127.0.0.1', port }, async () => {
      expect(await get(port)).toBe('ok');
      expect(isRefusal(await refusal(() => get(otherPort)))).toBe(true);
      expect(isRefusal(await refusal((onError) => net.connect({ host: 'localhost', port }).on('error', onError)))).toBe(true);
      expect(isRefusal(await refusal(() => fetch(`http://127.0.0.1:${otherPort}/`)))).toBe(true);
      expect(isRefusal(await refusal((onError) => net.createConnection('/tmp/huella-no-such.sock').on('error', onError)))).toBe(true);
    });
    expect(isRefusal(await refusal(() => get(port)))).toBe(true);
  });

  it('reads every form of Socket#connect arguments', () => {
    expect(connectTarget([{ host: 'a', port: 1 }])).toEqual({ host: 'a', port: 1, path: false });
    expect(connectTarget([[{ host: 'a', port: '2' }, () => undefined]])).toEqual({ host: 'a', port: 2, path: false });
    expect(connectTarget([3, 'b'])).toEqual({ host: 'b', port: 3, path: false });
    expect(connectTarget([4])).toEqual({ host: 'localhost', port: 4, path: false });
    expect(connectTarget(['/run/x.sock'])).toEqual({ host: undefined, port: undefined, path: true });
    expect(connectTarget([{ path: '/run/x.sock' }])).toEqual({ host: undefined, port: undefined, path: true });
  });
});
