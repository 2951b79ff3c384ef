import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { parsers } from '../../../../../main/archive/ingest/parser-pool';
import type { ParseRequest } from '../../../../../main/archive/ingest/parse-protocol';
import { itemRow } from '../../../../../main/archive/db/items';
import { createVault } from '../../../../../main/archive/vault/vault';
import { makeJpegs, makePng, richJpegOptions } from '../../../../fixtures/photos';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

/**
 * Ingest hands a small JPEG's bytes, as the crypto worker read them, to the parser, which then reads the metadata from
 * memory instead of opening the file again (issue 19 item 2). The metadata must be exactly what the parser reads from
 * the file, for every kind of JPEG metadata, and damaged files must fail the same way.
 */
describe('a JPEG parsed from the bytes ingest read', () => {
  const root = tempDir();
  afterAll(() => shutdownIngestWorkers());

  const request = (file: string, data?: Buffer): ParseRequest => ({
    path: data ? '' : file,
    ...(data ? { data: new Uint8Array(data) } : {}),
    mediaType: 'image/jpeg',
    wantMetadata: true,
    wantPreview: false,
    previewSize: 512,
    maxPixels: 100_000_000,
  });

  it('exifr reads the same metadata from a JPEG in memory as from its file, for every kind of JPEG metadata', async () => {
    const dir = path.join(root, 'jpegs');
    const made = await makeJpegs([
      richJpegOptions(dir, 1, { name: 'rich.jpg' }),
      richJpegOptions(dir, 2, { name: 'extended-xmp.jpg', xmpExtended: true }),
      richJpegOptions(dir, 3, { name: 'mpf.jpg', mpf: true, progressive: true }),
      { dir, name: 'bare.jpg', width: 64, height: 48, seed: 4 },
    ]);
    for (const { path: file } of made) {
      const byPath = await parsers().run({ request: request(file), timeoutMs: 30_000 });
      const fromMemory = await parsers().run({ request: request(file, fs.readFileSync(file)), timeoutMs: 30_000 });
      expect(fromMemory, path.basename(file)).toEqual(byPath);
    }
    const rich = await parsers().run({ request: request(made[0]!.path), timeoutMs: 30_000 });
    expect(rich.metadata.gps).toBeDefined(); // the comparison above is of real metadata
  });

  it('ingest sends a JPEG\'s bytes to the parser (moved, not read again) and a PNG\'s path; each item gets the metadata and warnings of a parse by path', async () => {
    const dir = path.join(root, 'in');
    const made = await makeJpegs([richJpegOptions(dir, 5, { name: 'a.jpg' }), richJpegOptions(dir, 6, { name: 'b.jpg', xmpExtended: true })]);
    const rich = fs.readFileSync(made[0]!.path);
    // Damaged: cut inside the Exif segment (exifr words its error differently from memory: the file is parsed again
    // by path), and a first segment whose length is wrong.
    fs.writeFileSync(path.join(dir, 'c-cut.jpg'), rich.subarray(0, 200));
    const badLength = Buffer.from(rich);
    badLength.writeUInt16BE(0xfff0, 4);
    fs.writeFileSync(path.join(dir, 'd-bad-length.jpg'), badLength);
    await makePng({ dir, name: 'e.png', width: 40, height: 30, seed: 7 });
    // Each request as it was sent (a transferred buffer is empty on this side afterwards).
    const sent: { path: string; bytes?: number; moved: boolean }[] = [];
    const pool = parsers();
    const original = pool.run.bind(pool);
    const run = vi.spyOn(pool, 'run').mockImplementation((task) => {
      sent.push({ path: task.request.path, ...(task.request.data ? { bytes: task.request.data.byteLength } : {}), moved: (task.transfer?.length ?? 0) > 0 });
      return original(task);
    });
    const { vault } = await createVault(path.join(root, 'vault'), TEST_PASSPHRASE);
    try {
      const report = await ingestPaths(vault, [dir], { previews: false });
      expect(report.ingested).toBe(5);
      const first = (name: string): (typeof sent)[number] | undefined => sent.find((r) => r.path === path.join(dir, name) || r.bytes === fs.statSync(path.join(dir, name)).size);
      for (const name of ['a.jpg', 'b.jpg', 'c-cut.jpg', 'd-bad-length.jpg']) expect(first(name), name).toMatchObject({ path: '', moved: true });
      expect(first('e.png')).toEqual({ path: path.join(dir, 'e.png'), moved: false });
      // Read by path: the PNG, and the damaged JPEG whose metadata could not be read from memory (parsed again).
      expect(sent.filter((r) => r.path !== '').map((r) => path.basename(r.path)).sort()).toEqual(['c-cut.jpg', 'e.png']);
      run.mockRestore();
      for (const r of report.results) {
        const file = path.join(dir, r.path.slice(dir.length + 1));
        const byPath = await parsers().run({ request: { ...request(file), mediaType: r.mediaType! }, timeoutMs: 30_000 });
        const item = itemRow(vault.store, r.itemId!)!;
        expect(JSON.parse(item.metadata), r.path).toEqual(JSON.parse(JSON.stringify(byPath.metadata)));
        const warnings = byPath.metadataError ? [{ code: 'PARSER_FAILED', message: `Metadata could not be read (${byPath.metadataError}). The file itself was preserved.` }] : [];
        expect(r.warnings, r.path).toEqual(warnings);
      }
      expect(report.results.filter((r) => r.warnings.length > 0).map((r) => path.basename(r.path))).toEqual(['c-cut.jpg']); // exifr reads past the bad length both ways
    } finally {
      run.mockRestore();
      vault.lock();
    }
  });
});
