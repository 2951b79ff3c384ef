/**
 * MP4 / MOV / M4A / 3GP (ISO base media file format, QuickTime), lossless by structure and in place: no byte
 * moves, so every media offset (stco/co64, iloc) stays valid and the media data stays byte-identical.
 *
 * - udta (©xyz location, ©mak, ©mod, ©swr, ©day, names…), meta (keys/ilst: com.apple.quicktime.location.ISO6709,
 *   make, model, software, creationdate…), uuid boxes (XMP, vendor camera data), and prft (wall-clock time) become
 *   `free` boxes of the same size with zeroed content, wherever they are (top level, moov, trak, …).
 * - The content of existing free/skip/wide boxes is zeroed: editors leave old metadata in padding, and top-level
 *   boxes of a type we do not know (a dashcam's 'gps ' table, vendor data) become zeroed free boxes too.
 * - mvhd/tkhd/mdhd creation and modification times are zeroed (creation kept when the profile keeps the capture
 *   date); handler names ("DJI.AVC", "Core Media Video") and video compressor names are zeroed.
 * - Tracks that are neither video nor sound (timed metadata such as Apple 'mebx', GoPro GPMF 'meta', camera motion
 *   'camm', timecode, subtitle tracks that drones use for GPS) become `free` and their samples are zeroed in mdat.
 * - Media data that no kept (video or sound) track points at is zeroed too: a removed meta box's items or an
 *   editor's leftovers (a track taken out of moov, its samples left) may sit there, and no player reads it. So a
 *   file whose tracks cannot all be traced is refused rather than passed through: a track without handler, any
 *   track without sample tables, kept samples that overlap each other or lie outside mdat (damaged tables, which
 *   could make a video track "keep" a removed track's samples), or media data without any moov. Fragmented files
 *   (moof) keep their media data as it is: their samples are described by the fragments, and one with a metadata
 *   track is refused.
 * Two passes over the source: the first reads the box tree (holding only the small boxes), the second copies the
 * file while applying the edits.
 */
import type { ByteReader } from './byte-reader';
import { stripFailed, stripUnsupported, TruncatedInputError } from './errors';
import type { StripHandler } from './handler';
import { copyWithEdits, withFileSink, withReader, type Edit } from './output';
import { RecordBuilder } from './strip-record';
import type { StripOptions } from './types';

const MAX_BOX_IN_MEMORY = 128 * 1024 * 1024;
const MAX_CHUNKS = 20_000_000;
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf', 'mvex', 'moof', 'traf']);
const NEUTRALISE = new Set(['udta', 'meta', 'uuid', 'prft']);
const PADDING = new Set(['free', 'skip', 'wide']);
/** Top-level boxes kept as they are (besides those walked above): structure, media data, fragments and their indexes. */
const KEPT_TOP = new Set(['ftyp', 'styp', 'mdat', 'mfra', 'sidx', 'ssix', 'pdin']);
const AV_HANDLERS = new Set(['vide', 'soun']);
const XMP_UUID = 'be7acfcb97a942e89c71999491e3afac';
const FREE = Buffer.from('free', 'latin1');

type Ctx = {
  readonly opts: StripOptions;
  readonly edits: Edit[];
  readonly rec: RecordBuilder;
  readonly label: string;
  times: number;
  names: number;
  metaTracks: number;
  zeroedSampleBytes: number;
  fragmented: boolean;
  /** Content ranges of the top-level mdat boxes, and the byte ranges the kept tracks' samples occupy. */
  readonly mdats: Array<[number, number]>;
  readonly kept: Array<[number, number]>;
  /** The samples of removed tracks, zeroed by their own edits (not counted again as unreferenced). */
  readonly removedSamples: Array<[number, number]>;
  /** Kept tracks whose samples could not be located (no sample tables), and whether a moov was seen. */
  untraced: number;
  moov: boolean;
};

type Box = { readonly type: string; readonly start: number; readonly header: number; readonly size: number };

function printable(type: string): string {
  return /^[\x20-\x7e\xa9]{4}$/.test(type) ? type : '????';
}

function readBoxHeader(b: Buffer, off: number, label: string): Box {
  if (off + 8 > b.length) throw stripFailed(label, 'a box header overruns its parent');
  let size = b.readUInt32BE(off);
  const type = b.toString('latin1', off + 4, off + 8);
  let header = 8;
  if (size === 1) {
    if (off + 16 > b.length) throw stripFailed(label, 'a box header overruns its parent');
    const big = b.readBigUInt64BE(off + 8);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw stripFailed(label, 'a box size overflows the file');
    size = Number(big);
    header = 16;
  } else if (size === 0) size = b.length - off;
  if (type === 'uuid') header += 16;
  if (size < header || off + size > b.length) throw stripFailed(label, 'box sizes overflow their parent');
  return { type, start: off, header, size };
}

function neutralise(ctx: Ctx, absStart: number, box: Box): void {
  const typeAt = absStart + 4;
  // The box keeps its size field (and largesize if any); its type becomes 'free' and everything after is zeroed.
  ctx.edits.push({ from: typeAt, to: typeAt + 4, bytes: FREE });
  // For uuid boxes the 16-byte user type (which says whose data it was) is zeroed too.
  ctx.edits.push({ from: absStart + box.header - (box.type === 'uuid' ? 16 : 0), to: absStart + box.size });
}

function childTypes(b: Buffer, label: string): string[] {
  const out: string[] = [];
  let off = 0;
  while (off + 8 <= b.length) {
    const c = readBoxHeader(b, off, label);
    const t = printable(c.type);
    if (!out.includes(t)) out.push(t);
    off += c.size;
  }
  return out;
}

function zeroTimes(ctx: Ctx, content: Buffer, absContent: number, type: string): void {
  if (content.length < 4) return;
  const v = content[0];
  const width = v === 1 ? 8 : 4;
  if (content.length < 4 + 2 * width) return;
  const creation = content.subarray(4, 4 + width);
  const modification = content.subarray(4 + width, 4 + 2 * width);
  if (!ctx.opts.keepCaptureDate && creation.some((x) => x !== 0)) {
    ctx.edits.push({ from: absContent + 4, to: absContent + 4 + width });
    ctx.times++;
  }
  if (modification.some((x) => x !== 0)) {
    ctx.edits.push({ from: absContent + 4 + width, to: absContent + 4 + 2 * width });
    ctx.times++;
  }
  if (ctx.opts.keepCaptureDate && creation.some((x) => x !== 0)) ctx.rec.kept(`${type} creation time`);
}

function handlerOf(trak: Buffer, label: string): string | undefined {
  const mdia = findChild(trak, 'mdia', label);
  const hdlr = mdia ? findChild(mdia, 'hdlr', label) : undefined;
  return hdlr && hdlr.length >= 12 ? hdlr.toString('latin1', 8, 12) : undefined;
}

function findChild(b: Buffer, type: string, label: string): Buffer | undefined {
  let off = 0;
  while (off + 8 <= b.length) {
    const c = readBoxHeader(b, off, label);
    if (c.type === type) return b.subarray(off + c.header, off + c.size);
    off += c.size;
  }
  return undefined;
}

/** The sample sizes of a track: stsz, or its compact form stz2 (4-, 8- or 16-bit sizes). */
function sampleSizes(stbl: Buffer, label: string, bad: () => never): { count: number; sizeOf: (i: number) => number } | undefined {
  const stsz = findChild(stbl, 'stsz', label);
  if (stsz) {
    const fixed = stsz.length >= 12 ? stsz.readUInt32BE(4) : bad();
    const count = stsz.readUInt32BE(8);
    if (fixed === 0 && 12 + count * 4 > stsz.length) bad();
    return { count, sizeOf: (i) => (fixed !== 0 ? fixed : stsz.readUInt32BE(12 + i * 4)) };
  }
  const stz2 = findChild(stbl, 'stz2', label);
  if (!stz2) return undefined;
  const field = stz2.length >= 12 ? stz2[7]! : bad();
  const count = stz2.readUInt32BE(8);
  if ((field !== 4 && field !== 8 && field !== 16) || 12 + Math.ceil((count * field) / 8) > stz2.length) bad();
  const sizeOf = (i: number): number => (field === 16 ? stz2.readUInt16BE(12 + i * 2) : field === 8 ? stz2[12 + i]! : (stz2[12 + (i >> 1)]! >> ((i & 1) === 0 ? 4 : 0)) & 0xf);
  return { count, sizeOf };
}

/** Byte ranges of every chunk of a track, from its sample tables (stsz or stz2, stsc, stco/co64); undefined without them. */
function sampleRanges(trak: Buffer, label: string): Array<[number, number]> | undefined {
  const stbl = ((): Buffer | undefined => {
    const mdia = findChild(trak, 'mdia', label);
    const minf = mdia ? findChild(mdia, 'minf', label) : undefined;
    return minf ? findChild(minf, 'stbl', label) : undefined;
  })();
  if (!stbl) return undefined;
  const bad = (): never => {
    throw stripFailed(label, 'a sample table is inconsistent');
  };
  const sizes = sampleSizes(stbl, label, bad);
  const stsc = findChild(stbl, 'stsc', label);
  const stco = findChild(stbl, 'stco', label);
  const co64 = findChild(stbl, 'co64', label);
  if (!sizes || !stsc || (!stco && !co64)) return undefined;
  const offsets: number[] = [];
  const co = (stco ?? co64) as Buffer;
  const nChunks = co.length >= 8 ? co.readUInt32BE(4) : bad();
  if (nChunks > MAX_CHUNKS || 8 + nChunks * (stco ? 4 : 8) > co.length) bad();
  for (let i = 0; i < nChunks; i++) offsets.push(stco ? co.readUInt32BE(8 + i * 4) : Number(co.readBigUInt64BE(8 + i * 8)));
  const { count: nSamples, sizeOf } = sizes;
  const nRuns = stsc.length >= 8 ? stsc.readUInt32BE(4) : bad();
  if (8 + nRuns * 12 > stsc.length) bad();
  const ranges: Array<[number, number]> = [];
  let sample = 0;
  for (let run = 0; run < nRuns; run++) {
    const firstChunk = stsc.readUInt32BE(8 + run * 12) - 1;
    const perChunk = stsc.readUInt32BE(8 + run * 12 + 4);
    const lastChunk = run + 1 < nRuns ? stsc.readUInt32BE(8 + (run + 1) * 12) - 1 : nChunks;
    if (firstChunk < 0 || lastChunk > nChunks || lastChunk < firstChunk) bad();
    for (let ch = firstChunk; ch < lastChunk; ch++) {
      let bytes = 0;
      for (let k = 0; k < perChunk && sample < nSamples; k++) bytes += sizeOf(sample++);
      const start = offsets[ch] ?? bad();
      if (bytes > 0) ranges.push([start, start + bytes]);
    }
  }
  return ranges;
}

/** A box found by walk: its header, its parent's bytes, where it starts in the file, and its content. */
type Found = { readonly box: Box; readonly parent: Buffer; readonly abs: number; readonly content: Buffer; readonly absContent: number };

/**
 * The children that moov, trak, mdia and minf may keep (besides the metadata and padding boxes handled by type):
 * any other (a vendor box, or a udta whose type a damaged byte changed) becomes zeroed free space, as an unknown
 * top-level box does. Deeper boxes (sample tables, fragments) hold numbers only and are left as they are.
 */
const KEPT_CHILDREN: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['moov', new Set(['mvhd', 'trak', 'mvex', 'iods'])],
  ['trak', new Set(['tkhd', 'edts', 'tref', 'mdia', 'tapt', 'load'])],
  ['mdia', new Set(['mdhd', 'hdlr', 'minf', 'elng'])],
  ['minf', new Set(['vmhd', 'smhd', 'hmhd', 'nmhd', 'sthd', 'gmhd', 'hdlr', 'dinf', 'stbl'])],
]);

/**
 * Walks the boxes of `b` (which starts at `absBase` in the file), children of a `parentType` box ('' at the top),
 * inside a track of `handler` if any, noting the edits.
 */
function walk(ctx: Ctx, b: Buffer, absBase: number, handler: string | undefined, parentType = ''): void {
  let off = 0;
  while (off + 8 <= b.length) {
    const box = readBoxHeader(b, off, ctx.label);
    const abs = absBase + off;
    const found: Found = { box, parent: b, abs, content: b.subarray(off + box.header, off + box.size), absContent: abs + box.header };
    off += box.size;
    visit(ctx, found, handler, parentType);
  }
}

function visit(ctx: Ctx, f: Found, handler: string | undefined, parentType: string): void {
  const { box, content, absContent } = f;
  if (NEUTRALISE.has(box.type)) removeMetadataBox(ctx, f);
  else if (PADDING.has(box.type)) zeroPadding(ctx, content, absContent);
  else if (KEPT_CHILDREN.get(parentType)?.has(box.type) === false) removeUnknownBox(ctx, f.abs, box, parentType);
  else if (box.type === 'trak') visitTrack(ctx, f);
  else if (box.type === 'mvhd' || box.type === 'tkhd' || box.type === 'mdhd') zeroTimes(ctx, content, absContent, box.type);
  else if (box.type === 'hdlr') zeroHandlerName(ctx, content, absContent);
  else if (box.type === 'stsd') {
    if (handler === 'vide') zeroCompressorNames(ctx, content, absContent);
  } else if (box.type === 'dref') refuseExternalData(ctx, content);
  else if (box.type === 'moof') {
    ctx.fragmented = true;
    walk(ctx, content, absContent, handler, box.type);
  } else if (CONTAINERS.has(box.type)) walk(ctx, content, absContent, handler, box.type);
}

/** udta, meta, uuid or prft: becomes a zeroed free box, and the record says what it was. */
function removeMetadataBox(ctx: Ctx, f: Found): void {
  const { box, parent } = f;
  neutralise(ctx, f.abs, box);
  const what =
    box.type === 'uuid'
      ? parent.subarray(box.start + box.header - 16, box.start + box.header).toString('hex') === XMP_UUID
        ? 'uuid (XMP)'
        : 'uuid (vendor data)'
      : box.type === 'udta'
        ? `udta (${childTypes(f.content, ctx.label).join(', ') || 'empty'})`
        : box.type;
  ctx.rec.removed(what);
}

/** The content of a free, skip or wide box is zeroed when anything is left in it. */
function zeroPadding(ctx: Ctx, content: Buffer, absContent: number): void {
  if (content.some((x) => x !== 0)) {
    ctx.edits.push({ from: absContent, to: absContent + content.length });
    ctx.rec.removed('leftover bytes in free-space boxes (zeroed)');
  }
}

/** A video or sound track is kept (its samples noted, its boxes walked); any other track is removed. */
function visitTrack(ctx: Ctx, f: Found): void {
  const h = handlerOf(f.content, ctx.label);
  if (h === undefined) throw stripFailed(ctx.label, 'a track has no handler, so it cannot be told whether it holds video, sound or metadata');
  if (!AV_HANDLERS.has(h)) {
    removeTrack(ctx, f, h);
    return;
  }
  const samples = sampleRanges(f.content, ctx.label);
  if (samples) for (const r of samples) ctx.kept.push(r);
  else ctx.untraced++;
  walk(ctx, f.content, f.absContent, h, 'trak');
}

/** A timed-metadata, timecode or text track becomes a free box, and its samples are zeroed in the media data. */
function removeTrack(ctx: Ctx, f: Found, handler: string): void {
  neutralise(ctx, f.abs, f.box);
  const samples = sampleRanges(f.content, ctx.label);
  if (!samples) throw stripFailed(ctx.label, `a timed-metadata track ('${printable(handler)}') has damaged sample tables, so its samples, which can hold positions, cannot be found and removed`);
  for (const [from, to] of samples) {
    ctx.edits.push({ from, to });
    ctx.removedSamples.push([from, to]);
    ctx.zeroedSampleBytes += to - from;
  }
  ctx.metaTracks++;
  ctx.rec.removed(`track of type '${printable(handler)}' (timed metadata, timecode or text): track removed, its samples zeroed`);
}

/** A handler name (after the 24 bytes of version, flags, pre_defined, type and reserved) is zeroed. */
function zeroHandlerName(ctx: Ctx, content: Buffer, absContent: number): void {
  if (content.length > 24 && content.subarray(24).some((x) => x !== 0)) {
    ctx.edits.push({ from: absContent + 24, to: absContent + content.length });
    ctx.names++;
  }
}

function zeroCompressorNames(ctx: Ctx, stsd: Buffer, absContent: number): void {
  let off = 8; // version/flags, entry_count
  while (off + 8 <= stsd.length) {
    const e = readBoxHeader(stsd, off, ctx.label);
    if (e.size >= 82 && stsd.subarray(off + 50, off + 82).some((x) => x !== 0)) {
      ctx.edits.push({ from: absContent + off + 50, to: absContent + off + 82 });
      ctx.names++;
    }
    off += e.size;
  }
}

function refuseExternalData(ctx: Ctx, dref: Buffer): void {
  let off = 8;
  while (off + 12 <= dref.length) {
    const e = readBoxHeader(dref, off, ctx.label);
    const flags = dref.readUInt32BE(off + 8) & 0xffffff;
    if ((flags & 1) === 0) throw stripUnsupported(ctx.label, 'its media data lives in another file (external data reference), which we cannot strip');
    off += e.size;
  }
}

/**
 * A box of a type we do not know, at the top level (a dashcam's 'gps ' table, a vendor's data; read through rather
 * than held) or in moov, a track, mdia or minf (`parentType`), becomes zeroed free space: players skip boxes they do
 * not know, so nothing they play changes.
 */
function removeUnknownBox(ctx: Ctx, absStart: number, box: Box, parentType?: string): void {
  neutralise(ctx, absStart, box);
  const type = printable(box.type);
  ctx.rec.removed(parentType === undefined ? `a top-level box of unknown type '${type}' (turned into free space)` : `a box of unknown type '${type}' in ${parentType} (turned into free space)`);
}

/** Pass one: top-level boxes, holding only the ones that can contain metadata. */
async function scan(r: ByteReader, ctx: Ctx): Promise<{ end: number; total: number }> {
  let end = 0;
  for (;;) {
    const head = await r.readUpTo(8);
    if (head.length === 0) break;
    if (head.length < 8) {
      // A few stray bytes after the last box: not a box, dropped (nothing refers to them).
      return { end, total: end + head.length };
    }
    let size = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    let header = 8;
    if (size === 1) {
      const big = (await r.readExact(8)).readBigUInt64BE(0);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw stripFailed(ctx.label, 'a box size overflows the file');
      size = Number(big);
      header = 16;
    }
    if (end === 0 && type !== 'ftyp' && type !== 'wide' && type !== 'free' && type !== 'mdat' && type !== 'moov' && type !== 'skip') {
      throw stripFailed(ctx.label, 'it does not begin with an ISO media box');
    }
    const start = end;
    if (size === 0) {
      // Last box, to the end of the file (an mdat being written when recording stopped, typically).
      const rest = await r.drain();
      if (type !== 'mdat') throw stripFailed(ctx.label, 'an open-ended box that is not media data');
      ctx.mdats.push([start + header, start + header + rest]);
      return { end: start + header + rest, total: start + header + rest };
    }
    if (size < header) throw stripFailed(ctx.label, 'a box declares an impossible size');
    const contentSize = size - header;
    if (type === 'mdat') ctx.mdats.push([start + header, start + size]);
    if (type === 'moov') ctx.moov = true;
    if (NEUTRALISE.has(type) || CONTAINERS.has(type) || PADDING.has(type)) {
      if (contentSize > MAX_BOX_IN_MEMORY) {
        if (!PADDING.has(type)) throw stripUnsupported(ctx.label, 'a metadata box is implausibly large');
        ctx.edits.push({ from: start + header, to: start + size });
        await r.skip(contentSize);
      } else {
        const content = await r.readExact(contentSize);
        const whole = Buffer.concat([head, header === 16 ? Buffer.alloc(8) : Buffer.alloc(0), content]);
        // Re-parse from a buffer that starts at this box so one walker handles top level and nested boxes alike.
        if (header === 16) {
          whole.writeUInt32BE(1, 0);
          whole.writeBigUInt64BE(BigInt(size), 8);
        }
        walk(ctx, whole, start, undefined);
      }
    } else {
      if (!KEPT_TOP.has(type)) removeUnknownBox(ctx, start, { type, start, header, size });
      await r.skip(contentSize);
    }
    end = start + size;
  }
  return { end, total: end };
}


/**
 * Zero edits for the media data that no kept track points at (see the header), with the bytes they cover. Refuses
 * when the kept tracks cannot all be traced, since what they point at is then unknown.
 */
function unreferencedMediaData(ctx: Ctx): { edits: Edit[]; bytes: number } {
  if (ctx.fragmented || ctx.mdats.every(([from, to]) => to === from)) return { edits: [], bytes: 0 };
  if (!ctx.moov) throw stripUnsupported(ctx.label, 'it has media data but no movie box (moov), so what the media data holds cannot be told (a recording that was cut off?)');
  if (ctx.untraced > 0) throw stripFailed(ctx.label, 'a video or sound track has no sample tables, so its media cannot be told from leftover data');
  const kept = [...ctx.kept].sort((a, b) => a[0] - b[0]);
  checkKeptSamples(ctx, kept);
  const accounted = [...kept, ...ctx.removedSamples].sort((a, b) => a[0] - b[0]);
  const edits: Edit[] = [];
  let bytes = 0;
  for (const [start, end] of ctx.mdats) {
    let pos = start;
    for (const [from, to] of accounted) {
      if (to <= pos || from >= end) continue;
      if (from > pos) edits.push({ from: pos, to: from });
      pos = Math.max(pos, to);
      if (pos >= end) break;
    }
    if (pos < end) edits.push({ from: pos, to: end });
  }
  for (const e of edits) bytes += e.to - e.from;
  return { edits, bytes };
}

/** Kept samples never share bytes and always lie inside an mdat; otherwise the sample tables are damaged. */
function checkKeptSamples(ctx: Ctx, kept: ReadonlyArray<readonly [number, number]>): void {
  const mdats = [...ctx.mdats].sort((a, b) => a[0] - b[0]);
  let m = 0;
  for (let i = 0; i < kept.length; i++) {
    const [from, to] = kept[i]!;
    if (i > 0 && from < kept[i - 1]![1]) throw stripFailed(ctx.label, 'its sample tables are damaged: two samples share the same bytes');
    while (m < mdats.length && mdats[m]![1] <= from) m++;
    const mdat = mdats[m];
    if (!mdat || from < mdat[0] || to > mdat[1]) throw stripFailed(ctx.label, 'its sample tables are damaged: a sample lies outside the media data');
  }
}

function normalise(edits: Edit[], end: number, label: string): Edit[] {
  const sorted = [...edits].filter((e) => e.to > e.from).sort((a, b) => a.from - b.from || a.to - b.to);
  const out: Edit[] = [];
  for (const e of sorted) {
    if (e.to > end) throw stripFailed(label, 'a sample table points outside the file');
    const last = out[out.length - 1];
    if (last && e.from < last.to) {
      // Overlapping zero ranges merge; a patch overlapping anything means a malformed, self-overlapping file.
      if (last.bytes || e.bytes) throw stripFailed(label, 'boxes overlap each other');
      out[out.length - 1] = { from: last.from, to: Math.max(last.to, e.to) };
    } else out.push(e);
  }
  return out;
}

export function stripBmff(ext: string): StripHandler {
  const label = ext.toUpperCase();
  return async (source, tmpPath, opts) => {
    const rec = new RecordBuilder(ext, 'lossless-structure');
    const ctx: Ctx = { opts, edits: [], rec, label, times: 0, names: 0, metaTracks: 0, zeroedSampleBytes: 0, fragmented: false, mdats: [], kept: [], removedSamples: [], untraced: 0, moov: false };
    try {
      const { value: extent } = await withReader(source, (r) => scan(r, ctx));
      if (ctx.fragmented && ctx.metaTracks > 0) throw stripUnsupported(label, 'it is fragmented and has a timed-metadata track, whose fragments we cannot remove');
      if (extent.end === 0) throw stripFailed(label, 'it contains no boxes');
      const unreferenced = unreferencedMediaData(ctx);
      const edits = normalise([...ctx.edits, ...unreferenced.edits], extent.end, label);
      if (unreferenced.bytes > 0) rec.removed(`media data no video or sound track points at (${unreferenced.bytes} bytes, zeroed)`);
      if (ctx.times > 0) rec.removed(`creation/modification times in mvhd/tkhd/mdhd (${ctx.times})`);
      if (ctx.names > 0) rec.removed(`handler and compressor names (${ctx.names})`);
      if (extent.total > extent.end) rec.removed(`stray bytes after the last box (${extent.total - extent.end})`);
      rec.note(
        `metadata boxes turned into free boxes of the same size: no offset moved, media data byte-identical${ctx.zeroedSampleBytes > 0 ? ` except ${ctx.zeroedSampleBytes} bytes of removed metadata-track samples (zeroed)` : ''}${unreferenced.bytes > 0 ? `${ctx.zeroedSampleBytes > 0 ? ' and' : ' except'} ${unreferenced.bytes} bytes no kept track points at (zeroed)` : ''}`,
      );
      const { bytesIn } = await withFileSink(tmpPath, (sink) => withReader(source, (r) => copyWithEdits(r, sink, edits, extent.end)));
      return { record: rec.build(), bytesIn };
    } catch (e) {
      if (e instanceof TruncatedInputError) throw stripFailed(label, 'box sizes overflow the file (it is truncated or damaged)', e);
      throw e;
    }
  };
}
