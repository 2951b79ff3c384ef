import { parentPort } from 'node:worker_threads';

/**
 * A worker's tasks run one after another, in the order they came, for a handler that is asynchronous (a synchronous
 * one runs them so already). The pool may give a thread several tasks at once (WorkerTask.queueBehind) and runs
 * the time limit of the first only; the others wait here, not started, so a task that hangs or crashes the thread is
 * the one the pool fails, and the tasks behind it are sent again to a fresh thread. `handle` replies itself (the
 * pool's protocol: { ok, value } or { ok: false, error }) and should not reject; if it does, the next task still runs.
 */
export function serveSerially<Req>(handle: (req: Req) => Promise<void>): void {
  let last: Promise<void> = Promise.resolve();
  parentPort!.on('message', (req: Req) => {
    last = last.then(() => handle(req)).catch(() => undefined);
  });
}
