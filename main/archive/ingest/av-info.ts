/**
 * Duration and codecs of Ogg and Matroska/WebM files, recorded at import (DESIGN §4: extracted metadata kept as
 * evidence). Reads only the head and the tail of the file: Ogg codecs from each stream's first packet and duration
 * from the last page's granule position; Matroska from the EBML header, Info (TimestampScale, Duration) and Tracks
 * (CodecID), which muxers put before the clusters.
 */
import fsp from 'node:fs/promises';
import { children, ID, readVint } from '../formats/matroska';

export type AvInfo = { readonly durationSeconds?: number; readonly codecs?: readonly string[] };

const HEAD_BYTES = 1024 * 1024;
const TAIL_BYTES = 256 * 1024;

async function headAndTail(file: string): Promise<{ head: Buffer; tail: Buffer; size: number }> {
  const fh = await fsp.open(file, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    await fh.read(head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(size, TAIL_BYTES));
    await fh.read(tail, 0, tail.length, size - tail.length);
    return { head, tail, size };
  } finally {
    await fh.close();
  }
}

type OggStream = { codec: string; rate: number; preSkip: number };

function oggPages(b: Buffer, from = 0): Array<{ serial: number; flags: number; granule: bigint; body: Buffer; lacing: Buffer }> {
  const out: Array<{ serial: number; flags: number; granule: bigint; body: Buffer; lacing: Buffer }> = [];
  let i = b.indexOf('OggS', from, 'latin1');
  while (i >= 0 && i + 27 <= b.length) {
    const n = b[i + 26] as number;
    const lacing = b.subarray(i + 27, i + 27 + n);
    const len = lacing.reduce((a, v) => a + v, 0);
    if (i + 27 + n + len > b.length) break;
    out.push({ serial: b.readUInt32LE(i + 14), flags: b[i + 5] as number, granule: b.readBigInt64LE(i + 6), body: b.subarray(i + 27 + n, i + 27 + n + len), lacing });
    i = b.indexOf('OggS', i + 27 + n + len, 'latin1');
  }
  return out;
}

function oggStream(first: Buffer): OggStream | undefined {
  if (first.toString('latin1', 0, 8) === 'OpusHead' && first.length >= 19) return { codec: 'opus', rate: 48000, preSkip: first.readUInt16LE(10) };
  if (first[0] === 1 && first.toString('latin1', 1, 7) === 'vorbis' && first.length >= 16) return { codec: 'vorbis', rate: first.readUInt32LE(12), preSkip: 0 };
  if (first[0] === 0x7f && first.toString('latin1', 1, 5) === 'FLAC' && first.length >= 30) {
    const rate = ((first[27] as number) << 12) | ((first[28] as number) << 4) | ((first[29] as number) >> 4);
    return { codec: 'flac', rate, preSkip: 0 };
  }
  if (first.toString('latin1', 1, 7) === 'theora') return { codec: 'theora', rate: 0, preSkip: 0 };
  return undefined;
}

export function oggInfo(head: Buffer, tail: Buffer): AvInfo {
  const streams = new Map<number, OggStream>();
  for (const p of oggPages(head)) {
    if (!(p.flags & 2)) continue;
    const first = p.body.subarray(0, p.lacing[0] !== undefined ? Math.min(p.body.length, p.lacing.reduce((a, v) => a + v, 0)) : 0);
    const s = oggStream(first);
    if (s) streams.set(p.serial, s);
  }
  const codecs = [...new Set([...streams.values()].map((s) => s.codec))];
  let durationSeconds: number | undefined;
  const audio = [...streams.entries()].find(([, s]) => s.rate > 0);
  if (audio) {
    const last = oggPages(tail).filter((p) => p.serial === audio[0] && p.granule >= 0n).pop();
    if (last) {
      const samples = Number(last.granule) - audio[1].preSkip;
      if (samples >= 0) durationSeconds = Math.round((samples / audio[1].rate) * 1000) / 1000;
    }
  }
  return { ...(codecs.length > 0 ? { codecs } : {}), ...(durationSeconds !== undefined ? { durationSeconds } : {}) };
}

function uintOf(b: Buffer): number {
  return b.length === 0 || b.length > 6 ? 0 : b.readUIntBE(0, b.length);
}

export function matroskaInfo(head: Buffer): AvInfo {
  const ebml = readVint(head, 0, true);
  const ebmlSize = ebml ? readVint(head, ebml.len, false) : undefined;
  if (!ebml || ebml.value !== ID.EBML || !ebmlSize || ebmlSize.value === undefined) return {};
  let at = ebml.len + ebmlSize.len + ebmlSize.value;
  const seg = readVint(head, at, true);
  const segSize = seg ? readVint(head, at + seg.len, false) : undefined;
  if (!seg || seg.value !== ID.Segment || !segSize) return {};
  at += seg.len + segSize.len;
  let scale = 1_000_000;
  let duration: number | undefined;
  const codecs: string[] = [];
  while (at < head.length) {
    const id = readVint(head, at, true);
    const size = id ? readVint(head, at + id.len, false) : undefined;
    if (!id || !size || size.value === undefined || id.value === ID.Cluster) break;
    const body = at + id.len + size.len;
    if (body + size.value > head.length) break;
    const b = head.subarray(body, body + size.value);
    if (id.value === ID.Info) {
      for (const c of children(b, 0)) {
        const v = b.subarray(c.start + c.headerSize, c.start + c.headerSize + c.size!);
        if (c.id === ID.TimestampScale) scale = uintOf(v) || scale;
        if (c.id === ID.Duration) duration = v.length === 8 ? v.readDoubleBE(0) : v.length === 4 ? v.readFloatBE(0) : undefined;
      }
    } else if (id.value === ID.Tracks) {
      for (const t of children(b, 0)) {
        if (t.id !== ID.TrackEntry) continue;
        const tb = b.subarray(t.start + t.headerSize, t.start + t.headerSize + t.size!);
        const c = children(tb, 0).find((x) => x.id === ID.CodecID);
        if (c) codecs.push(tb.toString('latin1', c.start + c.headerSize, c.start + c.headerSize + c.size!).replace(/\0+$/, '').slice(0, 40));
      }
    }
    at = body + size.value;
  }
  const seconds = duration !== undefined && Number.isFinite(duration) && duration >= 0 ? Math.round(((duration * scale) / 1e9) * 1000) / 1000 : undefined;
  return { ...(codecs.length > 0 ? { codecs: [...new Set(codecs)] } : {}), ...(seconds !== undefined ? { durationSeconds: seconds } : {}) };
}

export const OGG_TYPES = new Set(['audio/ogg', 'audio/opus', 'video/ogg', 'application/ogg']);
export const MATROSKA_TYPES = new Set(['video/webm', 'audio/webm', 'video/x-matroska', 'audio/x-matroska', 'video/matroska', 'audio/matroska']);

export async function readAvInfo(file: string, mediaType: string): Promise<AvInfo> {
  const { head, tail } = await headAndTail(file);
  return infoOf(head, tail, mediaType);
}

/** The same from bytes in memory. */
export function avInfoOf(data: Buffer, mediaType: string): AvInfo {
  return infoOf(data.subarray(0, HEAD_BYTES), data.subarray(Math.max(0, data.length - TAIL_BYTES)), mediaType);
}

function infoOf(head: Buffer, tail: Buffer, mediaType: string): AvInfo {
  try {
    if (OGG_TYPES.has(mediaType)) return oggInfo(head, tail);
    if (MATROSKA_TYPES.has(mediaType)) return matroskaInfo(head);
  } catch {
    // A damaged header gives no duration or codec; the file itself is preserved either way.
  }
  return {};
}
