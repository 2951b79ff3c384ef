import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, CSP_DIRECTIVES, PREVIEW_CSP, parseCsp } from '../../../../../main/electron/policy/csp';
import { PREVIEW_SCHEME } from '../../../../../main/electron/policy/origins';

const csp = parseCsp(CONTENT_SECURITY_POLICY);

describe('the renderer CSP', () => {
  it('starts from nothing: default-src none', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
  });

  it('allows scripts and styles from our own origin only, with no inline code and no eval', () => {
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    for (const bad of ["'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'", "'unsafe-hashes'", "'strict-dynamic'", '*', 'data:', 'blob:', 'http:', 'https:', 'file:']) {
      expect(CONTENT_SECURITY_POLICY).not.toContain(bad);
    }
  });

  it('lets images come only from the app and the preview protocol', () => {
    expect(csp.get('img-src')).toEqual(["'self'", `${PREVIEW_SCHEME}:`]);
  });

  it('refuses every connection: fetch, XHR, WebSocket, EventSource (the renderer talks only through IPC)', () => {
    expect(csp.get('connect-src')).toEqual(["'none'"]);
  });

  it('closes the directives default-src does not cover', () => {
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('refuses objects, frames, workers, media and manifests explicitly', () => {
    for (const d of ['object-src', 'frame-src', 'worker-src', 'media-src', 'manifest-src']) expect(csp.get(d), d).toEqual(["'none'"]);
  });

  it('names no host at all (no remote content)', () => {
    for (const [, sources] of CSP_DIRECTIVES) {
      for (const s of sources.split(' ')) expect(s === "'self'" || s === "'none'" || s === `${PREVIEW_SCHEME}:`, s).toBe(true);
    }
  });

  it('has each directive once and is a well-formed header value', () => {
    const names = CSP_DIRECTIVES.map(([d]) => d);
    expect(new Set(names).size).toBe(names.length);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/[\r\n,]/);
  });

  it('sandboxes a preview opened as a document', () => {
    expect(parseCsp(PREVIEW_CSP).get('default-src')).toEqual(["'none'"]);
    expect(parseCsp(PREVIEW_CSP).has('sandbox')).toBe(true);
  });
});
