import os from 'node:os';
import { WorkerPool } from '../workers/pool';
import { workerEntry } from '../workers/entry';
import type { ParseRequest, ParseResponse } from './parse-protocol';

/**
 * Files a parser or preview thread handles before a fresh one takes over (WorkerPool's tasksPerThread): a bound in
 * case a library starts to retain memory per file, not a routine renewal. The ~7 KB per file a thread once kept was
 * exifr's options cache (fixed in parse-worker.ts); since then the threads' heaps stay flat (preview threads at
 * 16.8-17.1 MB over 2,500 previews each), while renewing cost memory: the process does not get a dying thread's
 * memory back at once, and its successor starts afresh. An import of 5,000 photos with previews, renewing every
 * 1,000 files: peak RSS 221-224 MB (a step of ~20 MB at each renewal of the two preview threads); without
 * renewal: 204 MB.
 */
export const TASKS_PER_THREAD = 50_000;

/** Threads of the parse worker: parsers and previewers are the same worker, in pools of their own sizes. */
function parseWorkerPool(size: number): WorkerPool<ParseRequest, ParseResponse> {
  return new WorkerPool<ParseRequest, ParseResponse>(workerEntry('parse-worker', import.meta.url), {
    size,
    heapMb: 512,
    youngMb: 4,
    tasksPerThread: TASKS_PER_THREAD,
  });
}

let parserPool: WorkerPool<ParseRequest, ParseResponse> | undefined;

/** The parser threads (metadata and previews of untrusted files), started on first use. */
export function parsers(): WorkerPool<ParseRequest, ParseResponse> {
  parserPool ??= parseWorkerPool(parserThreads());
  return parserPool;
}

/** How many parser threads run at once (one per core beyond the main thread's, at most two). */
export function parserThreads(): number {
  return Math.max(1, Math.min(2, os.availableParallelism() - 1));
}

let previewPool: WorkerPool<ParseRequest, ParseResponse> | undefined;

/**
 * The threads that make previews (phase 2 of an import): the same worker as the parsers, one per core. While the
 * originals are imported the main thread hashes and encrypts, so metadata gets the other core (parserThreads());
 * while previews are made the main thread only reads and stores them, and both cores decode and encode.
 */
export function previewers(): WorkerPool<ParseRequest, ParseResponse> {
  previewPool ??= parseWorkerPool(previewThreads());
  return previewPool;
}

export function previewThreads(): number {
  return Math.max(1, Math.min(2, os.availableParallelism()));
}

/** Ends the idle parser threads (phase 1's, once it is over): their heaps are given back before phase 2. */
export async function endIdleParsers(): Promise<void> {
  await parserPool?.endIdle();
}

/** Ends the idle preview threads (when a phase 2 is over): an open app does not keep them between imports. */
export async function endIdlePreviewers(): Promise<void> {
  await previewPool?.endIdle();
}

export async function shutdownParsers(): Promise<void> {
  const pools = [parserPool, previewPool];
  parserPool = undefined;
  previewPool = undefined;
  await Promise.all(pools.map((p) => p?.close()));
}
