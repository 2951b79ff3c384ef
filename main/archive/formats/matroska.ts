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
 *  - a track that is neither video nor audio (subtitles, metadata…: a drone's GPS as subtitles) goes: its track
 *    entry, every block of its frames and its Cues entries become Void elements of the same size (its frames are
 *    text we cannot judge); a file that lists such a track only after its frames or its Cues, or whose blocks cannot
 *    be told apart, is refused, and so is one without a track list or without any video or audio track;
 *  - the content of existing Void elements is zeroed (editors leave old metadata in them), CRC-32 elements of
 *    edited masters become Void (their checksum would no longer match), and unknown Segment children become Void.
 * Two passes over the source: the first reads the element tree (holding only SeekHead, Info and Tracks, and Cues
 * when a track goes; stepping through each Cluster's block headers when a track goes), the second copies the file
 * applying same-length edits.
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
  TrackNumber: 0xd7,
  TrackName: 0x536e,
  CodecID: 0x86,
  CodecName: 0x258688,
  Cluster: 0x1f43b675,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
  EncryptedBlock: 0xaf,
  Cues: 0x1c53bb6b,
  CuePoint: 0xbb,
  CueTrackPositions: 0xb7,
  CueTrack: 0xf7,
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

type Ctx = {
  readonly edits: Edit[];
  readonly rec: RecordBuilder;
  /** Track entries read, and of them the video and audio ones (kept). */
  tracks: number;
  avTracks: number;
  /** Track numbers of the tracks that go: their blocks and Cues entries become Void. */
  readonly removedTracks: Set<number>;
  /** A Cluster or the Cues came before the track list: a track that goes can no longer have its blocks found. */
  blocksSeen: boolean;
};

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

/** The body of child `e` of a master held in memory as `parent` (at absolute offset `absParent`). */
function bodyOf(parent: Buffer, absParent: number, e: Element): Buffer {
  const from = e.start - absParent + e.headerSize;
  return parent.subarray(from, from + e.size!);
}

/** An unsigned-integer child of a master held in memory; undefined when absent or not 1–6 bytes long. */
function uintChild(b: Buffer, abs: number, id: number): number | undefined {
  const c = children(b, abs).find((x) => x.id === id);
  return c !== undefined && c.size! > 0 && c.size! <= 6 ? b.readUIntBE(c.start - abs + c.headerSize, c.size!) : undefined;
}

/** What a track that is neither video nor audio is, for the record ("a subtitle track"); undefined for video and audio. */
function nonAvKind(tb: Buffer, absTb: number): string | undefined {
  const type = uintChild(tb, absTb, ID.TrackType);
  if (type !== undefined && AV_TRACK_TYPES.has(type)) return undefined;
  return type === undefined ? 'a track of no stated type' : `a ${OTHER_TRACK_TYPES.get(type) ?? `type ${type}`} track`;
}

/**
 * A track whose frames may be text (a drone's GPS as subtitles, a dashcam's positions) goes: its entry now, its
 * blocks and Cues entries as the scan meets them. That needs its number, and its entry before any block or cue.
 */
function removeTrack(ctx: Ctx, t: Element, tb: Buffer, kind: string): void {
  if (ctx.blocksSeen) throw stripUnsupported(FORMAT, `it lists ${kind} only after its frames or seeking index, so that track's frames cannot be found before they are copied`);
  const n = uintChild(tb, t.start + t.headerSize, ID.TrackNumber);
  if (n === undefined) throw stripUnsupported(FORMAT, `it has ${kind} without a track number, so its frames cannot be told apart`);
  ctx.removedTracks.add(n);
  voidRange(ctx, t.start, t.start + t.headerSize + t.size!);
  ctx.rec.removed(`${kind} (its entry, frames and index entries turned into Void elements: such frames can hold text such as positions or names)`);
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
    const tb = bodyOf(body, absBody, t);
    ctx.tracks++;
    const kind = nonAvKind(tb, t.start + t.headerSize);
    if (kind !== undefined) {
      removeTrack(ctx, t, tb, kind);
      continue;
    }
    ctx.avTracks++;
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
    const sb = bodyOf(body, absBody, s);
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

/** How far into a BlockGroup its Block's track number is looked for (the Block comes first, or after a few small elements). */
const BLOCK_GROUP_PEEK = 4096;

/** The track number of a block element whose header (`headerSize` bytes) is at the reader's position; undefined for other elements. */
async function blockTrack(r: ByteReader, id: number, headerSize: number, size: number): Promise<number | undefined> {
  if (id === ID.SimpleBlock) return readVint(await r.peek(headerSize + 8), headerSize, false)?.value;
  if (id === ID.EncryptedBlock) throw stripUnsupported(FORMAT, 'it has encrypted blocks, whose track cannot be told');
  if (id !== ID.BlockGroup) return undefined;
  const head = await r.peek(headerSize + Math.min(size, BLOCK_GROUP_PEEK));
  for (let off = headerSize; off < head.length; ) {
    const cid = readVint(head, off, true);
    const csize = cid ? readVint(head, off + cid.len, false) : undefined;
    if (!cid || !csize || csize.value === undefined) break;
    if (cid.value === ID.Block) return readVint(head, off + cid.len + csize.len, false)?.value;
    off += cid.len + csize.len + csize.value;
  }
  throw stripUnsupported(FORMAT, 'a block group whose track cannot be told');
}

/**
 * A Cluster's children, from the reader's position to `end` (undefined: a Cluster of unknown size, as live
 * recordings write, ends at the next Segment-level element). The blocks of a track that goes become Void.
 */
async function scanCluster(r: ByteReader, ctx: Ctx, end: number | undefined): Promise<void> {
  ctx.blocksSeen = true;
  if (end !== undefined && ctx.removedTracks.size === 0) return r.skip(end - r.position);
  while (end === undefined || r.position < end) {
    const head = await r.peek(12);
    if (head.length === 0) {
      if (end === undefined) return;
      throw new TruncatedInputError(end - r.position);
    }
    const id = readVint(head, 0, true);
    if (!id) throw stripFailed(FORMAT, 'damaged data inside a cluster');
    if (end === undefined && (SEGMENT_CHILDREN.has(id.value!) || id.value === ID.EBML)) return;
    const size = readVint(head, id.len, false);
    if (!size || size.value === undefined) throw stripFailed(FORMAT, 'an element of unknown size inside a cluster');
    const start = r.position;
    const total = id.len + size.len + size.value;
    if (end !== undefined && start + total > end) throw stripFailed(FORMAT, 'an element overruns its cluster');
    if (ctx.removedTracks.size > 0) {
      const track = await blockTrack(r, id.value!, id.len + size.len, size.value);
      if (track !== undefined && ctx.removedTracks.has(track)) voidRange(ctx, start, start + total);
    }
    await r.skip(total);
  }
}

/** Cues entries of a track that goes become Void: a CuePoint when all its positions are of such tracks, else those positions. */
function rewriteCues(ctx: Ctx, el: Element, body: Buffer): void {
  const absBody = el.start + el.headerSize;
  const before = ctx.edits.length;
  for (const p of children(body, absBody)) {
    if (p.id !== ID.CuePoint) continue;
    const pb = bodyOf(body, absBody, p);
    const absPb = p.start + p.headerSize;
    const positions = children(pb, absPb).filter((c) => c.id === ID.CueTrackPositions);
    const gone = positions.filter((c) => ctx.removedTracks.has(uintChild(bodyOf(pb, absPb, c), c.start + c.headerSize, ID.CueTrack) ?? -1));
    if (gone.length > 0 && gone.length === positions.length) voidRange(ctx, p.start, p.start + p.headerSize + p.size!);
    else for (const c of gone) voidRange(ctx, c.start, c.start + c.headerSize + c.size!);
  }
  if (ctx.edits.length === before) return;
  // The checksum of an edited master would no longer match.
  for (const c of children(body, absBody)) if (c.id === ID.Crc32) voidRange(ctx, c.start, c.start + c.headerSize + c.size!);
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
      await scanCluster(r, ctx, undefined);
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
    } else if (el.id === ID.Cluster) {
      clusters++;
      await scanCluster(r, ctx, bodyStart + el.size);
    } else if (el.id === ID.Cues) {
      await scanCues(r, ctx, element);
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

/** The Cues are held only when a track goes (its entries become Void); otherwise stepped over. */
async function scanCues(r: ByteReader, ctx: Ctx, el: Element): Promise<void> {
  if (ctx.removedTracks.size === 0) {
    ctx.blocksSeen = true;
    return r.skip(el.size!);
  }
  if (el.size! > MAX_MASTER_IN_MEMORY) throw stripUnsupported(FORMAT, 'its seeking index (Cues) is implausibly large');
  rewriteCues(ctx, el, await r.readExact(el.size!));
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
  const ctx: Ctx = { edits: [], rec, tracks: 0, avTracks: 0, removedTracks: new Set(), blocksSeen: false };
  try {
    const { value: extent } = await withReader(source, (r) => scan(r, ctx));
    if (extent.clusters === 0) throw stripFailed(FORMAT, 'it contains no clusters (no audio or video)');
    if (ctx.tracks === 0) throw stripFailed(FORMAT, 'it has no track list, so what its frames hold cannot be told');
    if (ctx.avTracks === 0) throw stripUnsupported(FORMAT, 'it has no video or audio track');
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
