/**
 * PNG (and APNG), lossless by structure: chunks are copied byte-identically (nothing inside a kept chunk is
 * recomputed, except iCCP, below) or dropped. Every chunk's CRC is verified, kept or not: a bad CRC means a damaged file and is refused.
 *
 * Kept, because a decoder needs them to show the image as its author saw it:
 *  - critical: IHDR, PLTE, IDAT, IEND;
 *  - colour and transparency: tRNS, gAMA, cHRM, sRGB, sBIT, cICP, mDCv, cLLi, and iCCP rebuilt with the colour kept
 *    and the identity removed (icc.ts: neutraliseIccProfile; its free-text keyword replaced);
 *  - pHYs (pixel aspect ratio; a non-square aspect changes how the image displays);
 *  - bKGD (background colour for transparent images);
 *  - APNG animation: acTL, fcTL, fdAT.
 * Dropped: text (tEXt, zTXt, iTXt: XMP, software, author, comments), eXIf, tIME, and every other ancillary chunk
 * (hIST, sPLT, oFFs, pCAL, sCAL, dSIG, caBX/C2PA, and private ones such as Apple's iDOT, whose absolute IDAT
 * offsets would be wrong after dropping chunks anyway). An unknown critical chunk is refused: we could not know
 * whether the image still displays without it.
 */
import zlib from 'node:zlib';
import type { ByteReader } from './byte-reader';
import type { ByteSink } from './byte-sink';
import { stripFailed, stripUnsupported, TruncatedInputError } from './errors';
import { neutraliseIccProfile } from './icc';
import { RecordBuilder } from './strip-record';
import type { StripOptions, StripRecord } from './types';

const FORMAT = 'PNG';
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const KEEP = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'sBIT', 'cICP', 'mDCv', 'cLLi', 'pHYs', 'bKGD', 'acTL', 'fcTL', 'fdAT']);
const CRITICAL = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND']);
const MAX_BUFFERED_CHUNK = 16 * 1024 * 1024; // iCCP only: profiles are far smaller
const MAX_ICC = 16 * 1024 * 1024;

function describeDropped(type: string): string {
  switch (type) {
    case 'tEXt':
    case 'zTXt':
    case 'iTXt':
      return `${type} (text)`;
    case 'eXIf':
      return 'eXIf (Exif)';
    case 'tIME':
      return 'tIME (modification time)';
    case 'caBX':
      return 'caBX (C2PA)';
    default:
      return /^[A-Za-z]{4}$/.test(type) ? type : 'invalid chunk';
  }
}

/**
 * The iCCP chunk (keyword, NUL, method, zlib data) rebuilt: the profile neutralised (icc.ts), the keyword, which is
 * free text chosen by the writer and may name a display, replaced by "ICC profile". Undefined when it is damaged.
 */
function neutralIccp(data: Buffer): { chunk: Buffer; label: string; removed: readonly string[] } | { reason: string } {
  const nul = data.indexOf(0);
  if (nul < 1 || nul > 79 || data[nul + 1] !== 0) return { reason: 'malformed iCCP chunk' };
  let profile: Buffer;
  try {
    profile = zlib.inflateSync(data.subarray(nul + 2), { maxOutputLength: MAX_ICC });
  } catch {
    return { reason: 'the profile does not decompress' };
  }
  const n = neutraliseIccProfile(profile);
  if (!n.ok) return { reason: n.reason };
  const body = Buffer.concat([Buffer.from('ICC profile\0\0', 'latin1'), zlib.deflateSync(n.profile)]);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write('iCCP', 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body, zlib.crc32(head.subarray(4, 8))), 0);
  const keywordChanged = data.toString('latin1', 0, nul) !== 'ICC profile';
  return { chunk: Buffer.concat([head, body, crc]), label: n.label, removed: [...(keywordChanged ? ['profile name replaced'] : []), ...n.removed] };
}

/** The next chunk's 8-byte head read and checked: length, type, IHDR first, no unknown critical chunk. */
async function readChunkHead(r: ByteReader, first: boolean): Promise<{ head: Buffer; length: number; type: string }> {
  const head = await r.readExact(8);
  const length = head.readUInt32BE(0);
  const type = head.toString('latin1', 4, 8);
  if (length > 0x7fffffff) throw stripFailed(FORMAT, 'a chunk declares an impossible length');
  if (!/^[A-Za-z]{4}$/.test(type)) throw stripFailed(FORMAT, 'a chunk has an invalid type (the file is damaged)');
  if (first && type !== 'IHDR') throw stripFailed(FORMAT, 'the first chunk is not IHDR');
  const critical = (type.charCodeAt(0) & 0x20) === 0;
  if (critical && !CRITICAL.has(type)) throw stripUnsupported(FORMAT, 'it contains an unknown critical chunk that a decoder would need');
  return { head, length, type };
}

/** The iCCP chunk read whole, its CRC checked, and written rebuilt (neutralIccp) or dropped when damaged. */
async function copyIccp(r: ByteReader, sink: ByteSink, rec: RecordBuilder, head: Buffer, length: number): Promise<void> {
  if (length > MAX_BUFFERED_CHUNK) throw stripFailed(FORMAT, 'the colour profile chunk is implausibly large');
  const data = await r.readExact(length);
  const crc = zlib.crc32(data, zlib.crc32(head.subarray(4, 8)));
  const stored = (await r.readExact(4)).readUInt32BE(0);
  if (stored !== crc) throw stripFailed(FORMAT, 'a chunk checksum (CRC) does not match: the file is damaged');
  const neutral = neutralIccp(data);
  if ('chunk' in neutral) {
    await sink.write(neutral.chunk);
    rec.kept(`iCCP (${neutral.label}; colour tags byte-identical)`);
    for (const x of neutral.removed) rec.removed(`ICC profile: ${x}`);
  } else {
    rec.removed(`iCCP (${neutral.reason})`);
    rec.note('a damaged colour profile was dropped, colours may shift slightly');
  }
}

/** Any other chunk: copied (head, data, CRC) when kept, else read through; its CRC checked either way. */
async function copyOrDropChunk(r: ByteReader, sink: ByteSink, rec: RecordBuilder, head: Buffer, length: number, type: string): Promise<void> {
  const keep = KEEP.has(type);
  let crc = zlib.crc32(head.subarray(4, 8));
  if (keep) {
    await sink.write(head);
    await r.copyTo(length, sink, (part) => {
      crc = zlib.crc32(part, crc);
    });
  } else {
    // Dropped chunks are still read through to check their CRC: a damaged file is refused, not guessed at.
    let left = length;
    while (left > 0) {
      const part = await r.readExact(Math.min(left, 1 << 20));
      crc = zlib.crc32(part, crc);
      left -= part.length;
    }
  }
  const crcBytes = await r.readExact(4);
  if (crcBytes.readUInt32BE(0) !== crc >>> 0) throw stripFailed(FORMAT, 'a chunk checksum (CRC) does not match: the file is damaged');
  if (keep) {
    await sink.write(crcBytes);
    if (!CRITICAL.has(type)) rec.kept(type);
  } else rec.removed(describeDropped(type));
}

export async function stripPng(r: ByteReader, sink: ByteSink, _opts: StripOptions): Promise<StripRecord> {
  const rec = new RecordBuilder('png', 'lossless-structure');
  try {
    const sig = await r.readExact(8);
    if (!sig.equals(SIGNATURE)) throw stripFailed(FORMAT, 'it does not begin with the PNG signature');
    await sink.write(sig);
    for (let first = true; ; first = false) {
      const { head, length, type } = await readChunkHead(r, first);
      if (type === 'iCCP') await copyIccp(r, sink, rec, head, length);
      else await copyOrDropChunk(r, sink, rec, head, length, type);
      if (type === 'IEND') break;
    }
    const trailing = await r.drain();
    if (trailing > 0) rec.removed(`data after IEND (${trailing} bytes)`);
    rec.note('image data chunks byte-identical');
    return rec.build();
  } catch (e) {
    if (e instanceof TruncatedInputError) throw stripFailed(FORMAT, 'the file is truncated (it ends before the IEND chunk)', e);
    throw e;
  }
}
