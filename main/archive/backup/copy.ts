import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fromSystemError } from '../errors';
import { fsyncDir } from '../fs/durable';

/** Byte-level helpers of backup and restore: hashed, durable copies; never more than one chunk in memory. */

export type CopyResult = { readonly size: number; readonly sha256: string };

const CHUNK = 1024 * 1024;

/**
 * Copies an open source file to `dest` (which must not exist) while hashing it, and fsyncs before returning.
 * Taking a FileHandle rather than a path lets the caller open the source once and keep reading it even if the vault
 * renames it meanwhile (tmp/<name>.ready → blobs/, see store.ts).
 */
export async function copyHandleHashed(source: fsp.FileHandle, dest: string, onBytes?: (n: number) => void): Promise<CopyResult> {
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
  try {
    await pipeline(
      source.createReadStream({ highWaterMark: CHUNK, autoClose: false, start: 0 }),
      tap,
      fs.createWriteStream(dest, { flags: 'wx', mode: 0o600, flush: true, highWaterMark: CHUNK }),
    );
  } catch (e) {
    await fsp.rm(dest, { force: true }).catch(() => undefined);
    throw fromSystemError(e, 'copying a file to the backup');
  }
  return { size, sha256: hash.digest('hex') };
}

export async function copyFileHashed(source: string, dest: string, onBytes?: (n: number) => void): Promise<CopyResult> {
  const fh = await fsp.open(source, 'r');
  try {
    return await copyHandleHashed(fh, dest, onBytes);
  } finally {
    await fh.close();
  }
}

/** SHA-256 and size of a file, streamed; undefined if it does not exist. */
export async function hashFile(file: string, onBytes?: (n: number) => void): Promise<CopyResult | undefined> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, 'r');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    throw fromSystemError(e, 'reading a backup file');
  }
  try {
    const hash = crypto.createHash('sha256');
    let size = 0;
    for await (const chunk of fh.createReadStream({ highWaterMark: CHUNK, autoClose: false, start: 0 })) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
      onBytes?.((chunk as Buffer).length);
    }
    return { size, sha256: hash.digest('hex') };
  } finally {
    await fh.close();
  }
}

export function sha256Hex(data: Uint8Array): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** Writes small bytes durably to a new file (fsync file; the caller fsyncs the directory once for many files). */
export async function writeNewFile(file: string, data: Uint8Array | string): Promise<CopyResult> {
  const fh = await fsp.open(file, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return { size: bytes.length, sha256: sha256Hex(bytes) };
}

/** Moves a finished temp file to its final name under a blobs/ab/ folder, creating the folder if needed. */
export async function placeObject(tmpFile: string, finalFile: string, touchedDirs: Set<string>): Promise<void> {
  const dir = path.dirname(finalFile);
  if (!touchedDirs.has(dir)) {
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    touchedDirs.add(dir);
  }
  await fsp.rename(tmpFile, finalFile);
}

/** fsync every folder that received a rename, then their parent: the renames survive a power cut. */
export async function syncDirs(dirs: Iterable<string>, parent: string): Promise<void> {
  for (const d of dirs) await fsyncDir(d);
  await fsyncDir(parent);
}

/** Runs `fn` over `items` with at most `limit` in flight (overlaps reads and fsyncs on slow drives). */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
