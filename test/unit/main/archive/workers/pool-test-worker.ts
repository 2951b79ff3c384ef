import fs from 'node:fs';
import { parentPort, threadId } from 'node:worker_threads';
import { serveSerially } from '../../../../../main/archive/workers/serve';

// A worker for pool.test.ts: each request says what to do (reply, work, sleep, hang, crash, exit, exhaust memory,
// wait in a native read).
export type TestRequest =
  | { readonly op: 'echo'; readonly value: number; readonly busyMs?: number; readonly sleepMs?: number }
  | { readonly op: 'bytes'; readonly value: number; readonly data: Uint8Array }
  | { readonly op: 'hang' | 'crash' | 'exit' | 'oom' }
  // One read from the pipe `fifo` straight into `into` (shared memory): it waits in native code until the test writes.
  // `reading` is set to 1 just before the read.
  | { readonly op: 'read-into'; readonly fifo: string; readonly into: SharedArrayBuffer; readonly reading: SharedArrayBuffer };
export type TestReply = { readonly value: number; readonly thread: number; readonly maxRunning: number; readonly startedAt: number; readonly bytes?: number };

let running = 0;
let maxRunning = 0;
const hold: unknown[] = [];

function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

async function handle(req: TestRequest): Promise<void> {
  const startedAt = Date.now();
  running++;
  maxRunning = Math.max(maxRunning, running);
  try {
    if (req.op === 'hang') for (;;);
    if (req.op === 'read-into') {
      const fd = fs.openSync(req.fifo, 'r+'); // read and write: opening a pipe so does not wait for a writer
      Atomics.store(new Int32Array(req.reading), 0, 1);
      fs.readSync(fd, new Uint8Array(req.into));
      for (;;);
    }
    if (req.op === 'exit') process.exit(3);
    if (req.op === 'crash') await new Promise(() => setImmediate(() => { throw new Error('uncaught'); }));
    if (req.op === 'oom') for (;;) hold.push(new Array(1e5).fill({ x: hold.length }));
    if (req.op === 'echo') {
      if (req.busyMs) busy(req.busyMs);
      if (req.sleepMs) await new Promise((r) => setTimeout(r, req.sleepMs));
      parentPort!.postMessage({ ok: true, value: { value: req.value, thread: threadId, maxRunning, startedAt } satisfies TestReply });
    }
    if (req.op === 'bytes') parentPort!.postMessage({ ok: true, value: { value: req.value, thread: threadId, maxRunning, startedAt, bytes: req.data.byteLength } satisfies TestReply });
  } finally {
    running--;
  }
}

serveSerially(handle);
