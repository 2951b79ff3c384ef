import os from 'node:os';
import { HuellaError } from '../errors';
import type { Vault } from '../vault/vault';
import type { ObjectHash } from '../blobs/crypto-protocol';

/**
 * Verify's object phase in the background: every object decrypted and hashed on the crypto workers (a few tasks in
 * flight, each a plain loop over reused buffers), started as soon as the database is known to be sound, so that the
 * workers hash while verify checks the custody log, the tree and the checkpoints. The results are kept by object
 * name; verify compares them with what the signed log records and reports them in log order once it has the log.
 */

export type ObjectJob = { readonly name: string; readonly size: number };

/** objectTaskFiles, objectTaskBytes: a worker task holds up to this many objects or bytes (few messages, yet every core busy until the end). */
export type ObjectTaskTuning = { readonly objectTaskFiles: number; readonly objectTaskBytes: number };

const THREADS = Math.max(1, os.availableParallelism());
/** Tasks in flight at once: the pool's threads, each with the next task waiting. */
const TASKS_IN_FLIGHT = 2 * THREADS;
/**
 * The first task of each thread holds a quarter of that thread's share of the bytes (at least a task's bytes, at
 * most FIRST_TASK_MAX_BYTES), however many objects: those tasks start before the database's integrity check, one
 * synchronous statement on this thread during which no next task can be handed out (CPU ~0.17 s at 5,000 objects,
 * ~0.57 s at 20,000), so with tasks of the usual size both threads sat idle for most of it.
 */
const FIRST_TASK_MAX_BYTES = 256 * 1024 * 1024;

export type HashProgress = { readonly objects: number; readonly bytes: number };

export class ObjectHashes {
  readonly #vault: Vault;
  readonly #tuning: ObjectTaskTuning;
  readonly #signal: AbortSignal | undefined;
  readonly #results = new Map<string, ObjectHash>();
  readonly #runs: Promise<void>[] = [];
  /** Shared with every task: set by stop() (or a cancelled signal), and the tasks on the workers stop between two reads. */
  readonly #cancel = new SharedArrayBuffer(4);
  readonly #onAbort = (): void => this.stop();
  #stopped = false;
  #objects = 0;
  #bytes = 0;
  #onProgress: ((p: HashProgress) => void) | undefined;

  constructor(vault: Vault, tuning: ObjectTaskTuning, signal?: AbortSignal) {
    this.#vault = vault;
    this.#tuning = tuning;
    this.#signal = signal;
    signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Starts hashing `jobs`, in this order (a failure is thrown by `finish`). */
  start(jobs: readonly ObjectJob[]): void {
    const run = this.#run(jobs);
    run.catch(() => {
      this.#stopped = true; // one failure stops the rest; finish() throws it
    });
    this.#runs.push(run);
  }

  /** Objects hashed (whatever the outcome) and plaintext bytes hashed so far; `onProgress` hears of each task after this. */
  progress(onProgress?: (p: HashProgress) => void): HashProgress {
    this.#onProgress = onProgress;
    return { objects: this.#objects, bytes: this.#bytes };
  }

  /** Waits for every started job; throws the first failure (a crashed worker) or CANCELLED. */
  async finish(): Promise<void> {
    await Promise.all(this.#runs);
    if (this.#signal?.aborted) throw new HuellaError('CANCELLED', 'Verification cancelled.');
  }

  /** The outcome for an object whose job has finished. */
  result(name: string): ObjectHash | undefined {
    return this.#results.get(name);
  }

  /**
   * No new task starts, and those already sent to the workers stop between two reads (their results are not needed:
   * the database failed its integrity check, or verify was cancelled or is done).
   */
  stop(): void {
    this.#stopped = true;
    Atomics.store(new Int32Array(this.#cancel), 0, 1);
    this.#signal?.removeEventListener('abort', this.#onAbort);
  }

  async #run(jobs: readonly ObjectJob[]): Promise<void> {
    const tasks = objectTasks(jobs, this.#tuning);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < tasks.length) {
        if (this.#signal?.aborted) this.#stopped = true;
        if (this.#stopped) return;
        // A task sent is not kept here (its names are the keys of its results): memory is the results' alone.
        const task = tasks[next]!;
        tasks[next++] = [];
        const results = await this.#vault.blobs.hashObjects(
          task.map((t) => t.name),
          task.reduce((a, t) => a + t.size, 0),
          this.#cancel,
        );
        task.forEach((t, i) => {
          const r = results[i]!;
          this.#results.set(t.name, r);
          if (r.kind === 'ok') this.#bytes += r.size;
        });
        this.#objects += task.length;
        if (!this.#stopped) this.#onProgress?.({ objects: this.#objects, bytes: this.#bytes });
      }
    };
    await Promise.all(Array.from({ length: Math.min(TASKS_IN_FLIGHT, tasks.length) }, lane));
  }
}

function objectTasks(jobs: readonly ObjectJob[], tuning: ObjectTaskTuning): ObjectJob[][] {
  const tasks: ObjectJob[][] = [];
  const share = jobs.reduce((a, j) => a + j.size, 0) / THREADS;
  // A quarter of a thread's share of the objects too, not only of the bytes: each object costs a file opened and an
  // age header unwrapped (an X25519 agreement) whatever its size, and with no bound on the count a vault of small
  // objects went to one thread in one task while the other sat idle (5,000 files of 1.2 KB: one thread did 90 %).
  const first = { files: Math.max(tuning.objectTaskFiles, Math.ceil(jobs.length / THREADS / 4)), bytes: Math.min(FIRST_TASK_MAX_BYTES, Math.max(tuning.objectTaskBytes, share / 4)) };
  let bytes = 0;
  for (const j of jobs) {
    const last = tasks.at(-1);
    const limit = tasks.length <= THREADS ? first : { files: tuning.objectTaskFiles, bytes: tuning.objectTaskBytes };
    if (!last || last.length >= limit.files || bytes + j.size > limit.bytes) {
      tasks.push([j]);
      bytes = j.size;
    } else {
      last.push(j);
      bytes += j.size;
    }
  }
  return tasks;
}
