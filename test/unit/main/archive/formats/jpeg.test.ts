import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../../../../main/archive/formats/vips-env';
import sharp from 'sharp';
import { ageEncryptBuffer } from '../../../../../main/archive/blobs/age';
import { BlobStore } from '../../../../../main/archive/blobs/store';
import { shutdownCryptoWorkers } from '../../../../../main/archive/blobs/crypto';
import { fileSource, stripToFile, vaultObjectSource, type StreamSource } from '../../../../../main/archive/formats/index';
import { MAX_SPARE, WHOLE_FILE_LIMIT, wipeWholeFileBuffers } from '../../../../../main/archive/formats/whole-file';
import { isHuellaError } from '../../../../../main/archive/errors';
import { tempDir } from '../../../../helpers/tmp';
import type { MadeFixture } from '../../../../fixtures/photos';
import { makeJpeg, makeJpegs, photoPixels, RICH_EXIF, richJpegOptions } from '../../../../fixtures/photos';
import { exiftoolRead } from '../../../../fixtures/exiftool';
import { colourTags, expectClean, expectDirty, jpegCodingData, jpegMarkers, KEEP_DATE, keptWholeBuffers, OPTS, putVaultObject, strip } from './strip-helpers';

const dir = tempDir('huella-strip-jpeg-');

async function rendered(file: string): Promise<{ data: Buffer; width: number; height: number }> {
  // Auto-orientation, as a viewer displays the photo.
  const { data, info } = await sharp(file).rotate().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

afterAll(() => shutdownCryptoWorkers());

describe('JPEG stripping', () => {
  let rich: MadeFixture;
  let progressive: MadeFixture;

  beforeAll(async () => {
    [rich, progressive] = await makeJpegs([
      richJpegOptions(dir, 1, { mpf: true, xmpExtended: true, name: 'rich.jpg' }),
      richJpegOptions(dir, 2, { progressive: true, icc: 'srgb', name: 'progressive.jpg' }),
    ]) as [MadeFixture, MadeFixture];
  });

  it('leaves no GPS, serial, make/model, owner, software, XMP, IPTC, MakerNote, thumbnail, comment or date', async () => {
    await expectDirty(rich);
    const before = await exiftoolRead(rich.path);
    // The fixture really has every kind of metadata the test is about.
    for (const k of ['GPS:GPSLatitude', 'ExifIFD:SerialNumber', 'IFD0:Make', 'XMP-dc:Creator', 'IPTC:By-line', 'IFD1:ThumbnailImage', 'MPF0:MPFVersion', 'File:Comment', 'XMP-xmpNote:HasExtendedXMP']) {
      expect(before, k).toHaveProperty([k]);
    }
    const { out, result } = await strip(rich, dir);
    await expectClean(rich, out);
    expect(result.record).toMatchObject({ method: 'lossless-structure', format: 'jpeg' });
    expect(result.record.removed).toEqual(expect.arrayContaining(['APP1/Exif', 'APP1/XMP', 'APP1/XMP-extended', 'APP13/Photoshop-IRB (IPTC)', 'APP2/MPF', 'COM']));
    expect(result.record.removed.some((r) => r.startsWith('data after end-of-image'))).toBe(true);
    expect(result.record.kept).toEqual(['Orientation=6', 'APP2/ICC_PROFILE (sP3C; colour tags byte-identical)']);
    expect(result.bytesIn).toBe(fs.statSync(rich.path).size);
    expect(result.bytesOut).toBe(fs.statSync(out).size);
  });

  it('keeps scan data and coding tables byte-identical (baseline and progressive)', async () => {
    for (const fx of [rich, progressive]) {
      const { out } = await strip(fx, dir);
      const a = jpegCodingData(fs.readFileSync(fx.path));
      const b = jpegCodingData(fs.readFileSync(out));
      expect(a.length).toBeGreaterThan(1000);
      expect(b.equals(a)).toBe(true);
    }
    const markers = jpegMarkers(fs.readFileSync(progressive.path));
    expect(markers.filter((m) => m === 'da').length).toBeGreaterThan(1);
  });

  it('displays an Orientation-6 photo exactly as the original (same size, same pixels)', async () => {
    const { out } = await strip(rich, dir);
    const [a, b] = await Promise.all([rendered(rich.path), rendered(out)]);
    expect([b.width, b.height]).toEqual([480, 640]);
    expect([b.width, b.height]).toEqual([a.width, a.height]);
    expect(b.data.equals(a.data)).toBe(true);
    expect((await exiftoolRead(out))['IFD0:Orientation']).toBe('Rotate 90 CW');
  });

  it('writes no Exif at all when the orientation is normal', async () => {
    const fx = await makeJpeg({ dir, name: 'upright.jpg', width: 64, height: 48, seed: 3, exif: { ...RICH_EXIF, orientation: 1 } });
    const { out, result } = await strip(fx, dir);
    expect(jpegMarkers(fs.readFileSync(out))).not.toContain('e1');
    expect(result.record.kept).toEqual([]);
    await expectClean(fx, out);
  });

  it('keeps the colour of every profile and drops its identity: a calibration profile naming a monitor too', async () => {
    const { out } = await strip(rich, dir);
    const icc = async (f: string): Promise<Buffer> => (await sharp(f).metadata()).icc as Buffer;
    expect(colourTags(await icc(out))).toEqual(colourTags(await icc(rich.path)));
    // A display profile made by calibration software: same profile with its description renamed to a monitor.
    const base = await icc(rich.path);
    const device = Buffer.from(base);
    // The description is an 'mluc' tag: UTF-16BE.
    const desc = device.indexOf(Buffer.from('\0s\0P\x003\0C', 'latin1'));
    expect(desc).toBeGreaterThan(0);
    device.write('\0D\0L\x002\x007', desc, 'latin1');
    const file = path.join(dir, 'device-profile.jpg');
    await sharp(photoPixels(64, 48, 9), { raw: { width: 64, height: 48, channels: 3 } }).jpeg().toFile(file);
    const src = fs.readFileSync(file);
    const payload = Buffer.concat([Buffer.from('ICC_PROFILE\0\x01\x01', 'latin1'), device]);
    const seg = Buffer.concat([Buffer.from([0xff, 0xe2, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);
    fs.writeFileSync(file, Buffer.concat([src.subarray(0, 2), seg, src.subarray(2)]));
    const fx: MadeFixture = { path: file, mediaType: 'image/jpeg', originalValues: ['DL27'] };
    const r = await strip(fx, dir);
    expect(r.result.record.kept).toEqual(['APP2/ICC_PROFILE (RGB; colour tags byte-identical)']);
    const kept = (await sharp(r.out).metadata()).icc as Buffer;
    expect(colourTags(kept)).toEqual(colourTags(device));
    expect(kept.includes(Buffer.from('\0D\0L\x002\x007', 'latin1'))).toBe(false);
    await expectClean(fx, r.out);
  });

  it('keeps the Adobe APP14 transform of a CMYK JPEG, so it decodes to the same pixels', async () => {
    const file = path.join(dir, 'cmyk.jpg');
    await sharp(photoPixels(64, 48, 4), { raw: { width: 64, height: 48, channels: 3 } }).toColourspace('cmyk').jpeg().toFile(file);
    const src = fs.readFileSync(file);
    expect(jpegMarkers(src)).toContain('ee');
    const fx: MadeFixture = { path: file, mediaType: 'image/jpeg', originalValues: [] };
    const { out, result } = await strip(fx, dir);
    expect(jpegMarkers(fs.readFileSync(out))).toContain('ee');
    expect(result.record.kept).toContain('APP14/Adobe (colour transform)');
    const raw = async (f: string): Promise<Buffer> => sharp(f).raw().toBuffer();
    expect((await raw(out)).equals(await raw(file))).toBe(true);
  });

  it('drops fill bytes before markers and garbage after EOI, and records it', async () => {
    const fx = await makeJpeg({ dir, name: 'fill.jpg', width: 64, height: 48, seed: 5, exif: RICH_EXIF });
    const src = fs.readFileSync(fx.path);
    // Fill bytes (0xFF 0xFF 0xFF) before the first DQT, and vendor junk after EOI.
    const dqt = src.indexOf(Buffer.from([0xff, 0xdb]));
    const patched = Buffer.concat([src.subarray(0, dqt), Buffer.from([0xff, 0xff, 0xff]), src.subarray(dqt), Buffer.from(`SAMSUNG TRAILER ${RICH_EXIF.serial}`, 'latin1')]);
    fs.writeFileSync(fx.path, patched);
    const { out, result } = await strip(fx, dir);
    expect(result.record.removed).toContain(`data after end-of-image (${16 + RICH_EXIF.serial.length} bytes: preview images or vendor trailers)`);
    expect(jpegCodingData(fs.readFileSync(out)).equals(jpegCodingData(patched))).toBe(true);
    await expectClean(fx, out);
  });

  it('drops a segment whose marker is not a coding marker: a damaged APP1 marker (0xE1 read as 0xA1) does not carry the Exif through', async () => {
    const fx = await makeJpeg({ dir, name: 'reserved-marker.jpg', width: 64, height: 48, seed: 6, exif: RICH_EXIF });
    const src = fs.readFileSync(fx.path);
    const coding = jpegCodingData(src);
    const app1 = src.indexOf(Buffer.from([0xff, 0xe1]));
    expect(src.subarray(app1 + 4, app1 + 8).toString('latin1')).toBe('Exif');
    src[app1 + 1] = 0xa1;
    fs.writeFileSync(fx.path, src);
    const { out, result } = await strip(fx, dir);
    expect(result.record.removed.some((r) => /^segment of unknown marker 0xA1 \(\d+ bytes\)$/.test(r))).toBe(true);
    // The coding segments and scan data of the undamaged original, byte for byte: only the damaged segment went.
    expect(jpegCodingData(fs.readFileSync(out)).equals(coding)).toBe(true);
    for (const v of fx.originalValues) expect(fs.readFileSync(out).includes(Buffer.from(v, 'latin1')), v).toBe(false);
    await expectClean(fx, out);
  });

  it('refuses a coding segment whose length is not what its fields give: a damaged APP1 marker read as a second SOF1', async () => {
    const fx = await makeJpeg({ dir, name: 'exif-as-sof.jpg', width: 64, height: 48, seed: 7, exif: RICH_EXIF });
    const src = fs.readFileSync(fx.path);
    src[src.indexOf(Buffer.from([0xff, 0xe1])) + 1] = 0xc1;
    fs.writeFileSync(fx.path, src);
    const out = path.join(dir, 'exif-as-sof-out.jpg');
    const err = await stripToFile(() => fs.createReadStream(fx.path), 'image/jpeg', out, OPTS).catch((e: unknown) => e);
    expect(isHuellaError(err, 'STRIP_FAILED'), String(err)).toBe(true);
    expect((err as Error).message).toMatch(/0xC1 segment does not have the length its fields give/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('keeps the capture date and its kin, and nothing else, when the profile keeps the capture date', async () => {
    const { out, result } = await strip(rich, dir, KEEP_DATE, 'keep-date.jpg');
    const tags = await exiftoolRead(out);
    expect(tags['ExifIFD:DateTimeOriginal']).toBe(RICH_EXIF.dateTimeOriginal);
    expect(tags['ExifIFD:CreateDate']).toBe(RICH_EXIF.dateTimeOriginal);
    expect(tags['ExifIFD:OffsetTimeOriginal']).toBe('-03:00');
    expect(String(tags['ExifIFD:SubSecTimeOriginal'])).toBe('042');
    expect(tags['IFD0:ModifyDate']).toBeUndefined();
    expect(tags['IFD0:Orientation']).toBe('Rotate 90 CW');
    expect(result.record.kept).toEqual(['Orientation=6', 'capture date (DateTimeOriginal, CreateDate, OffsetTimeOriginal, SubSecTimeOriginal)', 'APP2/ICC_PROFILE (sP3C; colour tags byte-identical)']);
    await expectClean({ ...rich, originalValues: rich.originalValues.filter((v) => v !== RICH_EXIF.dateTimeOriginal) }, out, KEEP_DATE);
    // Without the option, no date at all.
    const { out: strict } = await strip(rich, dir, OPTS, 'no-date.jpg');
    expect(Object.keys(await exiftoolRead(strict)).filter((k) => /Date|SubSec|OffsetTime/.test(k) && !k.startsWith('System:') && !k.startsWith('ICC'))).toEqual([]);
  });

  it('drops a capture-date field that does not have the form Exif defines (a vendor string rides along nowhere)', async () => {
    const fx = await makeJpeg({ dir, name: 'odd-date.jpg', width: 32, height: 32, seed: 8, exif: { dateTimeOriginal: '2024:03:05 14:22:10' } });
    // exiftool refuses to write a malformed offset, so the bytes are patched: "-03:00" becomes "FABRIK".
    const b = fs.readFileSync(fx.path);
    const at = b.indexOf(Buffer.from('-03:00\0', 'latin1'));
    expect(at).toBeGreaterThan(0);
    b.write('FABRIK', at, 'latin1');
    fs.writeFileSync(fx.path, b);
    const { out, result } = await strip(fx, dir, KEEP_DATE, 'odd-date-out.jpg');
    expect(result.record.kept).toEqual(['capture date (DateTimeOriginal, CreateDate, SubSecTimeOriginal)']);
    expect(fs.readFileSync(out).includes(Buffer.from('FABRIK'))).toBe(false);
  });

  it('refuses a truncated JPEG with STRIP_FAILED and leaves nothing at outPath', async () => {
    const src = fs.readFileSync(rich.path);
    const cut = path.join(dir, 'truncated.jpg');
    fs.writeFileSync(cut, src.subarray(0, Math.floor(src.length / 2)));
    const out = path.join(dir, 'truncated-out.jpg');
    const t0 = Date.now();
    const err = await stripToFile(() => fs.createReadStream(cut), 'image/jpeg', out, OPTS).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(isHuellaError(err, 'STRIP_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(/JPEG.*truncated/);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([]);
  });

  it('from a file (reused read buffers) writes the same bytes and record as from a stream, several files at once', async () => {
    // Noise at quality 100: ~3 MB of scan data, so the two 1 MiB read buffers are each read into more than once.
    const px = crypto.randomBytes(1600 * 1200 * 3);
    const big: MadeFixture[] = [];
    for (const progressive of [false, true]) {
      const p = path.join(dir, `noise-${progressive ? 'progressive' : 'baseline'}.jpg`);
      await sharp(px, { raw: { width: 1600, height: 1200, channels: 3 } }).jpeg({ quality: 100, progressive }).toFile(p);
      big.push({ ...rich, path: p });
    }
    expect(fs.statSync(big[0]!.path).size).toBeGreaterThan(2.5 * 1024 * 1024);
    const all = [rich, progressive, ...big];
    const fromStream = await Promise.all(all.map((fx, i) => strip(fx, dir, OPTS, `via-stream-${i}.jpg`)));
    const fromFile = await Promise.all(all.map((fx, i) => stripToFile(fileSource(fx.path), 'image/jpeg', path.join(dir, `via-file-${i}.jpg`), OPTS)));
    all.forEach((fx, i) => {
      const viaFile = fs.readFileSync(path.join(dir, `via-file-${i}.jpg`));
      expect(viaFile.equals(fs.readFileSync(fromStream[i]!.out)), fx.path).toBe(true);
      expect(jpegCodingData(viaFile).equals(jpegCodingData(fs.readFileSync(fx.path))), fx.path).toBe(true);
      expect(fromFile[i]).toEqual(fromStream[i]!.result);
    });
    await expectClean(rich, path.join(dir, 'via-file-0.jpg'));
  });

  it('from a file larger than one read buffer may be (streamed in 1 MiB pieces), then a small one, writes what a stream gives', async () => {
    // A 36 MiB trailer after EOI (a motion photo's video, say) puts the file over WHOLE_FILE_LIMIT.
    const large = path.join(dir, 'large-trailer.jpg');
    fs.writeFileSync(large, Buffer.concat([fs.readFileSync(rich.path), crypto.randomBytes(36 * 1024 * 1024)]));
    expect(fs.statSync(large).size).toBeGreaterThan(WHOLE_FILE_LIMIT);
    for (const [i, fx] of [{ ...rich, path: large }, rich, progressive].entries()) {
      const viaStream = await strip(fx, dir, OPTS, `order-stream-${i}.jpg`);
      const out = path.join(dir, `order-file-${i}.jpg`);
      const viaFile = await stripToFile(fileSource(fx.path), 'image/jpeg', out, OPTS);
      expect(viaFile).toEqual(viaStream.result);
      expect(fs.readFileSync(out).equals(fs.readFileSync(viaStream.out)), fx.path).toBe(true);
    }
  });

  it.each(['in this thread', 'on a crypto worker'])('from a vault object (the export), decrypted whole %s, writes what the decrypting stream gives; a larger or damaged object is streamed', async (mode) => {
    const store = new BlobStore(dir, crypto.randomBytes(32), crypto.randomBytes(32));
    fs.mkdirSync(store.blobsDir, { recursive: true });
    const put = (data: Buffer): Promise<{ name: string; file: string }> => putVaultObject(store, data);
    const sourceOf = (name: string, taken: (number | null)[]): StreamSource =>
      vaultObjectSource(() => store.openPlaintext(name), async (limit, take) => {
        const n = mode === 'in this thread' ? store.readPlaintextWhole(name, limit, take) : await store.readPlaintextWholeOnWorker(name, limit, take);
        taken.push(n);
        return n;
      });
    const large = Buffer.concat([fs.readFileSync(rich.path), crypto.randomBytes(36 * 1024 * 1024)]);
    for (const [i, data] of [large, fs.readFileSync(rich.path), fs.readFileSync(progressive.path)].entries()) {
      const { name } = await put(data);
      const viaStream = path.join(dir, `vault-stream-${i}.jpg`);
      const viaWhole = path.join(dir, `vault-whole-${i}.jpg`);
      const taken: (number | null)[] = [];
      const streamed = await stripToFile(() => store.openPlaintext(name), 'image/jpeg', viaStream, OPTS);
      expect(await stripToFile(sourceOf(name, taken), 'image/jpeg', viaWhole, OPTS)).toEqual(streamed);
      expect(fs.readFileSync(viaWhole).equals(fs.readFileSync(viaStream))).toBe(true);
      // Decrypted whole unless the object is over the limit (the 36 MiB trailer): then streamed.
      expect(taken).toEqual([i === 0 ? null : data.length]);
    }
    // A damaged object fails as it does from the stream (the same error), and leaves nothing.
    const { name, file } = await put(fs.readFileSync(rich.path));
    const sealed = fs.readFileSync(file);
    const at = Math.floor(sealed.length / 2);
    sealed[at] = sealed[at]! ^ 1;
    fs.writeFileSync(file, sealed);
    const fromStream = await stripToFile(() => store.openPlaintext(name), 'image/jpeg', path.join(dir, 'vault-bad-stream.jpg'), OPTS).catch((e: unknown) => e);
    const taken: (number | null)[] = [];
    const fromWhole = await stripToFile(sourceOf(name, taken), 'image/jpeg', path.join(dir, 'vault-bad-whole.jpg'), OPTS).catch((e: unknown) => e);
    expect(isHuellaError(fromWhole, 'AGE_INTEGRITY')).toBe(true);
    expect(fromWhole).toEqual(fromStream);
    expect((fromWhole as Error).message).toBe((fromStream as Error).message);
    expect(taken).toEqual([null]);
    expect(fs.existsSync(path.join(dir, 'vault-bad-whole.jpg'))).toBe(false);
  });

  it('the reused buffers hold no plaintext once wiped (an export wipes them at its end), nor does a buffer no longer kept', async () => {
    const store = new BlobStore(dir, crypto.randomBytes(32), crypto.randomBytes(32));
    fs.mkdirSync(store.blobsDir, { recursive: true });
    const plain = fs.readFileSync(rich.path);
    const name = crypto.randomBytes(32).toString('hex');
    fs.mkdirSync(path.dirname(store.pathOf(name)), { recursive: true });
    fs.writeFileSync(store.pathOf(name), await ageEncryptBuffer(plain, [store.recipientPublicKey]));
    const source = (): StreamSource => vaultObjectSource(() => store.openPlaintext(name), (limit, take) => store.readPlaintextWhole(name, limit, take));
    const probe = plain.subarray(plain.length >> 1, (plain.length >> 1) + 64);
    // MAX_SPARE + 1 strips at once: as many buffers, MAX_SPARE kept, the last one dropped (zeroed first: a test cannot
    // see a dropped one, but it can see that the ones kept are the ones that were used).
    await Promise.all(Array.from({ length: MAX_SPARE + 1 }, (_, i) => stripToFile(source(), 'image/jpeg', path.join(dir, `wipe-${i}.jpg`), OPTS)));
    expect(keptWholeBuffers().filter((b) => b.includes(probe)).length).toBe(MAX_SPARE);
    wipeWholeFileBuffers();
    for (const b of keptWholeBuffers()) expect(b.every((x) => x === 0)).toBe(true);
  });

  it('from a file, a truncated JPEG is refused and leaves nothing', async () => {
    const src = fs.readFileSync(rich.path);
    const cut = path.join(dir, 'truncated-file.jpg');
    fs.writeFileSync(cut, src.subarray(0, Math.floor(src.length / 2)));
    const out = path.join(dir, 'truncated-file-out.jpg');
    const err = await stripToFile(fileSource(cut), 'image/jpeg', out, OPTS).catch((e: unknown) => e);
    expect(isHuellaError(err, 'STRIP_FAILED')).toBe(true);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('refuses bytes that are not a JPEG', async () => {
    const bad = path.join(dir, 'not.jpg');
    fs.writeFileSync(bad, 'GIF89a not a jpeg at all');
    const err = await stripToFile(() => fs.createReadStream(bad), 'image/jpeg', path.join(dir, 'not-out.jpg'), OPTS).catch((e: unknown) => e);
    expect(isHuellaError(err, 'STRIP_FAILED')).toBe(true);
  });
});
