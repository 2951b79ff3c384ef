/**
 * Which stripper handles which sniffed media type, and why the others are refused. A type absent from this table
 * is refused: an unknown format is never passed through (DESIGN §6).
 */
import { isHuellaError } from '../errors';
import { stripBmp } from './bmp';
import { stripBmff } from './bmff';
import { stripFlac } from './flac';
import { stripGif } from './gif';
import { stripHeif } from './heif';
import type { StripHandler } from './handler';
import { streaming } from './handler';
import { stripJpeg } from './jpeg';
import { stripMatroska } from './matroska';
import { stripMp3 } from './mp3';
import { stripOgg } from './ogg';
import { stripOdf } from './odf';
import { stripOoxml } from './ooxml';
import { stripPdf } from './pdf';
import { stripPng } from './png';
import { reencodeImage } from './reencode';
import { plainTextStripper } from './text';
import { stripWav } from './wav';
import { stripWebp } from './webp';

export type FormatEntry =
  | { readonly kind: 'strip'; readonly label: string; readonly handler: StripHandler }
  | { readonly kind: 'refuse'; readonly label: string; readonly reason: string };

const OOXML = {
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
} as const;

const ODF = {
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.presentation': 'odp',
} as const;

const BMFF = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'video/x-m4v': 'm4v',
  'video/3gpp': '3gp',
  'video/3gpp2': '3g2',
  'audio/3gpp': '3gp',
} as const;

const HEIF_SEQUENCE_REASON =
  'HEIF image sequences (bursts, animations) keep their frames in tracks that we do not rewrite; export the original encrypted to the recipient instead';

/** AVIF: by structure; a file the structural path cannot take (old item tables, a sequence) is re-encoded instead. */
function structureOrReencode(structural: StripHandler, reencode: StripHandler): StripHandler {
  return async (source, tmpPath, opts) => {
    try {
      return await structural(source, tmpPath, opts);
    } catch (e) {
      if (isHuellaError(e) && e.code === 'STRIP_UNSUPPORTED') return reencode(source, tmpPath, opts);
      throw e;
    }
  };
}

function table(): ReadonlyMap<string, FormatEntry> {
  const m = new Map<string, FormatEntry>();
  const strip = (type: string, label: string, handler: StripHandler): void => void m.set(type, { kind: 'strip', label, handler });
  const refuse = (type: string, label: string, reason: string): void => void m.set(type, { kind: 'refuse', label, reason });

  strip('image/jpeg', 'JPEG', streaming(stripJpeg, { reuseBuffers: true }));
  strip('image/png', 'PNG', streaming(stripPng));
  strip('image/apng', 'PNG', streaming(stripPng));
  strip('image/webp', 'WebP', streaming(stripWebp));
  strip('image/gif', 'GIF', streaming(stripGif));
  strip('image/bmp', 'BMP', streaming(stripBmp));
  strip('image/tiff', 'TIFF', reencodeImage('tiff'));
  strip('image/avif', 'AVIF', structureOrReencode(stripHeif('AVIF', 'avif'), reencodeImage('avif')));
  strip('image/heic', 'HEIC', stripHeif('HEIC', 'heic'));
  strip('image/heif', 'HEIF', stripHeif('HEIF', 'heif'));
  for (const t of ['image/heic-sequence', 'image/heif-sequence']) refuse(t, 'HEIC/HEIF', HEIF_SEQUENCE_REASON);
  strip('application/pdf', 'PDF', stripPdf);
  for (const [t, ext] of Object.entries(OOXML)) strip(t, ext.toUpperCase(), stripOoxml(ext));
  for (const [t, ext] of Object.entries(ODF)) strip(t, ext.toUpperCase(), stripOdf(ext));
  for (const [t, ext] of Object.entries(BMFF)) strip(t, ext.toUpperCase(), stripBmff(ext));
  strip('audio/mpeg', 'MP3', stripMp3);
  for (const t of ['video/webm', 'audio/webm']) strip(t, 'WebM', stripMatroska);
  for (const t of ['video/x-matroska', 'audio/x-matroska', 'video/matroska', 'audio/matroska']) strip(t, 'Matroska', stripMatroska);
  for (const t of ['audio/wav', 'audio/x-wav', 'audio/vnd.wave', 'audio/wave']) strip(t, 'WAV', streaming(stripWav));
  for (const t of ['audio/flac', 'audio/x-flac']) strip(t, 'FLAC', streaming(stripFlac));
  for (const t of ['audio/ogg', 'audio/opus', 'video/ogg', 'application/ogg']) strip(t, 'Ogg', streaming(stripOgg));
  strip('text/plain', 'text', streaming(plainTextStripper('text')));
  strip('text/csv', 'CSV', streaming(plainTextStripper('csv')));
  refuse('application/zip', 'ZIP', 'a generic ZIP archive can hold any files, each with its own metadata; export the files individually or the original encrypted to the recipient');
  return m;
}

let cached: ReadonlyMap<string, FormatEntry> | undefined;

/** Every media type a copy is written for (the types stripped, not those refused). */
export function strippedMediaTypes(): string[] {
  cached ??= table();
  return [...cached].filter(([, e]) => e.kind === 'strip').map(([t]) => t);
}

export function formatFor(mediaType: string): FormatEntry | undefined {
  cached ??= table();
  return cached.get(mediaType.toLowerCase().split(';')[0]?.trim() ?? '');
}

/**
 * Whether the stripper of `mediaType` works from the plaintext had whole (source.whole: JPEG): an export decrypts
 * those items ahead of their strip (StripAhead), the others it streams when it gets to them.
 */
export function stripsFromWhole(mediaType: string): boolean {
  const entry = formatFor(mediaType);
  return entry?.kind === 'strip' && entry.handler.takesWhole === true;
}
