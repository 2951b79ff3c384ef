/**
 * Structural re-reads of image files, written independently of the strippers: they list what containers remain
 * and report every one that is not on the short list a stripped copy may contain.
 */
import { iccDescription } from '../icc';
import type { Findings } from './findings';

const XMP_ID = 'http://ns.adobe.com/xap/1.0/';
const XMP_EXT_ID = 'http://ns.adobe.com/xmp/extension/';

/** Exif IFD tags a copy may keep with keepCaptureDate (written out here, not shared with the strippers). */
const CAPTURE_DATE_TAG_NUMBERS = new Set([0x9003, 0x9004, 0x9011, 0x9012, 0x9291, 0x9292]);

/**
 * Exif in a JPEG may hold IFD0 with at most Orientation and, when the capture date is kept, the Exif IFD pointer to
 * an IFD of capture-date tags only; no further IFD (no IFD1 thumbnail).
 */
function exifIsAllowed(payload: Buffer, keepCaptureDate: boolean): boolean {
  const t = payload.subarray(6);
  if (t.length < 8) return false;
  const le = t.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number): number => (le ? t.readUInt16LE(o) : t.readUInt16BE(o));
  const u32 = (o: number): number => (le ? t.readUInt32LE(o) : t.readUInt32BE(o));
  const tags = (ifd: number): number[] | undefined => {
    if (ifd < 8 || ifd + 2 > t.length) return undefined;
    const n = u16(ifd);
    if (ifd + 2 + n * 12 + 4 > t.length || u32(ifd + 2 + n * 12) !== 0) return undefined;
    return Array.from({ length: n }, (_, i) => u16(ifd + 2 + i * 12));
  };
  const ifd0 = u32(4);
  const top = tags(ifd0);
  if (!top || top.some((tag) => tag !== 0x0112 && !(keepCaptureDate && tag === 0x8769))) return false;
  const ptr = top.indexOf(0x8769);
  if (ptr < 0) return true;
  const exif = tags(u32(ifd0 + 2 + ptr * 12 + 8));
  return exif !== undefined && exif.every((tag) => CAPTURE_DATE_TAG_NUMBERS.has(tag));
}

/**
 * Segments that code the image: SOFn, DHT, DAC (0xC0-0xCF but JPG 0xC8), SOS, DQT, DNL, DRI, DHP, EXP (0xDA-0xDF),
 * JPEG-LS's SOF55 and LSE (0xF7, 0xF8). Written here again, not imported from the stripper (this re-read stays
 * independent of it); a test checks both lists agree on every marker.
 */
export function isCodingSegmentMarker(m: number): boolean {
  return (m >= 0xc0 && m <= 0xcf && m !== 0xc8) || (m >= 0xda && m <= 0xdf) || m === 0xf7 || m === 0xf8;
}

/** A JPEG segment other than the image's own: a comment, thumbnail, Exif beyond what is allowed, XMP, IPTC, any APPn. */
function jpegSegmentFindings(f: Findings, where: string, m: number, payload: Buffer, keepCaptureDate: boolean): void {
  const id = payload.toString('latin1', 0, Math.min(40, payload.length));
  if (m === 0xfe) f.add('comment', `${where}: COM segment`);
  else if (m === 0xe0) {
    if (id.startsWith('JFIF\0')) {
      if (payload.length > 14 || (payload[12] ?? 0) > 0) f.add('thumbnail', `${where}: JFIF thumbnail`);
    } else f.add(id.startsWith('JFXX') ? 'thumbnail' : 'unknown-metadata', `${where}: APP0 segment`);
  } else if (m === 0xe1) {
    if (id.startsWith('Exif\0\0')) {
      if (!exifIsAllowed(payload, keepCaptureDate)) f.add('unknown-metadata', `${where}: Exif with more than Orientation${keepCaptureDate ? ' and the capture date' : ''}`);
    } else if (id.startsWith(XMP_ID) || id.startsWith(XMP_EXT_ID)) f.add('xmp', `${where}: XMP segment`);
    else f.add('unknown-metadata', `${where}: APP1 segment`);
  } else if (m === 0xe2) {
    if (id.startsWith('MPF\0')) f.add('thumbnail', `${where}: MPF (preview images)`);
    else if (!id.startsWith('ICC_PROFILE\0')) f.add('unknown-metadata', `${where}: APP2 segment`);
  } else if (m === 0xed) f.add('iptc', `${where}: APP13 (Photoshop/IPTC)`);
  else if (m === 0xee) {
    if (!(id.startsWith('Adobe') && payload.length === 12)) f.add('unknown-metadata', `${where}: APP14 segment beyond the Adobe transform`);
  } else if (m >= 0xe3 && m <= 0xef) f.add('unknown-metadata', `${where}: APP${m - 0xe0} segment`);
  else if (!isCodingSegmentMarker(m)) {
    // A reserved or extension marker, whose content is unknown.
    f.add('unknown-metadata', `${where}: segment of unknown marker 0x${m.toString(16).toUpperCase()}`);
  }
}

export function jpegStructure(b: Buffer, f: Findings, where = 'JPEG', keepCaptureDate = false): void {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) {
    f.add('unknown-metadata', `${where}: not a JPEG stream`);
    return;
  }
  let i = 2;
  while (i + 2 <= b.length) {
    if (b[i] !== 0xff) {
      f.add('unknown-metadata', `${where}: unparseable bytes between segments`);
      return;
    }
    const m = b[i + 1] as number;
    if (m === 0xff) {
      i++;
      continue;
    }
    if (m === 0xd9) {
      if (i + 2 < b.length) f.add('unknown-metadata', `${where}: ${b.length - i - 2} bytes after end-of-image`);
      return;
    }
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      i += 2;
      continue;
    }
    if (i + 4 > b.length) break;
    const len = b.readUInt16BE(i + 2);
    const payload = b.subarray(i + 4, i + 2 + len);
    jpegSegmentFindings(f, where, m, payload, keepCaptureDate);
    i += 2 + len;
    if (m === 0xda) {
      // Skip entropy-coded data to the next marker that is not a stuffed byte or a restart marker.
      while (i + 1 < b.length) {
        const j = b.indexOf(0xff, i);
        if (j < 0 || j + 1 >= b.length) return void f.add('unknown-metadata', `${where}: no end-of-image marker`);
        const n = b[j + 1] as number;
        if (n === 0x00 || n === 0xff || (n >= 0xd0 && n <= 0xd7)) i = j + 1;
        else {
          i = j;
          break;
        }
      }
    }
  }
  f.add('unknown-metadata', `${where}: no end-of-image marker`);
}

const PNG_ALLOWED = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'sBIT', 'cICP', 'mDCv', 'cLLi', 'pHYs', 'bKGD', 'acTL', 'fcTL', 'fdAT', 'iCCP']);

export function pngStructure(b: Buffer, f: Findings): void {
  let i = 8;
  while (i + 12 <= b.length) {
    const len = b.readUInt32BE(i);
    const type = b.toString('latin1', i + 4, i + 8);
    if (!PNG_ALLOWED.has(type)) {
      if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') {
        const keyword = b.toString('latin1', i + 8, Math.min(i + 8 + 80, i + 8 + len)).split('\0')[0] ?? '';
        f.add(keyword.startsWith('XML:com.adobe.xmp') ? 'xmp' : 'comment', `PNG ${type} chunk`);
      } else if (type === 'tIME') f.add('timestamp', 'PNG tIME chunk');
      else if (type === 'eXIf') f.add('unknown-metadata', 'PNG eXIf chunk');
      else f.add('unknown-metadata', `PNG chunk ${/^[A-Za-z]{4}$/.test(type) ? type : '(invalid)'}`);
    }
    i += 12 + len;
    if (type === 'IEND') {
      if (i < b.length) f.add('unknown-metadata', `PNG: ${b.length - i} bytes after IEND`);
      return;
    }
  }
  f.add('unknown-metadata', 'PNG: no IEND chunk');
}

const WEBP_ALLOWED = new Set(['VP8 ', 'VP8L', 'VP8X', 'ALPH', 'ANIM', 'ANMF', 'ICCP']);

export function webpStructure(b: Buffer, f: Findings): void {
  if (b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP') return void f.add('unknown-metadata', 'not a WebP file');
  const end = Math.min(b.length, 8 + b.readUInt32LE(4));
  if (end < b.length) f.add('unknown-metadata', `WebP: ${b.length - end} bytes after the RIFF body`);
  let i = 12;
  while (i + 8 <= end) {
    const type = b.toString('latin1', i, i + 4);
    const size = b.readUInt32LE(i + 4);
    if (type === 'VP8X' && ((b[i + 8] ?? 0) & 0x0c) !== 0) f.add('unknown-metadata', 'WebP: VP8X flags announce Exif or XMP');
    // The colour profile is a fact of the copy (its identity is checked by the value scan over every byte).
    if (type === 'ICCP') f.setColourProfile(iccDescription(b.subarray(i + 8, Math.min(end, i + 8 + size))));
    if (type === 'EXIF') f.add('unknown-metadata', 'WebP EXIF chunk');
    else if (type === 'XMP ') f.add('xmp', 'WebP XMP chunk');
    else if (!WEBP_ALLOWED.has(type)) f.add('unknown-metadata', `WebP chunk ${/^[A-Za-z0-9 ]{4}$/.test(type) ? type.trim() : '(invalid)'}`);
    i += 8 + size + (size & 1);
  }
}

export function gifStructure(b: Buffer, f: Findings): void {
  if (!/^GIF8[79]a/.test(b.toString('latin1', 0, 6))) return void f.add('unknown-metadata', 'not a GIF file');
  let i = 13;
  const packed = b[10] ?? 0;
  if (packed & 0x80) i += 3 * (1 << ((packed & 7) + 1));
  const skipBlocks = (): void => {
    while (i < b.length) {
      const n = b[i] as number;
      i += 1 + n;
      if (n === 0) return;
    }
  };
  while (i < b.length) {
    const intro = b[i];
    if (intro === 0x3b) {
      if (i + 1 < b.length) f.add('unknown-metadata', `GIF: ${b.length - i - 1} bytes after the trailer`);
      return;
    }
    if (intro === 0x2c) {
      const p = b[i + 9] ?? 0;
      i += 10;
      if (p & 0x80) i += 3 * (1 << ((p & 7) + 1));
      i += 1;
      skipBlocks();
      continue;
    }
    if (intro !== 0x21) return void f.add('unknown-metadata', 'GIF: unparseable block');
    const label = b[i + 1];
    i += 2;
    if (label === 0xfe) f.add('comment', 'GIF comment extension');
    if (label === 0xff) {
      const app = b.toString('latin1', i + 1, i + 12);
      if (app === 'XMP DataXMP') f.add('xmp', 'GIF XMP extension');
      else if (app !== 'NETSCAPE2.0' && app !== 'ANIMEXTS1.0') f.add('unknown-metadata', 'GIF application extension');
    }
    skipBlocks();
  }
}

export function bmpStructure(b: Buffer, f: Findings): void {
  if (b.toString('latin1', 0, 2) !== 'BM') return void f.add('unknown-metadata', 'not a BMP file');
  if (b.readUInt32LE(6) !== 0) f.add('unknown-metadata', 'BMP reserved header fields in use');
  const dib = b.readUInt32LE(14);
  if (dib >= 124) {
    const cs = b.readUInt32LE(14 + 56);
    if (cs === 0x4c494e4b) f.add('owner', 'BMP linked colour profile (a file path)');
    if (cs === 0x4d424544) f.add('unknown-metadata', 'BMP embedded colour profile');
  }
  const declared = b.readUInt32LE(2);
  if (declared > 0 && declared < b.length) f.add('unknown-metadata', `BMP: ${b.length - declared} bytes after the declared size`);
}
