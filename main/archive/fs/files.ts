import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';

/**
 * The file helpers that backup, restore and the packet writer share (issue 18: they were written twice, in
 * backup/copy.ts and export/files.ts): hashing while streaming, exclusive owner-only writes, and a bounded pool.
 */

export type Hashed = { readonly sha256: string; readonly size: number };

/** Read and write in 1 MiB chunks: never more than one chunk of a file in memory. */
export const CHUNK = 1024 * 1024;

export function sha256Hex(data: string | Uint8Array): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/**
 * A pass-through stream that hashes and counts what flows through it: put it in a pipeline just before the
 * writer, and read `result()` once the pipeline has finished.
 */
export function hashingTap(onBytes?: (n: number) => void): { readonly tap: Transform; result(): Hashed } {
  const hash = crypto.createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      onBytes?.(chunk.length);
      cb(null, chunk);
    },
  });
  return { tap, result: () => ({ sha256: hash.digest('hex'), size }) };
}

/** SHA-256 and size of a file, streamed. A missing file is the caller's to handle (the error's code is ENOENT). */
export async function hashFile(file: string, onBytes?: (n: number) => void): Promise<Hashed> {
  const fh = await fsp.open(file, 'r');
  try {
    const hash = crypto.createHash('sha256');
    let size = 0;
    for await (const chunk of fh.createReadStream({ highWaterMark: CHUNK, autoClose: false, start: 0 }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
      onBytes?.(chunk.length);
    }
    return { sha256: hash.digest('hex'), size };
  } finally {
    await fh.close();
  }
}

/**
 * Writes a new file (never over an existing one), owner-only, and returns its hash. `durable`: fsync the file
 * before returning (the caller fsyncs the folder once for many files); `makeParents`: create missing folders.
 */
export async function writeNewFile(file: string, data: string | Uint8Array, options: { readonly durable?: boolean; readonly makeParents?: boolean } = {}): Promise<Hashed> {
  if (options.makeParents) await fsp.mkdir(path.dirname(file), { recursive: true });
  const fh = await fsp.open(file, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    if (options.durable) await fh.sync();
  } finally {
    await fh.close();
  }
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return { sha256: sha256Hex(bytes), size: bytes.length };
}

/**
 * Runs `fn` over `items` with at most `limit` at a time, in order of start. After the first failure, or on abort,
 * no new one starts; the in-flight ones finish before the first error is thrown.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (next < items.length && failed === undefined) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (e) {
        failed ??= e;
        throw e;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) throw failed;
  if (rejected) throw rejected.reason;
  return results;
}

/** mapLimit for its effects only. */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  await mapLimit(items, limit, fn, signal);
}
