import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fromSystemError } from '../errors';
import { fsyncDir } from '../fs/durable';
import { CHUNK, hashFile as hashExistingFile, hashingTap, writeNewFile as writeNew, type Hashed } from '../fs/files';

/** Byte-level helpers of backup and restore: hashed, durable copies; never more than one chunk in memory. */

export { forEachLimited, sha256Hex } from '../fs/files';

export type CopyResult = Hashed;

/**
 * Copies an open source file to `dest` (which must not exist) while hashing it, and fsyncs before returning.
 * Taking a FileHandle rather than a path lets the caller open the source once and keep reading it even if the vault
 * renames it meanwhile (tmp/<name>.ready → blobs/, see store.ts).
 */
export async function copyHandleHashed(source: fsp.FileHandle, dest: string, onBytes?: (n: number) => void): Promise<CopyResult> {
  const { tap, result } = hashingTap(onBytes);
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
  return result();
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
  try {
    return await hashExistingFile(file, onBytes);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    throw fromSystemError(e, 'reading a backup file');
  }
}

/** Writes small bytes durably to a new file (fsync file; the caller fsyncs the directory once for many files). */
export async function writeNewFile(file: string, data: Uint8Array | string): Promise<CopyResult> {
  return writeNew(file, data, { durable: true });
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
