/**
 * Matroska / WebM re-read, apart from the stripper: walks the Segment's elements and reports Tags, Attachments,
 * Chapters, Info elements other than the timing ones and empty application names, track and codec names, Void
 * elements that still hold bytes, tracks that are neither video nor audio, and blocks of any track not listed as
 * video or audio (a subtitle track's frames: a drone's GPS).
 */
import fsp from 'node:fs/promises';
import type { Findings } from './findings';

const SEGMENT = 0x18538067;
const CLUSTER = 0x1f43b675;
const TOP = new Set([0x114d9b74, 0x1549a966, 0x1654ae6b, CLUSTER, 0x1c53bb6b, 0x1941a469, 0x1043a770, 0x1254c367, 0xec, 0xbf, 0x1a45dfa3]);
const FLAGGED: Record<number, [string, 'unknown-metadata' | 'thumbnail']> = {
  0x1254c367: ['Matroska Tags', 'unknown-metadata'],
  0x1941a469: ['Matroska Attachments', 'thumbnail'],
  0x1043a770: ['Matroska Chapters', 'unknown-metadata'],
};

type El = { id: number; at: number; body: number; size: number | undefined };

function vint(b: Buffer, at: number, id: boolean): { len: number; v: number | undefined } | undefined {
  const first = b[at];
  if (!first) return undefined;
  let len = 1;
  while (len <= 8 && !(first & (0x80 >> (len - 1)))) len++;
  if (len > (id ? 4 : 8) || at + len > b.length) return undefined;
  let v = id ? first : first & (0xff >> len);
  let ones = v === 0xff >> len;
  for (let i = 1; i < len; i++) {
    v = v * 256 + (b[at + i] as number);
    if (b[at + i] !== 0xff) ones = false;
  }
  return { len, v: !id && ones ? undefined : v };
}

function el(b: Buffer, at: number): El | undefined {
  const id = vint(b, at, true);
  const size = id ? vint(b, at + id.len, false) : undefined;
  if (!id || !size) return undefined;
  return { id: id.v!, at, body: at + id.len + size.len, size: size.v };
}

function kids(b: Buffer, from: number, to: number): El[] {
  const out: El[] = [];
  for (let at = from; at < to; ) {
    const e = el(b, at);
    if (!e || e.size === undefined || e.body + e.size > to) break;
    out.push(e);
    at = e.body + e.size;
  }
  return out;
}

function nonZero(b: Buffer, e: El): boolean {
  return b.subarray(e.body, e.body + (e.size ?? 0)).some((x) => x !== 0);
}

const TRACKS = 0x1654ae6b;
const SIMPLE_BLOCK = 0xa3;
const BLOCK_GROUP = 0xa0;
const BLOCK = 0xa1;

function uint(b: Buffer, e: El | undefined): number | undefined {
  return e !== undefined && e.size !== undefined && e.size > 0 && e.size <= 6 ? b.readUIntBE(e.body, e.size) : undefined;
}

/** Track list: names, codec names, and tracks that are not video (1) or audio (2); adds the video and audio track numbers to `av`. */
function trackFindings(b: Buffer, tracks: El, f: Findings, av: Set<number>): void {
  for (const t of kids(b, tracks.body, tracks.body + (tracks.size ?? 0))) {
    if (t.id !== 0xae) continue;
    const fields = kids(b, t.body, t.body + (t.size ?? 0));
    const type = uint(b, fields.find((c) => c.id === 0x83));
    const n = uint(b, fields.find((c) => c.id === 0xd7));
    if (type === 1 || type === 2) {
      if (n !== undefined) av.add(n);
    } else f.add('unknown-metadata', 'Matroska: a track that is neither video nor audio (subtitles, metadata)');
    for (const c of fields) {
      if (c.id === 0x536e) f.add('unknown-metadata', 'Matroska track name');
      if (c.id === 0x258688) f.add('software', 'Matroska codec name');
    }
  }
}

/** The track number of a SimpleBlock or of a BlockGroup's Block; undefined for other cluster children. */
function blockTrack(b: Buffer, c: El): number | undefined {
  if (c.id === SIMPLE_BLOCK) return vint(b, c.body, false)?.v;
  if (c.id !== BLOCK_GROUP) return undefined;
  const block = kids(b, c.body, c.body + (c.size ?? 0)).find((x) => x.id === BLOCK);
  return block === undefined ? -1 : vint(b, block.body, false)?.v;
}

/** The children of a cluster from `from` (to `to`, or for an open cluster to the next Segment-level element); returns where it ends. */
function clusterFindings(b: Buffer, from: number, to: number | undefined, f: Findings, av: ReadonlySet<number>): number {
  let at = from;
  while (at < (to ?? b.length)) {
    const c = el(b, at);
    if (!c || c.size === undefined || (to === undefined && TOP.has(c.id))) break;
    const track = blockTrack(b, c);
    if (track !== undefined && !av.has(track)) f.add('unknown-metadata', 'Matroska: frames of a track not listed as video or audio');
    at = c.body + c.size;
  }
  return at;
}

export async function matroskaFindings(file: string, f: Findings): Promise<void> {
  const b = await fsp.readFile(file);
  const head = el(b, 0);
  if (!head || head.id !== 0x1a45dfa3 || head.size === undefined) return void f.add('unknown-metadata', 'not a Matroska file');
  const seg = el(b, head.body + head.size);
  if (!seg || seg.id !== SEGMENT) return void f.add('unknown-metadata', 'Matroska: no Segment');
  const end = seg.size === undefined ? b.length : Math.min(b.length, seg.body + seg.size);
  // The track list first, wherever it is: which track numbers are video or audio decides what a block may hold.
  const av = new Set<number>();
  for (const t of kids(b, seg.body, end)) if (t.id === TRACKS) trackFindings(b, t, f, av);
  let at = seg.body;
  while (at < end) {
    const e = el(b, at);
    if (!e) return void f.add('unknown-metadata', 'Matroska: unreadable element');
    if (e.size === undefined) {
      // An open cluster: its children up to the next Segment-level element.
      at = clusterFindings(b, e.body, undefined, f, av);
      continue;
    }
    if (e.id === CLUSTER) clusterFindings(b, e.body, e.body + e.size, f, av);
    const flagged = FLAGGED[e.id];
    if (flagged) f.add(flagged[1], flagged[0]);
    if (e.id === 0xec && nonZero(b, e)) f.add('unknown-metadata', 'Matroska: a Void element holds data');
    if (e.id === 0x1549a966) {
      for (const c of kids(b, e.body, e.body + e.size)) {
        if (c.id === 0x2ad7b1 || c.id === 0x4489) continue;
        if (c.id === 0x4d80 || c.id === 0x5741) {
          if ((c.size ?? 0) > 0) f.add('software', 'Matroska muxing/writing application');
        } else if (c.id === 0xec) {
          if (nonZero(b, c)) f.add('unknown-metadata', 'Matroska: a Void element holds data');
        } else f.add(c.id === 0x4461 ? 'timestamp' : 'unknown-metadata', `Matroska Info element 0x${c.id.toString(16)}`);
      }
    }
    at = e.body + e.size;
  }
  if (end < b.length) f.add('unknown-metadata', `Matroska: ${b.length - end} bytes after the Segment`);
}
