import { describe, expect, it } from 'vitest';
import { isRequestAllowed, requestDecision } from '../../../../../main/electron/policy/requests';

describe('the session request filter (no network)', () => {
  it('lets through only app://huella and huella-preview://item', () => {
    for (const url of ['app://huella/index.html', 'app://huella/assets/index-abc123.js', 'app://huella/', 'huella-preview://item/it_0123456789']) {
      expect(isRequestAllowed(url), url).toBe(true);
      expect(requestDecision(url)).toEqual({ cancel: false });
    }
  });

  it('cancels everything else, loopback included', () => {
    const denied = [
      'http://127.0.0.1:8080/',
      'http://localhost/',
      'http://[::1]/',
      'https://example.org/',
      'ws://127.0.0.1:9222/devtools/browser',
      'wss://example.org/socket',
      'ftp://example.org/',
      'file:///etc/passwd',
      'data:image/png;base64,iVBORw0KGgo=',
      'blob:app://huella/0b6c2a3e-0000-4000-8000-000000000000',
      'chrome://gpu',
      'chrome-extension://abc/index.js',
      'devtools://devtools/bundled/inspector.html',
      'app://other/index.html',
      'app://huella:1/index.html',
      'app://x@huella/index.html',
      'huella-preview://other/it_0123456789',
      'huella-preview://item:1/it_0123456789',
      'javascript:alert(1)',
      'about:blank',
      'garbage',
      '',
    ];
    for (const url of denied) {
      expect(isRequestAllowed(url), url).toBe(false);
      expect(requestDecision(url)).toEqual({ cancel: true });
    }
  });

  it('allows devtools:// only when a development build asks for it, and nothing else more', () => {
    const dev = { allowDevtools: true };
    expect(isRequestAllowed('devtools://devtools/bundled/inspector.html', dev)).toBe(true);
    expect(isRequestAllowed('devtools://devtools/bundled/inspector.html')).toBe(false);
    expect(isRequestAllowed('http://127.0.0.1:9222/json', dev)).toBe(false);
    expect(isRequestAllowed('https://chrome-devtools-frontend.appspot.com/', dev)).toBe(false);
  });
});
