import fs from 'node:fs';
import type fsp from 'node:fs/promises';
import { Readable } from 'node:stream';
import { readFullySync } from '../fs/writev';
import { AgeDecryptor } from './age';
import { collectYoungGarbage, keepFreedMemoryMapped } from './young-garbage';
import type { DecryptWholeRequest } from './crypto-protocol';

/**
 * The vault's read side (BlobStore.openPlaintext, BlobStore.eachPlaintextChunk): an age file read through two
 * reused buffers and decrypted by AgeDecryptor, one read at a time, only when the consumer asks for more.
 *
 * Why not fs.createReadStream piped into the decrypting Transform, as before: the read stream allocates a fresh
 * 1 MiB buffer for every read. Outside the JS heap, behind a tiny handle, those buffers are freed only when V8's
 * external-memory accounting forces full collections: 45 mark-compacts per 200 photos stripped from streams
 * (strip6's --trace-gc). Here the ciphertext lands in the same three buffers every time, in turn: the one being
 * decrypted, the previous one (the decryptor keeps a view of its unconsumed tail: AgeDecryptor.update's contract)
 * and the next one, read while this one is decrypted (without that read ahead, 200 objects of 4.4 MB read 3 times
 * took 3.4–4.5 s against the read stream's 2.9–3.4 s, same CPU). No Transform or pipe sits between the file and
 * the consumer. What stays fresh is each chunk's plaintext: Node's
 * AEAD has no output-buffer API, so every 64 KiB chunk opened is a new buffer (see young-garbage.ts).
 */
export const READ_BYTES = 1024 * 1024;

export const READ_BUFFERS = 3;
/** Idle sets of read buffers kept for the next object read (an export reads several at once). */
const IDLE_SETS = 4;
const idle: Buffer[][] = [];

function takeBuffers(): Buffer[] {
  return idle.pop() ?? Array.from({ length: READ_BUFFERS }, () => Buffer.allocUnsafeSlow(READ_BYTES));
}

export class PlaintextReader {
  readonly #file: fsp.FileHandle;
  readonly #decryptor: AgeDecryptor;
  #buffers: Buffer[] | undefined = takeBuffers();
  #turn = 0;
  /** The read of the next buffer, started before the current one is decrypted. */
  #ahead: Promise<number> | undefined;
  #done = false;
  /** An error thrown with authenticated plaintext before it: the plaintext is returned first, the error next. */
  #failure: unknown;

  constructor(file: fsp.FileHandle, identities: readonly Uint8Array[]) {
    this.#file = file;
    this.#decryptor = new AgeDecryptor(identities);
  }

  /**
   * The next pieces of authenticated plaintext (at least one byte in all), or undefined at the end. A piece is the
   * caller's to keep. Throws the decryptor's HuellaErrors (AGE_FORMAT, AGE_INTEGRITY, …) and read errors as they are.
   */
  async next(): Promise<Buffer[] | undefined> {
    const out: Buffer[] = [];
    while (out.length === 0) {
      if (this.#failure !== undefined) throw this.#failure;
      if (this.#done) return undefined;
      await this.#step(out);
    }
    return out;
  }

  /** One read, its plaintext appended to `out` (none while the header is read or a chunk is held back). */
  async #step(out: Buffer[]): Promise<void> {
    const buffers = this.#buffers;
    if (!buffers) throw new Error('PlaintextReader used after close()');
    try {
      const buf = buffers[this.#turn]!;
      const bytesRead = await (this.#ahead ?? this.#read(buf));
      this.#ahead = undefined;
      if (bytesRead === 0) {
        this.#done = true;
        this.#decryptor.final(out);
        return;
      }
      this.#turn = (this.#turn + 1) % READ_BUFFERS;
      if (bytesRead === READ_BYTES) this.#ahead = this.#read(buffers[this.#turn]!);
      this.#decryptor.update(buf.subarray(0, bytesRead), out);
    } catch (e) {
      this.#done = true;
      this.#decryptor.destroy();
      // Plaintext that authenticated before the error is released first, as the stream always did.
      if (out.length > 0) this.#failure = e;
      else throw e;
    }
  }

  async #read(buf: Buffer): Promise<number> {
    const { bytesRead } = await this.#file.read(buf, 0, READ_BYTES, null);
    return bytesRead;
  }

  /** Wipes the keys and, once no read is in flight, gives the read buffers back; then the caller closes the file. */
  async close(): Promise<void> {
    this.#decryptor.destroy();
    await this.#ahead?.catch(() => undefined);
    this.#ahead = undefined;
    const buffers = this.#buffers;
    this.#buffers = undefined;
    if (buffers && idle.length < IDLE_SETS) idle.push(buffers);
  }
}

/**
 * A Readable of the plaintext of the age file `open()` gives (BlobStore.openPlaintext): the file opened on the first
 * read, each read made only when the consumer wants more. `fail(e)` turns an open or read error into the one to report.
 */
export function plaintextStream(open: () => Promise<fsp.FileHandle>, identities: readonly Uint8Array[], fail: (e: unknown) => unknown): Readable {
  let file: fsp.FileHandle | undefined;
  let reader: PlaintextReader | undefined;
  let reading: Promise<void> = Promise.resolve();
  let ended = false;
  const step = async (stream: Readable): Promise<void> => {
    if (ended || stream.destroyed) return;
    try {
      if (!reader) {
        file = await open();
        reader = new PlaintextReader(file, identities);
      }
      const pieces = await reader.next();
      if (!pieces) {
        ended = true;
        stream.push(null);
        return;
      }
      for (const p of pieces) stream.push(p);
    } catch (e) {
      ended = true;
      stream.destroy(fail(e) as Error);
    }
  };
  return new Readable({
    read() {
      // One read at a time: a push above may ask for more (a consumer reading in its 'data' handler) before the
      // pieces of this read are all pushed; that read waits its turn instead of reading into the same buffers.
      reading = reading.then(() => step(this));
    },
    destroy(error, callback) {
      // A read in flight still writes into the reader's buffers: they go back, and the file closes, after it.
      void reading.then(async () => {
        await reader?.close();
        await file?.close().catch(() => undefined);
        callback(error);
      });
    },
  });
}

/**
 * The plaintext of the age file `fd` decrypted whole, in this thread, into the buffer `take(bytes)` gives: the file
 * is read into it at once, its chunks authenticated and opened, and each chunk's plaintext written back over the
 * ciphertext it came from (chunk i's plaintext starts at i × 64 KiB, before chunk i's ciphertext, and is copied only
 * once every chunk is open). Returns the plaintext's size, at the start of that buffer; null when the file is larger
 * than `maxBytes` or not a regular file, or when it grew while being read. Throws what the decryptor throws.
 */
export function decryptWholeSync(fd: number, identities: readonly Uint8Array[], maxBytes: number, take: (bytes: number) => Buffer): number | null {
  const st = fs.fstatSync(fd);
  if (!st.isFile() || st.size > maxBytes) return null;
  const buf = take(st.size + 1);
  const n = readFullySync(fd, buf.subarray(0, st.size + 1));
  if (n > st.size) return null;
  const decryptor = new AgeDecryptor(identities);
  try {
    const pieces = decryptor.final(decryptor.update(buf.subarray(0, n)));
    let at = 0;
    for (const p of pieces) {
      at += p.copy(buf, at);
      p.fill(0); // each opened chunk is a fresh buffer left to the garbage collector: no plaintext in it
    }
    return at;
  } finally {
    decryptor.destroy();
  }
}

/**
 * decryptWholeSync of the age file at `file`: null also when it cannot be opened or fails to decrypt (missing,
 * damaged, cut short, for another key), for the caller to stream it instead, where the stream reports the failure.
 */
export function decryptWholeFile(file: string, identities: readonly Uint8Array[], maxBytes: number, take: (bytes: number) => Buffer): number | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    return decryptWholeSync(fd, identities, maxBytes, take);
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
    // Each 64 KiB chunk opened was a fresh buffer outside the JS heap, garbage once copied (young-garbage.ts).
    collectYoungGarbage();
  }
}

/** A crypto worker's decrypt-whole task (crypto-protocol.ts): into the caller's shared buffer; the identity copy is zeroed. */
export function decryptWholeInto(req: DecryptWholeRequest): { bytes: number | null } {
  keepFreedMemoryMapped();
  try {
    const into = Buffer.from(req.into, req.intoOffset, req.intoBytes);
    return { bytes: decryptWholeFile(req.file, [req.identity], Math.min(req.maxBytes, req.intoBytes - 1), () => into) };
  } finally {
    req.identity.fill(0);
  }
}
