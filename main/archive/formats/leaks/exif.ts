/**
 * Independent re-read with exifr (every segment it knows: TIFF/Exif/GPS/IFD1 thumbnail/interop, XMP incl.
 * extended, IPTC, ICC, JFIF, PNG header, MakerNote, UserComment) and classification of what it finds.
 */
import exifr from 'exifr';
import type { LeakKind } from '../types';
import type { Findings } from './findings';

const EXIFR_OPTIONS = {
  tiff: true,
  ifd0: true,
  ifd1: true,
  exif: true,
  gps: true,
  interop: true,
  xmp: true,
  iptc: true,
  icc: true,
  jfif: true,
  ihdr: true,
  makerNote: true,
  userComment: true,
  multiSegment: true,
  mergeOutput: false,
  translateValues: false,
  reviveValues: false,
  sanitize: false,
  silentErrors: true,
} as const;

/** Tags that describe how to decode a TIFF's pixels (a re-encoded TIFF has only these, plus Orientation). */
const TIFF_STRUCTURE = new Set([
  'NewSubfileType', 'SubfileType', 'ImageWidth', 'ImageHeight', 'BitsPerSample', 'Compression', 'PhotometricInterpretation', 'Thresholding',
  'FillOrder', 'StripOffsets', 'Orientation', 'SamplesPerPixel', 'RowsPerStrip', 'StripByteCounts', 'XResolution', 'YResolution',
  'PlanarConfiguration', 'ResolutionUnit', 'PageNumber', 'Predictor', 'ColorMap', 'TileWidth', 'TileLength', 'TileOffsets', 'TileByteCounts',
  'InkSet', 'ExtraSamples', 'SampleFormat', 'JPEGTables', 'YCbCrCoefficients', 'YCbCrSubSampling', 'YCbCrPositioning', 'ReferenceBlackWhite',
]);

const CAPTURE_DATE_TAGS = /^(DateTimeOriginal|CreateDate|DateTimeDigitized|DateCreated|OffsetTimeOriginal|OffsetTimeDigitized|SubSecTimeOriginal|SubSecTimeDigitized)$/;

export function classifyTag(key: string, keepCaptureDate: boolean): LeakKind | 'capture-date' {
  if (/^GPS|latitude|longitude|^Location|GeoTag/i.test(key)) return 'gps';
  if (/serial/i.test(key)) return 'serial';
  if (/^(Make|Model|LensMake|LensModel|CameraModelName|UniqueCameraModel|LocalizedCameraModel|CameraMake|CameraModel)$/i.test(key)) return 'make-model';
  if (/(Software|CreatorTool|HostComputer|Producer|Application|Generator|Encoder|Agent)/i.test(key)) return 'software';
  if (/(Artist|Owner|Author|Creator|By-?line|Copyright|Rights|Credit|Contact|Writer|Editor|ModifiedBy|Company|Manager|Person)/i.test(key)) return 'owner';
  if (/(Date|TimeCreated|TimeStamp|SubSec|OffsetTime|TimeZone)/i.test(key)) return keepCaptureDate && CAPTURE_DATE_TAGS.test(key) ? 'capture-date' : 'timestamp';
  return 'unknown-metadata';
}

function add(f: Findings, kind: LeakKind | 'capture-date', detail: string): void {
  if (kind === 'capture-date') f.captureDate(detail);
  else f.add(kind, detail);
}

/** IFD0: Orientation is a fact; the pointers to the other IFDs are structure (a GPS pointer is itself a leak). */
function ifd0Findings(f: Findings, value: Record<string, unknown>, keys: readonly string[], keepCaptureDate: boolean, tiffStructureAllowed: boolean): void {
  for (const k of keys) {
    if (k === 'Orientation') {
      const o = Number(value[k]);
      if (Number.isInteger(o)) f.setOrientation(o);
      continue;
    }
    if (k === 'ExifIFD' || k === 'GpsIFD' || k === 'InteropIFD') continue;
    if (tiffStructureAllowed && TIFF_STRUCTURE.has(k)) continue;
    add(f, classifyTag(k, keepCaptureDate), `IFD0:${k}`);
  }
  if (keys.includes('GpsIFD')) f.add('gps', 'GPS IFD pointer');
}

/** One block of exifr's output, classified: a leak, a fact (colour profile, Orientation) or nothing. */
function blockFindings(f: Findings, block: string, value: unknown, keepCaptureDate: boolean, tiffStructureAllowed: boolean): void {
  const keys = typeof value === 'object' && !(value instanceof Uint8Array) && !Array.isArray(value) ? Object.keys(value as object) : [];
  switch (block) {
    case 'errors':
      // exifr's own parse warnings (silentErrors), not metadata.
      return;
    case 'icc': {
      // Profiles are kept with their identity removed (icc.ts); the value scan still covers every byte.
      const desc = (value as Record<string, unknown>).ProfileDescription;
      f.setColourProfile(typeof desc === 'string' ? desc : '');
      return;
    }
    case 'ihdr':
      // IHDR: pixel layout.
      return;
    case 'jfif': {
      const j = value as Record<string, unknown>;
      if (Number(j.ThumbnailWidth ?? j.XThumbnail ?? 0) > 0) f.add('thumbnail', 'JFIF thumbnail');
      return;
    }
    case 'ifd0':
      return ifd0Findings(f, value as Record<string, unknown>, keys, keepCaptureDate, tiffStructureAllowed);
    case 'ifd1':
      return f.add('thumbnail', 'IFD1 thumbnail image');
    case 'gps':
      return f.add('gps', `GPS tags (${keys.filter((k) => /^GPS/.test(k)).join(', ')})`);
    case 'makerNote':
      return f.add('unknown-metadata', 'MakerNote');
    case 'userComment':
      return f.add('comment', 'UserComment');
    case 'iptc':
      return f.add('iptc', `IPTC (${keys.join(', ')})`);
    case 'exif':
    case 'interop':
      for (const k of keys) {
        if (k === 'MakerNote') f.add('unknown-metadata', 'MakerNote');
        else add(f, classifyTag(k, keepCaptureDate), `${block === 'exif' ? 'Exif' : 'Interop'}:${k}`);
      }
      return;
    default:
      // Everything else exifr returns is an XMP namespace (dc, xmp, aux, photoshop…) or raw XMP.
      f.add('xmp', `XMP ${block}${keys.length > 0 ? ` (${keys.join(', ')})` : ''}`);
  }
}

/** What exifr finds in a file or buffer, classified. `tiffStructureAllowed` for re-encoded TIFFs. */
export async function exifrFindings(input: string | Buffer, f: Findings, keepCaptureDate: boolean, tiffStructureAllowed = false): Promise<void> {
  let out: Record<string, unknown> | undefined;
  try {
    out = (await exifr.parse(input, EXIFR_OPTIONS as never)) as Record<string, unknown> | undefined;
  } catch {
    // exifr refuses formats it does not know; the structural checks still run.
    return;
  }
  if (!out) return;
  for (const [block, value] of Object.entries(out)) {
    if (value !== undefined && value !== null) blockFindings(f, block, value, keepCaptureDate, tiffStructureAllowed);
  }
}
