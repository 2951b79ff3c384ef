import fs from 'node:fs';
import { HuellaError } from '../archive/errors';
import type { ParsedValues } from './command';
import { UsageError } from './io';

/** Argument helpers for the catalogue commands (case, person, testimony, consent, tag, search, item edit). */

/** A string flag, or undefined when absent. An empty string is kept: for updates it means "clear this field". */
export function text(values: ParsedValues, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

/** Copies the flags that are present into an input object, under the service's field names. */
export function pick(values: ParsedValues, map: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [flag, field] of Object.entries(map)) {
    const v = text(values, flag);
    if (v !== undefined) out[field] = v;
  }
  return out;
}

/** Update inputs: an empty flag value clears the field (null). */
export function pickNullable(values: ParsedValues, map: Readonly<Record<string, string>>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [flag, field] of Object.entries(map)) {
    const v = text(values, flag);
    if (v !== undefined) out[field] = v === '' ? null : v;
  }
  return out;
}

export function yesNo(values: ParsedValues, key: string): boolean {
  const v = text(values, key);
  if (v === 'yes' || v === 'true') return true;
  if (v === 'no' || v === 'false') return false;
  throw new UsageError(`--${key} must be yes or no.`);
}

export function int(values: ParsedValues, key: string): number | undefined {
  const v = text(values, key);
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v)) throw new UsageError(`--${key} must be a whole number.`);
  return Number(v);
}

async function readStdin(maxBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of process.stdin) {
    n += (chunk as Buffer).length;
    if (n > maxBytes) break;
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

/**
 * A UTF-8 text from a file, or from stdin when `file` is '-'. Reads at most maxBytes + 1 bytes, so an oversized
 * file is refused without being loaded.
 */
export async function readTextInput(file: string, maxBytes: number, what: string): Promise<string> {
  let bytes: Buffer;
  if (file === '-') {
    bytes = await readStdin(maxBytes + 1);
  } else {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (e) {
      throw new HuellaError('FILE_UNREADABLE', `Cannot read the ${what} file.`, { cause: e });
    }
    try {
      const buf = Buffer.alloc(maxBytes + 1);
      let n = 0;
      for (;;) {
        const r = fs.readSync(fd, buf, n, buf.length - n, null);
        if (r === 0) break;
        n += r;
        if (n === buf.length) break;
      }
      bytes = buf.subarray(0, n);
    } finally {
      fs.closeSync(fd);
    }
  }
  if (bytes.length > maxBytes) throw new HuellaError('INVALID_INPUT', `The ${what} is too long (at most ${Math.round(maxBytes / 1024)} KB).`, { details: { field: 'text' } });
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HuellaError('INVALID_INPUT', `The ${what} is not UTF-8 text.`, { details: { field: 'text' } });
  }
}
