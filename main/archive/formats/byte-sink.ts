import type { FileHandle } from 'node:fs/promises';
import { writevFully } from '../fs/writev';

/**
 * Where a stripper writes. `patch` rewrites bytes already written (a RIFF size, a flags byte) once the final
 * value is known, so formats with a length in their header can still be written in one streaming pass.
 * Buffers are kept by reference until flushed: a caller must not change a buffer after writing it.
 */
export type ByteSink = {
  write(b: Uint8Array): Promise<void>;
  patch(position: number, b: Uint8Array): Promise<void>;
  readonly bytesWritten: number;
};

// 1 MiB per writev: 8 MiB calls cost ~7× the system time here (see WRITE_BUFFER_BYTES in blobs/store.ts).
const FLUSH_AT = 1 << 20;

/**
 * Writes to a file in pieces of about 1 MiB, each at its place in the file. A piece is written while the caller goes
 * on (who may not change what it wrote until flush, as above); the next full piece waits for the writes before it
 * to end, so memory stays bounded whatever the caller writes.
 */
export class FileSink implements ByteSink {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private written = 0;
  private flushedTo = 0;
  private readonly inFlight = new Set<{ readonly parts: readonly Buffer[]; readonly done: Promise<void> }>();
  private failure: { readonly error: unknown } | undefined;

  constructor(private readonly fh: FileHandle) {}

  get bytesWritten(): number {
    return this.written;
  }

  async write(b: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure.error;
    if (b.length === 0) return;
    this.pending.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    this.pendingBytes += b.length;
    this.written += b.length;
    if (this.pendingBytes >= FLUSH_AT) {
      await this.writesUnderWay();
      this.startFlush();
    }
  }

  /** Whether a write not yet flushed (pending or under way) is a view of `buffer`. */
  holds(buffer: ArrayBufferLike): boolean {
    if (this.pending.some((p) => p.buffer === buffer)) return true;
    for (const w of this.inFlight) if (w.parts.some((p) => p.buffer === buffer)) return true;
    return false;
  }

  /** Starts writing what is pending, at its place in the file, without waiting for it. */
  startFlush(): void {
    if (this.pendingBytes === 0 || this.failure) return;
    const parts = this.pending;
    const at = this.flushedTo;
    this.flushedTo += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    const entry = {
      parts,
      done: writevFully(this.fh, parts, at).then(
        () => void this.inFlight.delete(entry),
        (e: unknown) => {
          this.inFlight.delete(entry);
          this.failure ??= { error: e };
        },
      ),
    };
    this.inFlight.add(entry);
  }

  /** Waits for every write under way; throws the first write error. */
  private async writesUnderWay(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight].map((w) => w.done));
    if (this.failure) throw this.failure.error;
  }

  /** Writes everything written so far; throws the first write error. */
  async flush(): Promise<void> {
    this.startFlush();
    await this.writesUnderWay();
  }

  /** Waits for the writes under way whatever their outcome: before the file is closed after a failure. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight].map((w) => w.done));
  }

  async patch(position: number, b: Uint8Array): Promise<void> {
    if (position < 0 || position + b.length > this.written) throw new RangeError('patch outside written data');
    await this.flush();
    await this.fh.write(b, 0, b.length, position);
  }
}

export class BufferSink implements ByteSink {
  private chunks: Buffer[] = [];
  private written = 0;

  get bytesWritten(): number {
    return this.written;
  }

  write(b: Uint8Array): Promise<void> {
    this.chunks.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    this.written += b.length;
    return Promise.resolve();
  }

  patch(position: number, b: Uint8Array): Promise<void> {
    if (position < 0 || position + b.length > this.written) return Promise.reject(new RangeError('patch outside written data'));
    // Concat always copies: the written buffers may be the caller's, which a patch must not change.
    const all = Buffer.concat(this.chunks, this.written);
    this.chunks = [all];
    all.set(b, position);
    return Promise.resolve();
  }

  /** What was written, as the pieces given to write (views, not copies) or one buffer after a patch. */
  parts(): readonly Buffer[] {
    return this.chunks;
  }

  toBuffer(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.written)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }
}
