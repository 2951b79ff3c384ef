import fs from 'node:fs';
import fsp from 'node:fs/promises';

/**
 * Direct writes (O_DIRECT, Linux): the bytes go from our buffer to the disk, not through the page cache. For a
 * large file this saves the copy into the cache and its write-back, which on this VM cost more CPU than the
 * encryption: 2 GiB from `dd` with fdatasync took 2.7–3.9 s of system time buffered and 0.25–0.33 s direct (load
 * 10–11), in 10–11 s against 4.0–4.5 s of wall time. Durability is unchanged: a direct write may still sit in the
 * disk's volatile cache, and the file's size and extents are metadata, so the caller fdatasyncs the file as before.
 *
 * The rules: the buffer's address, the file position and the length are multiples of DIRECT_ALIGN (4096 covers
 * every logical block size in use; ext4 on this VM needs 512). Where O_DIRECT does not exist (macOS, Windows) or the
 * file system refuses it (EINVAL at open: tmpfs before Linux 6.6), openDirect returns undefined and the caller writes
 * as before.
 */
export const DIRECT_ALIGN = 4096;

/** Errors that mean "this file system does not do direct I/O", at open or at the first write. */
const NOT_SUPPORTED = new Set(['EINVAL', 'EOPNOTSUPP', 'ENOTSUP']);

export function isDirectUnsupported(e: unknown): boolean {
  return NOT_SUPPORTED.has((e as { code?: string }).code ?? '');
}

/** A second handle on the existing file at `file`, for direct writes; undefined where direct I/O is not available. */
export async function openDirect(file: string): Promise<fsp.FileHandle | undefined> {
  const direct = fs.constants.O_DIRECT as number | undefined;
  if (direct === undefined) return undefined;
  try {
    return await fsp.open(file, fs.constants.O_WRONLY | direct);
  } catch (e) {
    if (isDirectUnsupported(e)) return undefined;
    throw e;
  }
}

/**
 * Shared memory whose start is page-aligned, as direct I/O needs. JavaScript cannot ask for an aligned
 * ArrayBuffer (a large one comes from malloc, 16 bytes past a page boundary), but a WebAssembly memory is mapped
 * whole pages at a time, and a shared one's buffer is a SharedArrayBuffer the crypto workers can fill. `bytes` is
 * rounded up to whole 64 KiB WebAssembly pages.
 */
export function alignedSharedMemory(bytes: number): SharedArrayBuffer {
  const pages = Math.ceil(bytes / 65536);
  return new WasmMemory({ initial: pages, maximum: pages, shared: true }).buffer;
}

/** WebAssembly.Memory, typed here: the archive is compiled without the DOM library, which declares it. */
type WasmMemoryConstructor = new (descriptor: { initial: number; maximum: number; shared: true }) => { readonly buffer: SharedArrayBuffer };
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: WasmMemoryConstructor } }).WebAssembly.Memory;

export function alignDown(n: number): number {
  return n - (n % DIRECT_ALIGN);
}
