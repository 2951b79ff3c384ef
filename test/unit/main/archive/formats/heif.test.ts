import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isHuellaError } from '../../../../../main/archive/errors';
import { stripToFile } from '../../../../../main/archive/formats/index';
import { itemBytes, parseHeif } from '../../../../../main/archive/formats/heif-structure';
import { decodeHeifPrimary } from '../../../../../main/archive/ingest/heif-preview';
import { orientationFromTransforms, readHeifSegments } from '../../../../../main/archive/ingest/heif-metadata';
import { normalizeExifrOutput } from '../../../../../main/archive/ingest/metadata';
import { heicLike } from '../../../../reliability/campaigns/hostile';
import { exiftoolRead } from '../../../../fixtures/exiftool';
import { heifConvertRgb, IPHONE, makeHeif } from '../../../../fixtures/phone-media';
import { tempDir } from '../../../../helpers/tmp';
import { expectClean, expectDirty, OPTS, strip } from './strip-helpers';

const dir = tempDir('huella-heif-');

/** Every coded image item's bytes (primary, thumbnail…), by item type and id, read from the file's item tables. */
function codedItems(file: string): string[] {
  const b = fs.readFileSync(file);
  const { meta } = parseHeif(b);
  return meta.items.filter((i) => i.type === 'hvc1' || i.type === 'av01').map((i) => `${i.type}:${itemBytes(b, meta, i.id).toString('hex')}`);
}

describe('HEIC / AVIF stripping by structure', () => {
  for (const avif of [false, true]) {
    const label = avif ? 'AVIF' : 'HEIC';
    it(`${label}: Exif and XMP items go with their table entries; exiftool finds no GPS, make, model, serial or date; pixels and coded data identical`, async () => {
      const fx = await makeHeif({ dir, avif, seed: avif ? 7 : 3 });
      await expectDirty(fx);
      const before = await exiftoolRead(fx.path);
      expect(before['GPS:GPSLatitude']).toBeDefined();
      expect(before['ExifIFD:SerialNumber']).toBe(IPHONE.serial);
      const { out, result } = await strip(fx, dir);
      expect(result.record.method).toBe('lossless-structure');
      expect(result.record.removed).toEqual(expect.arrayContaining(['Exif item (GPS, make, model, serial, dates, maker notes)', 'XMP item']));
      await expectClean(fx, out);
      const after = await exiftoolRead(out);
      expect(Object.keys(after).filter((k) => /GPS|Make|Model|Serial|Date/i.test(k) && !k.startsWith('System:'))).toEqual([]);
      // The coded image data (primary and thumbnail) is byte-identical, only moved.
      const coded = codedItems(fx.path);
      expect(coded.length).toBe(2);
      expect(codedItems(out)).toEqual(coded);
      // Decoded by libheif's own command-line decoder, the pixels are the original's.
      const a = heifConvertRgb(fx.path, dir);
      expect(a.length).toBe(320 * 240 * 3);
      expect(heifConvertRgb(out, dir).equals(a)).toBe(true);
      const parsed = parseHeif(fs.readFileSync(out));
      const types = (f: string): string[] => parseHeif(fs.readFileSync(f)).meta.items.map((i) => i.type).sort();
      expect(types(fx.path)).toEqual(expect.arrayContaining(['Exif', 'mime']));
      expect(types(out)).toEqual(types(fx.path).filter((t) => t !== 'Exif' && t !== 'mime'));
      expect(parsed.top.map((t) => t.type)).toEqual(['ftyp', 'meta', 'mdat']);
    }, 60_000);
  }

  it('refuses, naming the reason, a file whose primary item is not an image, and fails clearly on a truncated file', async () => {
    const good = heicLike();
    const swapped = Buffer.from(good);
    // pitm names item 2 (the Exif item) as primary.
    const pitm = swapped.indexOf(Buffer.from('pitm', 'latin1'));
    swapped.writeUInt16BE(2, pitm + 8);
    const run = (b: Buffer, name: string): Promise<unknown> => stripToFile(() => Readable.from([b]), 'image/heic', path.join(dir, name), OPTS).catch((e: unknown) => e);
    const refused = await run(swapped, 'swapped.heic');
    expect(isHuellaError(refused) && refused.code).toBe('STRIP_UNSUPPORTED');
    expect((refused as Error).message).toMatch(/primary item is not an image/);
    const truncated = await run(good.subarray(0, good.length - 40), 'cut.heic');
    expect(isHuellaError(truncated) && truncated.code).toBe('STRIP_FAILED');
    expect(fs.existsSync(path.join(dir, 'cut.heic'))).toBe(false);
    // The synthetic HEIC-like file strips: its Exif item (with a camera serial) is gone.
    const ok = path.join(dir, 'like.heic');
    await stripToFile(() => Readable.from([good]), 'image/heic', ok, OPTS);
    expect(fs.readFileSync(ok).includes(Buffer.from('HeicCam Serial', 'latin1'))).toBe(false);
  });
});

describe('HEIC metadata at import and preview', () => {
  it('reads capture time, GPS, make, model and serial from the Exif item, creator from the XMP item', async () => {
    const fx = await makeHeif({ dir, name: 'meta.heic', seed: 11 });
    const h = await readHeifSegments(fs.readFileSync(fx.path));
    const m = normalizeExifrOutput(h.raw);
    expect(m.make).toBe(IPHONE.make);
    expect(m.model).toBe(IPHONE.model);
    expect(m.serial).toBe(IPHONE.serial);
    expect(m.captureTime).toBe('2024-03-05T17:22:10-03:00');
    expect(m.gps?.lat).toBeCloseTo(IPHONE.gps.lat, 5);
    expect(m.gps?.lon).toBeCloseTo(IPHONE.gps.lon, 5);
    expect(m.creators).toEqual([IPHONE.creator]);
    expect(h.width).toBe(320);
    expect(h.height).toBe(240);
  });

  it('maps irot/imir to the Exif orientation a viewer applies', () => {
    const p = (type: string, v: number): { type: string; body: Buffer } => ({ type, body: Buffer.from([v]) });
    expect(orientationFromTransforms([])).toBeUndefined();
    expect(orientationFromTransforms([p('irot', 0)])).toBe(1);
    expect(orientationFromTransforms([p('irot', 1)])).toBe(8); // 90° anticlockwise
    expect(orientationFromTransforms([p('irot', 3)])).toBe(6); // 90° clockwise
    expect(orientationFromTransforms([p('imir', 1)])).toBe(4);
  });

  it('decodes the HEVC primary image with libheif-js (WebAssembly) to the same pixels libheif\'s own tool gives', async () => {
    const fx = await makeHeif({ dir, name: 'preview.heic', seed: 5, width: 128, height: 96 });
    const img = await decodeHeifPrimary(fs.readFileSync(fx.path), 100_000_000);
    expect([img.width, img.height]).toEqual([128, 96]);
    const ref = heifConvertRgb(fx.path, dir);
    let maxDiff = 0;
    for (let i = 0, j = 0; i < ref.length; i += 3, j += 4) for (let c = 0; c < 3; c++) maxDiff = Math.max(maxDiff, Math.abs((ref[i + c] as number) - (img.data[j + c] as number)));
    // Two libheif versions (Debian's 1.15 tool, the 1.23 WebAssembly build) convert YCbCr→RGB with different
    // rounding and chroma upsampling; the same picture differs by a few levels at most.
    expect(maxDiff).toBeLessThanOrEqual(12);
    await expect(decodeHeifPrimary(fs.readFileSync(fx.path), 1000)).rejects.toThrow(/pixel limit/);
    await expect(decodeHeifPrimary(Buffer.from('not a heif file at all'), 1e8)).rejects.toThrow(/no image/);
  });
});
