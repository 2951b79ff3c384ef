import dgram from 'node:dgram';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkRefusedError, installSocketGuard } from '../../../../../main/electron/guard/socket-guard';

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
