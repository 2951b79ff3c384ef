import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../../../../main/archive/formats/vips-env';
import sharp from 'sharp';
import { stripToFile } from '../../../../../main/archive/formats/index';
import { isHuellaError } from '../../../../../main/archive/errors';
import { tempDir } from '../../../../helpers/tmp';
import type { MadeFixture } from '../../../../fixtures/photos';
import { makeAvif, makeBmp, makeGif, makePng, makeTiff, makeWebp, pngChunk } from '../../../../fixtures/photos';
import { expectClean, expectDirty, OPTS, strip } from './strip-helpers';

const dir = tempDir('huella-strip-img-');

async function pixels(file: string, rotate = false): Promise<{ data: Buffer; w: number; h: number }> {
  const img = rotate ? sharp(file).rotate() : sharp(file);
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  return { data, w: info.width, h: info.height };
}

function chunkTypes(png: Buffer): string[] {
  const out: string[] = [];
  for (let i = 8; i + 8 <= png.length; ) {
    const len = png.readUInt32BE(i);
    out.push(png.toString('latin1', i + 4, i + 8));
    i += 12 + len;
  }
  return out;
}

describe('PNG stripping', () => {
  it('drops text, Exif, time and private chunks; pixels and kept chunks are identical', async () => {
    const fx = await makePng({ dir, width: 96, height: 64, seed: 1, alpha: true });
    await expectDirty(fx);
    const before = chunkTypes(fs.readFileSync(fx.path));
    expect(before).toEqual(expect.arrayContaining(['eXIf', 'iTXt', 'tEXt', 'tIME', 'prVt']));
    const { out, result } = await strip(fx, dir);
    await expectClean(fx, out);
    expect(chunkTypes(fs.readFileSync(out)).filter((t) => !['IHDR', 'IDAT', 'IEND', 'pHYs'].includes(t))).toEqual([]);
    expect(result.record.removed).toEqual(expect.arrayContaining(['eXIf (Exif)', 'tIME (modification time)', 'tEXt (text)', 'iTXt (text)', 'prVt']));
    const [a, b] = await Promise.all([pixels(fx.path), pixels(out)]);
    expect(b.data.equals(a.data)).toBe(true);
    // IDAT bytes are copied, not recompressed.
    const idat = (f: string): Buffer => {
      const png = fs.readFileSync(f);
      const i = png.indexOf(Buffer.from('IDAT', 'latin1'));
      return png.subarray(i - 4, i + 8 + png.readUInt32BE(i - 4));
    };
    expect(idat(out).equals(idat(fx.path))).toBe(true);
  });

  it('refuses a PNG with a bad CRC (STRIP_FAILED) and writes nothing', async () => {
    const fx = await makePng({ dir, name: 'badcrc.png', width: 32, height: 32, seed: 2 });
    const b = fs.readFileSync(fx.path);
    const i = b.indexOf(Buffer.from('IDAT', 'latin1'));
    b[i + 6] = (b[i + 6] as number) ^ 0xff;
    fs.writeFileSync(fx.path, b);
    const out = path.join(dir, 'badcrc-out.png');
    const err = await stripToFile(() => fs.createReadStream(fx.path), 'image/png', out, OPTS).catch((e: unknown) => e);
    expect(isHuellaError(err, 'STRIP_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(/PNG.*CRC/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('refuses an unknown critical chunk, and keeps a standard iCCP', async () => {
    const base = await makePng({ dir, name: 'crit.png', width: 16, height: 16, seed: 3 });
    const b = fs.readFileSync(base.path);
    const iend = b.length - 12;
    fs.writeFileSync(base.path, Buffer.concat([b.subarray(0, iend), pngChunk('CRIT', Buffer.from('x')), b.subarray(iend)]));
    const err = await stripToFile(() => fs.createReadStream(base.path), 'image/png', path.join(dir, 'crit-out.png'), OPTS).catch((e: unknown) => e);
    expect(isHuellaError(err, 'STRIP_UNSUPPORTED')).toBe(true);

    const withIcc = path.join(dir, 'icc.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } }).withIccProfile('p3').png().toFile(withIcc);
    const fx: MadeFixture = { path: withIcc, mediaType: 'image/png', originalValues: [] };
    const r = await strip(fx, dir);
    expect(r.result.record.kept).toContain('iCCP (sP3C; colour tags byte-identical)');
    expect(chunkTypes(fs.readFileSync(r.out))).toContain('iCCP');
  });
});

describe('WebP stripping', () => {
  it('drops EXIF and XMP, fixes VP8X flags and RIFF size, decodes identically (lossy and lossless)', async () => {
    for (const lossless of [false, true]) {
      const fx = await makeWebp({ dir, name: `w-${lossless}.webp`, width: 80, height: 60, seed: 4, lossless });
      await expectDirty(fx);
      const { out, result } = await strip(fx, dir);
      await expectClean(fx, out);
      expect(result.record.removed.filter((r) => !r.startsWith('ICC profile: '))).toEqual(['EXIF', 'XMP']);
      expect(result.record.kept.some((k) => k.startsWith('ICCP ('))).toBe(result.record.removed.some((r) => r.startsWith('ICC profile: ')));
      const b = fs.readFileSync(out);
      expect(b.readUInt32LE(4)).toBe(b.length - 8);
      const [x, y] = await Promise.all([pixels(fx.path), pixels(out)]);
      expect(y.data.equals(x.data)).toBe(true);
    }
  });
});

describe('GIF and BMP stripping (by structure)', () => {
  it('GIF: drops XMP and comments, pixels identical', async () => {
    const fx = await makeGif({ dir, width: 40, height: 30, seed: 5 });
    await expectDirty(fx);
    const { out, result } = await strip(fx, dir);
    await expectClean(fx, out);
    expect(result.record.removed).toEqual(expect.arrayContaining(['XMP', 'Comment extension']));
    expect((await pixels(out)).data.equals((await pixels(fx.path)).data)).toBe(true);
  });

  it('BMP: neutralises a linked colour profile (a user path) and reserved fields; pixel bytes identical', async () => {
    const fx = makeBmp({ dir, width: 33, height: 17, seed: 6 });
    expect((await import('../../../../../main/archive/formats/index')).canStrip('image/bmp')).toEqual({ ok: true });
    const { out, result } = await strip(fx, dir);
    expect(result.record.removed).toEqual(['reserved header fields', 'linked colour profile (file path)']);
    const a = fs.readFileSync(fx.path);
    const b = fs.readFileSync(out);
    expect(b.length).toBe(a.length);
    const offset = a.readUInt32LE(10);
    const pixelBytes = a.readUInt32LE(34);
    expect(b.subarray(offset, offset + pixelBytes).equals(a.subarray(offset, offset + pixelBytes))).toBe(true);
    expect(b.includes(Buffer.from('mquispe', 'latin1'))).toBe(false);
    await expectClean(fx, out);
  });
});

describe('TIFF (re-encoded) and AVIF stripping', () => {
  it('TIFF: re-encoded losslessly, orientation applied, every tag but the structural ones gone', async () => {
    const fx = await makeTiff({ dir, width: 50, height: 30, seed: 7, orientation: 6 });
    await expectDirty(fx);
    const { out, result } = await strip(fx, dir);
    await expectClean(fx, out);
    expect(result.record.method).toBe('reencode');
    expect(result.record.kept).toEqual(['orientation applied to the pixels (was Orientation=6)']);
    const [a, b] = await Promise.all([pixels(fx.path, true), pixels(out, true)]);
    expect([b.w, b.h]).toEqual([30, 50]);
    expect(b.data.equals(a.data)).toBe(true);
  });

  it('AVIF (written by sharp): stripped by structure, metadata gone, decoded pixels identical', async () => {
    const fx = await makeAvif({ dir, width: 48, height: 32, seed: 8 });
    await expectDirty(fx);
    const { out, result } = await strip(fx, dir);
    await expectClean(fx, out);
    expect(result.record.method).toBe('lossless-structure');
    const [a, b] = await Promise.all([pixels(fx.path), pixels(out)]);
    expect(b.data.equals(a.data)).toBe(true);
  });
});
