import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP, startTestHost, type TestHost } from './host/server';

/**
 * The e2e test host is test tooling, but it bridges a real vault to HTTP, so its guards are tested like a
 * security boundary: loopback only, the per-run token on every request, the Host header checked, the strict CSP
 * on every response.
 */

function request(host: TestHost, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(path, host.origin);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (init.body) req.write(init.body);
    req.end();
  });
}

describe('e2e test host (security)', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host.close();
  });

  it('listens on the loopback interface only, on a random port', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses every route without the token, and with a wrong one', async () => {
    // One character off (never the token itself: a token ending in 'A' once made this "wrong" token the right one).
    const wrongToken = host.token.slice(0, -1) + (host.token.endsWith('A') ? 'B' : 'A');
    expect(wrongToken).not.toBe(host.token);
    for (const path of ['/', '/index.html', '/huella-bridge.js', '/events', '/preview/it_0123456789', '/assets/x.js']) {
      expect((await request(host, path)).status, path).toBe(403);
      expect((await request(host, path, { headers: { 'x-huella-token': wrongToken } })).status, path).toBe(403);
    }
    const api = await request(host, '/api/session.status', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(api.status).toBe(403);
    expect(api.body).not.toContain('state');
    expect(host.refused.length).toBeGreaterThanOrEqual(13);
  });

  it('refuses a request whose Host is not the loopback address (DNS rebinding)', async () => {
    const r = await request(host, '/api/session.status', { method: 'POST', body: '{}', headers: { host: 'evil.example:80', 'x-huella-token': host.token } });
    expect(r.status).toBe(403);
  });

  it('answers with the token and sends the strict CSP on every response', async () => {
    const page = await request(host, '/', { headers: { 'x-huella-token': host.token } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(CSP);
    expect(CSP).toContain("default-src 'none'");
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).not.toContain('unsafe');
    // The bridge is an external script (no inline script under this CSP), placed before the app's module.
    expect(page.body).toMatch(/<script src="\.\/huella-bridge\.js"><\/script>\s*<script type="module"/);
    expect(page.body).not.toMatch(/<script>(?!<\/script>)/);
    const api = await request(host, '/api/session.status', { method: 'POST', body: '{}', headers: { 'x-huella-token': host.token } });
    expect(api.headers['content-security-policy']).toBe(CSP);
    expect(JSON.parse(api.body)).toEqual({ ok: true, value: expect.objectContaining({ state: 'no-vault' }) });
  });

  it('bridges through the real dispatch: unknown methods and invalid input become INVALID_INPUT results', async () => {
    const unknown = await request(host, '/api/fs.readFile', { method: 'POST', body: '{}', headers: { 'x-huella-token': host.token } });
    expect(JSON.parse(unknown.body)).toEqual({ ok: false, error: { code: 'INVALID_INPUT', key: 'problem.validation.unknownMethod', message: 'The app asked for something it does not know.' } });
    const bad = await request(host, '/api/items.list', { method: 'POST', body: JSON.stringify({ offset: -1 }), headers: { 'x-huella-token': host.token } });
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const locked = await request(host, '/api/items.list', { method: 'POST', body: JSON.stringify({ offset: 0, limit: 10, sort: 'name-asc' }), headers: { 'x-huella-token': host.token } });
    expect(JSON.parse(locked.body)).toMatchObject({ ok: false, error: { code: 'VAULT_LOCKED' } });
  });

  it('serves no file outside the built renderer', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/../../package.json']) {
      const r = await request(host, path, { headers: { 'x-huella-token': host.token } });
      expect(r.status, path).toBe(404);
    }
  });
});
