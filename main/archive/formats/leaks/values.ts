import fs from 'node:fs';
import type { Findings } from './findings';

/**
 * Belt and braces: looks for each original metadata value (≥ 4 characters) in raw bytes, as UTF-8, UTF-16LE and
 * UTF-16BE (Windows XP tags, ICC 'mluc', ID3 use UTF-16). Case-sensitive: the strings are searched as written.
 * A finding names the field the value came from, the value and where it was found, so the person can judge it.
 */
export type OriginalValue = string | { readonly field: string; readonly value: string };

export type Needle = { readonly field: string; readonly value: string; readonly bytes: Buffer };
export type Needles = readonly Needle[];

/** Names a byte range of the copy ("APP2/ICC_PROFILE, tag cprt"), or undefined to say only the offset. */
export type Locator = (offset: number) => string | undefined;

export function needlesFor(values: readonly OriginalValue[] | undefined): Needles {
  const out: Needle[] = [];
  (values ?? []).forEach((v, index) => {
    const field = typeof v === 'string' ? `value #${index + 1}` : v.field;
    const s = (typeof v === 'string' ? v : v.value).trim();
    if (s.length < 4) return;
    const le = Buffer.from(s, 'utf16le');
    const be = Buffer.from(le);
    be.swap16();
    for (const bytes of [Buffer.from(s, 'utf8'), le, be]) out.push({ field, value: s, bytes });
  });
  return out;
}

function report(f: Findings, n: Needle, where: string): void {
  f.add('original-value', `the original's ${n.field} "${n.value}" appears in ${where}`);
}

export function scanBuffer(buf: Buffer, needles: Needles, f: Findings, where: string, locate?: Locator, base = 0): void {
  for (const n of needles) {
    const at = buf.indexOf(n.bytes);
    if (at < 0) continue;
    const place = locate?.(base + at);
    report(f, n, place ? `${where} (${place}, byte ${base + at})` : where);
  }
}

/** Scans only the byte ranges given (metadata structures), e.g. not a JPEG's entropy-coded pixels. */
export function scanRanges(buf: Buffer, ranges: readonly (readonly [number, number])[], needles: Needles, f: Findings, where: string, locate?: Locator): void {
  for (const [start, end] of ranges) scanBuffer(buf.subarray(start, end), needles, f, where, locate, start);
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
