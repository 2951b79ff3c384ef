import { Worker } from 'node:worker_threads';
import { HuellaError } from '../errors';
import { workerBootstrap } from './entry';

/**
 * A small pool of worker threads for untrusted parsing (DESIGN §1 A3): each task has a time limit, and a worker
 * that overruns it is terminated and replaced, so a hostile file can hang nothing. Workers get a heap limit.
 */
export type WorkerTask<Req> = { readonly request: Req; readonly timeoutMs: number; readonly transfer?: readonly ArrayBuffer[] };

/** What a failed task is reported as (the defaults speak of parsing a file, the pool's first use). */
export type PoolFailures = {
  readonly code: 'PARSER_FAILED' | 'INTERNAL';
  readonly outOfMemory: string;
  readonly crashed: string;
  readonly stopped: string;
  readonly timedOut: (seconds: number) => string;
};

const PARSER_FAILURES: PoolFailures = {
  code: 'PARSER_FAILED',
  outOfMemory: 'The file needed too much memory to parse.',
  crashed: 'The parser crashed on this file.',
  stopped: 'The parser stopped unexpectedly on this file.',
  timedOut: (s) => `Reading this file's metadata took longer than ${s} s and was stopped.`,
};

type Slot = { worker: Worker; busy: boolean; tasks: number };
type Pending<Res> = { resolve: (r: Res) => void; reject: (e: unknown) => void };

export class WorkerPool<Req, Res> {
  readonly #entry: URL;
  readonly #size: number;
  readonly #heapMb: number;
  readonly #youngMb: number | undefined;
  readonly #failures: PoolFailures;
  readonly #tasksPerThread: number;
  readonly #trackUnmanagedFds: boolean;
  readonly #slots: Slot[] = [];
  #spawned = 0;
  readonly #queue: { task: WorkerTask<Req>; pending: Pending<Res> }[] = [];
  #closed = false;

  /**
   * tasksPerThread: a thread that has run this many tasks is ended when it finishes its last one, and the next task
   * starts a fresh thread. The parser threads retained ~6 KB of their heap per file parsed (19 -> 50 MB over 5,000
   * photos' metadata, after a full collection: measured with a probe in the worker, cause not found in our code or
   * exifr's), so a long import's memory grew with its size; a fresh thread every so often keeps it flat whatever the
   * cause, including a native library's. Default: never.
   */
  /**
   * trackUnmanagedFds: false for threads that hand descriptors they open to the caller (a crypto worker's .part file,
   * flushed and closed by the main thread): Node would otherwise close them when the thread ends, and warns when a
   * number the main thread closed is opened again by the thread. Default true (Node's).
   */
  constructor(entry: URL, options: { readonly size: number; readonly heapMb?: number; readonly youngMb?: number; readonly failures?: PoolFailures; readonly tasksPerThread?: number; readonly trackUnmanagedFds?: boolean }) {
    this.#entry = entry;
    this.#size = Math.max(1, options.size);
    this.#heapMb = options.heapMb ?? 512;
    this.#youngMb = options.youngMb;
    this.#failures = options.failures ?? PARSER_FAILURES;
    this.#tasksPerThread = options.tasksPerThread ?? Infinity;
    this.#trackUnmanagedFds = options.trackUnmanagedFds ?? true;
  }

  get size(): number {
    return this.#size;
  }

  /** Threads started since the pool was made (ended ones included). */
  get spawned(): number {
    return this.#spawned;
  }

  /** Threads started and not yet gone (busy or idle). */
  get started(): number {
    return this.#slots.length;
  }

  /**
   * Starts every thread now, idle, so their start-up (~0.15 s of CPU each: Node's own bootstrap, then the worker's
   * bundle) runs on the other cores while the caller does its own serial work, rather than delaying the first tasks.
   */
  warm(): void {
    if (this.#closed) return;
    while (this.#slots.length < this.#size) this.#spawn();
  }

  run(task: WorkerTask<Req>): Promise<Res> {
    if (this.#closed) return Promise.reject(new HuellaError('INTERNAL', 'worker pool is closed'));
    return new Promise<Res>((resolve, reject) => {
      this.#queue.push({ task, pending: { resolve, reject } });
      this.#pump();
    });
  }

  /**
   * Ends the threads that are idle now (busy ones go on; a later task starts a new thread): what a thread holds (its
   * heap, its image library's memory) is given back when a phase of work ends. Returns how many were ended.
   */
  async endIdle(): Promise<number> {
    const idle = this.#slots.filter((s) => !s.busy);
    for (const s of idle) this.#slots.splice(this.#slots.indexOf(s), 1);
    await Promise.all(idle.map((s) => s.worker.terminate()));
    return idle.length;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
    for (const q of this.#queue.splice(0)) q.pending.reject(new HuellaError('CANCELLED', 'Cancelled.'));
  }

  #spawn(): Slot {
    const worker = new Worker(workerBootstrap(), {
      workerData: { __entry: this.#entry.href },
      resourceLimits: { maxOldGenerationSizeMb: this.#heapMb, ...(this.#youngMb ? { maxYoungGenerationSizeMb: this.#youngMb } : {}) },
      stdout: false,
      stderr: false,
      trackUnmanagedFds: this.#trackUnmanagedFds,
    });
    worker.unref();
    const slot: Slot = { worker, busy: false, tasks: 0 };
    this.#spawned++;
    this.#slots.push(slot);
    // An idle thread that fails (one warmed up whose bundle will not load, say) is dropped, not left to throw in the
    // process: the next task starts a new one and gets that thread's error. A busy one's failure is its task's.
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      const i = this.#slots.indexOf(slot);
      if (i >= 0 && !slot.busy) this.#slots.splice(i, 1);
    });
    return slot;
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      let slot = this.#slots.find((s) => !s.busy);
      if (!slot) {
        if (this.#slots.length >= this.#size) return;
        slot = this.#spawn();
      }
      const next = this.#queue.shift()!;
      this.#dispatch(slot, next.task, next.pending);
    }
  }

  #dispatch(slot: Slot, task: WorkerTask<Req>, pending: Pending<Res>): void {
    slot.busy = true;
    const { worker } = slot;
    worker.ref();
    let settled = false;
    const finish = (fn: () => void, replace: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      // A thread that failed is replaced; one that has done its share of tasks is ended too (a fresh one next).
      if (replace || ++slot.tasks >= this.#tasksPerThread) {
        const i = this.#slots.indexOf(slot);
        if (i >= 0) this.#slots.splice(i, 1);
        void worker.terminate();
      } else {
        slot.busy = false;
        // An idle worker must not keep the process alive; a busy one must (else Node exits mid-task).
        worker.unref();
      }
      fn();
      this.#pump();
    };
    const onMessage = (msg: { ok: true; value: Res } | { ok: false; error: { code: string; message: string } }): void => {
      if (msg.ok) finish(() => pending.resolve(msg.value), false);
      else finish(() => pending.reject(new HuellaError((msg.error.code as never) ?? failures.code, msg.error.message)), false);
    };
    const failures = this.#failures;
    const onError = (e: Error): void => {
      const oom = /heap|memory/i.test(e.message);
      finish(() => pending.reject(new HuellaError(failures.code, oom ? failures.outOfMemory : failures.crashed, { cause: e })), true);
    };
    const onExit = (): void => finish(() => pending.reject(new HuellaError(failures.code, failures.stopped)), true);
    const timer = setTimeout(() => {
      finish(() => pending.reject(new HuellaError(failures.code === 'PARSER_FAILED' ? 'PARSER_TIMEOUT' : 'INTERNAL', failures.timedOut(Math.round(task.timeoutMs / 1000)))), true);
    }, task.timeoutMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(task.request, task.transfer as ArrayBuffer[] | undefined);
  }
}
