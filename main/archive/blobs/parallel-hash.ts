import crypto from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { HuellaError } from '../errors';
import type { HashRequest, HashResponse } from './hash-protocol';

/**
 * SHA-256 for the one-pass ingest. Small inputs hash inline; large ones (above PARALLEL_THRESHOLD) hash in a worker
 * thread so that hashing overlaps encryption on the second core (SHA-256 costs ~2× ChaCha20-Poly1305 here).
 * Chunks are copied once and transferred; at most MAX_IN_FLIGHT bytes wait in the worker (flow control), so memory
 * stays bounded whatever the file size.
 */
export const PARALLEL_THRESHOLD = 8 * 1024 * 1024;
const MAX_IN_FLIGHT = 16 * 1024 * 1024;

export type Hasher = {
  /** Feeds a chunk. Resolves at once unless the worker is behind; then it resolves when there is room. */
  update(chunk: Buffer): Promise<void> | undefined;
  digest(): Promise<Buffer>;
  abort(): void;
};

let worker: Worker | undefined;
let nextId = 1;
const waiting = new Map<number, { inFlight: number; onAck: (() => void) | undefined; onDigest: ((d: Buffer) => void) | undefined; onError: (e: unknown) => void }>();

function hashWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('../workers/bootstrap.mjs', import.meta.url), { workerData: { __entry: new URL('./hash-worker.ts', import.meta.url).href } });
  w.unref();
  w.on('message', (m: HashResponse) => {
    const job = waiting.get(m.id);
    if (!job) return;
    if (m.type === 'ack') {
      job.inFlight -= m.bytes;
      const cb = job.onAck;
      job.onAck = undefined;
      cb?.();
    } else {
      waiting.delete(m.id);
      if (waiting.size === 0) w.unref();
      job.onDigest?.(Buffer.from(m.digest));
    }
  });
  const fail = (e: unknown): void => {
    worker = undefined;
    for (const job of waiting.values()) job.onError(new HuellaError('INTERNAL', 'The hashing thread stopped.', { cause: e }));
    waiting.clear();
  };
  w.on('error', fail);
  w.on('exit', fail);
  worker = w;
  return w;
}

function inlineHasher(): Hasher {
  const h = crypto.createHash('sha256');
  return {
    update(chunk) {
      h.update(chunk);
      return undefined;
    },
    digest: () => Promise.resolve(h.digest()),
    abort: () => undefined,
  };
}

function workerHasher(): Hasher {
  const w = hashWorker();
  w.ref(); // a job is running: keep the process alive until its digest arrives
  const id = nextId++;
  let failed: unknown;
  const job = { inFlight: 0, onAck: undefined as (() => void) | undefined, onDigest: undefined as ((d: Buffer) => void) | undefined, onError: (e: unknown) => (failed = e) };
  waiting.set(id, job);
  const post = (m: HashRequest, transfer?: ArrayBuffer[]): void => w.postMessage(m, transfer);
  post({ type: 'begin', id });
  return {
    update(chunk) {
      if (failed) throw failed;
      // One copy into a buffer we own, then transfer it (no second copy).
      const copy = new Uint8Array(chunk.length);
      copy.set(chunk);
      job.inFlight += copy.byteLength;
      post({ type: 'data', id, chunk: copy.buffer }, [copy.buffer]);
      if (job.inFlight <= MAX_IN_FLIGHT) return undefined;
      return new Promise<void>((resolve) => {
        job.onAck = resolve;
      });
    },
    digest() {
      if (failed) return Promise.reject(failed);
      return new Promise<Buffer>((resolve, reject) => {
        job.onDigest = resolve;
        job.onError = reject;
        post({ type: 'end', id });
      });
    },
    abort() {
      waiting.delete(id);
      if (waiting.size === 0) w.unref();
      post({ type: 'abort', id });
    },
  };
}

/** A hasher for an input of (about) `sizeHint` bytes. */
export function createHasher(sizeHint: number | undefined): Hasher {
  return sizeHint !== undefined && sizeHint >= PARALLEL_THRESHOLD ? workerHasher() : inlineHasher();
}

/** Stops the hashing thread (CLI exit, tests). */
export async function shutdownHashWorker(): Promise<void> {
  const w = worker;
  worker = undefined;
  await w?.terminate();
}
