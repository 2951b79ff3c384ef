import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIME_TYPES, resolveAppRequest } from '../../../../../main/electron/protocol/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../../../../main/electron/policy/csp';

const ROOT = path.resolve('/opt/huella/resources/app.asar/dist/renderer');
const get = (url: string) => resolveAppRequest(url, 'GET', ROOT);

describe('app:// path resolution', () => {
  it('serves index.html for / and files by exact path inside the renderer folder', () => {
    expect(get('app://huella/')).toMatchObject({ kind: 'file', file: path.join(ROOT, 'index.html'), status: 200 });
    expect(get('app://huella/index.html')).toMatchObject({ kind: 'file', file: path.join(ROOT, 'index.html') });
    expect(get('app://huella/assets/index-B4x9.js')).toMatchObject({ kind: 'file', file: path.join(ROOT, 'assets', 'index-B4x9.js') });
    expect(get('app://huella/assets/My%20Font.woff2')).toMatchObject({ kind: 'file', file: path.join(ROOT, 'assets', 'My Font.woff2') });
  });

  it('ignores the query and the fragment', () => {
    expect(get('app://huella/index.html?v=1#/library')).toMatchObject({ kind: 'file', file: path.join(ROOT, 'index.html') });
  });

  it('sends the CSP and nosniff with the right type on every file', () => {
    const html = get('app://huella/index.html');
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(html.headers['x-content-type-options']).toBe('nosniff');
    const js = get('app://huella/assets/a.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('refuses traversal in every spelling', () => {
    const attempts = [
      'app://huella/assets/%2e%2e%2f%2e%2e%2fmain.cjs.js',
      'app://huella/..%2f..%2fetc%2fpasswd.js',
      'app://huella/..%5c..%5cwindows%5cwin.ini.js',
      'app://huella/assets%2f..%2f..%2fpackage.json',
      'app://huella/%2fetc%2fpasswd.js',
      'app://huella/%2Fetc/passwd.js',
      'app://huella/C:%5cWindows%5cwin.ini.js',
      'app://huella/c%3a/x.js',
      'app://huella/x.js%00.html',
      'app://huella/%c0%ae%c0%ae/x.js',
      'app://huella/assets/..%252f..%252fx.js',
    ];
    for (const url of attempts) {
      const r = get(url);
      if (r.kind === 'file') expect(r.file.startsWith(ROOT + path.sep), url).toBe(true);
      // All of these must be refused outright, not merely contained.
      expect(r.kind, url).toBe('refused');
    }
  });

  it('treats literal dot segments as the URL parser does: they never climb above the root', () => {
    // WHATWG URL parsing removes ../ before we see the path; whatever is left stays inside the folder.
    for (const url of ['app://huella/../../../etc/passwd.js', 'app://huella/%2e%2e/%2e%2e/etc/passwd.js', 'app://huella/assets/%2E%2E/%2E%2E/%2e./etc/passwd.js']) {
      const r = get(url);
      expect(r.kind === 'file' && r.file, url).toBe(path.join(ROOT, 'etc', 'passwd.js'));
    }
  });

  it('refuses dot-files, empty segments, unknown types and directories', () => {
    for (const url of ['app://huella/.env.json', 'app://huella/assets/.hidden.js', 'app://huella/assets//a.js', 'app://huella/assets/', 'app://huella/main.cjs', 'app://huella/a.map', 'app://huella/x', 'app://huella/a.exe']) {
      expect(get(url).kind, url).toBe('refused');
    }
  });

  it('refuses other hosts, schemes and credentials', () => {
    for (const url of ['app://evil/index.html', 'app://huella:1/index.html', 'app://u:p@huella/index.html', 'file:///index.html', 'http://huella/index.html', 'huella-preview://item/index.html', 'garbage']) {
      expect(get(url)).toMatchObject({ kind: 'refused', status: 404 });
    }
  });

  it('refuses malformed escapes with 400 and non-GET methods with 405', () => {
    expect(get('app://huella/%E0%A4%A.js')).toMatchObject({ kind: 'refused', status: 400 });
    expect(resolveAppRequest('app://huella/index.html', 'POST', ROOT)).toMatchObject({ kind: 'refused', status: 405 });
    expect(resolveAppRequest('app://huella/index.html', 'HEAD', ROOT).kind).toBe('file');
  });

  it('serves only types it can name (never application/octet-stream)', () => {
    for (const t of Object.values(MIME_TYPES)) expect(t).not.toBe('application/octet-stream');
  });
});
