/**
 * WebM / Matroska (Android screen recordings, Telegram video, browsers' MediaRecorder), lossless by structure and
 * in place, like the MP4 stripper: nothing moves, so the Segment size, every SeekHead position and every Cues
 * position stay valid, and every Cluster (all audio and video frames) is copied byte-identically.
 *  - Tags, Attachments (cover art, fonts, any file) and Chapters (their titles) become EBML Void elements of the
 *    same size, zeroed, and the SeekHead entries that pointed at them become Void too;
 *  - Info is rewritten in its own space: TimestampScale and Duration kept; Title, DateUTC, SegmentUID, the
 *    previous/next segment UIDs and file names, SegmentFamily and ChapterTranslate removed; MuxingApp and WritingApp
 *    (mandatory) kept empty; the rest of the space is a Void;
 *  - track names and codec names (an encoder's or device's free text) become Void in place;
 *  - a file with any track that is neither video nor audio (subtitles, metadata…: a drone's GPS as subtitles) is
 *    refused, since frames are copied as they are; so is one without a track list;
 *  - the content of existing Void elements is zeroed (editors leave old metadata in them), CRC-32 elements of
 *    edited masters become Void (their checksum would no longer match), and unknown Segment children become Void.
 * Two passes over the source: the first reads the element tree (holding only SeekHead, Info and Tracks), the
 * second copies the file applying same-length edits.
 */
import type { ByteReader } from './byte-reader';
import { stripFailed, stripUnsupported, TruncatedInputError } from './errors';
import type { StripHandler } from './handler';
import { copyWithEdits, withFileSink, withReader, type Edit } from './output';
import { RecordBuilder } from './strip-record';

const FORMAT = 'Matroska';
const MAX_MASTER_IN_MEMORY = 16 * 1024 * 1024;

export const ID = {
  EBML: 0x1a45dfa3,
  Segment: 0x18538067,
  SeekHead: 0x114d9b74,
  Seek: 0x4dbb,
  SeekID: 0x53ab,
  Info: 0x1549a966,
  TimestampScale: 0x2ad7b1,
  Duration: 0x4489,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackType: 0x83,
  TrackName: 0x536e,
  CodecID: 0x86,
  CodecName: 0x258688,
  Cluster: 0x1f43b675,
  Cues: 0x1c53bb6b,
  Attachments: 0x1941a469,
  Chapters: 0x1043a770,
  Tags: 0x1254c367,
  Void: 0xec,
  Crc32: 0xbf,
  MuxingApp: 0x4d80,
  WritingApp: 0x5741,
} as const;

const REMOVED_TOP: ReadonlyMap<number, string> = new Map([
  [ID.Tags, 'Tags (title, artist, date, location, encoder… per track or file)'],
  [ID.Attachments, 'Attachments (cover art, fonts, attached files)'],
  [ID.Chapters, 'Chapters (chapter titles)'],
]);
const SEGMENT_CHILDREN = new Set<number>([ID.SeekHead, ID.Info, ID.Tracks, ID.Cluster, ID.Cues, ID.Attachments, ID.Chapters, ID.Tags, ID.Void, ID.Crc32]);

export type Element = { readonly id: number; readonly start: number; readonly headerSize: number; readonly size: number | undefined };

/** An EBML variable-length integer from a buffer: its length and value (undefined for "unknown size"). */
export function readVint(b: Buffer, at: number, isId: boolean): { len: number; value: number | undefined } | undefined {
  const first = b[at];
  if (first === undefined || first === 0) return undefined;
  const len = Math.clz32(first) - 23;
  if (len > (isId ? 4 : 8) || at + len > b.length) return undefined;
  if (isId) return { len, value: b.readUIntBE(at, len) };
  let v = first & (0xff >> len);
  let allOnes = v === 0xff >> len;
  for (let i = 1; i < len; i++) {
    const x = b[at + i] as number;
    v = v * 256 + x;
    if (x !== 0xff) allOnes = false;
  }
  if (allOnes) return { len, value: undefined };
  if (!Number.isSafeInteger(v)) return undefined;
  return { len, value: v };
}

/** Children of a master element held in memory (at absolute offset `abs`). */
export function children(b: Buffer, abs: number): Element[] {
  const out: Element[] = [];
  let off = 0;
  while (off < b.length) {
    const id = readVint(b, off, true);
    const size = id ? readVint(b, off + id.len, false) : undefined;
    if (!id || !size || size.value === undefined) throw stripFailed(FORMAT, 'an element header is damaged');
    const headerSize = id.len + size.len;
    if (off + headerSize + size.value > b.length) throw stripFailed(FORMAT, 'an element overruns its parent');
    out.push({ id: id.value!, start: abs + off, headerSize, size: size.value });
    off += headerSize + size.value;
  }
  return out;
}

/** A Void element of exactly `n` ≥ 2 bytes (its size field 1 or 8 bytes long). */
export function voidOf(n: number): Buffer {
  if (n < 2) throw new RangeError('a Void element takes at least 2 bytes');
  if (n - 2 <= 126) return Buffer.concat([Buffer.from([ID.Void, 0x80 | (n - 2)]), Buffer.alloc(n - 2)]);
  const b = Buffer.alloc(n);
  b[0] = ID.Void;
  b[1] = 0x01; // 8-byte size
  b.writeUIntBE(Math.floor((n - 9) / 2 ** 32), 2, 3);
  b.writeUInt32BE((n - 9) >>> 0, 5);
  return b;
}

type Ctx = { readonly edits: Edit[]; readonly rec: RecordBuilder; tracks: number };

/** TrackType values (Matroska spec §5.1.4.1.3) whose frames are pictures or sound (video 1, audio 2); any other can carry text. */
const AV_TRACK_TYPES: ReadonlySet<number> = new Set([1, 2]);
/** The names of the others, for the reason a file is refused. */
const OTHER_TRACK_TYPES: ReadonlyMap<number, string> = new Map([
  [3, 'complex'],
  [0x10, 'logo'],
  [0x11, 'subtitle'],
  [0x12, 'buttons'],
  [0x20, 'control'],
  [0x21, 'metadata'],
]);

/**
 * A track's frames stay byte-identical, so only picture and sound tracks may stay: a subtitle or metadata track
 * (a drone's GPS as subtitles, a dashcam's positions) is refused rather than copied.
 */
function checkTrackType(tb: Buffer, absTb: number): void {
  const type = children(tb, absTb).find((c) => c.id === ID.TrackType);
  const size = type?.size ?? 0;
  const value = type && size > 0 && size <= 6 ? tb.readUIntBE(type.start - absTb + type.headerSize, size) : undefined;
  if (value !== undefined && AV_TRACK_TYPES.has(value)) return;
  const kind = value === undefined ? 'a track of no stated type' : `a ${OTHER_TRACK_TYPES.get(value) ?? `type ${value}`} track`;
  throw stripUnsupported(FORMAT, `it has ${kind}, whose frames can hold text such as positions or names and would be copied as they are`);
}

function voidRange(ctx: Ctx, from: number, to: number): void {
  ctx.edits.push({ from, to, bytes: voidOf(to - from) });
}

function elementBytes(id: number, body: Buffer): Buffer {
  const idLen = id > 0xffffff ? 4 : id > 0xffff ? 3 : id > 0xff ? 2 : 1;
  const idBuf = Buffer.alloc(idLen);
  idBuf.writeUIntBE(id, 0, idLen);
  if (body.length > 126) throw new RangeError('element too large for a 1-byte size');
  return Buffer.concat([idBuf, Buffer.from([0x80 | body.length]), body]);
}

function rewriteInfo(ctx: Ctx, el: Element, body: Buffer): void {
  const kept: Buffer[] = [];
  const absBody = el.start + el.headerSize;
  for (const c of children(body, absBody)) {
    const raw = body.subarray(c.start - absBody, c.start - absBody + c.headerSize + (c.size ?? 0));
    if (c.id === ID.TimestampScale || c.id === ID.Duration) kept.push(raw);
    else if (c.id === ID.MuxingApp || c.id === ID.WritingApp) {
      if (c.size! > 0) ctx.rec.removed(c.id === ID.MuxingApp ? 'Info MuxingApp (left empty)' : 'Info WritingApp (left empty)');
    } else if (c.id !== ID.Void && c.id !== ID.Crc32) ctx.rec.removed(INFO_NAMES.get(c.id) ?? 'an Info element');
  }
  kept.push(elementBytes(ID.MuxingApp, Buffer.alloc(0)), elementBytes(ID.WritingApp, Buffer.alloc(0)));
  let content = Buffer.concat(kept);
  let left = body.length - content.length;
  if (left < 0) throw stripUnsupported(FORMAT, 'its Info element is too small to rewrite in place');
  if (left === 1) {
    // One spare byte cannot hold a Void: write WritingApp's size with 2 bytes instead of 1 (EBML allows it).
    content = Buffer.concat([content.subarray(0, content.length - 1), Buffer.from([0x40, 0x00])]);
    left = 0;
  }
  const full = left === 0 ? content : Buffer.concat([content, voidOf(left)]);
  ctx.edits.push({ from: absBody, to: absBody + body.length, bytes: full });
}

const INFO_NAMES: ReadonlyMap<number, string> = new Map([
  [0x7ba9, 'Info Title'],
  [0x4461, 'Info DateUTC (muxing date)'],
  [0x73a4, 'Info SegmentUID'],
  [0x7384, 'Info SegmentFilename'],
  [0x3cb923, 'Info PrevUID'],
  [0x3c83ab, 'Info PrevFilename'],
  [0x3eb923, 'Info NextUID'],
  [0x3e83bb, 'Info NextFilename'],
  [0x4444, 'Info SegmentFamily'],
  [0x6924, 'Info ChapterTranslate'],
]);

function rewriteTracks(ctx: Ctx, el: Element, body: Buffer): void {
  const absBody = el.start + el.headerSize;
  for (const t of children(body, absBody)) {
    if (t.id === ID.Crc32) voidRange(ctx, t.start, t.start + t.headerSize + t.size!);
    if (t.id !== ID.TrackEntry) continue;
    const tb = body.subarray(t.start - absBody + t.headerSize, t.start - absBody + t.headerSize + t.size!);
    checkTrackType(tb, t.start + t.headerSize);
    ctx.tracks++;
    for (const c of children(tb, t.start + t.headerSize)) {
      if (c.id === ID.TrackName || c.id === ID.CodecName || c.id === ID.Crc32) {
        voidRange(ctx, c.start, c.start + c.headerSize + c.size!);
        if (c.id !== ID.Crc32) ctx.rec.removed(c.id === ID.TrackName ? 'track names' : 'codec names (encoder text)');
      }
    }
  }
}

function rewriteSeekHead(ctx: Ctx, el: Element, body: Buffer): void {
  const absBody = el.start + el.headerSize;
  for (const s of children(body, absBody)) {
    if (s.id === ID.Crc32) voidRange(ctx, s.start, s.start + s.headerSize + s.size!);
    if (s.id !== ID.Seek) continue;
    const sb = body.subarray(s.start - absBody + s.headerSize, s.start - absBody + s.headerSize + s.size!);
    const idEl = children(sb, 0).find((c) => c.id === ID.SeekID);
    const target = idEl && idEl.size! <= 4 && idEl.size! > 0 ? sb.readUIntBE(idEl.headerSize + idEl.start, idEl.size!) : undefined;
    if (target !== undefined && REMOVED_TOP.has(target)) voidRange(ctx, s.start, s.start + s.headerSize + s.size!);
  }
}

type ScanResult = { readonly end: number; readonly total: number; readonly clusters: number };

async function readHeader(r: ByteReader): Promise<{ id: number; size: number | undefined; headerSize: number } | undefined> {
  const head = await r.peek(12);
  if (head.length === 0) return undefined;
  const id = readVint(head, 0, true);
  const size = id ? readVint(head, id.len, false) : undefined;
  if (!id || !size) return undefined;
  await r.skip(id.len + size.len);
  return { id: id.value!, size: size.value, headerSize: id.len + size.len };
}

/** Skips a Cluster of unknown size (live recordings): its children until the next Segment-level element. */
async function skipOpenCluster(r: ByteReader): Promise<void> {
  for (;;) {
    const head = await r.peek(12);
    if (head.length === 0) return;
    const id = readVint(head, 0, true);
    if (!id) throw stripFailed(FORMAT, 'damaged data inside a cluster');
    if (SEGMENT_CHILDREN.has(id.value!) || id.value === ID.EBML) return;
    const size = readVint(head, id.len, false);
    if (!size || size.value === undefined) throw stripFailed(FORMAT, 'an element of unknown size inside a cluster');
    await r.skip(id.len + size.len + size.value);
  }
}

async function scan(r: ByteReader, ctx: Ctx): Promise<ScanResult> {
  const ebml = await readHeader(r);
  if (!ebml || ebml.id !== ID.EBML || ebml.size === undefined) throw stripFailed(FORMAT, 'it does not begin with an EBML header');
  const docType = await r.readExact(ebml.size);
  if (!docType.includes(Buffer.from('webm', 'latin1')) && !docType.includes(Buffer.from('matroska', 'latin1'))) throw stripUnsupported(FORMAT, 'its EBML document type is neither Matroska nor WebM');
  const seg = await readHeader(r);
  if (!seg || seg.id !== ID.Segment) throw stripFailed(FORMAT, 'no Segment follows the EBML header');
  const segStart = r.position;
  const segEnd = seg.size === undefined ? Number.POSITIVE_INFINITY : segStart + seg.size;
  let clusters = 0;
  while (r.position < segEnd) {
    if (await r.atEnd()) {
      if (seg.size !== undefined) throw stripFailed(FORMAT, 'the Segment is shorter than it declares (truncated file)');
      break;
    }
    const start = r.position;
    const el = await readHeader(r);
    if (!el) throw stripFailed(FORMAT, 'an element header is damaged');
    if (el.id === ID.EBML) throw stripUnsupported(FORMAT, 'it holds several segments (chained files)');
    const bodyStart = r.position;
    if (el.size === undefined) {
      if (el.id !== ID.Cluster) throw stripUnsupported(FORMAT, 'an element other than a cluster has an unknown size');
      clusters++;
      await skipOpenCluster(r);
      continue;
    }
    if (bodyStart + el.size > segEnd) throw stripFailed(FORMAT, 'an element overruns the Segment');
    const element: Element = { id: el.id, start, headerSize: el.headerSize, size: el.size };
    const removed = REMOVED_TOP.get(el.id);
    if (removed !== undefined) {
      await r.skip(el.size);
      voidRange(ctx, start, bodyStart + el.size);
      ctx.rec.removed(removed);
    } else if (el.id === ID.Info || el.id === ID.Tracks || el.id === ID.SeekHead) {
      if (el.size > MAX_MASTER_IN_MEMORY) throw stripUnsupported(FORMAT, 'a header element is implausibly large');
      const body = await r.readExact(el.size);
      if (el.id === ID.Info) rewriteInfo(ctx, element, body);
      else if (el.id === ID.Tracks) rewriteTracks(ctx, element, body);
      else rewriteSeekHead(ctx, element, body);
    } else if (el.id === ID.Void) {
      await r.skip(el.size);
      if (el.size > 0) ctx.edits.push({ from: bodyStart, to: bodyStart + el.size });
    } else if (el.id === ID.Cluster || el.id === ID.Cues) {
      if (el.id === ID.Cluster) clusters++;
      await r.skip(el.size);
    } else {
      await r.skip(el.size);
      if (bodyStart + el.size - start >= 2) voidRange(ctx, start, bodyStart + el.size);
      ctx.rec.removed(el.id === ID.Crc32 ? 'Segment CRC-32' : 'an unknown Segment element');
    }
  }
  const end = r.position;
  const trailing = await r.drain();
  return { end, total: end + trailing, clusters };
}


function normalise(edits: Edit[]): Edit[] {
  const sorted = [...edits].filter((e) => e.to > e.from).sort((a, b) => a.from - b.from || b.to - a.to);
  const out: Edit[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && e.from < last.to) {
      // A Void inside a range already replaced (a CRC inside a removed element): the outer edit wins.
      if (e.to <= last.to) continue;
      throw stripFailed(FORMAT, 'elements overlap each other');
    }
    out.push(e);
  }
  return out;
}

export const stripMatroska: StripHandler = async (source, tmpPath) => {
  const rec = new RecordBuilder('matroska', 'lossless-structure');
  const ctx: Ctx = { edits: [], rec, tracks: 0 };
  try {
    const { value: extent } = await withReader(source, (r) => scan(r, ctx));
    if (extent.clusters === 0) throw stripFailed(FORMAT, 'it contains no clusters (no audio or video)');
    if (ctx.tracks === 0) throw stripFailed(FORMAT, 'it has no track list, so what its frames hold cannot be told');
    if (extent.total > extent.end) rec.removed(`data after the Segment (${extent.total - extent.end} bytes)`);
    const edits = normalise(ctx.edits);
    rec.note('metadata elements turned into Void elements of the same size: no offset moved, clusters (all frames) byte-identical');
    const { bytesIn } = await withFileSink(tmpPath, (sink) => withReader(source, (r) => copyWithEdits(r, sink, edits, extent.end)));
    return { record: rec.build(), bytesIn };
  } catch (e) {
    if (e instanceof TruncatedInputError) throw stripFailed(FORMAT, 'the file is truncated', e);
    throw e;
  }
};
