import type { FileHandle } from 'node:fs/promises';
import { TruncatedInputError } from './errors';
import { scannableBuffer } from './marker-scan';

/** Read buffers used in turn by a file reader (see ByteReader.fromFileReusing). */
type BufferSet = readonly Buffer[];

const REUSED_BUFFER_BYTES = 1 << 20;
/** One being parsed, one being written out, one being read into. */
const REUSED_BUFFERS = 3;
/** Sets kept for the next reader: one per file being stripped at once, at most this many kept. */
const MAX_SPARE_SETS = 4;
const spareSets: BufferSet[] = [];

/** Where a reader with reused buffers writes: flushed at each read, and asked whether it holds a view of a buffer. */
export type RefillSink = { flush(): Promise<void>; holds(buffer: ArrayBufferLike): boolean; startFlush?(): void };

/**
 * Sequential reader over a byte stream for structure parsers: exact reads, skips, peeks and pass-through copies,
 * holding only what it was asked for (plus one incoming chunk) in memory. `position` counts consumed bytes.
 */
export class ByteReader {
  private readonly queue: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private consumed = 0;
  private copies = false;

  private constructor(
    private readonly next: () => Promise<Buffer | null>,
    private readonly stop: () => Promise<void> = () => Promise.resolve(),
  ) {}

  /**
   * Reads `fh` (from its start) into three 1 MiB buffers used in turn and kept for the next file: stripping a photo
   * then allocates no memory for its bytes, which in a large process costs more in garbage collection than the
   * parse itself (test/bench/strip.ts). The buffers are scannable (marker-scan.ts). The next chunk is read ahead
   * while the parser works on the current one and the sink writes the one before. The rules that make reuse safe:
   *  - readExact, readUpTo and peek return copies, so what a parser keeps is its own;
   *  - nextChunk, copyTo and skip return views, valid until the next read after the one that follows (a parser
   *    writes them to `sink` or gives them back with unshift);
   *  - at each read the sink is told to start writing what it holds (startFlush, else flush at the same time as
   *    the read); before a buffer is read into again, the sink is flushed if it still holds a view of it, and bytes
   *    still queued from it are copied out.
   * The caller must flush its sink before close(), which waits for the read ahead and gives the buffers back.
   */
  static fromFileReusing(fh: FileHandle, sink: RefillSink): ByteReader {
    const set = spareSets.pop() ?? Array.from({ length: REUSED_BUFFERS }, () => scannableBuffer(REUSED_BUFFER_BYTES));
    let released = false;
    let turn = 0;
    let ahead: Promise<Buffer | null> | null = null;
    const readInto = async (buf: Buffer): Promise<Buffer | null> => {
      if (sink.holds(buf.buffer)) await sink.flush();
      reader.detachFrom(buf);
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      return bytesRead === 0 ? null : buf.subarray(0, bytesRead);
    };
    const readAhead = (): void => {
      const buf = set[turn] as Buffer;
      turn = (turn + 1) % set.length;
      ahead = readInto(buf);
      ahead.catch(() => undefined); // seen by the next read, or dropped by close
    };
    const reader: ByteReader = new ByteReader(
      async () => {
        if (ahead === null) readAhead();
        if (sink.startFlush) sink.startFlush();
        const [read, written] = await Promise.allSettled([ahead as Promise<Buffer | null>, sink.startFlush ? Promise.resolve() : sink.flush()]);
        if (written.status === 'rejected') throw written.reason;
        if (read.status === 'rejected') throw read.reason;
        if (read.value !== null) readAhead();
        return read.value;
      },
      async () => {
        if (!released) {
          released = true;
          // A read still under way writes into the buffers: it ends before they go to another file.
          await ahead?.catch(() => undefined);
          if (spareSets.length < MAX_SPARE_SETS) spareSets.push(set);
        }
      },
    );
    reader.copies = true;
    return reader;
  }

  /** Copies any queued bytes that still live in `buf`, which is about to be read into again. */
  private detachFrom(buf: Buffer): void {
    for (let i = 0; i < this.queue.length; i++) {
      const q = this.queue[i] as Buffer;
      if (q.buffer === buf.buffer) this.queue[i] = Buffer.from(q);
    }
  }

  /** A result the caller may keep: a copy when the reader reuses its buffers. */
  private own(b: Buffer): Buffer {
    return this.copies ? Buffer.from(b) : b;
  }

  static fromStream(stream: NodeJS.ReadableStream): ByteReader {
    const it = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
    return new ByteReader(async () => {
      for (;;) {
        const r = await it.next();
        if (r.done) return null;
        const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
        if (chunk.length > 0) return chunk;
      }
    }, async () => {
      // Ends the source (a decrypting stream) when a stripper stops early, so it does not linger half-read.
      await it.return?.();
    });
  }

  static fromBuffer(buf: Uint8Array): ByteReader {
    let done = false;
    return new ByteReader(() => {
      if (done || buf.length === 0) return Promise.resolve(null);
      done = true;
      return Promise.resolve(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
    });
  }

  /** Releases the underlying stream; safe to call more than once. */
  async close(): Promise<void> {
    this.ended = true;
    this.queue.length = 0;
    this.buffered = 0;
    await this.stop().catch(() => undefined);
  }

  get position(): number {
    return this.consumed;
  }

  /** Ensures at least `n` bytes are buffered unless the input ends first; returns whether they are. */
  private async fill(n: number): Promise<boolean> {
    while (this.buffered < n && !this.ended) {
      const chunk = await this.next();
      if (chunk === null) this.ended = true;
      else {
        this.queue.push(chunk);
        this.buffered += chunk.length;
      }
    }
    return this.buffered >= n;
  }

  private take(n: number): Buffer {
    const first = this.queue[0];
    if (first !== undefined && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.queue.shift();
      else this.queue[0] = first.subarray(n);
      this.buffered -= n;
      this.consumed += n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const head = this.queue[0];
      if (head === undefined) throw new TruncatedInputError(n);
      const k = Math.min(head.length, n - off);
      head.copy(out, off, 0, k);
      off += k;
      if (k === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(k);
    }
    this.buffered -= n;
    this.consumed += n;
    return out;
  }

  async readExact(n: number): Promise<Buffer> {
    if (n === 0) return Buffer.alloc(0);
    if (!(await this.fill(n))) throw new TruncatedInputError(n);
    return this.own(this.take(n));
  }

  /** Up to `n` bytes; fewer only at the end of the input. */
  async readUpTo(n: number): Promise<Buffer> {
    await this.fill(n);
    return this.own(this.take(Math.min(n, this.buffered)));
  }

  /** Up to `n` bytes without consuming them. */
  async peek(n: number): Promise<Buffer> {
    await this.fill(n);
    const k = Math.min(n, this.buffered);
    const first = this.queue[0];
    if (first !== undefined && first.length >= k) return this.own(first.subarray(0, k));
    return Buffer.concat(this.queue, this.buffered).subarray(0, k);
  }

  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      if (!(await this.fill(1))) throw new TruncatedInputError(left);
      const k = Math.min(left, this.queue[0]?.length ?? 0);
      this.take(k);
      left -= k;
    }
  }

  /** Copies exactly `n` bytes to `sink` chunk by chunk (never holding them all). */
  async copyTo(n: number, sink: { write(b: Buffer): Promise<void> }, observe?: (b: Buffer) => void): Promise<void> {
    let left = n;
    while (left > 0) {
      if (!(await this.fill(1))) throw new TruncatedInputError(left);
      const k = Math.min(left, this.queue[0]?.length ?? 0);
      const part = this.take(k);
      observe?.(part);
      await sink.write(part);
      left -= k;
    }
  }

  /** Consumes and returns whatever is buffered next (one chunk), or null at the end. For fast scanning loops. */
  async nextChunk(): Promise<Buffer | null> {
    if (!(await this.fill(1))) return null;
    const head = this.queue[0] as Buffer;
    return this.take(head.length);
  }

  /** Gives back bytes just taken with nextChunk/readExact, so the next read sees them again. */
  unshift(buf: Buffer): void {
    if (buf.length === 0) return;
    this.queue.unshift(buf);
    this.buffered += buf.length;
    this.consumed -= buf.length;
  }

  /** Consumes the rest of the input and returns how many bytes there were. */
  async drain(): Promise<number> {
    let n = 0;
    for (;;) {
      const c = await this.nextChunk();
      if (c === null) return n;
      n += c.length;
    }
  }
}
