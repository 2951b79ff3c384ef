import { describe, expect, it } from 'vitest';
import { PRIVILEGED_SCHEMES, WINDOW_PARTITION } from '../../../../../main/electron/protocol/schemes';
import { CHROMIUM_SWITCHES } from '../../../../../main/electron/policy/switches';
import { APP_SCHEME, PREVIEW_SCHEME } from '../../../../../main/electron/policy/origins';

describe('custom schemes', () => {
  it('registers exactly our two schemes, never bypassing CSP and never with service workers', () => {
    expect(PRIVILEGED_SCHEMES.map((s) => s.scheme)).toEqual([APP_SCHEME, PREVIEW_SCHEME]);
    for (const s of PRIVILEGED_SCHEMES) {
      expect(s.privileges?.bypassCSP, s.scheme).toBe(false);
      expect(s.privileges?.allowServiceWorkers, s.scheme).toBe(false);
      expect(s.privileges?.secure, s.scheme).toBe(true);
      expect(s.privileges?.standard, s.scheme).toBe(true);
      expect(s.privileges?.codeCache, s.scheme).toBe(false);
    }
  });

  it('gives the preview scheme no fetch and no CORS, so page script cannot read preview bytes back', () => {
    const preview = PRIVILEGED_SCHEMES.find((s) => s.scheme === PREVIEW_SCHEME)!;
    expect(preview.privileges).toMatchObject({ supportFetchAPI: false, corsEnabled: false, stream: false });
  });

  it('keeps the window session in memory only (no persist: partition)', () => {
    expect(WINDOW_PARTITION.startsWith('persist:')).toBe(false);
    expect(WINDOW_PARTITION.length).toBeGreaterThan(0);
  });
});

describe('Chromium switches', () => {
  it('makes every host name unresolvable and disables proxies and background networking', () => {
    const map = new Map(CHROMIUM_SWITCHES.map(([k, v]) => [k, v]));
    expect(map.get('host-resolver-rules')).toBe('MAP * ~NOTFOUND');
    expect(map.has('no-proxy-server')).toBe(true);
    expect(map.has('disable-background-networking')).toBe(true);
  });

  it('never turns a security feature off', () => {
    for (const [name] of CHROMIUM_SWITCHES) {
      expect(name).not.toMatch(/disable-web-security|no-sandbox|allow-insecure|remote-debugging|ignore-certificate|disable-site-isolation|js-flags|inspect/);
    }
  });
});
