import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { previewUrlFor } from '../../../../../main/electron/policy/origins';
import { parsePreviewUrl, servePreview, type PreviewLookup } from '../../../../../main/electron/protocol/preview-protocol';

const ID = 'it_0123456789';
const WEBP = Buffer.from('RIFF\x1a\x00\x00\x00WEBPVP8 ', 'latin1');

describe('huella-preview:// parsing', () => {
  it('round-trips the URL the bridge gives the renderer', () => {
    expect(previewUrlFor(ID)).toBe(`huella-preview://item/${ID}`);
    expect(parsePreviewUrl(previewUrlFor(ID))).toBe(ID);
  });

  it('refuses anything but item/<item id>', () => {
    for (const url of [
      'huella-preview://item/',
      'huella-preview://item/case_0123456789',
      'huella-preview://item/it_0123456789/extra',
      'huella-preview://item/it_0123456789?x=1',
      'huella-preview://item/it_0123456789#x',
      'huella-preview://item/IT_0123456789',
      'huella-preview://item/it_012345678l', // l is not in the Crockford alphabet
      'huella-preview://item/..%2fit_0123456789',
      'huella-preview://item/%E0%A4%A',
      'huella-preview://other/it_0123456789',
      'huella-preview://item:1/it_0123456789',
      'app://huella/it_0123456789',
      'file:///tmp/it_0123456789',
      'garbage',
    ]) {
      expect(parsePreviewUrl(url), url).toBeUndefined();
    }
  });
});

describe('huella-preview:// responses', () => {
  const found: PreviewLookup = async (id) => (id === ID ? { type: 'image/webp', data: WEBP } : undefined);

  it('streams the bytes from the lookup with no-store, nosniff and a sandboxing CSP', async () => {
    const r = await servePreview(previewUrlFor(ID), 'GET', found);
    expect(r.status).toBe(200);
    expect(r.body?.equals(WEBP)).toBe(true);
    expect(r.headers).toMatchObject({ 'content-type': 'image/webp', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-length': String(WEBP.length) });
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('answers 404 when locked (the lookup finds nothing), for unknown ids, and never calls the lookup for bad URLs', async () => {
    const calls: string[] = [];
    const locked: PreviewLookup = async (id) => {
      calls.push(id);
      return undefined;
    };
    expect((await servePreview(previewUrlFor(ID), 'GET', locked)).status).toBe(404);
    expect((await servePreview('huella-preview://item/../../etc/passwd', 'GET', locked)).status).toBe(404);
    expect((await servePreview('huella-preview://item/it_0123456789?x', 'GET', locked)).status).toBe(404);
    expect(calls).toEqual([ID]);
    expect((await servePreview(previewUrlFor('it_zzzzzzzzzz'), 'GET', found)).body).toBeUndefined();
  });

  it('refuses to serve a type we never produce (an SVG or HTML would be a document)', async () => {
    for (const type of ['image/svg+xml', 'text/html', 'application/pdf']) {
      const r = await servePreview(previewUrlFor(ID), 'GET', async () => ({ type, data: Buffer.from('<svg onload=alert(1)>') }));
      expect(r.status, type).toBe(404);
      expect(r.body).toBeUndefined();
    }
  });

  it('refuses non-GET', async () => {
    expect((await servePreview(previewUrlFor(ID), 'POST', found)).status).toBe(405);
  });

  it('has no way to write plaintext to disk: the module imports no filesystem API', () => {
    const src = fs.readFileSync(path.resolve(import.meta.dirname, '../../../../../main/electron/protocol/preview-protocol.ts'), 'utf8');
    expect(src).not.toMatch(/from ['"](node:)?(fs|fs\/promises|os)['"]/);
    expect(src).not.toMatch(/\b(writeFile|createWriteStream|mkdtemp|tmpdir)\b/);
  });
});
