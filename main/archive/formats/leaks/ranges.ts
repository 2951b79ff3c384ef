/**
 * Where the value scan looks in formats whose structure we read: the metadata structures only, not the coded pixels.
 * A JPEG copy's scan data is the original's, byte for byte; four bytes of compressed pixels that happen to spell
 * "Sony" are not metadata, and on a 12-megapixel photo such a chance match would block an export now and then.
 * Each function also names a byte of the copy ("APP2/ICC_PROFILE, tag cprt"), so a finding says where it is.
 */
import zlib from 'node:zlib';
import type { Locator } from './values';

export type Ranges = { readonly ranges: readonly (readonly [number, number])[]; readonly locate: Locator; readonly extra: readonly { readonly data: Buffer; readonly where: string }[] };

const ICC_HEADER_FIELDS: readonly (readonly [number, number, string])[] = [
  [4, 8, 'preferred CMM'],
  [24, 36, 'creation date'],
  [40, 44, 'platform'],
  [48, 52, 'device manufacturer'],
  [52, 56, 'device model'],
  [80, 84, 'creator'],
  [84, 100, 'profile ID'],
];

/** Names the ICC structure at `offset` of a profile: a header field or a tag signature. */
export function iccPlace(profile: Buffer, offset: number): string {
  if (offset < 128) {
    const field = ICC_HEADER_FIELDS.find(([a, b]) => offset >= a && offset < b);
    return `colour profile header${field ? `, ${field[2]}` : ''}`;
  }
  if (profile.length >= 132) {
    const count = Math.min(profile.readUInt32BE(128), 200);
    for (let i = 0; i < count && 132 + i * 12 + 12 <= profile.length; i++) {
      const e = 132 + i * 12;
      const at = profile.readUInt32BE(e + 4);
      const size = profile.readUInt32BE(e + 8);
      if (offset >= at && offset < at + size) return `colour profile tag '${profile.toString('latin1', e, e + 4)}'`;
    }
  }
  return 'colour profile';
}

type Segment = { readonly start: number; readonly end: number; readonly name: string; readonly iccSeq?: number };

function jpegSegments(b: Buffer): { segments: Segment[]; ranges: [number, number][] } {
  const segments: Segment[] = [];
  const ranges: [number, number][] = [];
  let i = 2;
  let rangeStart = 0;
  while (i + 4 <= b.length && b[i] === 0xff) {
    const m = b[i + 1] as number;
    if (m === 0xd9) break;
    if (m === 0xff || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      i += m === 0xff ? 1 : 2;
      continue;
    }
    const len = b.readUInt16BE(i + 2);
    const end = Math.min(b.length, i + 2 + len);
    const id = b.toString('latin1', i + 4, Math.min(end, i + 4 + 12));
    const name = m === 0xe2 && id === 'ICC_PROFILE\0' ? 'APP2/ICC_PROFILE' : m >= 0xe0 && m <= 0xef ? `APP${m - 0xe0}` : m === 0xfe ? 'COM' : `segment 0x${m.toString(16)}`;
    segments.push({ start: i, end, name, ...(name === 'APP2/ICC_PROFILE' ? { iccSeq: b[i + 4 + 12] ?? 0 } : {}) });
    i = end;
    if (m === 0xda) {
      // Entropy-coded data runs to the next marker that is not a stuffed byte or a restart marker.
      ranges.push([rangeStart, i]);
      while (i + 1 < b.length) {
        const j = b.indexOf(0xff, i);
        if (j < 0 || j + 1 >= b.length) return { segments, ranges };
        const n = b[j + 1] as number;
        if (n === 0x00 || n === 0xff || (n >= 0xd0 && n <= 0xd7)) i = j + 1;
        else {
          i = j;
          break;
        }
      }
      rangeStart = i;
    }
  }
  ranges.push([rangeStart, b.length]);
  return { segments, ranges };
}

export function jpegRanges(b: Buffer): Ranges {
  const { segments, ranges } = jpegSegments(b);
  const icc = segments.filter((s) => s.iccSeq !== undefined).sort((a, c) => (a.iccSeq ?? 0) - (c.iccSeq ?? 0));
  const profile = Buffer.concat(icc.map((s) => b.subarray(s.start + 4 + 14, s.end)));
  const locate: Locator = (offset) => {
    const seg = segments.find((s) => offset >= s.start && offset < s.end);
    if (!seg) return offset >= b.length - 2 ? 'end of image' : undefined;
    if (seg.iccSeq === undefined || offset < seg.start + 4 + 14) return seg.name;
    let before = 0;
    for (const s of icc) {
      if (s === seg) break;
      before += s.end - (s.start + 4 + 14);
    }
    return `${seg.name}, ${iccPlace(profile, before + offset - (seg.start + 4 + 14))}`;
  };
  // The profile is also scanned whole: a value split across two APP2 segments is found too.
  return { ranges, locate, extra: profile.length > 0 ? [{ data: profile, where: 'the colour profile' }] : [] };
}

export function pngRanges(b: Buffer): Ranges {
  const ranges: [number, number][] = [[0, Math.min(8, b.length)]];
  const chunks: { start: number; end: number; type: string }[] = [];
  const extra: { data: Buffer; where: string }[] = [];
  let i = 8;
  while (i + 12 <= b.length) {
    const len = b.readUInt32BE(i);
    const type = b.toString('latin1', i + 4, i + 8);
    const end = Math.min(b.length, i + 12 + len);
    chunks.push({ start: i, end, type });
    if (type === 'IDAT' || type === 'fdAT') ranges.push([i, i + 8]);
    else ranges.push([i, end]);
    if (type === 'iCCP') {
      const data = b.subarray(i + 8, i + 8 + len);
      const nul = data.indexOf(0);
      try {
        if (nul > 0) extra.push({ data: zlib.inflateSync(data.subarray(nul + 2), { maxOutputLength: 16 * 1024 * 1024 }), where: 'the colour profile (iCCP)' });
      } catch {
        // A damaged profile is the structural check's business; its raw bytes are scanned anyway.
      }
    }
    i = end;
    if (type === 'IEND') break;
  }
  if (i < b.length) ranges.push([i, b.length]);
  const locate: Locator = (offset) => {
    const c = chunks.find((x) => offset >= x.start && offset < x.end);
    return c ? `PNG chunk ${c.type}` : undefined;
  };
  return { ranges, locate, extra };
}

const WEBP_PIXELS = new Set(['VP8 ', 'VP8L', 'ALPH', 'ANMF']);

export function webpRanges(b: Buffer): Ranges {
  const ranges: [number, number][] = [[0, Math.min(12, b.length)]];
  const chunks: { start: number; end: number; type: string }[] = [];
  let i = 12;
  while (i + 8 <= b.length) {
    const type = b.toString('latin1', i, i + 4);
    const size = b.readUInt32LE(i + 4);
    const end = Math.min(b.length, i + 8 + size + (size & 1));
    chunks.push({ start: i, end, type });
    ranges.push(WEBP_PIXELS.has(type) ? [i, i + 8] : [i, end]);
    i = end;
  }
  if (i < b.length) ranges.push([i, b.length]);
  const locate: Locator = (offset) => {
    const c = chunks.find((x) => offset >= x.start && offset < x.end);
    if (!c) return undefined;
    return c.type === 'ICCP' && offset >= c.start + 8 ? `WebP chunk ICCP, ${iccPlace(b.subarray(c.start + 8, c.end), offset - c.start - 8)}` : `WebP chunk ${c.type.trim()}`;
  };
  return { ranges, locate, extra: [] };
}
