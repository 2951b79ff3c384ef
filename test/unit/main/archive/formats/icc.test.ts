import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import '../../../../../main/archive/formats/vips-env';
import sharp from 'sharp';
import { inspectCopy } from '../../../../../main/archive/formats/index';
import { neutraliseIccProfile } from '../../../../../main/archive/formats/icc';
import { exiftoolRead } from '../../../../fixtures/exiftool';
import { makePhonePhotos, PHONES, type PhonePhoto } from '../../../../fixtures/phone-icc';
import { tempDir } from '../../../../helpers/tmp';
import { colourTags, exiftoolFindings, iccTagNames, jpegCodingData, KEEP_DATE, OPTS, strip } from './strip-helpers';

/**
 * Phone photos from five makers, each with its maker's colour profile (test/fixtures/phone-icc.ts): the stripped copy
 * keeps the colour (every colour tag byte-identical, the same pixels after colour management) and loses the identity
 * (no maker or model string anywhere, header fields blank), with the scan data untouched and no false block.
 */

function holds(b: Buffer, s: string): boolean {
  const le = Buffer.from(s, 'utf16le');
  const be = Buffer.from(le);
  be.swap16();
  return b.includes(Buffer.from(s, 'latin1')) || b.includes(le) || b.includes(be);
}

async function managedPixels(file: string): Promise<Buffer> {
  // Colour-managed decode: the embedded profile is applied, the result is sRGB.
  return sharp(file).toColourspace('srgb').raw().toBuffer();
}

describe('colour profiles of phone photos: colour kept, identity gone', () => {
  const dir = tempDir('huella-icc-');
  let photos: PhonePhoto[] = [];

  beforeAll(async () => {
    photos = await makePhonePhotos(dir);
  });

  it('the fixtures carry each maker\'s identity in the profile (so the test can fail)', async () => {
    expect(photos.map((p) => p.maker)).toEqual(['google', 'apple', 'samsung', 'huawei', 'xiaomi']);
    for (const p of photos) {
      const profile = (await sharp(p.path).metadata()).icc as Buffer;
      expect(profile.equals(p.profile), p.maker).toBe(true);
      for (const s of PHONES[p.maker].profileStrings) expect(holds(profile, s), `${p.maker}: ${s}`).toBe(true);
      // Before neutralisation the leak check blocks every one of them on the Make or Model inside the profile.
      const leaks = await inspectCopy(p.path, 'image/jpeg', { ...KEEP_DATE, originalValues: [{ field: 'Make', value: PHONES[p.maker].make }, { field: 'Model', value: PHONES[p.maker].model }] });
      expect(leaks.leaks.some((l) => l.kind === 'original-value' && /colour profile/.test(l.detail)), p.maker).toBe(true);
    }
  });

  for (const keep of [KEEP_DATE, OPTS]) {
    it(`exports each without a block and without identifying text, scan data and colours identical (keepCaptureDate ${keep.keepCaptureDate})`, async () => {
      for (const p of photos) {
        const { out, result } = await strip(p, dir, keep, `${p.maker}-${keep.keepCaptureDate}.jpg`);
        const values = [{ field: 'Make', value: PHONES[p.maker].make }, { field: 'Model', value: PHONES[p.maker].model }];
        const inspected = await inspectCopy(out, 'image/jpeg', { ...keep, originalValues: values });
        expect(inspected.leaks, p.maker).toEqual([]);
        const bytes = fs.readFileSync(out);
        for (const s of [...PHONES[p.maker].profileStrings, PHONES[p.maker].make, PHONES[p.maker].model]) expect(holds(bytes, s), `${p.maker} copy holds ${s}`).toBe(false);
        expect(await exiftoolFindings(out, keep.keepCaptureDate), p.maker).toEqual([]);
        const kept = (await sharp(out).metadata()).icc as Buffer;
        expect(colourTags(kept), p.maker).toEqual(colourTags(p.profile));
        expect(Object.keys(colourTags(kept)).length, p.maker).toBeGreaterThanOrEqual(8);
        expect(iccTagNames(kept).filter((t) => !(t in colourTags(kept))).sort(), p.maker).toEqual(['cprt', 'desc']);
        expect(jpegCodingData(bytes).equals(jpegCodingData(fs.readFileSync(p.path))), p.maker).toBe(true);
        expect((await managedPixels(out)).equals(await managedPixels(p.path)), p.maker).toBe(true);
        expect(result.record.kept.some((k) => k.startsWith('APP2/ICC_PROFILE (')), p.maker).toBe(true);
        expect(inspected.facts.colourProfile, p.maker).toMatch(/^(sRGB IEC61966-2\.1|Display P3)$/);
        const tags = await exiftoolRead(out);
        expect(tags['ExifIFD:DateTimeOriginal'], p.maker).toBe(keep.keepCaptureDate ? p.dateTimeOriginal : undefined);
        expect(inspected.facts.captureDate.length > 0, p.maker).toBe(keep.keepCaptureDate);
      }
    });
  }

  it('WebP and PNG copies keep the neutralised profile, and the re-read reports it as the record says (the packet states it)', async () => {
    for (const [mediaType, ext] of [['image/webp', 'webp'], ['image/png', 'png']] as const) {
      for (const p of photos) {
        const src = `${p.path}.${ext}`;
        const img = sharp(p.path).keepIccProfile();
        await (ext === 'webp' ? img.webp({ lossless: true }) : img.png()).toFile(src);
        const { out, result } = await strip({ path: src, mediaType, originalValues: [] }, dir, OPTS, `${p.maker}-icc.${ext}`);
        const inspected = await inspectCopy(out, mediaType, { ...OPTS, originalValues: [{ field: 'Make', value: PHONES[p.maker].make }] });
        expect(inspected.leaks, `${p.maker} ${ext}`).toEqual([]);
        expect(result.record.kept.some((k) => /ICC|iCCP/.test(k)), `${p.maker} ${ext}`).toBe(true);
        expect(inspected.facts.colourProfile, `${p.maker} ${ext}`).toMatch(/^(sRGB IEC61966-2\.1|Display P3)$/);
      }
    }
  });

  it('records only what changed, and recomputes a profile ID the original had', () => {
    const google = photos[0]!.profile;
    const n = neutraliseIccProfile(google);
    if (!n.ok) throw new Error(n.reason);
    expect(n.removed).toEqual(['copyright text', 'header date, device manufacturer, creator']);
    expect(n.label).toBe('sRGB IEC61966-2.1');
    const samsung = neutraliseIccProfile(photos[2]!.profile);
    expect(samsung.ok && samsung.removed).toEqual(['copyright text', 'header preferred CMM, date, platform, device manufacturer, device model, creator', 'tags dmdd, dmnd']);
    // Neutralising twice changes nothing more: the result is a fixed point.
    const again = neutraliseIccProfile(n.profile);
    expect(again.ok && again.profile.equals(n.profile)).toBe(true);
    expect(again.ok && again.removed).toEqual([]);
    // A profile ID (MD5) present in the original is recomputed over the new bytes.
    const withId = Buffer.from(google);
    withId.fill(0x11, 84, 100);
    const m = neutraliseIccProfile(withId);
    if (!m.ok) throw new Error(m.reason);
    expect(m.profile.subarray(84, 100).equals(Buffer.alloc(16, 0x11))).toBe(false);
    expect(m.profile.subarray(84, 100).some((x) => x !== 0)).toBe(true);
  });

  it('drops a damaged profile rather than guessing', () => {
    const bad = Buffer.from(photos[1]!.profile);
    bad.writeUInt32BE(0xffffff, 132 + 4); // first tag's offset far outside the profile
    expect(neutraliseIccProfile(bad)).toEqual({ ok: false, reason: expect.stringMatching(/outside the profile/) as unknown as string });
  });
});
