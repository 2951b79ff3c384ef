import { Worker } from 'node:worker_threads';
import { HuellaError } from '../errors';
import { workerBootstrap } from './entry';

/**
 * A small pool of worker threads for untrusted parsing (DESIGN §1 A3): each task has a time limit, and a worker
 * that overruns it is terminated and replaced, so a hostile file can hang nothing. Workers get a heap limit.
 */
/**
 * A task for a thread of the pool, and its time limit (which starts when the thread begins it, not when it is given).
 *
 * queueBehind: how many tasks may be ahead of it in a thread's own queue (default 0: it is given to an idle thread
 * only). A thread runs the tasks given to it one after another (a synchronous handler, or workers/serve.ts), so a
 * thread that finishes one goes straight on to the next, rather than waiting until this thread handles the reply
 * and posts another, which it cannot while it runs a long synchronous step (an import's group transaction, 40–80
 * ms: the threads sat idle then). A task waits in a thread only when every thread the pool may start is busy. Only
 * the running task's time limit runs; a task that hangs or ends its thread fails alone, with the same error as when
 * it runs alone, and the tasks queued behind it are sent again, first, to a fresh thread.
 *
 * again: for a task whose buffers are transferred (moved to the thread, gone from the caller's side), the task to send
 * in its place if it must be sent again (it was queued behind a task that hung or ended the thread, so it never
 * ran). Without it, such a task is given to an idle thread only, and never has to be sent again.
 */
export type WorkerTask<Req> = {
  readonly request: Req;
  readonly timeoutMs: number;
  readonly transfer?: readonly ArrayBuffer[];
  readonly queueBehind?: number;
  readonly again?: () => WorkerTask<Req>;
};

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

type Pending<Res> = { resolve: (r: Res) => void; reject: (e: unknown) => void };
type Queued<Req, Res> = { readonly task: WorkerTask<Req>; readonly pending: Pending<Res> };
/** A thread, the tasks given to it in order (the first is the one it runs), and how many it was given in all. */
type Slot<Req, Res> = { readonly worker: Worker; readonly tasks: Queued<Req, Res>[]; given: number; gone: boolean; error?: Error; timer?: NodeJS.Timeout };
type Reply<Res> = { ok: true; value: Res } | { ok: false; error: { code: string; message: string } };

export class WorkerPool<Req, Res> {
  readonly #entry: URL;
  readonly #size: number;
  readonly #heapMb: number;
  readonly #youngMb: number | undefined;
  readonly #failures: PoolFailures;
  readonly #tasksPerThread: number;
  readonly #trackUnmanagedFds: boolean;
  readonly #endGraceMs: number;
  readonly #slots: Slot<Req, Res>[] = [];
  #spawned = 0;
  readonly #queue: Queued<Req, Res>[] = [];
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
  /**
   * endGraceMs: how long a thread that overran its time limit (or is closed) is given to end before its tasks are
   * settled anyway (see #end). Default 2 s: a thread running JavaScript ends within milliseconds.
   */
  constructor(entry: URL, options: { readonly size: number; readonly heapMb?: number; readonly youngMb?: number; readonly failures?: PoolFailures; readonly tasksPerThread?: number; readonly trackUnmanagedFds?: boolean; readonly endGraceMs?: number }) {
    this.#entry = entry;
    this.#size = Math.max(1, options.size);
    this.#heapMb = options.heapMb ?? 512;
    this.#youngMb = options.youngMb;
    this.#failures = options.failures ?? PARSER_FAILURES;
    this.#tasksPerThread = options.tasksPerThread ?? Infinity;
    this.#trackUnmanagedFds = options.trackUnmanagedFds ?? true;
    this.#endGraceMs = options.endGraceMs ?? 2_000;
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
    const idle = this.#slots.filter((s) => s.tasks.length === 0);
    for (const s of idle) this.#drop(s);
    await Promise.all(idle.map((s) => s.worker.terminate()));
    return idle.length;
  }

  /**
   * Ends every thread: a running task fails as stopped, the tasks waiting (in a thread or here) as cancelled. A
   * thread's tasks are settled once it has ended (or after endGraceMs, if it is held in native code), as when one
   * times out: until then it may still write where its running task writes. Resolves when every task is settled.
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const q of this.#queue.splice(0)) q.pending.reject(new HuellaError('CANCELLED', 'Cancelled.'));
    const stopped = new HuellaError(this.#failures.code, this.#failures.stopped);
    await Promise.all([...this.#slots].map((s) => this.#end(s, stopped)));
  }

  #spawn(): Slot<Req, Res> {
    const worker = new Worker(workerBootstrap(), {
      workerData: { __entry: this.#entry.href },
      resourceLimits: { maxOldGenerationSizeMb: this.#heapMb, ...(this.#youngMb ? { maxYoungGenerationSizeMb: this.#youngMb } : {}) },
      stdout: false,
      stderr: false,
      trackUnmanagedFds: this.#trackUnmanagedFds,
    });
    const slot: Slot<Req, Res> = { worker, tasks: [], given: 0, gone: false };
    this.#spawned++;
    this.#slots.push(slot);
    // Before unref(): Node refs the thread's port again when a first 'message' listener is added.
    worker.on('message', (msg: Reply<Res>) => this.#onReply(slot, msg));
    // A thread's error is its running task's, settled when the thread has exited: Node hands on every reply the thread
    // posted before it ended first (an uncaught exception's 'error' may come before them), so the task that failed is
    // the first one left. An idle thread that fails (one warmed up whose bundle will not load, say) is dropped, not
    // left to throw in the process: the next task starts a new one and gets that thread's error.
    worker.on('error', (e: Error) => {
      slot.error ??= e;
    });
    worker.once('exit', () => this.#onExit(slot));
    worker.unref();
    return slot;
  }

  /** The thread for the next task: an idle one, a new one, or the least busy if the task may wait behind its tasks. */
  #slotFor(task: WorkerTask<Req>): Slot<Req, Res> | undefined {
    let best: Slot<Req, Res> | undefined;
    for (const s of this.#slots) {
      if (s.given < this.#tasksPerThread && (!best || s.tasks.length < best.tasks.length)) best = s;
    }
    if (best?.tasks.length === 0) return best;
    if (this.#slots.length < this.#size) return this.#spawn();
    // Transferred buffers are gone once posted: such a task waits only if it says what to send in its place.
    const behind = task.transfer?.length && !task.again ? 0 : (task.queueBehind ?? 0);
    return best && best.tasks.length <= behind ? best : undefined;
  }

  #pump(): void {
    while (!this.#closed && this.#queue.length > 0) {
      const slot = this.#slotFor(this.#queue[0]!.task);
      if (!slot) return;
      this.#post(slot, this.#queue.shift()!);
    }
  }

  #post(slot: Slot<Req, Res>, q: Queued<Req, Res>): void {
    slot.tasks.push(q);
    slot.given++;
    // A busy worker must keep the process alive (else Node exits mid-task); an idle one must not.
    slot.worker.ref();
    if (slot.tasks.length === 1) this.#startTimer(slot);
    try {
      slot.worker.postMessage(q.task.request, q.task.transfer as ArrayBuffer[] | undefined);
    } catch (e) {
      // A request that cannot be sent (not cloneable): that task fails, nothing else does.
      slot.tasks.pop();
      slot.given--;
      if (slot.tasks.length === 0) {
        clearTimeout(slot.timer);
        slot.worker.unref();
      }
      q.pending.reject(e);
    }
  }

  /** The time limit of the thread's running task (the first given to it and not answered), from now. */
  #startTimer(slot: Slot<Req, Res>): void {
    const { timeoutMs } = slot.tasks[0]!.task;
    slot.timer = setTimeout(() => this.#timedOut(slot, timeoutMs), timeoutMs);
  }

  #onReply(slot: Slot<Req, Res>, msg: Reply<Res>): void {
    if (slot.gone) return;
    const done = slot.tasks.shift();
    if (!done) return;
    clearTimeout(slot.timer);
    if (slot.tasks.length > 0) this.#startTimer(slot);
    else if (slot.given >= this.#tasksPerThread) {
      // A thread that has done its share of tasks is ended (a fresh one takes the next).
      this.#drop(slot);
      void slot.worker.terminate();
    } else slot.worker.unref();
    if (msg.ok) done.pending.resolve(msg.value);
    else done.pending.reject(new HuellaError((msg.error.code as never) ?? this.#failures.code, msg.error.message));
    this.#pump();
  }

  #onExit(slot: Slot<Req, Res>): void {
    if (slot.gone) return; // ended by the pool: its tasks are settled already
    const failures = this.#failures;
    const e = slot.error;
    const failure = !e
      ? new HuellaError(failures.code, failures.stopped)
      : new HuellaError(failures.code, /heap|memory/i.test(e.message) ? failures.outOfMemory : failures.crashed, { cause: e });
    this.#fail(slot, failure);
  }

  /**
   * The thread is ended first, and its tasks settled once it has: until then it may still write where its running
   * task writes (a shared buffer it fills, a file it was given) and start the task queued next in it, which must not
   * run twice at once. A thread held in native code cannot be stopped (terminate waits for it to return to
   * JavaScript): its tasks are settled after endGraceMs anyway, so a stuck thread still hangs nothing.
   */
  #timedOut(slot: Slot<Req, Res>, timeoutMs: number): void {
    if (slot.gone) return;
    const failures = this.#failures;
    void this.#end(slot, new HuellaError(failures.code === 'PARSER_FAILED' ? 'PARSER_TIMEOUT' : 'INTERNAL', failures.timedOut(Math.round(timeoutMs / 1000))));
  }

  /** The thread leaves the pool and is ended; its tasks are settled when it has, or after endGraceMs. */
  #end(slot: Slot<Req, Res>, failure: HuellaError): Promise<void> {
    const tasks = this.#drop(slot);
    return new Promise<void>((resolve) => {
      let settled = false;
      const settle = (): void => {
        if (settled) return; // the grace period ran out, then the thread ended after all
        settled = true;
        clearTimeout(grace);
        this.#settle(tasks, failure);
        resolve();
      };
      const grace = setTimeout(settle, this.#endGraceMs);
      slot.worker.terminate().then(settle, settle);
    });
  }

  /** The thread is replaced: its running task fails, and the tasks queued behind it go first to the next threads. */
  #fail(slot: Slot<Req, Res>, failure: HuellaError): void {
    this.#settle(this.#drop(slot), failure);
  }

  /** A gone thread's tasks: the running one fails; those behind it go first to the next threads (cancelled once closed). */
  #settle([running, ...behind]: Queued<Req, Res>[], failure: HuellaError): void {
    if (this.#closed) for (const q of behind) q.pending.reject(new HuellaError('CANCELLED', 'Cancelled.'));
    else this.#queue.unshift(...behind.map((q) => ({ task: q.task.again ? q.task.again() : q.task, pending: q.pending })));
    running?.pending.reject(failure);
    this.#pump();
  }

  /** The thread leaves the pool (no task is posted to it again, its replies are ignored); returns its tasks. */
  #drop(slot: Slot<Req, Res>): Queued<Req, Res>[] {
    slot.gone = true;
    clearTimeout(slot.timer);
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
    return slot.tasks.splice(0);
  }
}
