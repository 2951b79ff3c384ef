import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir } from '../fs/durable';
import { ByteReader } from './byte-reader';
import { FileSink, type ByteSink } from './byte-sink';
import type { StreamSource } from './types';

/**
 * Runs `write` against a temp name beside `outPath` and renames it into place only when it succeeds, so a failed
 * or refused strip never leaves a partial (possibly still identifying) file at `outPath`.
 * `write` may say how many bytes it wrote (`bytesOut`), else the file is measured.
 * `durable` adds fsync of the file and its folder. Off by default: an exported copy is re-made from the vault's
 * original at any time, and the packet writer syncs the finished packet once before signing it, which lets the
 * kernel batch the writes instead of forcing each file out (see test/bench/strip.ts for the cost).
 */
export async function writeAtomically<T extends { readonly bytesOut?: number }>(outPath: string, write: (tmpPath: string) => Promise<T>, durable = false): Promise<{ value: T; bytesOut: number }> {
  const dir = path.dirname(outPath);
  const tmp = path.join(dir, `.${path.basename(outPath)}.${crypto.randomBytes(6).toString('hex')}.partial`);
  try {
    const value = await write(tmp);
    if (durable) {
      const fh = await fsp.open(tmp, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    // The size the writer counted, else the file's (one system call less per copy when it is known).
    const bytesOut = value.bytesOut ?? (await fsp.stat(tmp)).size;
    await fsp.rename(tmp, outPath);
    if (durable) await fsyncDir(dir);
    return { value, bytesOut };
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

/** Opens `tmpPath` (new file, owner-only), lets `fill` write into it, then flushes. */
export async function withFileSink<T>(tmpPath: string, fill: (sink: FileSink) => Promise<T>): Promise<T> {
  const fh = await fsp.open(tmpPath, 'wx', 0o600);
  const sink = new FileSink(fh);
  try {
    const value = await fill(sink);
    await sink.flush();
    return value;
  } finally {
    await sink.settle();
    await fh.close();
  }
}

/** One streaming pass of `source` through `run`; always releases the stream. Returns the bytes consumed too. */
export async function withReader<T>(source: StreamSource, run: (r: ByteReader) => Promise<T>): Promise<{ value: T; bytesIn: number }> {
  const r = ByteReader.fromStream(source());
  try {
    const value = await run(r);
    return { value, bytesIn: r.position };
  } finally {
    await r.close();
  }
}

/** Reads the whole source into memory, refusing past `limit` bytes (formats we must edit with random access). */
export async function readAllLimited(source: StreamSource, limit: number, onTooLarge: () => Error): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  const r = ByteReader.fromStream(source());
  try {
    for (;;) {
      const c = await r.nextChunk();
      if (c === null) break;
      n += c.length;
      if (n > limit) throw onTooLarge();
      parts.push(Buffer.from(c));
    }
  } finally {
    await r.close();
  }
  return Buffer.concat(parts, n);
}

/** A same-length edit of a copy: source bytes [from, to) are replaced by `bytes`, or by zeros when there are none. */
export type Edit = { readonly from: number; readonly to: number; readonly bytes?: Buffer };

/**
 * Copies the source from the reader's start up to `end` into `sink`, applying `edits` (sorted, not overlapping):
 * the second pass of the strippers that edit in place (MP4/MOV, Matroska), where no byte moves.
 */
export async function copyWithEdits(r: ByteReader, sink: ByteSink, edits: readonly Edit[], end: number): Promise<void> {
  let pos = 0;
  for (const e of edits) {
    if (e.from > pos) await r.copyTo(e.from - pos, sink);
    const len = e.to - e.from;
    await r.skip(len);
    await sink.write(e.bytes ?? Buffer.alloc(len));
    pos = e.to;
  }
  if (end > pos) await r.copyTo(end - pos, sink);
}
