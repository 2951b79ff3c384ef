import type fsp from 'node:fs/promises';
import { HuellaError } from '../errors';
import { formatBytes } from '../format-bytes';
import { writevFully } from '../fs/writev';
import { sealSlot } from './crypto';
import { AGE_CHUNK_SIZE, AGE_ENCRYPTED_CHUNK_SIZE, AgeEncryptor, newAgePayload } from './age';
import { slotView, type HashRing, type SlotHasher } from './parallel-hash';
import type { CiphertextRing } from './ciphertext-ring';

/**
 * The two loops of BlobStore.stageFile: a file read into a ring of reused buffers, each slot handed to the hasher
 * and encrypted as age STREAM chunks into an open .part file.
 *  - encryptInline: on this thread, in order (small files: a thread hop costs more than the work).
 *  - encryptInParallel: every slot is sealed by a crypto worker (blobs/crypto.ts) into the ciphertext ring
 *    (./ciphertext-ring.ts) at the slot's own position, and the ring writes the file in large, direct writes. The
 *    age payload nonce is a chunk counter, so the chunks of one file are independent: slots are sealed on all cores
 *    at once, while this thread reads the next ones and the hash thread hashes them from the same shared memory.
 *    Reading, hashing, encryption and writing all overlap.
 * Both return the plaintext size and its first bytes (for sniffing); the caller fsyncs and names the file.
 */

export const HEAD_BYTES = 4100;

/**
 * encryptInline's ciphertext is written in batches of this size. Measured here (1 GiB, writev of 64 KiB pieces,
 * then fsync): 1 MiB per call 1.2 s (0.27 s system time), 8 MiB per call 2.8 s (1.9 s system time); 16 KiB writes
 * are slower again (one syscall per 16 KiB).
 */
const WRITE_BUFFER_BYTES = 1024 * 1024;

export type EncryptOptions = {
  readonly maxBytes: number;
  readonly signal?: AbortSignal | undefined;
  readonly onBytes?: ((n: number) => void) | undefined;
  /**
   * Called once, as soon as the first piece of the file is read, with a copy of its first HEAD_BYTES (fewer for a
   * shorter file, none for an empty one): ingest sniffs the media type from it and starts the parser, without a
   * separate read of the file's head.
   */
  readonly onHead?: ((head: Buffer) => void) | undefined;
};

export type EncryptedFile = { readonly size: number; readonly head: Buffer };

export function tooLarge(maxBytes: number): HuellaError {
  return new HuellaError('FILE_TOO_LARGE', `The file is larger than the limit of ${formatBytes(maxBytes)}.`);
}

/** Keeps a copy of the first HEAD_BYTES of the plaintext (in memory only) for media-type sniffing. */
export class HeadCollector {
  readonly #parts: Buffer[] = [];
  #length = 0;

  add(chunk: Buffer): void {
    if (this.#length >= HEAD_BYTES) return;
    const take = chunk.subarray(0, HEAD_BYTES - this.#length);
    this.#parts.push(Buffer.from(take));
    this.#length += take.length;
  }

  bytes(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

/** Fills `slot` from `file` at `position` (pread, repeated after a short read) up to the slot size or the end. */
async function readSlot(file: fsp.FileHandle, ring: HashRing, slot: number, position: number): Promise<number> {
  const view = slotView(ring, slot);
  let filled = 0;
  while (filled < ring.slotBytes) {
    const { bytesRead } = await file.read(view, filled, ring.slotBytes - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/** Hands a copy of the file's first bytes (the slot read at position 0) to options.onHead. */
function reportHead(ring: HashRing, slot: number, n: number, options: EncryptOptions): void {
  options.onHead?.(Buffer.from(slotView(ring, slot, Math.min(n, HEAD_BYTES))));
}

/** Counts the bytes of a slot just read against the limit and the signal, and reports them. */
function accept(n: number, total: number, options: EncryptOptions): number {
  if (options.signal?.aborted) throw new HuellaError('CANCELLED', 'Cancelled.');
  if (total + n > options.maxBytes) throw tooLarge(options.maxBytes);
  options.onBytes?.(n);
  return total + n;
}

export async function encryptInline(file: fsp.FileHandle, out: fsp.FileHandle, ring: HashRing, hasher: SlotHasher, recipient: Uint8Array, options: EncryptOptions): Promise<EncryptedFile> {
  const encryptor = new AgeEncryptor([recipient]);
  const head = new HeadCollector();
  const writer = new BatchWriter(out);
  let size = 0;
  let reading: Promise<number> | undefined;
  let headReported = false;
  try {
    writer.add([encryptor.start()]);
    let slot = 0;
    reading = readSlot(file, ring, slot, 0);
    for (;;) {
      const n = await reading;
      reading = undefined;
      if (!headReported) {
        headReported = true;
        reportHead(ring, slot, n, options);
      }
      if (n === 0) break;
      size = accept(n, size, options);
      const data = slotView(ring, slot, n);
      head.add(data);
      hasher.submit(slot, n);
      const next = (slot + 1) % ring.slots;
      await hasher.released(next);
      reading = readSlot(file, ring, next, size);
      writer.add(encryptor.update(data));
      await writer.flushIfFull();
      slot = next;
    }
    writer.add(encryptor.final());
    await writer.finish();
    return { size, head: head.bytes() };
  } catch (e) {
    encryptor.destroy();
    await reading?.catch(() => undefined);
    await writer.settle();
    throw e;
  }
}

export async function encryptInParallel(file: fsp.FileHandle, sink: CiphertextRing, ring: HashRing, hasher: SlotHasher, recipient: Uint8Array, options: EncryptOptions): Promise<EncryptedFile> {
  const { prefix, payloadKey } = newAgePayload([recipient]);
  const sealer = new SlotSealer(sink, ring, prefix.length, payloadKey);
  const reader = new ReadAhead(file, ring, (slot) => Promise.all([hasher.released(slot), sealer.released(slot)]));
  const head = new HeadCollector();
  let size = 0;
  try {
    sink.put(0, prefix);
    // A slot is sealed once the next read shows whether it was the last (the final chunk is flagged in its nonce).
    let pending: { slot: number; offset: number; length: number } | undefined;
    for (let index = 0; ; index++) {
      const slot = index % ring.slots;
      sealer.throwIfFailed();
      const n = await reader.take(index, size);
      if (size === 0 && !pending) reportHead(ring, slot, n, options);
      if (pending) await sealer.seal(pending.slot, pending.offset, pending.length, n === 0);
      if (n === 0) break;
      const offset = size;
      size = accept(n, size, options);
      head.add(slotView(ring, slot, Math.min(n, HEAD_BYTES)));
      hasher.submit(slot, n);
      pending = { slot, offset, length: n };
    }
    // An empty file is one empty final chunk.
    if (!pending) await sealer.seal(0, 0, 0, true);
    await sealer.finish();
    await sink.finish(prefix.length + sealedLength(size));
    return { size, head: head.bytes() };
  } catch (e) {
    // No read may still fill the ring, no worker still seal from it, nor a write be in flight, when the caller
    // zeroes the ring and closes the files.
    await reader.settle();
    await sealer.settle();
    await sink.settle();
    throw e;
  } finally {
    payloadKey.fill(0);
  }
}

/** Slots read ahead of the one being handed over: reads wait for the thread pool, more so on a loaded machine. */
const READ_AHEAD = 4;

/**
 * The reads of encryptInParallel, READ_AHEAD slots ahead of the one it takes: a read waits its turn on the thread
 * pool and then for this thread, so one read at a time left the workers and the disk waiting for each (2 GiB on the
 * shared machine: 3.0–3.8 s of a 6.2–7.9 s loop spent waiting for reads). Read `index` fills slot
 * `index % ring.slots` from `index * ring.slotBytes`, once `released(slot)` says its previous bytes are no longer
 * used; that is each read's position while every read before it filled its slot. After a short read (the end of the
 * file, or a file that changed) the reads ahead are dropped and each read starts where the last one ended, one at a
 * time, as the end of the file must be a read that returns nothing.
 */
class ReadAhead {
  readonly #reads = new Map<number, Promise<number>>();
  #sequential = false;

  constructor(
    private readonly file: fsp.FileHandle,
    private readonly ring: HashRing,
    private readonly released: (slot: number) => Promise<unknown>,
  ) {}

  /**
   * The byte count read into slot `index % slots` from `position` (the bytes handed over so far). The caller has
   * submitted every index below `index` for hashing and every one below `index - 1` for sealing, so each slot a read
   * started here waits for has its last use registered (READ_AHEAD ≤ slots - 2).
   */
  async take(index: number, position: number): Promise<number> {
    const ahead = this.#reads.get(index);
    this.#reads.delete(index);
    const n = ahead && position === index * this.ring.slotBytes ? await ahead : await this.#readAfter(ahead, index, position);
    if (n < this.ring.slotBytes) {
      this.#sequential = true;
      await this.settle();
    } else if (!this.#sequential) {
      for (let next = index + 1; next <= index + READ_AHEAD; next++) if (!this.#reads.has(next)) this.#start(next);
    }
    return n;
  }

  /** Waits for every read in flight, whatever its outcome, and drops them. */
  async settle(): Promise<void> {
    await Promise.all([...this.#reads.values()].map((r) => r.catch(() => undefined)));
    this.#reads.clear();
  }

  async #readAfter(ahead: Promise<number> | undefined, index: number, position: number): Promise<number> {
    await ahead?.catch(() => undefined);
    const slot = index % this.ring.slots;
    await this.released(slot);
    return readSlot(this.file, this.ring, slot, position);
  }

  #start(index: number): void {
    const slot = index % this.ring.slots;
    const read = this.released(slot).then(() => readSlot(this.file, this.ring, slot, index * this.ring.slotBytes));
    read.catch(() => undefined); // a failed read surfaces when it is taken, never as an unhandled rejection meanwhile
    this.#reads.set(index, read);
  }
}

/** The age payload's length for `size` bytes of plaintext: each chunk gains a tag, and an empty file is one chunk. */
function sealedLength(size: number): number {
  return size + Math.max(1, Math.ceil(size / AGE_CHUNK_SIZE)) * (AGE_ENCRYPTED_CHUNK_SIZE - AGE_CHUNK_SIZE);
}

/**
 * Hands slots to the crypto workers, which seal them into the ciphertext ring, and tracks which are still being
 * sealed (and so may not be refilled yet).
 */
class SlotSealer {
  readonly #busy = new Map<number, Promise<unknown>>();
  #failure: unknown;

  constructor(
    private readonly sink: CiphertextRing,
    private readonly ring: HashRing,
    private readonly prefixLength: number,
    private readonly key: Buffer,
  ) {}

  /**
   * Seals `length` bytes of `slot`, which hold the plaintext from `offset` on (a multiple of the chunk size), once
   * the ciphertext ring has room for them (resolves when the work is handed over, not when it is done).
   */
  async seal(slot: number, offset: number, length: number, last: boolean): Promise<void> {
    const firstChunk = offset / AGE_CHUNK_SIZE;
    const position = this.prefixLength + firstChunk * AGE_ENCRYPTED_CHUNK_SIZE;
    const end = position + sealedLength(length);
    await this.sink.room(end);
    const work = sealSlot({
      key: this.key,
      ring: this.ring.buffer as SharedArrayBuffer,
      offset: slot * this.ring.slotBytes,
      length,
      firstChunk,
      last,
      out: this.sink.memory,
      outBytes: this.sink.size,
      position,
    }).then(
      () => this.sink.sealed(position, end),
      (e: unknown) => {
        this.#failure ??= e;
        this.sink.fail(e);
      },
    );
    this.#busy.set(slot, work);
  }

  throwIfFailed(): void {
    if (this.#failure) throw this.#failure;
    this.sink.throwIfFailed();
  }

  async released(slot: number): Promise<void> {
    await this.#busy.get(slot);
    this.#busy.delete(slot);
    this.throwIfFailed();
  }

  async finish(): Promise<void> {
    await this.settle();
    this.throwIfFailed();
  }

  async settle(): Promise<void> {
    await Promise.all(this.#busy.values());
    this.#busy.clear();
  }
}

/**
 * Collects ciphertext pieces and writes them with writev in batches of ~WRITE_BUFFER_BYTES, one write in flight
 * while the caller encrypts the next batch.
 */
class BatchWriter {
  readonly #out: fsp.FileHandle;
  #batch: Buffer[] = [];
  #batchBytes = 0;
  #writing: Promise<void> = Promise.resolve();

  constructor(out: fsp.FileHandle) {
    this.#out = out;
  }

  add(parts: readonly Buffer[]): void {
    for (const p of parts) {
      if (p.length === 0) continue;
      this.#batch.push(p);
      this.#batchBytes += p.length;
    }
  }

  /** Starts writing the batch once it is full, after the previous write has finished (so at most two are held). */
  async flushIfFull(): Promise<void> {
    if (this.#batchBytes >= WRITE_BUFFER_BYTES) await this.#flush();
  }

  async finish(): Promise<void> {
    await this.#flush();
    await this.#writing;
  }

  /** Waits for the write in flight, whatever its outcome (before the caller closes the file after a failure). */
  async settle(): Promise<void> {
    await this.#writing.catch(() => undefined);
  }

  async #flush(): Promise<void> {
    await this.#writing;
    const parts = this.#batch;
    this.#batch = [];
    this.#batchBytes = 0;
    this.#writing = writevFully(this.#out, parts).then(() => undefined);
    // A failed write surfaces at the next flush or at finish(); never as an unhandled rejection meanwhile.
    this.#writing.catch(() => undefined);
  }
}
