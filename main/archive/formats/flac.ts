/**
 * FLAC, lossless by structure. Metadata blocks kept: STREAMINFO, SEEKTABLE, CUESHEET (decoding and seeking).
 * Dropped: VORBIS_COMMENT (tags and the encoder's vendor string), PICTURE (cover art with its own metadata),
 * APPLICATION, PADDING (editors leave old bytes in it), unknown blocks, a leading ID3v2 tag and a trailing ID3v1
 * tag. Audio frames are copied byte-identically.
 */
import type { ByteReader } from './byte-reader';
import type { ByteSink } from './byte-sink';
import { stripFailed, TruncatedInputError } from './errors';
import { RecordBuilder } from './strip-record';
import type { StripOptions, StripRecord } from './types';

const FORMAT = 'FLAC';
const KEEP = new Set([0, 3, 5]);
const NAMES: Record<number, string> = { 1: 'PADDING', 2: 'APPLICATION', 4: 'VORBIS_COMMENT', 6: 'PICTURE' };
const ID3V1 = 128;

function syncsafe(b: Buffer, at: number): number {
  return ((b[at] as number) << 21) | ((b[at + 1] as number) << 14) | ((b[at + 2] as number) << 7) | (b[at + 3] as number);
}

export async function stripFlac(r: ByteReader, sink: ByteSink, _opts: StripOptions): Promise<StripRecord> {
  const rec = new RecordBuilder('flac', 'lossless-structure');
  try {
    let magic = await r.readExact(4);
    while (magic.toString('latin1', 0, 3) === 'ID3') {
      const rest = await r.readExact(6);
      const hdr = Buffer.concat([magic, rest]);
      await r.skip(syncsafe(hdr, 6) + ((hdr[5] as number) & 0x10 ? 10 : 0));
      rec.removed('ID3v2');
      magic = await r.readExact(4);
    }
    if (magic.toString('latin1') !== 'fLaC') throw stripFailed(FORMAT, 'it does not begin with the FLAC signature');
    const kept: Buffer[] = [];
    for (let last = false, first = true; !last; first = false) {
      const h = await r.readExact(4);
      last = ((h[0] as number) & 0x80) !== 0;
      const type = (h[0] as number) & 0x7f;
      const len = h.readUIntBE(1, 3);
      if (type === 127) throw stripFailed(FORMAT, 'an invalid metadata block type');
      if (first && type !== 0) throw stripFailed(FORMAT, 'the first metadata block is not STREAMINFO');
      if (KEEP.has(type)) {
        kept.push(Buffer.concat([Buffer.from([type]), h.subarray(1, 4), await r.readExact(len)]));
      } else {
        await r.skip(len);
        rec.removed(NAMES[type] ?? `metadata block ${type}`);
      }
    }
    await sink.write(Buffer.from('fLaC', 'latin1'));
    kept.forEach((b, i) => {
      if (i === kept.length - 1) b[0] = (b[0] as number) | 0x80;
    });
    for (const b of kept) await sink.write(b);
    // Copy the frames, holding back the last 128 bytes to see whether they are an ID3v1 tag.
    let held = Buffer.alloc(0);
    for (;;) {
      const c = await r.nextChunk();
      if (c === null) break;
      const all = held.length === 0 ? c : Buffer.concat([held, c]);
      if (all.length > ID3V1) {
        await sink.write(all.subarray(0, all.length - ID3V1));
        held = Buffer.from(all.subarray(all.length - ID3V1));
      } else held = Buffer.from(all);
    }
    if (held.length === ID3V1 && held.toString('latin1', 0, 3) === 'TAG') rec.removed('ID3v1');
    else await sink.write(held);
    rec.note('audio frames byte-identical');
    return rec.build();
  } catch (e) {
    if (e instanceof TruncatedInputError) throw stripFailed(FORMAT, 'the file is truncated', e);
    throw e;
  }
}
