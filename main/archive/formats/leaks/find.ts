/**
 * findLeaks: the independent re-read of an exported copy (DESIGN §6: "after stripping, the copy is re-read and the
 * export fails if anything identifying remains"). It shares no code path with the strippers except the bounded ZIP
 * reader: exifr for every image format it knows, a structural scan of our own per format, and a byte scan for the
 * original's metadata values. An empty list means clean; a type it has no reader for is reported, never passed.
 */
import fsp from 'node:fs/promises';
import type { LeakFinding, LeakOptions } from '../types';
import { flacFindings, mp3Findings, wavFindings } from './audio';
import { bmffFindings } from './bmff';
import { heifStructure } from './heif';
import { matroskaFindings } from './matroska';
import { oggFindings } from './ogg';
import { exifrFindings } from './exif';
import { Findings } from './findings';
import { bmpStructure, gifStructure, jpegStructure, pngStructure, webpStructure } from './images';
import { pdfFindings } from './pdf';
import { needlesFor, scanFile } from './values';
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

async function readLimited(path: string, f: Findings): Promise<Buffer | undefined> {
  const { size } = await fsp.stat(path);
  if (size > MAX_IN_MEMORY) {
    f.add('unknown-metadata', 'file too large for the structural re-read');
    return undefined;
  }
  return fsp.readFile(path);
}

export async function findLeaks(path: string, mediaType: string, opts: LeakOptions): Promise<LeakFinding[]> {
  const f = new Findings();
  const keep = opts.keepCaptureDate;
  const needles = needlesFor(opts.originalValues);
  const family = familyOf(mediaType);
  switch (family) {
    case undefined:
      f.add('unknown-metadata', 'no leak check exists for this type');
      break;
    case 'jpeg':
    case 'png':
    case 'webp':
    case 'gif':
    case 'bmp': {
      const b = await readLimited(path, f);
      if (b) {
        if (family === 'jpeg') jpegStructure(b, f);
        else if (family === 'png') pngStructure(b, f);
        else if (family === 'webp') webpStructure(b, f);
        else if (family === 'gif') gifStructure(b, f);
        else bmpStructure(b, f);
        if (family === 'jpeg' || family === 'png') await exifrFindings(b, f, keep);
      }
      break;
    }
    case 'tiff':
      await exifrFindings(path, f, keep, true);
      break;
    case 'heif': {
      const b = await readLimited(path, f);
      if (b) heifStructure(b, f);
      await exifrFindings(path, f, keep);
      break;
    }
    case 'pdf': {
      const b = await readLimited(path, f);
      if (b) pdfFindings(b, f, keep, needles);
      break;
    }
    case 'ooxml':
    case 'odf': {
      const b = await readLimited(path, f);
      if (b) await zipFindings(b, family, f, keep, needles);
      break;
    }
    case 'bmff':
      await bmffFindings(path, f, keep);
      break;
    case 'mp3':
      await mp3Findings(path, f);
      break;
    case 'wav':
      await wavFindings(path, f);
      break;
    case 'flac':
      await flacFindings(path, f);
      break;
    case 'ogg':
      await oggFindings(path, f);
      break;
    case 'matroska':
      await matroskaFindings(path, f);
      break;
    case 'text':
      break;
  }
  await scanFile(path, needles, f);
  return f.all;
}
