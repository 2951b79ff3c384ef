import crypto from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { HuellaError } from '../errors';
import { workerBootstrap, workerEntry } from '../workers/entry';
import type { HashRequest, HashResponse } from './hash-protocol';

/**
 * SHA-256 for the one-pass ingest (BlobStore.stageFile), over a ring of reusable buffers that the reader fills.
 * Small inputs hash inline; large ones (above PARALLEL_THRESHOLD) hash in a worker thread reading the very same
 * memory (a SharedArrayBuffer), so that hashing overlaps encryption on the second core (SHA-256 costs ~2×
 * ChaCha20-Poly1305 here) without copying a byte. The reader refills a slot only after `released(slot)`.
 *
 * An earlier version copied every chunk into a fresh transferable buffer: on this VM each fresh MiB costs page
 * faults, and 1 GiB took 5.0 s against 3.2 s inline. With a fixed ring the memory is faulted in once.
 */
export const PARALLEL_THRESHOLD = 8 * 1024 * 1024;

export type HashRing = { readonly buffer: SharedArrayBuffer | ArrayBuffer; readonly slots: number; readonly slotBytes: number };

export function createHashRing(slots: number, slotBytes: number, shared: boolean): HashRing {
  const bytes = slots * slotBytes;
  return { buffer: shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes), slots, slotBytes };
}

export function slotView(ring: HashRing, slot: number, length = ring.slotBytes): Buffer {
  return Buffer.from(ring.buffer, slot * ring.slotBytes, length);
}

export type SlotHasher = {
  /** Hashes bytes [0, length) of `slot` next (in submission order). */
  submit(slot: number, length: number): void;
  /** Resolves when the hasher no longer reads `slot`. */
  released(slot: number): Promise<void>;
  digest(): Promise<Buffer>;
  abort(): void;
};

let worker: Worker | undefined;
let nextId = 1;
type Job = { onReleased(slot: number): void; onDigest(d: Buffer): void; onError(e: unknown): void };
const jobs = new Map<number, Job>();

function hashWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(workerBootstrap(), { workerData: { __entry: workerEntry('hash-worker', import.meta.url).href } });
  w.unref();
  w.on('message', (m: HashResponse) => {
    const job = jobs.get(m.id);
    if (!job) return;
    if (m.type === 'released') {
      job.onReleased(m.slot);
    } else {
      jobs.delete(m.id);
      if (jobs.size === 0) w.unref();
      job.onDigest(Buffer.from(m.digest));
    }
  });
  const fail = (e: unknown): void => {
    worker = undefined;
    for (const job of jobs.values()) job.onError(new HuellaError('INTERNAL', 'The hashing thread stopped.', { cause: e }));
    jobs.clear();
  };
  w.on('error', fail);
  w.on('exit', fail);
  worker = w;
  return w;
}

function inlineHasher(ring: HashRing): SlotHasher {
  const h = crypto.createHash('sha256');
  return {
    submit: (slot, length) => void h.update(slotView(ring, slot, length)),
    released: () => Promise.resolve(),
    digest: () => Promise.resolve(h.digest()),
    abort: () => undefined,
  };
}

function workerHasher(ring: HashRing & { buffer: SharedArrayBuffer }): SlotHasher {
  const w = hashWorker();
  w.ref(); // a job is running: keep the process alive until its digest arrives
  const id = nextId++;
  let failed: unknown;
  const busy = new Set<number>();
  const waiters = new Map<number, () => void>();
  let digestWaiter: { resolve(d: Buffer): void; reject(e: unknown): void } | undefined;
  const job: Job = {
    onReleased(slot) {
      busy.delete(slot);
      const wake = waiters.get(slot);
      waiters.delete(slot);
      wake?.();
    },
    onDigest: (d) => digestWaiter?.resolve(d),
    onError(e) {
      failed = e;
      for (const wake of waiters.values()) wake();
      waiters.clear();
      digestWaiter?.reject(e);
    },
  };
  jobs.set(id, job);
  const post = (m: HashRequest): void => w.postMessage(m);
  post({ type: 'begin', id, ring: ring.buffer, slotBytes: ring.slotBytes });
  return {
    submit(slot, length) {
      if (failed) throw failed;
      busy.add(slot);
      post({ type: 'data', id, slot, length });
    },
    async released(slot) {
      if (busy.has(slot) && !failed) await new Promise<void>((resolve) => waiters.set(slot, resolve));
      if (failed) throw failed;
    },
    digest() {
      if (failed) return Promise.reject(failed);
      return new Promise<Buffer>((resolve, reject) => {
        digestWaiter = { resolve, reject };
        post({ type: 'end', id });
      });
    },
    abort() {
      jobs.delete(id);
      if (jobs.size === 0) w.unref();
      post({ type: 'abort', id });
    },
  };
}

/** A hasher over `ring` for an input of `size` bytes: in a worker when large and the ring is shared. */
export function createSlotHasher(ring: HashRing, size: number): SlotHasher {
  return size >= PARALLEL_THRESHOLD && ring.buffer instanceof SharedArrayBuffer ? workerHasher(ring as HashRing & { buffer: SharedArrayBuffer }) : inlineHasher(ring);
}

/** Stops the hashing thread (CLI exit, tests). */
export async function shutdownHashWorker(): Promise<void> {
  const w = worker;
  worker = undefined;
  await w?.terminate();
}
