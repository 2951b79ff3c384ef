/**
 * WebP (RIFF), lossless by structure: EXIF and XMP chunks are dropped, the VP8X flags are corrected and the RIFF
 * size rewritten. Image chunks (VP8, VP8L, ALPH, ANIM, ANMF) are copied byte-identically; ICCP is neutralised by
 * the ICC policy of icc.ts; any other chunk is dropped (unknown chunks are not needed to decode, by the WebP spec).
 */
import type { ByteReader } from './byte-reader';
import type { ByteSink } from './byte-sink';
import { stripFailed, TruncatedInputError } from './errors';
import { neutraliseIccProfile } from './icc';
import { RecordBuilder } from './strip-record';
import type { StripOptions, StripRecord } from './types';

const FORMAT = 'WebP';
const IMAGE_CHUNKS = new Set(['VP8 ', 'VP8L', 'ALPH', 'ANIM', 'ANMF']);
const FLAG_ICC = 0x20;
const FLAG_EXIF = 0x08;
const FLAG_XMP = 0x04;

/** What the walk over the chunks learnt, for the rewrite at the end. */
type WebpState = { vp8xAt: number; vp8xFlags: number; iccKept: boolean; sawImage: boolean };
type ChunkHead = { readonly head: Buffer; readonly fourcc: string; readonly size: number; readonly padded: number };

/** The 12-byte RIFF/WEBP head read, checked and written (its size is patched at the end); returns the RIFF size. */
async function copyRiffHead(r: ByteReader, sink: ByteSink): Promise<number> {
  const riff = await r.readExact(12);
  if (riff.toString('latin1', 0, 4) !== 'RIFF' || riff.toString('latin1', 8, 12) !== 'WEBP') throw stripFailed(FORMAT, 'it is not a RIFF WEBP file');
  const riffSize = riff.readUInt32LE(4);
  if (riffSize < 4 || riffSize % 2 !== 0) throw stripFailed(FORMAT, 'the RIFF size is invalid');
  await sink.write(riff);
  return riffSize;
}

/** The next chunk's 8-byte head, its padded size checked against the `left` bytes of the RIFF body. */
async function readChunkHead(r: ByteReader, left: number): Promise<ChunkHead> {
  if (left < 8) throw stripFailed(FORMAT, 'a chunk header overruns the RIFF size');
  const head = await r.readExact(8);
  const size = head.readUInt32LE(4);
  const padded = size + (size & 1);
  if (padded + 8 > left) throw stripFailed(FORMAT, 'a chunk overruns the RIFF size');
  return { head, fourcc: head.toString('latin1', 0, 4), size, padded };
}

/** The VP8X chunk copied, where it lies and its flags remembered for the rewrite. */
async function copyVp8x(r: ByteReader, sink: ByteSink, { head, size, padded }: ChunkHead, state: WebpState): Promise<void> {
  if (size < 10 || state.vp8xAt >= 0) throw stripFailed(FORMAT, 'invalid VP8X chunk');
  state.vp8xAt = sink.bytesWritten;
  const body = await r.readExact(padded);
  state.vp8xFlags = body[0] as number;
  await sink.write(head);
  await sink.write(body);
}

/** The ICCP chunk written with its profile neutralised (icc.ts), or dropped when the profile is damaged. */
async function copyIccp(r: ByteReader, sink: ByteSink, rec: RecordBuilder, { size, padded }: ChunkHead, state: WebpState): Promise<void> {
  if (size > 16 * 1024 * 1024) throw stripFailed(FORMAT, 'the colour profile is implausibly large');
  const body = await r.readExact(padded);
  const neutral = neutraliseIccProfile(body.subarray(0, size));
  if (neutral.ok) {
    const h = Buffer.alloc(8);
    h.write('ICCP', 0, 'latin1');
    h.writeUInt32LE(neutral.profile.length, 4);
    await sink.write(h);
    await sink.write(neutral.profile.length % 2 === 0 ? neutral.profile : Buffer.concat([neutral.profile, Buffer.alloc(1)]));
    state.iccKept = true;
    rec.kept(`ICCP (${neutral.label}; colour tags byte-identical)`);
    for (const x of neutral.removed) rec.removed(`ICC profile: ${x}`);
  } else {
    rec.removed(`ICCP (${neutral.reason})`);
    rec.note('a damaged colour profile was dropped, colours may shift slightly');
  }
}

/** One chunk: VP8X and image chunks copied, ICCP rebuilt, any other chunk (EXIF, XMP, unknown) dropped. */
async function copyOrDropChunk(r: ByteReader, sink: ByteSink, rec: RecordBuilder, chunk: ChunkHead, state: WebpState): Promise<void> {
  const { fourcc, padded } = chunk;
  if (fourcc === 'VP8X') return copyVp8x(r, sink, chunk, state);
  if (IMAGE_CHUNKS.has(fourcc)) {
    state.sawImage = true;
    await sink.write(chunk.head);
    await r.copyTo(padded, sink);
    return;
  }
  if (fourcc === 'ICCP') return copyIccp(r, sink, rec, chunk, state);
  await r.skip(padded);
  rec.removed(fourcc === 'EXIF' ? 'EXIF' : fourcc === 'XMP ' ? 'XMP' : /^[A-Za-z0-9 ]{4}$/.test(fourcc) ? fourcc.trim() : 'invalid chunk');
}

/** After the RIFF body: trailing data dropped, the RIFF size and the VP8X flags rewritten to match what was kept. */
async function finish(r: ByteReader, sink: ByteSink, rec: RecordBuilder, state: WebpState): Promise<void> {
  const trailing = await r.drain();
  if (trailing > 0) rec.removed(`data after the RIFF body (${trailing} bytes)`);
  const total = sink.bytesWritten;
  const size = Buffer.alloc(4);
  size.writeUInt32LE(total - 8, 0);
  await sink.patch(4, size);
  if (state.vp8xAt >= 0) {
    const flags = state.vp8xFlags & ~(FLAG_EXIF | FLAG_XMP) & (state.iccKept ? 0xff : ~FLAG_ICC);
    if (flags !== state.vp8xFlags) await sink.patch(state.vp8xAt + 8, Buffer.from([flags]));
    rec.note('VP8X flags and RIFF size rewritten; image chunks byte-identical');
  } else rec.note('RIFF size rewritten; image chunks byte-identical');
}

export async function stripWebp(r: ByteReader, sink: ByteSink, _opts: StripOptions): Promise<StripRecord> {
  const rec = new RecordBuilder('webp', 'lossless-structure');
  try {
    let left = (await copyRiffHead(r, sink)) - 4;
    const state: WebpState = { vp8xAt: -1, vp8xFlags: 0, iccKept: false, sawImage: false };
    while (left > 0) {
      const chunk = await readChunkHead(r, left);
      left -= 8 + chunk.padded;
      await copyOrDropChunk(r, sink, rec, chunk, state);
    }
    if (!state.sawImage) throw stripFailed(FORMAT, 'it contains no image data');
    await finish(r, sink, rec, state);
    return rec.build();
  } catch (e) {
    if (e instanceof TruncatedInputError) throw stripFailed(FORMAT, 'the file is truncated', e);
    throw e;
  }
}
