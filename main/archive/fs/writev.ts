import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { HuellaError } from '../errors';

/**
 * Writes every byte of `parts` with writev, at `position` (or at the file offset when null), going on after a
 * short write (rare but legal). Returns the number of bytes written (the total of `parts`).
 */
export async function writevFully(fh: FileHandle, parts: readonly Buffer[], position: number | null = null): Promise<number> {
  let rest = parts.filter((p) => p.length > 0);
  let total = 0;
  while (rest.length > 0) {
    const { bytesWritten } = await (position === null ? fh.writev(rest) : fh.writev(rest, position + total));
    if (bytesWritten === 0) throw new HuellaError('DISK_FULL', 'Disk full: the disk accepted no more bytes. Nothing already in the vault was lost.');
    total += bytesWritten;
    rest = dropBytes(rest, bytesWritten);
  }
  return total;
}

/** writevFully for a worker thread that owns no FileHandle: the same loop with writevSync at `position`. */
export function writevFullySync(fd: number, parts: readonly Buffer[], position: number): number {
  let rest = parts.filter((p) => p.length > 0);
  let total = 0;
  while (rest.length > 0) {
    const n = fs.writevSync(fd, rest, position + total);
    if (n === 0) throw new HuellaError('DISK_FULL', 'Disk full: the disk accepted no more bytes. Nothing already in the vault was lost.');
    total += n;
    rest = dropBytes(rest, n);
  }
  return total;
}

/** The pieces left after the first `n` bytes were written. */
export function dropBytes(parts: readonly Buffer[], n: number): Buffer[] {
  let skip = n;
  let i = 0;
  while (i < parts.length && skip >= parts[i]!.length) skip -= parts[i++]!.length;
  if (i === parts.length) return [];
  return [parts[i]!.subarray(skip), ...parts.slice(i + 1)];
}

/**
 * Reads `fd` from its start into `buf` until the end of the file or until `buf` is full, in this thread. Returns the
 * bytes read: `buf.length` means the file may hold more (callers size `buf` one byte past what they expect).
 */
export function readFullySync(fd: number, buf: Buffer): number {
  let n = 0;
  while (n < buf.length) {
    const k = fs.readSync(fd, buf, n, buf.length - n, n);
    if (k === 0) break;
    n += k;
  }
  return n;
}
