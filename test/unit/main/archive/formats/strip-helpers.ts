import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { findLeaks, stripToFile } from '../../../../../main/archive/formats/index';
import { ageEncryptBuffer } from '../../../../../main/archive/blobs/age';
import type { BlobStore } from '../../../../../main/archive/blobs/store';
import { MAX_SPARE, readWholeWith } from '../../../../../main/archive/formats/whole-file';
import type { LeakFinding, StripOptions, StripResult } from '../../../../../main/archive/formats/index';
import { exiftoolRead } from '../../../../fixtures/exiftool';
import type { MadeFixture } from '../../../../fixtures/photos';

export const OPTS: StripOptions = { keepCaptureDate: false, keepOrientation: true };
export const KEEP_DATE: StripOptions = { keepCaptureDate: true, keepOrientation: true };

export async function strip(fx: MadeFixture, outDir: string, opts: StripOptions = OPTS, name?: string): Promise<{ out: string; result: StripResult }> {
  const out = path.join(outDir, name ?? `stripped-${path.basename(fx.path)}`);
  const result = await stripToFile(() => fs.createReadStream(fx.path, { highWaterMark: 16 * 1024 }), fx.mediaType, out, opts);
  return { out, result };
}

/**
 * Every exiftool tag (`-j -a -G1 -u`) that identifies: GPS, serials, make/model, XMP, IPTC, owners, software,
 * comments, thumbnails, maker notes, and dates (unless the capture date is kept). Returns "Group:Tag" names only.
 *
 * ICC groups: only the identity of a profile counts (vendor, device, creator, platform, date, copyright); its colour
 * data is kept by design (icc.ts). Not counted: System:* (the file system's own times), zeroed or fixed dates (QuickTime 0000:00:00, ZIP
 * entries at the 1980 DOS epoch), and `allow` patterns the caller justifies.
 */
export async function exiftoolFindings(file: string, keepCaptureDate: boolean, allow: readonly RegExp[] = []): Promise<string[]> {
  const tags = await exiftoolRead(file);
  const bad: string[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (key === 'SourceFile' || key.startsWith('System:') || key.startsWith('ExifTool:ExifToolVersion')) continue;
    if (allow.some((re) => re.test(key))) continue;
    // A kept ICC profile keeps its colour tags and loses its identity (icc.ts): the header's vendor, device, creator,
    // platform and date are blank, the copyright empty; the description is a colour space's name.
    if (key.startsWith('ICC')) {
      const [, field = ''] = key.split(':');
      const v = String(value);
      if (/^(ProfileCMMType|PrimaryPlatform|DeviceManufacturer|DeviceModel|ProfileCreator)$/.test(field) && !/^(|0|Unknown \(\))$/.test(v.trim())) bad.push(`icc-identity: ${key}`);
      if (field === 'ProfileDateTime' && !/^0000:00:00/.test(v)) bad.push(`icc-date: ${key}`);
      if (field === 'ProfileCopyright' && v.trim() !== '') bad.push(`icc-copyright: ${key}`);
      if (/^(DeviceMfgDesc|DeviceModelDesc|Metadata|CalibrationDateTime|MakeAndModel|NativeDisplayInfo|VideoCardGamma)$/.test(field)) bad.push(`icc-identity: ${key}`);
      continue;
    }
    const [group = '', tag = ''] = key.split(':');
    const v = String(value);
    const checks: Array<[boolean, string]> = [
      [/GPS|Location|GeoTag/i.test(tag), 'gps'],
      [/Serial/i.test(tag), 'serial'],
      [/^(Make|Model|CameraModelName|LensMake|LensModel|UniqueCameraModel)$/.test(tag), 'make/model'],
      [group.startsWith('XMP'), 'xmp'],
      [group.startsWith('IPTC') || group === 'Photoshop', 'iptc'],
      [/(Artist|Owner|Author|Creator|LastModifiedBy|Company|Manager|By-line|Rights)/i.test(tag) || /^Copyright$/i.test(tag), 'owner'],
      [/(Software|CreatorTool|Producer|Encoder|^Application$|AppVersion|HostComputer)/i.test(tag), 'software'],
      [/^(Comment|UserComment|Title|Subject|Keywords|Description)$/i.test(tag), 'comment'],
      [/(Thumbnail|PreviewImage|MPImage|MPF)/i.test(tag) || group.startsWith('MPF') || group.startsWith('MPImage'), 'thumbnail'],
      [/MakerNote/i.test(tag) || (group === 'ExifTool' && /MakerNote/i.test(v)), 'makernote'],
      [
        /(Date|TimeStamp|TimeCreated)/i.test(tag) &&
          !/^0000:00:00/.test(v) &&
          !/^1980:01:01 00:00:00/.test(v) &&
          !(keepCaptureDate && /(DateTimeOriginal|CreateDate|DateCreated|CreationDate|Created)/i.test(tag)),
        'date',
      ],
    ];
    for (const [hit, kind] of checks) if (hit) bad.push(`${kind}: ${key}`);
  }
  return bad;
}

/** The full leak picture of a stripped copy: exiftool must find nothing and findLeaks must return []. */
export async function expectClean(fx: MadeFixture, out: string, opts: StripOptions = OPTS, allow: readonly RegExp[] = []): Promise<void> {
  expect(await exiftoolFindings(out, opts.keepCaptureDate, allow)).toEqual([]);
  expect(await findLeaks(out, fx.mediaType, { ...opts, originalValues: fx.originalValues })).toEqual([]);
}

/** And the original must be caught by both: otherwise the checks above prove nothing. */
export async function expectDirty(fx: MadeFixture, opts: StripOptions = OPTS): Promise<LeakFinding[]> {
  const leaks = await findLeaks(fx.path, fx.mediaType, { ...opts, originalValues: fx.originalValues });
  expect(leaks.length).toBeGreaterThan(0);
  expect(leaks.some((l) => l.kind === 'original-value')).toBe(true);
  expect((await exiftoolFindings(fx.path, opts.keepCaptureDate)).length).toBeGreaterThan(0);
  return leaks;
}

/**
 * JPEG coding data, extracted independently of the stripper: every segment that is not APPn/COM (DQT, DHT, SOFn,
 * DRI, SOS…) in order, then each scan's entropy-coded bytes (fill bytes before a marker excluded), up to EOI.
 */
export function jpegCodingData(b: Buffer): Buffer {
  const parts: Buffer[] = [];
  let i = 2;
  for (;;) {
    if (i + 2 > b.length) throw new Error('no EOI');
    if (b[i] !== 0xff) throw new Error(`not a marker at ${i}`);
    while (b[i + 1] === 0xff) i++;
    const m = b[i + 1] as number;
    if (m === 0xd9) return Buffer.concat(parts);
    const len = b.readUInt16BE(i + 2);
    const isApp = (m >= 0xe0 && m <= 0xef) || m === 0xfe;
    if (!isApp) parts.push(b.subarray(i, i + 2 + len));
    i += 2 + len;
    if (m === 0xda) {
      const start = i;
      for (;;) {
        const j = b.indexOf(0xff, i);
        if (j < 0) throw new Error('scan without end');
        let k = j + 1;
        while (b[k] === 0xff) k++;
        const n = b[k] as number;
        if (n === 0x00 || (n >= 0xd0 && n <= 0xd7)) {
          i = k + 1;
          continue;
        }
        parts.push(b.subarray(start, j));
        i = k - 1;
        break;
      }
    }
  }
}

/** Lists the JPEG marker segments (e.g. 'e1', 'db', 'da') in file order, up to EOI. */
export function jpegMarkers(b: Buffer): string[] {
  const out: string[] = [];
  let i = 2;
  while (i + 4 <= b.length) {
    while (b[i + 1] === 0xff) i++;
    const m = b[i + 1] as number;
    out.push(m.toString(16));
    if (m === 0xd9) break;
    i += 2 + b.readUInt16BE(i + 2);
    if (m === 0xda) {
      for (;;) {
        const j = b.indexOf(0xff, i);
        const n = b[j + 1] as number;
        if (n === 0x00 || n === 0xff || (n >= 0xd0 && n <= 0xd7)) i = j + 1;
        else {
          i = j;
          break;
        }
      }
    }
  }
  return out;
}

const COLOUR_TAG = /^([rgb](XYZ|TRC)|kTRC|wtpt|bkpt|chad|chrm|lumi|meas|view|tech|ciis|gamt|[AD]2B\d|B2[AD]\d|pre\d|clro|clrt|clot|cicp)$/;

/** Every tag signature of an ICC profile. */
export function iccTagNames(profile: Buffer): string[] {
  return Array.from({ length: profile.readUInt32BE(128) }, (_, i) => profile.toString('latin1', 132 + i * 12, 136 + i * 12));
}

/**
 * The colour-defining tags of an ICC profile (ICC.1:2010 signatures, listed here independently of icc.ts),
 * signature → bytes, to compare a copy's profile with the original's.
 */
export function colourTags(profile: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  const count = profile.readUInt32BE(128);
  for (let i = 0; i < count; i++) {
    const e = 132 + i * 12;
    const sig = profile.toString('latin1', e, e + 4);
    if (!COLOUR_TAG.test(sig)) continue;
    const at = profile.readUInt32BE(e + 4);
    out[sig] = profile.subarray(at, at + profile.readUInt32BE(e + 8)).toString('hex');
  }
  return out;
}

/**
 * Copies of the buffers formats/whole-file.ts keeps for the next photo (at most MAX_SPARE), seen through the reader's
 * own take(): each take gives the previous buffer back to the end of the list and takes the next.
 */
export function keptWholeBuffers(): Buffer[] {
  const seen: Buffer[] = [];
  readWholeWith((_limit, take) => {
    for (let i = 0; i < MAX_SPARE; i++) seen.push(Buffer.from(take(1)));
    return null;
  });
  return seen;
}

/** `data` encrypted to `store`'s key as an object of it, under a random name (as an ingest would have stored it). */
export async function putVaultObject(store: BlobStore, data: Buffer): Promise<{ name: string; file: string }> {
  const name = crypto.randomBytes(32).toString('hex');
  const file = store.pathOf(name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, await ageEncryptBuffer(data, [store.recipientPublicKey]));
  return { name, file };
}
