import os from 'node:os';
import { WorkerPool } from '../workers/pool';
import { workerEntry } from '../workers/entry';
import type { ParseRequest, ParseResponse } from './parse-protocol';

let parserPool: WorkerPool<ParseRequest, ParseResponse> | undefined;

/** The parser threads (metadata and previews of untrusted files), started on first use. */
export function parsers(): WorkerPool<ParseRequest, ParseResponse> {
  parserPool ??= new WorkerPool<ParseRequest, ParseResponse>(workerEntry('parse-worker', import.meta.url), {
    size: parserThreads(),
    heapMb: 512,
    youngMb: 4,
  });
  return parserPool;
}

/** How many parser threads run at once (one per core beyond the main thread's, at most two). */
export function parserThreads(): number {
  return Math.max(1, Math.min(2, os.availableParallelism() - 1));
}

export async function shutdownParsers(): Promise<void> {
  const pool = parserPool;
  parserPool = undefined;
  await pool?.close();
}
