/**
 * findLeaks: the independent re-read of an exported copy (DESIGN §6: "after stripping, the copy is re-read and the
 * export fails if anything identifying remains"). It shares no code path with the strippers except the bounded ZIP
 * reader: exifr for every image format it knows, a structural scan of our own per format, and a byte scan for the
 * original's metadata values. An empty list means clean; a type it has no reader for is reported, never passed.
 */
import fsp from 'node:fs/promises';
import { sha256Hex, type Hashed } from '../../fs/files';
import type { CopyInspection, LeakFinding, LeakOptions } from '../types';
import { flacFindings, mp3Findings, wavFindings } from './audio';
import { bmffFindings } from './bmff';
import { heifStructure } from './heif';
import { matroskaFindings } from './matroska';
import { oggFindings } from './ogg';
import { exifrFindings } from './exif';
import { Findings } from './findings';
import { bmpStructure, gifStructure, jpegStructure, pngStructure, webpStructure } from './images';
import { pdfFindings } from './pdf';
import { jpegRanges, pngRanges, webpRanges, type Ranges } from './ranges';
import { needlesFor, scanBuffer, scanFile, scanRanges, type Needles } from './values';
import { zipFindings } from './zip';

const MAX_IN_MEMORY = 512 * 1024 * 1024;

type Family = 'jpeg' | 'png' | 'webp' | 'gif' | 'bmp' | 'tiff' | 'heif' | 'pdf' | 'ooxml' | 'odf' | 'bmff' | 'mp3' | 'wav' | 'flac' | 'ogg' | 'matroska' | 'text';

function familyOf(mediaType: string): Family | undefined {
  const t = mediaType.toLowerCase().split(';')[0]?.trim() ?? '';
  if (t === 'image/jpeg') return 'jpeg';
  if (t === 'image/png' || t === 'image/apng') return 'png';
  if (t === 'image/webp') return 'webp';
  if (t === 'image/gif') return 'gif';
  if (t === 'image/bmp') return 'bmp';
  if (t === 'image/tiff') return 'tiff';
  if (/^image\/(avif|heic|heif)/.test(t)) return 'heif';
  if (t === 'application/pdf') return 'pdf';
  if (t.startsWith('application/vnd.openxmlformats-officedocument.')) return 'ooxml';
  if (t.startsWith('application/vnd.oasis.opendocument.')) return 'odf';
  if (/^(video\/(mp4|quicktime|x-m4v|3gpp2?)|audio\/(mp4|x-m4a|3gpp))$/.test(t)) return 'bmff';
  if (t === 'audio/mpeg') return 'mp3';
  if (/^audio\/(wav|x-wav|vnd\.wave|wave)$/.test(t)) return 'wav';
  if (t === 'audio/flac' || t === 'audio/x-flac') return 'flac';
  if (/^(video|audio)\/(webm|x-matroska|matroska)$/.test(t)) return 'matroska';
  if (t === 'audio/ogg' || t === 'audio/opus' || t === 'video/ogg' || t === 'application/ogg') return 'ogg';
  if (t === 'text/plain' || t === 'text/csv') return 'text';
  return undefined;
}

/**
 * The copy being re-read. A reader that needs the whole file in memory asks `whole()`: read once, bounded, and
 * hashed as read, so the packet's hash of the copy is of the very bytes these checks parsed (no second read).
 */
class CopyFile {
  hashed: Hashed | undefined;

  constructor(
    readonly path: string,
    private readonly f: Findings,
  ) {}

  async whole(): Promise<Buffer | undefined> {
    const { size } = await fsp.stat(this.path);
    if (size > MAX_IN_MEMORY) {
      this.f.add('unknown-metadata', 'file too large for the structural re-read');
      return undefined;
    }
    const b = await fsp.readFile(this.path);
    this.hashed = { sha256: sha256Hex(b), size: b.length };
    return b;
  }
}

export async function findLeaks(path: string, mediaType: string, opts: LeakOptions): Promise<LeakFinding[]> {
  return [...(await inspectCopy(path, mediaType, opts)).leaks];
}

/**
 * The value scan of a format whose structure we read: all of its metadata structures, each hit located; in the
 * coded pixels only values of 8 bytes or more (a name in UTF-8, any value in UTF-16), where a chance match of
 * random compressed bytes is out of reach (4 bytes match by chance about once per 4 GB scanned: a 4-letter Make
 * such as "Sony" would block one 12-megapixel photo in a hundred).
 */
function scanStructured(b: Buffer, ranges: Ranges, needles: Needles, f: Findings): void {
  scanRanges(b, ranges.ranges, needles, f, 'the copy', ranges.locate);
  const long = needles.filter((n) => n.bytes.length >= 8);
  let at = 0;
  const gaps: [number, number][] = [];
  for (const [start, end] of [...ranges.ranges].sort((x, y) => x[0] - y[0])) {
    if (start > at) gaps.push([at, start]);
    at = Math.max(at, end);
  }
  if (at < b.length) gaps.push([at, b.length]);
  scanRanges(b, gaps, long, f, 'the copy', () => 'inside the coded image data');
  for (const x of ranges.extra) scanBuffer(x.data, needles, f, x.where);
}

type ImageFamily = Extract<Family, 'jpeg' | 'png' | 'webp' | 'gif' | 'bmp'>;
const IMAGE_FAMILIES: ReadonlySet<Family> = new Set<ImageFamily>(['jpeg', 'png', 'webp', 'gif', 'bmp']);

function isImageFamily(family: Family): family is ImageFamily {
  return IMAGE_FAMILIES.has(family);
}

/**
 * A still image read whole: its structure, its EXIF/XMP (JPEG, PNG), then the value scan by structure where we read
 * one (JPEG, PNG, WebP). Returns whether that scan was done (else the caller scans the whole file).
 */
async function imageFindings(copy: CopyFile, family: ImageFamily, f: Findings, keep: boolean, needles: Needles): Promise<boolean> {
  const b = await copy.whole();
  if (!b) return false;
  if (family === 'jpeg') jpegStructure(b, f, 'JPEG', keep);
  else if (family === 'png') pngStructure(b, f);
  else if (family === 'webp') webpStructure(b, f);
  else if (family === 'gif') gifStructure(b, f);
  else bmpStructure(b, f);
  if (family === 'jpeg' || family === 'png') await exifrFindings(b, f, keep);
  const ranges = family === 'jpeg' ? jpegRanges(b) : family === 'png' ? pngRanges(b) : family === 'webp' ? webpRanges(b) : undefined;
  if (!ranges) return false;
  scanStructured(b, ranges, needles, f);
  return true;
}

/** Every other format, by its own reader (the whole file's values are scanned afterwards). */
async function otherFindings(copy: CopyFile, family: Exclude<Family, ImageFamily>, f: Findings, keep: boolean, needles: Needles): Promise<void> {
  const path = copy.path;
  switch (family) {
    case 'tiff':
      return exifrFindings(path, f, keep, true);
    case 'heif': {
      const b = await copy.whole();
      if (b) heifStructure(b, f);
      return exifrFindings(path, f, keep);
    }
    case 'pdf': {
      const b = await copy.whole();
      if (b) pdfFindings(b, f, keep, needles);
      return;
    }
    case 'ooxml':
    case 'odf': {
      const b = await copy.whole();
      if (b) await zipFindings(b, family, f, keep, needles);
      return;
    }
    case 'bmff':
      return bmffFindings(path, f, keep);
    case 'mp3':
      return mp3Findings(path, f);
    case 'wav':
      return wavFindings(path, f);
    case 'flac':
      return flacFindings(path, f);
    case 'ogg':
      return oggFindings(path, f);
    case 'matroska':
      return matroskaFindings(path, f);
    case 'text':
      return;
  }
}

/**
 * The re-read of a written copy: what identifying metadata is left (leaks; an empty list means clean) and what the
 * copy legitimately holds (facts: a kept capture date, Orientation, a colour profile). The packet states only
 * facts found here.
 */
export async function inspectCopy(path: string, mediaType: string, opts: LeakOptions): Promise<CopyInspection> {
  const f = new Findings();
  const copy = new CopyFile(path, f);
  const needles = needlesFor(opts.originalValues);
  const family = familyOf(mediaType);
  let scanned = false;
  if (family === undefined) f.add('unknown-metadata', 'no leak check exists for this type');
  else if (isImageFamily(family)) scanned = await imageFindings(copy, family, f, opts.keepCaptureDate, needles);
  else await otherFindings(copy, family, f, opts.keepCaptureDate, needles);
  if (!scanned) await scanFile(path, needles, f);
  return { leaks: f.all, facts: f.facts, ...(copy.hashed ? { hashed: copy.hashed } : {}) };
}
