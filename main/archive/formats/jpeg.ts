/**
 * JPEG, lossless by structure: every marker segment is read in order and either copied byte-identically (DQT, DHT,
 * SOFn, DRI, SOS and the entropy-coded scan data with its RSTn markers, for every scan of a progressive file) or
 * dropped (APPn, COM). The pixels are therefore exactly the original's. What is kept besides the frame:
 *  - APP0 JFIF, rebuilt with its density only (its optional thumbnail is dropped);
 *  - a new minimal APP1 Exif holding only Orientation, when the original's was not 1 (so the photo is not shown
 *    sideways), and with keepCaptureDate the capture date and its kin (exif-kept.ts); everything else in Exif goes:
 *    GPS, serials, make/model, owner, software, other dates, MakerNotes, IFD1 thumbnail;
 *  - APP2 ICC_PROFILE with the colour kept and the identity removed (icc.ts: neutraliseIccProfile), re-split into
 *    APP2 segments;
 *  - APP14 Adobe (12 bytes: version, flags, colour transform): decoders need its transform flag to decode CMYK and
 *    YCCK JPEGs correctly (without it libjpeg guesses and inverts or miscolours them); it carries nothing
 *    identifying, and is rebuilt to its 12 defined bytes so nothing rides along.
 * Data after EOI (MPF preview images, motion-photo videos, vendor trailers with their own metadata) is dropped, and
 * so is any segment whose marker is not one of the coding markers above (reserved markers 0x02-0xBF, JPG and JPGn
 * extensions): whatever it holds is not image data we know, and a damaged APP1 marker (0xE1 read as 0xA1) would
 * otherwise carry the whole Exif through.
 */
import type { ByteReader } from './byte-reader';
import type { ByteSink } from './byte-sink';
import { stripFailed, TruncatedInputError } from './errors';
import { keptExifIsEmpty, keptExifLabels, minimalExifApp1, readKeptExif, type KeptExif } from './exif-kept';
import { neutraliseIccProfile } from './icc';
import { MarkerFinder } from './marker-scan';
import { RecordBuilder } from './strip-record';
import type { StripOptions, StripRecord } from './types';

const FORMAT = 'JPEG';
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

const EXIF_ID = 'Exif\0\0';
const XMP_ID = 'http://ns.adobe.com/xap/1.0/\0';
const XMP_EXT_ID = 'http://ns.adobe.com/xmp/extension/\0';
const ICC_ID = 'ICC_PROFILE\0';

function startsWith(b: Buffer, id: string): boolean {
  return b.length >= id.length && b.toString('latin1', 0, id.length) === id;
}

function segment(marker: number, payload: Buffer): Buffer {
  const s = Buffer.alloc(4 + payload.length);
  s[0] = 0xff;
  s[1] = marker;
  s.writeUInt16BE(payload.length + 2, 2);
  payload.copy(s, 4);
  return s;
}

function appName(marker: number, head: Buffer): string {
  const n = marker - 0xe0;
  if (marker === 0xe1) {
    if (startsWith(head, EXIF_ID)) return 'APP1/Exif';
    if (startsWith(head, XMP_ID)) return 'APP1/XMP';
    if (startsWith(head, XMP_EXT_ID)) return 'APP1/XMP-extended';
  }
  if (marker === 0xe2) {
    if (startsWith(head, ICC_ID)) return 'APP2/ICC_PROFILE';
    if (startsWith(head, 'MPF\0')) return 'APP2/MPF';
    if (startsWith(head, 'FPXR\0')) return 'APP2/FPXR';
  }
  if (marker === 0xeb && startsWith(head, 'JP')) return 'APP11/JUMBF (C2PA)';
  if (marker === 0xec && startsWith(head, 'Ducky')) return 'APP12/Ducky';
  if (marker === 0xed) return startsWith(head, 'Photoshop 3.0\0') ? 'APP13/Photoshop-IRB (IPTC)' : 'APP13';
  if (marker === 0xee) return 'APP14';
  return `APP${n}`;
}

type Header = {
  jfif?: Buffer;
  exif?: KeptExif;
  exifSeen: boolean;
  icc: Map<number, Buffer>;
  iccCount: number;
  iccBad: boolean;
  adobe?: Buffer;
  frame: Buffer[];
  frameBytes: number;
  /** Frame headers (SOFn) seen, and whether the file is hierarchical (DHP), where several are allowed. */
  frames: number;
  hierarchical: boolean;
};

async function readMarker(r: ByteReader): Promise<number> {
  const first = await r.readExact(1);
  if (first[0] !== 0xff) throw stripFailed(FORMAT, 'unexpected bytes between segments (the file is damaged)');
  let m: number;
  do {
    m = (await r.readExact(1))[0] as number;
  } while (m === 0xff);
  if (m === 0x00) throw stripFailed(FORMAT, 'a stuffed byte outside scan data (the file is damaged)');
  return m;
}

async function readPayload(r: ByteReader, marker: number): Promise<Buffer> {
  const len = (await r.readExact(2)).readUInt16BE(0);
  if (len < 2) throw stripFailed(FORMAT, `segment 0x${marker.toString(16)} has an impossible length`);
  return r.readExact(len - 2);
}

/** Copies entropy-coded data up to (not including) the next marker other than RSTn, which is left in the reader. */
async function copyScanData(r: ByteReader, sink: ByteSink): Promise<void> {
  const finder = new MarkerFinder();
  try {
    await copyScan(r, sink, finder);
  } finally {
    finder.release();
  }
}

async function copyScan(r: ByteReader, sink: ByteSink, finder: MarkerFinder): Promise<void> {
  let chunk = await r.nextChunk();
  let i = 0;
  while (chunk !== null) {
    // The next 0xFF not followed by a stuffed 0x00 (those are scan data): an RSTn, fill bytes, or the marker after the scan.
    const idx = finder.find(chunk, i);
    if (idx >= chunk.length) {
      await sink.write(chunk);
      chunk = await r.nextChunk();
      i = 0;
      continue;
    }
    let j = idx + 1;
    while (j < chunk.length && chunk[j] === 0xff) j++;
    if (j >= chunk.length) {
      // The 0xFF run reaches the end of this chunk: join it with the next one and look again.
      await sink.write(chunk.subarray(0, idx));
      const more = await r.nextChunk();
      if (more === null) break;
      chunk = Buffer.concat([chunk.subarray(idx), more]);
      i = 0;
      continue;
    }
    const b = chunk[j] as number;
    if (b === 0x00 || (b >= 0xd0 && b <= 0xd7)) {
      i = j + 1;
      continue;
    }
    // A marker ends the scan. A run of several 0xFF before it is fill bytes, not scan data: dropped.
    await sink.write(chunk.subarray(0, idx));
    r.unshift(chunk.subarray(j - 1));
    return;
  }
  throw new TruncatedInputError(1);
}

function iccProfileOf(h: Header): Buffer | undefined {
  if (h.iccBad || h.icc.size === 0 || h.icc.size !== h.iccCount) return undefined;
  const parts: Buffer[] = [];
  for (let s = 1; s <= h.iccCount; s++) {
    const p = h.icc.get(s);
    if (p === undefined) return undefined;
    parts.push(p.subarray(ICC_ID.length + 2));
  }
  return Buffer.concat(parts);
}

/** APP2 segments carrying `profile`: "ICC_PROFILE\0", sequence number, count, then at most 65519 bytes each. */
function iccSegments(profile: Buffer): Buffer[] {
  const max = 0xffff - 2 - ICC_ID.length - 2;
  const count = Math.ceil(profile.length / max);
  return Array.from({ length: count }, (_, i) =>
    segment(0xe2, Buffer.concat([Buffer.from(ICC_ID, 'latin1'), Buffer.from([i + 1, count]), profile.subarray(i * max, (i + 1) * max)])),
  );
}

async function emitHeader(h: Header, sink: ByteSink, rec: RecordBuilder, opts: StripOptions): Promise<void> {
  await sink.write(Buffer.from([0xff, 0xd8]));
  if (h.jfif) {
    await sink.write(segment(0xe0, h.jfif));
    rec.kept('APP0/JFIF (version and density)');
  }
  if (opts.keepOrientation && h.exif && !keptExifIsEmpty(h.exif)) {
    await sink.write(minimalExifApp1(h.exif));
    for (const label of keptExifLabels(h.exif)) rec.kept(label);
  }
  if (h.icc.size > 0) {
    const profile = iccProfileOf(h);
    const neutral = profile ? neutraliseIccProfile(profile) : undefined;
    if (neutral?.ok) {
      for (const seg of iccSegments(neutral.profile)) await sink.write(seg);
      rec.kept(`APP2/ICC_PROFILE (${neutral.label}; colour tags byte-identical)`);
      for (const r of neutral.removed) rec.removed(`ICC profile: ${r}`);
    } else {
      rec.removed(`APP2/ICC_PROFILE (${neutral?.reason ?? 'malformed'})`);
      rec.note('a damaged colour profile was dropped, colours may shift slightly');
    }
  }
  if (h.adobe) {
    await sink.write(segment(0xee, h.adobe));
    rec.kept('APP14/Adobe (colour transform)');
  }
  for (const s of h.frame) await sink.write(s);
}

function onHeaderApp(h: Header, marker: number, payload: Buffer, rec: RecordBuilder, opts: StripOptions): void {
  const name = appName(marker, payload);
  if (marker === 0xe0 && startsWith(payload, 'JFIF\0') && payload.length >= 14 && !h.jfif) {
    const jfif = Buffer.from(payload.subarray(0, 14));
    const thumbBytes = payload.length - 14;
    jfif[12] = 0; // no thumbnail
    jfif[13] = 0;
    h.jfif = jfif;
    if (thumbBytes > 0 || (payload[12] ?? 0) > 0) rec.removed('APP0/JFIF thumbnail');
    return;
  }
  if (marker === 0xe0) {
    rec.removed(startsWith(payload, 'JFXX\0') ? 'APP0/JFXX (thumbnail)' : startsWith(payload, 'JFIF\0') ? 'APP0/JFIF (duplicate)' : 'APP0');
    return;
  }
  if (name === 'APP1/Exif') {
    if (!h.exifSeen) {
      h.exifSeen = true;
      if (payload.length >= 14) h.exif = readKeptExif(payload.subarray(6), opts.keepCaptureDate);
    }
    rec.removed(name);
    return;
  }
  if (name === 'APP2/ICC_PROFILE') {
    if (payload.length < ICC_ID.length + 2) {
      h.iccBad = true;
      return;
    }
    const seq = payload[ICC_ID.length] as number;
    const count = payload[ICC_ID.length + 1] as number;
    if (seq === 0 || seq > count || (h.iccCount !== 0 && h.iccCount !== count) || h.icc.has(seq)) h.iccBad = true;
    h.iccCount = count;
    h.icc.set(seq, payload);
    return;
  }
  if (marker === 0xee && startsWith(payload, 'Adobe') && payload.length >= 12 && !h.adobe) {
    h.adobe = Buffer.from(payload.subarray(0, 12));
    return;
  }
  rec.removed(name);
}

/** Strips one JPEG from `r` into `sink`. Throws STRIP_FAILED on damaged or truncated input. */
/**
 * Length-bearing markers that code the image and are copied: SOFn, DHT, DAC (0xC0-0xCF but JPG 0xC8), SOS, DQT,
 * DNL, DRI, DHP, EXP (0xDA-0xDF), and JPEG-LS's SOF55 and LSE (0xF7, 0xF8).
 */
export function isCodingMarker(m: number): boolean {
  return (m >= 0xc0 && m <= 0xcf && m !== 0xc8) || (m >= 0xda && m <= 0xdf) || m === 0xf7 || m === 0xf8;
}

const isFrameHeader = (m: number): boolean => (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) || m === 0xf7 || m === 0xde;

/** Whether a DHT or DQT payload is exactly a run of well-formed tables (ITU T.81 B.2.4.1-2). */
function tablesFill(payload: Buffer, dht: boolean): boolean {
  let i = 0;
  while (i < payload.length) {
    const id = payload[i]!;
    if ((id >> 4) > 1 || (id & 0x0f) > 3) return false;
    if (dht) {
      if (i + 17 > payload.length) return false;
      let n = 0;
      for (let k = 1; k <= 16; k++) n += payload[i + k]!;
      i += 17 + n;
    } else i += 1 + 64 * ((id >> 4) + 1);
  }
  return i === payload.length && payload.length > 0;
}

/**
 * A coding segment is copied as it is, so its length must be exactly what its fields say (ITU T.81 B.2): a damaged
 * marker (APP1 read as SOF1, say) would otherwise carry a whole Exif through as "image data". Segments of other
 * markers are dropped (false). A malformed one, or a second frame header outside hierarchical mode, refuses the file.
 */
function keepCodingSegment(m: number, payload: Buffer, h: Header, rec: RecordBuilder): boolean {
  if (!isCodingMarker(m)) {
    rec.removed(`segment of unknown marker 0x${m.toString(16).toUpperCase()} (${payload.length + 2} bytes)`);
    return false;
  }
  const n = payload.length;
  const ok =
    m === 0xc4 ? tablesFill(payload, true)
    : m === 0xdb ? tablesFill(payload, false)
    : m === 0xda ? n >= 1 && payload[0]! >= 1 && payload[0]! <= 4 && n === 4 + 2 * payload[0]!
    : m === 0xdd || m === 0xdc ? n === 2
    : m === 0xdf ? n === 1
    : m === 0xcc ? n % 2 === 0
    : isFrameHeader(m) ? n >= 6 && payload[5]! >= 1 && n === 6 + 3 * payload[5]!
    : true; // LSE (JPEG-LS parameters): variable
  if (!ok) throw stripFailed(FORMAT, `its 0x${m.toString(16).toUpperCase()} segment does not have the length its fields give (the file is damaged)`);
  if (m === 0xde) h.hierarchical = true;
  else if (isFrameHeader(m) && ++h.frames > 1 && !h.hierarchical) throw stripFailed(FORMAT, 'it has two frame headers (the file is damaged)');
  return true;
}

export async function stripJpeg(r: ByteReader, sink: ByteSink, opts: StripOptions): Promise<StripRecord> {
  const rec = new RecordBuilder('jpeg', 'lossless-structure');
  try {
    const soi = await r.readExact(2);
    if (soi[0] !== 0xff || soi[1] !== 0xd8) throw stripFailed(FORMAT, 'it does not begin with a JPEG start-of-image marker');
    const h: Header = { exifSeen: false, icc: new Map(), iccCount: 0, iccBad: false, frame: [], frameBytes: 0, frames: 0, hierarchical: false };
    let inHeader = true;
    let scans = 0;
    for (;;) {
      const m = await readMarker(r);
      if (m === 0xd9) {
        if (inHeader) throw stripFailed(FORMAT, 'it has no image data');
        await sink.write(Buffer.from([0xff, 0xd9]));
        break;
      }
      if (m === 0xd8) throw stripFailed(FORMAT, 'a second start-of-image marker inside the image');
      if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
        // Stand-alone markers without a length: copied as they are.
        const b = Buffer.from([0xff, m]);
        if (inHeader) h.frame.push(b);
        else await sink.write(b);
        continue;
      }
      const payload = await readPayload(r, m);
      if ((m >= 0xe0 && m <= 0xef) || m === 0xfe) {
        if (m === 0xfe) rec.removed('COM');
        else if (inHeader) onHeaderApp(h, m, payload, rec, opts);
        else rec.removed(appName(m, payload));
        continue;
      }
      if (!keepCodingSegment(m, payload, h, rec)) continue;
      const seg = segment(m, payload);
      if (inHeader && m !== 0xda) {
        h.frameBytes += seg.length;
        if (h.frameBytes > MAX_HEADER_BYTES) throw stripFailed(FORMAT, 'implausibly large header');
        h.frame.push(seg);
        continue;
      }
      if (inHeader) {
        await emitHeader(h, sink, rec, opts);
        inHeader = false;
      }
      await sink.write(seg);
      if (m === 0xda) {
        scans++;
        await copyScanData(r, sink);
      }
    }
    const trailing = await r.drain();
    if (trailing > 0) rec.removed(`data after end-of-image (${trailing} bytes: preview images or vendor trailers)`);
    rec.note(`scan data and coding tables byte-identical (${scans} scan${scans === 1 ? '' : 's'})`);
    return rec.build();
  } catch (e) {
    if (e instanceof TruncatedInputError) throw stripFailed(FORMAT, 'the file is truncated (it ends before the end-of-image marker)', e);
    throw e;
  }
}
