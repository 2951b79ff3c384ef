import fs from 'node:fs';
import type { Findings } from './findings';

/**
 * Belt and braces: looks for each original metadata value (≥ 4 characters) in raw bytes, as UTF-8, UTF-16LE and
 * UTF-16BE (Windows XP tags, ICC 'mluc', ID3 use UTF-16). Case-sensitive: the strings are searched as written.
 */
export type Needles = ReadonlyArray<{ readonly index: number; readonly bytes: Buffer }>;

export function needlesFor(values: readonly string[] | undefined): Needles {
  const out: Array<{ index: number; bytes: Buffer }> = [];
  (values ?? []).forEach((v, index) => {
    const s = v.trim();
    if (s.length < 4) return;
    const le = Buffer.from(s, 'utf16le');
    const be = Buffer.from(le);
    be.swap16();
    for (const bytes of [Buffer.from(s, 'utf8'), le, be]) out.push({ index, bytes });
  });
  return out;
}

function report(f: Findings, index: number, where: string): void {
  f.add('original-value', `original metadata value #${index + 1} appears in ${where}`);
}

export function scanBuffer(buf: Buffer, needles: Needles, f: Findings, where: string): void {
  for (const n of needles) if (buf.includes(n.bytes)) report(f, n.index, where);
}

export async function scanFile(file: string, needles: Needles, f: Findings): Promise<void> {
  if (needles.length === 0) return;
  const overlap = Math.max(...needles.map((n) => n.bytes.length)) - 1;
  let carry = Buffer.alloc(0);
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const window = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    scanBuffer(window, needles, f, 'the file bytes');
    carry = Buffer.from(window.subarray(Math.max(0, window.length - overlap)));
  }
}
