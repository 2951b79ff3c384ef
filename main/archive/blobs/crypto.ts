import os from 'node:os';
import type { CryptoRequest, CryptoResult, DecryptWholeRequest, EncryptedSmallFile, EncryptFileRequest, HashObjectsRequest, ObjectHash, SealSlotRequest, SignMessagesRequest } from './crypto-protocol';
import { workerEntry } from '../workers/entry';
import { WorkerPool } from '../workers/pool';

/**
 * The crypto worker threads (blobs/crypto-worker.ts), one per core: verify decrypts and hashes objects on them,
 * checks event signatures in batches there, large-file ingest seals the slots of one file on them in parallel, and
 * ingest reads, hashes and encrypts each small file on one of them (encrypt-small.ts).
 * Tasks are never hostile-input parsers (an age file is authenticated chunk by chunk), so the time limit is only a
 * guard against a stuck disk; a worker that fails is replaced.
 */
let pool: WorkerPool<CryptoRequest, unknown> | undefined;

export function cryptoPool(): WorkerPool<CryptoRequest, unknown> {
  pool ??= new WorkerPool<CryptoRequest, unknown>(workerEntry('crypto-worker', import.meta.url), {
    size: Math.max(1, os.availableParallelism()),
    heapMb: 256,
    // Every sealed or opened chunk is a fresh 64 KiB buffer outside the JS heap (Node's AEAD has no output-buffer
    // API), freed only when a collection finds its small JS handle. With the default young generation that takes
    // ~64 MB of garbage per thread; a small one collects every few MiB, and the memory is reused while still mapped
    // (a warm 512 MiB stageFile took 1.2–1.6 s of CPU with it, 2.0 s without, on the loaded shared machine).
    youngMb: 2,
    // A small file's .part descriptor is opened here and handed to the main thread (encrypt-small.ts).
    trackUnmanagedFds: false,
    failures: {
      code: 'INTERNAL',
      outOfMemory: 'A crypto worker ran out of memory.',
      crashed: 'A crypto worker crashed.',
      stopped: 'A crypto worker stopped unexpectedly.',
      timedOut: (s) => `A crypto task took longer than ${s} s (is the disk responding?).`,
    },
  });
  return pool;
}

/** Minutes per task, plus time for the bytes at a pessimistic 5 MB/s. */
function timeoutFor(bytes: number): number {
  return 5 * 60_000 + bytes / 5_000;
}

/** queueBehind: see WorkerTask (default 0: the task goes to an idle thread). */
export function runCrypto<R extends CryptoRequest>(request: R, bytes = 0, queueBehind = 0): Promise<CryptoResult<R>> {
  return cryptoPool().run({ request, timeoutMs: timeoutFor(bytes), ...(queueBehind ? { queueBehind } : {}) }) as Promise<CryptoResult<R>>;
}

/**
 * A copy of a secret in its own memory, made before this returns (a caller may zero its own once the call returns):
 * structured clone copies a typed array's whole ArrayBuffer, and a Buffer
 * may be a view into Node's shared pool. Zeroed once the task has settled (it may wait in the queue until then).
 */
async function withSecretCopy<T>(secret: Uint8Array, run: (copy: Uint8Array) => Promise<T>): Promise<T> {
  const copy = new Uint8Array(secret);
  try {
    return await run(copy);
  } finally {
    copy.fill(0);
  }
}

/** Starts the crypto threads now (idle), so their start-up overlaps with the caller's work; see WorkerPool.warm. */
export function warmCryptoWorkers(): void {
  cryptoPool().warm();
}

/**
 * Verify's tasks may wait in a crypto thread (WorkerTask.queueBehind), not only in this thread's queue: an object
 * task behind the one running, so that a thread goes on to its next task without waiting for this thread to handle
 * the reply (it may be checking the log); a batch of signatures behind up to two, since a task that may wait behind
 * none goes only to an idle thread, and verify's object tasks keep every thread busy until the last object.
 */
const OBJECTS_QUEUE_BEHIND = 1;
const SIGNATURES_QUEUE_BEHIND = 2;

/**
 * Decrypts each file with `identity` on a worker and hashes it; results in the order of `files`. Once `cancel` (an
 * Int32 flag) is set, the task stops between two reads and fails with CANCELLED.
 */
export function hashObjects(identity: Uint8Array, files: readonly string[], bytes: number, cancel?: SharedArrayBuffer): Promise<readonly ObjectHash[]> {
  return withSecretCopy(identity, (copy) => runCrypto({ type: 'hash-objects', identity: copy, files, ...(cancel ? { cancel } : {}) } satisfies HashObjectsRequest, bytes, OBJECTS_QUEUE_BEHIND));
}

export function sealSlot(request: Omit<SealSlotRequest, 'type'>): Promise<{ readonly written: number }> {
  return withSecretCopy(request.key, (key) => runCrypto({ ...request, type: 'seal-slot', key } satisfies SealSlotRequest, request.length));
}

/**
 * Small files queued in one crypto thread at most (WorkerTask.queueBehind): the threads go on reading and encrypting
 * an import's files while the main thread records a group in one transaction (40–80 ms, ~3 ms a photo) and answers
 * none of them. Ingest stages at most STAGE_FILES = 32 files at once, over the threads.
 */
const ENCRYPT_QUEUE_BEHIND = 15;

/** A small file read, hashed and encrypted into a new .part file on a worker (blobs/encrypt-small.ts). */
export function encryptFile(request: Omit<EncryptFileRequest, 'type'>, bytes: number): Promise<EncryptedSmallFile> {
  return runCrypto({ ...request, type: 'encrypt-file' } satisfies EncryptFileRequest, bytes, ENCRYPT_QUEUE_BEHIND);
}

/**
 * The age file `file` decrypted whole with `identity` on a worker, into `into` (a view of a SharedArrayBuffer): the
 * plaintext's size, at its start, or null (see DecryptWholeRequest). Rejects only when the worker fails (crashed,
 * stopped, timed out); a time-out once the thread has ended (WorkerPool: unless it is held in native code past the
 * pool's grace period, when it may still write into `into`: the caller drops the buffer, whole-file.ts).
 */
export async function decryptWhole(identity: Uint8Array, file: string, maxBytes: number, into: Buffer): Promise<number | null> {
  if (!(into.buffer instanceof SharedArrayBuffer)) throw new TypeError('decryptWhole: the buffer must be a view of a SharedArrayBuffer');
  const request = (copy: Uint8Array): DecryptWholeRequest => ({ type: 'decrypt-whole', identity: copy, file, maxBytes, into: into.buffer as SharedArrayBuffer, intoOffset: into.byteOffset, intoBytes: into.length });
  const { bytes } = await withSecretCopy(identity, (copy) => runCrypto(request(copy), into.length));
  return bytes;
}

/**
 * Ed25519 verification of many messages at once, on one worker; `valid[i]` for `messages[i]`. With `seed` (the
 * signing seed of `publicKey`), a signature equal to the seed's own is valid without a full verification.
 */
export function verifySignatures(publicKey: Uint8Array, messages: readonly Uint8Array[], signatures: readonly Uint8Array[], seed?: Uint8Array): Promise<readonly boolean[]> {
  if (!seed) return runCrypto({ type: 'verify-signatures', publicKey, messages, signatures }, 0, SIGNATURES_QUEUE_BEHIND);
  return withSecretCopy(seed, (copy) => runCrypto({ type: 'verify-signatures', publicKey, messages, signatures, seed: copy }, 0, SIGNATURES_QUEUE_BEHIND));
}

/**
 * Ed25519 signatures of `messages` with `seed`, made on one worker (ingest signs a group's custody events there while
 * this thread waits for the group's files to be flushed). It may wait behind the small files queued in a thread
 * (ENCRYPT_QUEUE_BEHIND), not for an idle one, which an import keeps busy.
 */
export function signMessages(seed: Uint8Array, messages: readonly Uint8Array[]): Promise<readonly Uint8Array[]> {
  return withSecretCopy(seed, (copy) => runCrypto({ type: 'sign-messages', seed: copy, messages } satisfies SignMessagesRequest, 0, ENCRYPT_QUEUE_BEHIND + 1));
}

/** Stops the crypto threads (CLI exit, tests); the next task starts new ones. */
export async function shutdownCryptoWorkers(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.close();
}
