import fs from 'node:fs';
import { readFullySync } from '../fs/writev';
import { scannableBuffer } from './marker-scan';

/**
 * A photo read from a file in one piece, for the strippers that then write their copy in one writev
 * (handler.ts: fromWholeFile). Measured (200 × 12 MP JPEGs on tmpfs, one at a time): the reused 1 MiB buffers
 * with reads and writes on the thread pool cost ~110 futex and ~25 epoll calls per photo, one wake-up of the main
 * thread per read and per write; reading and writing at once, in the calling thread, costs two system calls that
 * move the bytes, and nothing else. Bounded: a larger file (or one that grows while it is read) is streamed.
 */
export const WHOLE_FILE_LIMIT = 32 * 1024 * 1024;

/** The smallest buffer made: a 12 MP photo of ~4-8 MB fits, so buffers are made once and kept. */
const MIN_BUFFER_BYTES = 8 * 1024 * 1024;
/** Whole WebAssembly pages, so nextMarkerCandidate searches the buffer with SIMD (marker-scan.ts). */
const PAGE = 64 * 1024;
/**
 * Buffers kept for the next file: one per file being stripped or read ahead at once (an export: 3 strips and 2
 * reads ahead, export/items-stage.ts), at most this many kept; a buffer made anew costs its pages' first touch.
 */
export const MAX_SPARE = 5;
const spare: Buffer[] = [];

export type WholeFile = {
  /** The file's bytes: a view of a reused buffer, valid until release(). */
  readonly bytes: Buffer;
  /** Gives the buffer back for the next file; nothing may use `bytes` (or a view of it) afterwards. */
  release(): void;
};

function takeBuffer(atLeast: number): Buffer {
  const i = spare.findIndex((b) => b.length >= atLeast);
  if (i >= 0) return spare.splice(i, 1)[0] as Buffer;
  return scannableBuffer(Math.max(MIN_BUFFER_BYTES, Math.ceil(atLeast / PAGE) * PAGE));
}

/** A buffer no longer kept is zeroed first: it held a photo's plaintext (a vault object's, in an export). */
function giveBack(b: Buffer): void {
  if (spare.length < MAX_SPARE) spare.push(b);
  else {
    // Keep the largest buffers: a smaller one is made again only for a file of its size.
    spare.sort((x, y) => x.length - y.length);
    if ((spare[0] as Buffer).length < b.length) [spare[0], b] = [b, spare[0] as Buffer];
    b.fill(0);
  }
}

/**
 * Zeroes the buffers kept for the next file: the plaintext of the last photos stripped must not stay in the process
 * once the work is done (an export calls this when its items are written, whatever the outcome). Zeroing per photo
 * instead would cost ~5-10 % of a strip; once per export it is at most 5 × 32 MiB (5 × 8 MiB for phone photos).
 */
export function wipeWholeFileBuffers(): void {
  for (const b of spare) b.fill(0);
}

/**
 * Reads all of `file` (a regular file of at most WHOLE_FILE_LIMIT bytes) into a reused buffer, in this thread.
 * Null when it is not a regular file or is larger: the caller streams it instead. Errors are those of open and read.
 */
export function readWholeFile(file: string): WholeFile | null {
  const fd = fs.openSync(file, 'r');
  let buf: Buffer | null = null;
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size > WHOLE_FILE_LIMIT) return null;
    // One byte more than the file holds, so a read that fills the buffer means the file grew: streamed instead.
    buf = takeBuffer(st.size + 1);
    const n = readFullySync(fd, buf);
    const held = buf;
    buf = null;
    return wholeOf(held, n);
  } finally {
    if (buf !== null) giveBack(buf);
    fs.closeSync(fd);
  }
}

/** The buffer a reader asks for with take(bytes); asking again gives the first one back. */
class Taken {
  held: Buffer | null = null;
  readonly take = (bytes: number): Buffer => {
    if (this.held !== null) giveBack(this.held);
    this.held = takeBuffer(bytes);
    return this.held;
  };
}

export type ReadWhole = (limit: number, take: (bytes: number) => Buffer) => number | null;
export type ReadWholeElsewhere = (limit: number, take: (bytes: number) => Buffer) => number | null | Promise<number | null>;

/**
 * A plaintext had whole through `read` (a vault object decrypted whole: BlobStore.readPlaintextWhole), into a reused
 * buffer that `read` asks for with `take(bytes)`. `read` returns how many bytes of that buffer, from its start, hold
 * the plaintext, or null when it is not to be had whole (too large, or a failure the stream will report); null then.
 */
export function readWholeWith(read: ReadWhole): WholeFile | null {
  const t = new Taken();
  let n: number | null = null;
  try {
    n = read(WHOLE_FILE_LIMIT, t.take);
  } finally {
    if (n === null && t.held !== null) giveBack(t.held);
  }
  return n === null || t.held === null ? null : wholeOf(t.held, n);
}

/**
 * readWholeWith for a `read` that fills the buffer in another thread (BlobStore.readPlaintextWholeOnWorker; the
 * buffers are SharedArrayBuffers). When `read` rejects (the thread failed; a thread that timed out has ended by then,
 * unless it is stuck in native code past the pool's grace period and may still write), the buffer is zeroed and
 * dropped, not kept for another photo, and the plaintext is not to be had whole: null.
 */
export async function readWholeElsewhere(read: ReadWholeElsewhere): Promise<WholeFile | null> {
  const t = new Taken();
  let n: number | null;
  try {
    n = await read(WHOLE_FILE_LIMIT, t.take);
  } catch {
    t.held?.fill(0);
    return null;
  }
  if (n === null && t.held !== null) giveBack(t.held);
  return n === null || t.held === null ? null : wholeOf(t.held, n);
}

/** The first `n` bytes of `held` as a WholeFile; null (`held` given back) when they fill it: the file grew while read. */
function wholeOf(held: Buffer, n: number): WholeFile | null {
  if (n === held.length) {
    giveBack(held);
    return null;
  }
  let released = false;
  return {
    bytes: held.subarray(0, n),
    release: () => {
      if (!released) giveBack(held);
      released = true;
    },
  };
}
