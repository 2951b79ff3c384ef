/**
 * Ogg (Opus, Vorbis, FLAC-in-Ogg: WhatsApp and Telegram voice notes, Android recorders), lossless by structure.
 * Each logical stream's comment header is replaced by an empty one (no vendor string: it names the encoder
 * library; no comments: title, artist, date, location, encoder settings…); FLAC-in-Ogg also loses its PICTURE,
 * APPLICATION and PADDING blocks. The other header packets are kept byte-identical, and so is every audio packet:
 * audio pages are copied with only their page sequence number (shifted when the header took a different number
 * of pages) and their CRC rewritten (RFC 3533). One streaming pass; only header packets are held in memory.
 * Streams of any other codec (Theora video, Skeleton…) make the file refused: we would not know their comments.
 */
import type { ByteReader } from './byte-reader';
import type { ByteSink } from './byte-sink';
import { stripFailed, stripUnsupported, TruncatedInputError } from './errors';
import { RecordBuilder } from './strip-record';
import type { StripOptions, StripRecord } from './types';

const FORMAT = 'Ogg';
const MAX_HEADER_PACKET = 16 * 1024 * 1024;
const MAX_STREAMS = 64;

// ─── CRC (RFC 3533: polynomial 0x04c11db7, no reflection, initial value 0, no final XOR) ──────────────────────
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

export function oggCrc(...parts: Uint8Array[]): number {
  let crc = 0;
  for (const p of parts) for (let i = 0; i < p.length; i++) crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ (p[i] as number)) & 0xff] as number)) >>> 0;
  return crc >>> 0;
}

export type OggPage = {
  readonly flags: number;
  readonly granule: Buffer;
  readonly serial: number;
  readonly sequence: number;
  readonly lacing: Buffer;
  readonly body: Buffer;
};

const CONTINUED = 1;
const BOS = 2;
const EOS = 4;
const NO_GRANULE = Buffer.alloc(8, 0xff);

export function buildPage(p: Omit<OggPage, 'lacing'> & { lacing: Uint8Array }): Buffer {
  const head = Buffer.alloc(27 + p.lacing.length);
  head.write('OggS', 0, 'latin1');
  head[4] = 0;
  head[5] = p.flags;
  p.granule.copy(head, 6);
  head.writeUInt32LE(p.serial >>> 0, 14);
  head.writeUInt32LE(p.sequence >>> 0, 18);
  head[26] = p.lacing.length;
  head.set(p.lacing, 27);
  head.writeUInt32LE(oggCrc(head, p.body), 22);
  return Buffer.concat([head, p.body]);
}

async function readPage(r: ByteReader): Promise<OggPage | null> {
  const head = await r.readUpTo(27);
  if (head.length === 0) return null;
  if (head.length < 27 || head.toString('latin1', 0, 4) !== 'OggS') {
    r.unshift(Buffer.from(head));
    return null;
  }
  if (head[4] !== 0) throw stripFailed(FORMAT, 'an unknown Ogg page version');
  const lacing = Buffer.from(await r.readExact(head[26] as number));
  const len = lacing.reduce((a, b) => a + b, 0);
  const body = Buffer.from(await r.readExact(len));
  const stored = head.readUInt32LE(22);
  const check = Buffer.from(head);
  check.writeUInt32LE(0, 22);
  if (oggCrc(check, lacing, body) !== stored) throw stripFailed(FORMAT, 'a page checksum does not match (the file is damaged)');
  return { flags: head[5] as number, granule: Buffer.from(head.subarray(6, 14)), serial: head.readUInt32LE(14), sequence: head.readUInt32LE(18), lacing, body };
}

/** Splits a page body into packet pieces; `ends[i]` says whether piece i ends a packet. */
function pieces(page: OggPage): { data: Buffer; ends: boolean }[] {
  const out: { data: Buffer; ends: boolean }[] = [];
  let off = 0;
  let start = 0;
  for (let i = 0; i < page.lacing.length; i++) {
    const v = page.lacing[i] as number;
    off += v;
    if (v < 255) {
      out.push({ data: page.body.subarray(start, off), ends: true });
      start = off;
    }
  }
  if (start < off || (page.lacing.length > 0 && page.lacing[page.lacing.length - 1] === 255)) out.push({ data: page.body.subarray(start, off), ends: false });
  return out;
}

/** Lays packets out on pages (each packet starting a new page; ≤ 255 lacing values per page). */
function pagesFor(packets: readonly Buffer[], serial: number, firstSeq: number, bos: boolean): Buffer[] {
  const out: Buffer[] = [];
  let seq = firstSeq;
  packets.forEach((pkt, pi) => {
    const lacing: number[] = [];
    for (let n = pkt.length; ; n -= 255) {
      if (n >= 255) lacing.push(255);
      else {
        lacing.push(n);
        break;
      }
    }
    let at = 0;
    let byteAt = 0;
    let first = true;
    while (at < lacing.length) {
      const chunk = lacing.slice(at, at + 255);
      const bytes = chunk.reduce((a, b) => a + b, 0);
      const ends = at + chunk.length === lacing.length;
      const flags = (first ? 0 : CONTINUED) | (bos && pi === 0 && first ? BOS : 0);
      out.push(buildPage({ flags, granule: ends ? Buffer.alloc(8) : NO_GRANULE, serial, sequence: seq++, lacing: Uint8Array.from(chunk), body: pkt.subarray(byteAt, byteAt + bytes) }));
      at += chunk.length;
      byteAt += bytes;
      first = false;
    }
  });
  return out;
}

type Codec = 'opus' | 'vorbis' | 'flac';

type Stream = {
  readonly serial: number;
  readonly codec: Codec;
  /** Header packets still expected (FLAC: known from the mapping header, or found from the block flags). */
  headersLeft: number;
  readonly headers: Buffer[];
  partial: Buffer[];
  partialBytes: number;
  inputSeq: number;
  outputSeq: number;
  done: boolean;
  flacLastSeen: boolean;
};

export function codecOf(first: Buffer): Codec | undefined {
  if (first.length >= 19 && first.toString('latin1', 0, 8) === 'OpusHead') return 'opus';
  if (first.length >= 30 && first[0] === 1 && first.toString('latin1', 1, 7) === 'vorbis') return 'vorbis';
  if (first.length >= 13 && first[0] === 0x7f && first.toString('latin1', 1, 5) === 'FLAC' && first.toString('latin1', 9, 13) === 'fLaC') return 'flac';
  return undefined;
}

const EMPTY_OPUS_TAGS = Buffer.concat([Buffer.from('OpusTags', 'latin1'), Buffer.alloc(8)]);
const EMPTY_VORBIS_COMMENT = Buffer.concat([Buffer.from([3]), Buffer.from('vorbis', 'latin1'), Buffer.alloc(8), Buffer.from([1])]);
/** FLAC VORBIS_COMMENT block (type 4) with an empty vendor string and no comments; the last-block flag set later. */
const EMPTY_FLAC_COMMENT = Buffer.from([4, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0]);
const FLAC_BLOCK_NAMES: Record<number, string> = { 1: 'PADDING', 2: 'APPLICATION', 4: 'VORBIS_COMMENT', 5: 'CUESHEET', 6: 'PICTURE' };

/** The header packets as written out, and what was removed. */
function rewriteHeaders(s: Stream, rec: RecordBuilder): Buffer[] {
  const [first, second, ...rest] = s.headers;
  if (!first || !second) throw stripFailed(FORMAT, 'a stream ends inside its headers');
  switch (s.codec) {
    case 'opus':
      if (second.toString('latin1', 0, 8) !== 'OpusTags') throw stripFailed(FORMAT, 'the Opus comment header is missing');
      rec.removed('OpusTags (encoder vendor string and comments)');
      return [first, EMPTY_OPUS_TAGS];
    case 'vorbis':
      if (second[0] !== 3 || second.toString('latin1', 1, 7) !== 'vorbis') throw stripFailed(FORMAT, 'the Vorbis comment header is missing');
      rec.removed('Vorbis comment header (encoder vendor string and comments)');
      return [first, EMPTY_VORBIS_COMMENT, ...rest];
    case 'flac': {
      const blocks = [second, ...rest];
      const kept: Buffer[] = [];
      let sawComment = false;
      for (const b of blocks) {
        const type = (b[0] as number) & 0x7f;
        if (type === 4) {
          sawComment = true;
          rec.removed('FLAC VORBIS_COMMENT (encoder vendor string and comments)');
        } else if (type === 3 || type === 5) kept.push(Buffer.from(b));
        else rec.removed(FLAC_BLOCK_NAMES[type] ?? `FLAC metadata block ${type}`);
      }
      if (!sawComment) throw stripFailed(FORMAT, 'the FLAC comment block (required second header) is missing');
      const out = [Buffer.from(EMPTY_FLAC_COMMENT), ...kept];
      out.forEach((b, i) => {
        b[0] = ((b[0] as number) & 0x7f) | (i === out.length - 1 ? 0x80 : 0);
      });
      const head = Buffer.from(first);
      head.writeUInt16BE(out.length, 7);
      // STREAMINFO inside the mapping header carries the last-block flag when nothing follows it; it never does here.
      head[13] = (head[13] as number) & 0x7f;
      return [head, ...out];
    }
  }
}

function headerCount(codec: Codec, first: Buffer): number {
  if (codec === 'opus') return 2;
  if (codec === 'vorbis') return 3;
  const n = first.readUInt16BE(7);
  return n === 0 ? Number.POSITIVE_INFINITY : n + 1; // 0 = unknown: found from the last-block flag
}

export async function stripOgg(r: ByteReader, sink: ByteSink, _opts: StripOptions): Promise<StripRecord> {
  const rec = new RecordBuilder('ogg', 'lossless-structure');
  const streams = new Map<number, Stream>();
  let pages = 0;
  try {
    for (let page = await readPage(r); page !== null; page = await readPage(r)) {
      pages++;
      await copyPage(page, streams, sink, rec);
    }
    if (pages === 0) throw stripFailed(FORMAT, 'it does not begin with an Ogg page');
    for (const s of streams.values()) if (!s.done) throw stripFailed(FORMAT, 'a stream ends inside its headers');
    const trailing = await r.drain();
    if (trailing > 0) rec.removed(`data after the last Ogg page (${trailing} bytes)`);
    rec.note('audio packets byte-identical; header pages rebuilt; page sequence numbers and checksums rewritten');
    return rec.build();
  } catch (e) {
    if (e instanceof TruncatedInputError) throw stripFailed(FORMAT, 'the file is truncated', e);
    throw e;
  }
}

/** One page: begins a stream, adds to its headers, or is copied with its sequence number rewritten. */
async function copyPage(page: OggPage, streams: Map<number, Stream>, sink: ByteSink, rec: RecordBuilder): Promise<void> {
  if (page.flags & BOS) {
    beginStream(page, streams);
    return;
  }
  const s = streams.get(page.serial);
  if (!s) throw stripFailed(FORMAT, 'a page belongs to a stream that never began');
  if (page.sequence !== ((s.inputSeq + 1) >>> 0)) rec.note('the original had gaps in its page sequence numbers (lost pages); kept as they were');
  s.inputSeq = page.sequence;
  if (!s.done) {
    await takeHeaderPage(s, page, sink, rec);
    return;
  }
  await sink.write(buildPage({ ...page, sequence: s.outputSeq++ }));
  if (page.flags & EOS) streams.delete(page.serial);
}

/** A stream's first page: its identification header alone, of a codec whose comments we know how to remove. */
function beginStream(page: OggPage, streams: Map<number, Stream>): void {
  if (streams.has(page.serial)) throw stripFailed(FORMAT, 'a stream begins twice');
  if (streams.size >= MAX_STREAMS) throw stripUnsupported(FORMAT, 'it has too many logical streams');
  const p = pieces(page);
  const codec = p[0] && p[0].ends ? codecOf(p[0].data) : undefined;
  if (!codec) throw stripUnsupported(FORMAT, 'it holds a stream that is not Opus, Vorbis or FLAC (its comments could not be removed)');
  if (p.length !== 1) throw stripFailed(FORMAT, 'the first page of a stream holds more than its identification header');
  const s: Stream = { serial: page.serial, codec, headersLeft: headerCount(codec, p[0]!.data) - 1, headers: [Buffer.from(p[0]!.data)], partial: [], partialBytes: 0, inputSeq: page.sequence, outputSeq: 0, done: false, flacLastSeen: false };
  streams.set(page.serial, s);
  if (codec === 'flac' && ((p[0]!.data[13] as number) & 0x80) !== 0) throw stripFailed(FORMAT, 'a FLAC stream has no comment block');
}

/** A page of header packets; once the last header is in, the rewritten headers are written on pages of their own. */
async function takeHeaderPage(s: Stream, page: OggPage, sink: ByteSink, rec: RecordBuilder): Promise<void> {
  if (page.flags & CONTINUED ? s.partial.length === 0 : s.partial.length > 0) throw stripFailed(FORMAT, 'a header packet is cut');
  for (const piece of pieces(page)) {
    if (s.done) throw stripUnsupported(FORMAT, 'audio data begins on the same page as the last header (not allowed by the codec mapping)');
    takeHeaderPiece(s, piece);
  }
  if (s.done) {
    const out = pagesFor(rewriteHeaders(s, rec), s.serial, 0, true);
    for (const b of out) await sink.write(b);
    s.outputSeq = out.length;
  }
}

/** A piece of a header packet; a packet's last piece completes it, and may complete the stream's headers. */
function takeHeaderPiece(s: Stream, piece: { data: Buffer; ends: boolean }): void {
  s.partial.push(Buffer.from(piece.data));
  s.partialBytes += piece.data.length;
  if (s.partialBytes > MAX_HEADER_PACKET) throw stripFailed(FORMAT, 'a header packet is implausibly large');
  if (!piece.ends) return;
  const pkt = Buffer.concat(s.partial);
  s.partial = [];
  s.partialBytes = 0;
  s.headers.push(pkt);
  if (s.codec === 'flac' && pkt.length > 0 && ((pkt[0] as number) & 0x80) !== 0) s.flacLastSeen = true;
  s.headersLeft--;
  if (s.headersLeft === 0 || (s.codec === 'flac' && s.flacLastSeen)) s.done = true;
}
