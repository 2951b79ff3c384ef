import { describe, expect, it } from 'vitest';
import { decideNavigation, decideOpenExternal, decidePermission, decideWebviewAttach, decideWindowOpen } from '../../../../../main/electron/policy/navigation';

const HERE = 'app://huella/index.html#/library';
const HOSTILE = [
  'app://huella/../etc/passwd',
  'app://huella/%2e%2e/%2e%2e/etc/passwd',
  'app://huella/other.html',
  'app://evil/index.html',
  'app://huella.evil/index.html',
  'app://user:pw@huella/index.html',
  'app://huella:8080/index.html',
  'file:///etc/passwd',
  'file:///home/me/evidence.jpg',
  'data:text/html,<script>alert(1)</script>',
  'javascript:alert(1)',
  'blob:app://huella/0b6c2a3e-0000-4000-8000-000000000000',
  'http://127.0.0.1:8080/',
  'https://example.org/',
  'ws://127.0.0.1/',
  'mailto:someone@example.org',
  'chrome://settings',
  'devtools://devtools/bundled/inspector.html',
  'huella-preview://item/it_0123456789',
  'about:blank',
  'not a url',
  '',
];

describe('navigation', () => {
  it('denies every cross-document navigation, even to our own page', () => {
    for (const url of [...HOSTILE, 'app://huella/index.html', HERE]) {
      const d = decideNavigation({ url, currentUrl: HERE, isSameDocument: false });
      expect(d.allow, url).toBe(false);
    }
  });

  it('denies same-document navigations that leave the app page', () => {
    for (const url of HOSTILE) {
      expect(decideNavigation({ url, currentUrl: HERE, isSameDocument: true }).allow, url).toBe(false);
    }
  });

  it('allows only a fragment change on app://huella (the hash router)', () => {
    expect(decideNavigation({ url: 'app://huella/index.html#/item/it_0123456789', currentUrl: HERE, isSameDocument: true })).toEqual({ allow: true });
    expect(decideNavigation({ url: 'app://huella/index.html', currentUrl: HERE, isSameDocument: true })).toEqual({ allow: true });
  });

  it('denies a same-document change of path or query, and any move while the current page is not ours', () => {
    expect(decideNavigation({ url: 'app://huella/other.html#x', currentUrl: HERE, isSameDocument: true }).allow).toBe(false);
    expect(decideNavigation({ url: 'app://huella/index.html?x=1#/', currentUrl: HERE, isSameDocument: true }).allow).toBe(false);
    expect(decideNavigation({ url: 'app://huella/index.html#/', currentUrl: 'about:blank', isSameDocument: true }).allow).toBe(false);
    expect(decideNavigation({ url: 'app://huella/index.html#/', currentUrl: 'file:///x/index.html', isSameDocument: true }).allow).toBe(false);
  });

  it('gives a reason for every denial', () => {
    const d = decideNavigation({ url: 'https://example.org/', currentUrl: HERE, isSameDocument: false });
    expect(d.allow === false && d.reason.length > 0).toBe(true);
  });
});

describe('new windows, permissions, webviews, external hand-off', () => {
  it('denies every new window', () => {
    for (const url of [...HOSTILE, 'app://huella/index.html']) expect(decideWindowOpen(url)).toEqual({ action: 'deny' });
  });

  it('denies every permission, for our own origin too', () => {
    const permissions = ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'fullscreen', 'openExternal', 'hid', 'usb', 'serial', 'midi', 'pointerLock', 'display-capture', 'local-fonts', 'storage-access', 'unknown'];
    for (const p of permissions) {
      expect(decidePermission(p, 'app://huella/index.html'), p).toBe(false);
      expect(decidePermission(p, 'https://example.org'), p).toBe(false);
      expect(decidePermission(p, ''), p).toBe(false);
    }
  });

  it('refuses webviews and never hands a URL to the OS', () => {
    for (const url of [...HOSTILE, 'app://huella/index.html']) {
      expect(decideWebviewAttach(url).allow).toBe(false);
      expect(decideOpenExternal(url)).toBe(false);
    }
  });
});
