import type fsp from 'node:fs/promises';
import { HuellaError, fromSystemError } from '../errors';
import { DIRECT_ALIGN, alignDown, alignedSharedMemory, isDirectUnsupported } from '../fs/direct-io';
import { writevFully } from '../fs/writev';

/**
 * The ciphertext of a large file on its way to the disk (encryptInParallel): the crypto workers seal slots out of
 * order, each into this ring at its own file position modulo the ring's size, and the ring writes what is complete
 * from the start of the file on, in large writes (several in flight), with direct I/O where the file system has it
 * (fs/direct-io.ts: no copy into the page cache, no write-back afterwards). Direct writes need aligned positions and
 * lengths, so a write ends at the last DIRECT_ALIGN boundary of what is complete; the file's last partial block is
 * written through the ordinary handle at the end. Without direct I/O every write goes through the ordinary handle.
 *
 * Ring space is reused once its bytes are written: room(end) waits until bytes up to `end` fit.
 */
export type RingShape = { readonly ringBytes: number; readonly writeBytes: number; readonly inFlight: number };

/**
 * 32 MiB in writes of 4 MiB (the largest request this VM's disk queue takes: max_sectors_kb 4096), four in flight:
 * while four writes are at the disk, 16 MiB are free for the 1 MiB slots being sealed.
 *
 * Why not 16 MiB with two in flight (as before): the disk (write, then the flush of the device's write cache) is
 * the floor of a large ingest here (`dd oflag=direct conv=fdatasync` of 2 GiB: 2.7–3.5 s), and the writer went idle
 * whenever a crypto thread or the hashing thread lost its core for a moment: 0.4 s of a 3.4 s loop on a quiet
 * machine, up to 1.9 s at load 7. Twice the room rides that out. 2 GiB `huella ingest` (built CLI, 5 alternating
 * rounds, load 6–8): wall 6.83 / 5.13 / 6.45 / 6.06 / 5.30 s against 7.45 / 6.61 / 7.88 / 6.60 / 5.47 s, faster in
 * every round; peak RSS 151–152 MB against 134–135 MB (issue 19: ≤ 200 MB; only files of PARALLEL_THRESHOLD and more
 * use the ring, one at a time, so a batch of photos never holds it).
 */
export const LARGE_FILE_RING: RingShape = { ringBytes: 32 * 1024 * 1024, writeBytes: 4 * 1024 * 1024, inFlight: 4 };

export function createCiphertextMemory(shape: RingShape): SharedArrayBuffer {
  return alignedSharedMemory(shape.ringBytes);
}

type Write = { readonly start: number; readonly end: number; readonly done: Promise<void> };

export class CiphertextRing {
  readonly memory: SharedArrayBuffer;
  readonly #shape: RingShape;
  readonly #out: fsp.FileHandle;
  #direct: fsp.FileHandle | undefined;
  /** Everything before this file position is in the ring or already written. */
  #complete = 0;
  /** Sealed ranges beyond #complete (start → end), waiting for the ones before them. */
  readonly #ahead = new Map<number, number>();
  /** Writes were issued up to here. */
  #issued = 0;
  readonly #writes: Write[] = [];
  #failure: unknown;
  #wake: (() => void) | undefined;
  /** Created at the first write through the page cache. */
  #flusher: FlushAhead | undefined;

  /** `direct`: a handle opened with O_DIRECT on the same file as `out`, or undefined to write through `out`. */
  constructor(memory: SharedArrayBuffer, shape: RingShape, out: fsp.FileHandle, direct: fsp.FileHandle | undefined) {
    if (memory.byteLength < shape.ringBytes || shape.ringBytes % shape.writeBytes !== 0 || shape.writeBytes % DIRECT_ALIGN !== 0) {
      throw new HuellaError('INTERNAL', 'ciphertext ring: inconsistent shape');
    }
    this.memory = memory;
    this.#shape = shape;
    this.#out = out;
    this.#direct = direct;
  }

  get size(): number {
    return this.#shape.ringBytes;
  }

  /** True while writes go to the disk directly (false once the file system refused one, or without direct I/O). */
  get direct(): boolean {
    return this.#direct !== undefined;
  }

  /** Copies `bytes` (the age header) into the ring at file position `start` and counts them as sealed. */
  put(start: number, bytes: Uint8Array): void {
    copyIntoRing(this.memory, this.size, start, bytes);
    this.sealed(start, start + bytes.length);
  }

  /** Bytes [start, end) of the file are in the ring now. */
  sealed(start: number, end: number): void {
    this.#ahead.set(start, end);
    for (let next = this.#ahead.get(this.#complete); next !== undefined; next = this.#ahead.get(this.#complete)) {
      this.#ahead.delete(this.#complete);
      this.#complete = next;
    }
    this.#pump();
  }

  /** Resolves once bytes up to file position `end` can go into the ring without overwriting unwritten ones. */
  async room(end: number): Promise<void> {
    while (end - this.size > this.#written()) {
      this.throwIfFailed();
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    this.throwIfFailed();
  }

  throwIfFailed(): void {
    if (this.#failure) throw this.#failure;
  }

  /**
   * The file has failed elsewhere (a slot could not be sealed): its range will never come, so nothing after it can be
   * written, and room() must not wait for that.
   */
  fail(e: unknown): void {
    this.#failure ??= e;
    this.#wakeWaiter();
  }

  /** Every byte of the file, `total` bytes, has been sealed: writes the rest and waits for every write. */
  async finish(total: number): Promise<void> {
    if (this.#complete !== total) throw new HuellaError('INTERNAL', 'ciphertext ring: the file is not complete');
    const whole = alignDown(total);
    while (this.#issued < whole) {
      if (this.#writes.length >= this.#shape.inFlight) await this.#writes[0]!.done;
      this.throwIfFailed();
      this.#issue(Math.min(whole, this.#issued + this.#shape.writeBytes, this.#nextWrap(this.#issued)));
    }
    await this.settle();
    this.throwIfFailed();
    if (total > whole) await writevFully(this.#out, [this.#view(whole, total)], whole);
    await this.#flusher?.finish();
  }

  /** Waits for every write and flush in flight, whatever its outcome (before the caller closes the files). */
  async settle(): Promise<void> {
    while (this.#writes.length > 0) await this.#writes[0]!.done;
    await this.#flusher?.settle();
  }

  /** The lowest file position whose bytes may still be needed in the ring (not yet written). */
  #written(): number {
    return this.#writes[0]?.start ?? this.#issued;
  }

  /** Issues whole writes of what is complete while fewer than `inFlight` are at the disk. */
  #pump(): void {
    const { writeBytes, inFlight } = this.#shape;
    while (!this.#failure && this.#writes.length < inFlight) {
      const end = Math.min(this.#issued + writeBytes, this.#nextWrap(this.#issued));
      if (alignDown(this.#complete) < end) return;
      this.#issue(end);
    }
  }

  #issue(end: number): void {
    const start = this.#issued;
    this.#issued = end;
    const write: Write = {
      start,
      end,
      done: this.#write(start, end).then(
        () => this.#retire(write),
        (e: unknown) => {
          this.#failure ??= e;
          this.#retire(write);
        },
      ),
    };
    this.#writes.push(write);
  }

  #retire(write: Write): void {
    this.#writes.splice(this.#writes.indexOf(write), 1);
    this.#wakeWaiter();
    this.#pump();
  }

  #wakeWaiter(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #write(start: number, end: number): Promise<void> {
    const view = this.#view(start, end);
    const direct = this.#direct;
    if (direct) {
      try {
        const { bytesWritten } = await direct.write(view, 0, view.length, start);
        if (bytesWritten === view.length) return;
        // A short direct write (the disk filling up): the rest goes through the ordinary handle, which reports it.
        await writevFully(this.#out, [view.subarray(bytesWritten)], start + bytesWritten);
        return;
      } catch (e) {
        if (!isDirectUnsupported(e)) throw e;
        this.#direct = undefined; // opened, but the file system refuses direct writes: write as before
      }
    }
    await writevFully(this.#out, [view], start);
    this.#flusher ??= new FlushAhead(this.#out);
    this.#flusher.wrote(end);
  }

  #view(start: number, end: number): Buffer {
    return Buffer.from(this.memory, start % this.size, end - start);
  }

  #nextWrap(position: number): number {
    return position - (position % this.size) + this.size;
  }
}

/** Copies `bytes` into `memory` (a ring of `size` bytes) at file position `position`, wrapping at the end. */
export function copyIntoRing(memory: SharedArrayBuffer, size: number, position: number, bytes: Uint8Array): void {
  const at = position % size;
  const first = Math.min(bytes.length, size - at);
  new Uint8Array(memory, at, first).set(bytes.subarray(0, first));
  if (first < bytes.length) new Uint8Array(memory, 0, bytes.length - first).set(bytes.subarray(first));
}

/**
 * Where the ciphertext goes through the page cache (no direct I/O), starts flushing a large file's ciphertext to the
 * disk while the rest is still being sealed: an fdatasync in the background each time FLUSH_AHEAD_BYTES more have
 * been written (one at a time, never awaited by the writes). Without it the whole file waits in the page cache (the kernel's background writeback starts only at 10% of
 * memory dirty: 2.4 GB on a 24 GB machine) and the caller's final fdatasync flushed all of it after the last byte
 * was sealed, the disk idle until then and the cores idle during it (2 GiB: ~0.9 s of `sync` here). This changes no
 * guarantee: the caller still fdatasyncs the whole file before naming it. A failed early flush is not swallowed: on
 * Linux a write-back error is reported once, so a later fdatasync could succeed without the lost pages; it fails
 * the file at the end instead.
 */
const FLUSH_AHEAD_BYTES = 128 * 1024 * 1024;

export class FlushAhead {
  #flushing: Promise<void> | undefined;
  #next: number;
  #failure: unknown;

  constructor(
    private readonly out: Pick<fsp.FileHandle, 'datasync'>,
    private readonly step = FLUSH_AHEAD_BYTES,
  ) {
    this.#next = step;
  }

  /** The file's first `bytes` bytes are written (or being written). */
  wrote(bytes: number): void {
    if (bytes < this.#next || this.#flushing) return;
    this.#next = bytes + this.step;
    this.#flushing = this.out
      .datasync()
      .catch((e: unknown) => {
        this.#failure ??= e;
      })
      .finally(() => {
        this.#flushing = undefined;
      });
  }

  async finish(): Promise<void> {
    await this.settle();
    if (this.#failure) throw fromSystemError(this.#failure, 'writing an encrypted object');
  }

  /** Waits for the flush in flight (before the caller closes the file). */
  async settle(): Promise<void> {
    await this.#flushing;
  }
}
