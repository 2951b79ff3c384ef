import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../../../../main/electron/policy/sender';

const ok = { frameUrl: 'app://huella/index.html#/library', isMainFrame: true, isOurWindow: true };

describe('IPC sender check', () => {
  it('trusts the main frame of our window showing app://huella', () => {
    expect(isTrustedSender(ok)).toBe(true);
    expect(isTrustedSender({ ...ok, frameUrl: 'app://huella/' })).toBe(true);
  });

  it('refuses an iframe, even one at app://huella', () => {
    expect(isTrustedSender({ ...ok, isMainFrame: false })).toBe(false);
  });

  it('refuses another window or webContents', () => {
    expect(isTrustedSender({ ...ok, isOurWindow: false })).toBe(false);
  });

  it('refuses a frame that is gone or navigated (unknown URL)', () => {
    expect(isTrustedSender({ ...ok, frameUrl: undefined })).toBe(false);
  });

  it('refuses other origins and schemes', () => {
    for (const frameUrl of [
      'file:///home/me/index.html',
      'http://127.0.0.1:5173/',
      'https://huella/',
      'app://evil/index.html',
      'app://huella.evil/',
      'app://huella:1/',
      'app://user@huella/',
      'huella-preview://item/it_0123456789',
      'devtools://devtools/bundled/inspector.html',
      'about:blank',
      'data:text/html,x',
      '',
      'app:huella',
    ]) {
      expect(isTrustedSender({ ...ok, frameUrl }), frameUrl).toBe(false);
    }
  });
});
