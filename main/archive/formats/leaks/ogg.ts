/**
 * Ogg re-read, apart from the stripper: reassembles the first packets of each logical stream and reports any
 * comment header that is not empty (vendor string or comments), FLAC blocks other than the decoding ones, streams
 * of codecs we do not strip, bad page checksums and bytes after the last page.
 */
import fsp from 'node:fs/promises';
import type { Findings } from './findings';

const HEADER_PACKETS = 8;

function crc(b: Buffer): number {
  let c = 0;
  for (const byte of b) {
    c ^= byte << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    c >>>= 0;
  }
  return c >>> 0;
}

function emptyComment(b: Buffer, at: number): boolean {
  if (b.length < at + 8) return false;
  return b.readUInt32LE(at) === 0 && b.readUInt32LE(at + 4) === 0;
}

function inspectStream(packets: readonly Buffer[], f: Findings): void {
  const [first, second, ...rest] = packets;
  if (!first) return;
  if (first.toString('latin1', 0, 8) === 'OpusHead') {
    if (!second || second.toString('latin1', 0, 8) !== 'OpusTags' || !emptyComment(second, 8)) f.add('unknown-metadata', 'Ogg Opus comment header (vendor or comments)');
  } else if (first[0] === 1 && first.toString('latin1', 1, 7) === 'vorbis') {
    if (!second || second[0] !== 3 || !emptyComment(second, 7)) f.add('unknown-metadata', 'Ogg Vorbis comment header (vendor or comments)');
  } else if (first[0] === 0x7f && first.toString('latin1', 1, 5) === 'FLAC') {
    for (const blk of [second, ...rest]) {
      if (!blk || blk.length < 4) continue;
      const type = (blk[0] as number) & 0x7f;
      if (type === 4) {
        if (!emptyComment(blk, 4)) f.add('unknown-metadata', 'Ogg FLAC VORBIS_COMMENT (vendor or comments)');
      } else if (type === 6) f.add('thumbnail', 'Ogg FLAC PICTURE');
      else if (type !== 3 && type !== 5 && (blk[0] !== 0xff || blk.toString('latin1', 1, 5) !== 'FLAC')) f.add('unknown-metadata', `Ogg FLAC metadata block ${type}`);
      if ((blk[0] as number) & 0x80) break;
    }
  } else f.add('unknown-metadata', 'Ogg stream of an unknown codec');
}

export async function oggFindings(file: string, f: Findings): Promise<void> {
  const b = await fsp.readFile(file);
  const streams = new Map<number, { packets: Buffer[]; partial: Buffer[] }>();
  let i = 0;
  while (i + 27 <= b.length && b.toString('latin1', i, i + 4) === 'OggS') {
    const n = b[i + 26] as number;
    const lacing = b.subarray(i + 27, i + 27 + n);
    const len = lacing.reduce((a, v) => a + v, 0);
    const end = i + 27 + n + len;
    if (end > b.length) return void f.add('unknown-metadata', 'Ogg: a page overruns the file');
    const page = Buffer.from(b.subarray(i, end));
    page.writeUInt32LE(0, 22);
    if (crc(page) !== b.readUInt32LE(i + 22)) f.add('unknown-metadata', 'Ogg: a page checksum does not match');
    const serial = b.readUInt32LE(i + 14);
    const s = streams.get(serial) ?? { packets: [], partial: [] };
    streams.set(serial, s);
    let at = i + 27 + n;
    for (const v of lacing) {
      if (s.packets.length < HEADER_PACKETS) s.partial.push(b.subarray(at, at + v));
      at += v;
      if (v < 255 && s.packets.length < HEADER_PACKETS) {
        s.packets.push(Buffer.concat(s.partial));
        s.partial = [];
      }
    }
    i = end;
  }
  if (i === 0) return void f.add('unknown-metadata', 'not an Ogg file');
  if (i < b.length) f.add('unknown-metadata', `Ogg: ${b.length - i} bytes after the last page`);
  for (const s of streams.values()) inspectStream(s.packets, f);
}
