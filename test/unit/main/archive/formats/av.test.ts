import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stripToFile } from '../../../../../main/archive/formats/index';
import { isHuellaError } from '../../../../../main/archive/errors';
import { tempDir } from '../../../../helpers/tmp';
import { AV_VALUES, makeFlac, makeMp3, makeMp4, makeWav } from '../../../../fixtures/av';
import { exiftoolRead } from '../../../../fixtures/exiftool';
import { expectClean, expectDirty, KEEP_DATE, OPTS, strip } from './strip-helpers';

const dir = tempDir('huella-strip-av-');

describe('MP4 / MOV stripping', () => {
  it('turns udta/meta/uuid into free boxes in place, zeroes times and names, removes the telemetry track', async () => {
    for (const brand of ['isom', 'qt  '] as const) {
      const fx = makeMp4({ dir, brand });
      await expectDirty(fx);
      const before = await exiftoolRead(fx.path);
      expect(Object.keys(before).some((k) => /GPSCoordinates/.test(k))).toBe(true);
      const { out, result } = await strip(fx, dir);
      await expectClean(fx, out);
      expect(result.record.method).toBe('lossless-structure');
      expect(result.record.removed).toEqual(expect.arrayContaining(['udta (©xyz, ©mak, ©mod, ©swr, ©day)', 'meta', 'uuid (XMP)']));
      const a = fs.readFileSync(fx.path);
      const b = fs.readFileSync(out);
      // Nothing moved: same length, and the video samples (everything the stco offsets point at) are identical.
      expect(b.length).toBe(a.length);
      const mdat = a.indexOf(Buffer.from('mdat', 'latin1')) + 4;
      expect(b.subarray(mdat, mdat + 310).equals(a.subarray(mdat, mdat + 310))).toBe(true);
      expect(b.includes(Buffer.from(AV_VALUES.gpsTelemetry, 'latin1'))).toBe(false);
    }
  });

  it('keeps the creation times (only) when the profile keeps the capture date', async () => {
    const fx = makeMp4({ dir, name: 'keep.mp4', metadataTrack: false });
    const { out, result } = await strip(fx, dir, KEEP_DATE, 'keep-out.mp4');
    expect(result.record.kept).toEqual(expect.arrayContaining(['mvhd creation time']));
    const tags = await exiftoolRead(out);
    expect(tags['QuickTime:CreateDate']).toBe('2024:03:05 17:22:10');
    expect(tags['QuickTime:ModifyDate']).toBe('0000:00:00 00:00:00');
    await expectClean(fx, out, KEEP_DATE);
  });

  it('fails clearly on box sizes that overflow the file, fast, leaving nothing', async () => {
    const fx = makeMp4({ dir, name: 'overflow.mp4' });
    const b = fs.readFileSync(fx.path);
    const mdat = b.indexOf(Buffer.from('mdat', 'latin1')) - 4;
    b.writeUInt32BE(0x7ffffff0, mdat);
    fs.writeFileSync(fx.path, b);
    const out = path.join(dir, 'overflow-out.mp4');
    const t0 = Date.now();
    const err = await stripToFile(() => fs.createReadStream(fx.path), 'video/mp4', out, OPTS).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(isHuellaError(err, 'STRIP_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(/MP4.*box sizes overflow/);
    expect(fs.existsSync(out)).toBe(false);

    // A nested box claiming more than its parent holds.
    const c = fs.readFileSync(makeMp4({ dir, name: 'nested.mp4' }).path);
    const udta = c.indexOf(Buffer.from('udta', 'latin1'), c.indexOf(Buffer.from('moov', 'latin1'))) - 4;
    c.writeUInt32BE(0x00100000, udta);
    fs.writeFileSync(path.join(dir, 'nested.mp4'), c);
    const err2 = await stripToFile(() => fs.createReadStream(path.join(dir, 'nested.mp4')), 'video/mp4', out, OPTS).catch((e: unknown) => e);
    expect(isHuellaError(err2, 'STRIP_FAILED')).toBe(true);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('audio stripping', () => {
  it('MP3: ID3v2, APEv2 and ID3v1 tags and the encoder name go; frames are byte-identical', async () => {
    const fx = makeMp3({ dir });
    await expectDirty(fx);
    const { out, result } = await strip(fx, dir);
    await expectClean(fx, out);
    expect(result.record.removed).toEqual(['ID3v2', 'ID3v1', 'APEv2', 'encoder name in the Xing/LAME header']);
    const a = fs.readFileSync(fx.path);
    const b = fs.readFileSync(out);
    const start = a.indexOf(Buffer.from([0xff, 0xfb, 0x90, 0x00]));
    expect(b.length).toBe(21 * 417);
    expect(b.subarray(417).equals(a.subarray(start + 417, start + 21 * 417))).toBe(true);
  });

  it('WAV: LIST/INFO and bext go, audio bytes identical, RIFF size right', async () => {
    const fx = makeWav({ dir });
    await expectDirty(fx);
    const { out, result } = await strip(fx, dir);
    await expectClean(fx, out);
    expect(result.record.removed).toEqual(['bext', 'LIST/INFO']);
    const b = fs.readFileSync(out);
    expect(b.readUInt32LE(4)).toBe(b.length - 8);
    const a = fs.readFileSync(fx.path);
    const data = (x: Buffer): Buffer => {
      const i = x.indexOf(Buffer.from('data', 'latin1'));
      return x.subarray(i + 8, i + 8 + x.readUInt32LE(i + 4));
    };
    expect(data(b).equals(data(a))).toBe(true);
  });

  it('FLAC: Vorbis comments, picture and padding go, frames identical', async () => {
    const fx = await makeFlac({ dir });
    await expectDirty(fx);
    const { out, result } = await strip(fx, dir);
    await expectClean(fx, out);
    expect(result.record.removed).toEqual(['VORBIS_COMMENT', 'PICTURE', 'PADDING']);
    const b = fs.readFileSync(out);
    expect(b.length).toBe(4 + 4 + 34 + 207);
    expect((b[4] as number) & 0x80).toBe(0x80);
  });
});
