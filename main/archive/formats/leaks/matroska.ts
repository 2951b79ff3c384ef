/**
 * Matroska / WebM re-read, apart from the stripper: walks the Segment's elements and reports Tags, Attachments,
 * Chapters, Info elements other than the timing ones and empty application names, track and codec names, and
 * Void elements that still hold bytes.
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

export async function matroskaFindings(file: string, f: Findings): Promise<void> {
  const b = await fsp.readFile(file);
  const head = el(b, 0);
  if (!head || head.id !== 0x1a45dfa3 || head.size === undefined) return void f.add('unknown-metadata', 'not a Matroska file');
  const seg = el(b, head.body + head.size);
  if (!seg || seg.id !== SEGMENT) return void f.add('unknown-metadata', 'Matroska: no Segment');
  const end = seg.size === undefined ? b.length : Math.min(b.length, seg.body + seg.size);
  let at = seg.body;
  while (at < end) {
    const e = el(b, at);
    if (!e) return void f.add('unknown-metadata', 'Matroska: unreadable element');
    if (e.size === undefined) {
      // An open cluster: step over its children to the next Segment-level element.
      at = e.body;
      for (;;) {
        const c = el(b, at);
        if (!c || TOP.has(c.id) || c.size === undefined) break;
        at = c.body + c.size;
      }
      continue;
    }
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
    if (e.id === 0x1654ae6b) {
      for (const t of kids(b, e.body, e.body + e.size)) {
        for (const c of kids(b, t.body, t.body + (t.size ?? 0))) {
          if (c.id === 0x536e) f.add('unknown-metadata', 'Matroska track name');
          if (c.id === 0x258688) f.add('software', 'Matroska codec name');
        }
      }
    }
    at = e.body + e.size;
  }
  if (end < b.length) f.add('unknown-metadata', `Matroska: ${b.length - end} bytes after the Segment`);
}
