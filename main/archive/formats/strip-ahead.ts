import { readWholeElsewhere, type ReadWholeElsewhere, type WholeFile } from './whole-file';
import type { StreamSource } from './types';

/** Where the objects come from (a vault's BlobStore): each one's decrypting stream, and its plaintext had whole. */
export type ObjectReads = {
  readonly open: (name: string) => NodeJS.ReadableStream;
  readonly readWhole: (name: string, ...args: Parameters<ReadWholeElsewhere>) => ReturnType<ReadWholeElsewhere>;
};

/**
 * Vault objects stripped in a known order (an export's JPEG items, items-stage.ts; the strip bench's headline row),
 * each decrypted whole ahead of its strip: when item N's plaintext is asked for, the reads of the next `depth`
 * items are started too. With BlobStore.readPlaintextWholeOnWorker they run on the crypto workers, so while photo N
 * is stripped in the calling thread, N + 1 … N + depth are decrypted on the other cores.
 *
 * Memory: a read holds one of the strip's reused buffers (whole-file.ts, at most WHOLE_FILE_LIMIT + 64 KiB) from
 * when it starts until its strip releases it: at most the strips under way plus `depth`. close() waits for the reads
 * started and never asked for (a failed or cancelled export) and gives their buffers back, so that no thread writes
 * into a buffer after the export has wiped them (wipeWholeFileBuffers).
 */
export class StripAhead {
  readonly #order: readonly string[];
  readonly #reads: ObjectReads;
  readonly #depth: number;
  /** Reads started and not yet asked for, by name, in order (an object may be in the list twice: the same photo). */
  readonly #started = new Map<string, Promise<WholeFile | null>[]>();
  /** How many plaintexts were asked for: the position in #order of the next one asked for, items taken in order. */
  #taken = 0;
  /** The position in #order of the next read to start. */
  #next = 0;
  #closed = false;

  constructor(order: readonly string[], reads: ObjectReads, depth: number) {
    this.#order = order;
    this.#reads = reads;
    this.#depth = Math.max(0, depth);
  }

  /** Object `name` as a strip source; its plaintext had whole is the read started ahead, if any. */
  source(name: string): StreamSource {
    return Object.assign(() => this.#reads.open(name), { whole: () => this.#take(name) });
  }

  #read(name: string): Promise<WholeFile | null> {
    return readWholeElsewhere((limit, take) => this.#reads.readWhole(name, limit, take));
  }

  #take(name: string): Promise<WholeFile | null> {
    // Its own read first (when not started ahead), so that it is not queued behind the reads of the items after it.
    const queue = this.#started.get(name);
    const own = queue?.shift() ?? this.#read(name);
    if (queue?.length === 0) this.#started.delete(name);
    this.#taken++;
    // Then the reads of the next `depth` positions; one already asked for (taken early, out of order) is not read again.
    this.#next = Math.max(this.#next, this.#taken);
    for (; !this.#closed && this.#next < Math.min(this.#order.length, this.#taken + this.#depth); this.#next++) {
      const n = this.#order[this.#next] as string;
      const q = this.#started.get(n) ?? [];
      q.push(this.#read(n));
      this.#started.set(n, q);
    }
    return own;
  }

  /** Waits for the reads started ahead and never asked for, and gives their buffers back; starts no more. */
  async close(): Promise<void> {
    this.#closed = true;
    const left = [...this.#started.values()].flat();
    this.#started.clear();
    for (const w of await Promise.all(left)) w?.release();
  }
}
