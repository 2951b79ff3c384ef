import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ed25519KeyPairFromSeed, ed25519Sign } from '../../../../../main/archive/custody/ed25519';
import type { CryptoRequest } from '../../../../../main/archive/blobs/crypto-protocol';
import { workerEntry } from '../../../../../main/archive/workers/entry';
import { WorkerPool, type WorkerTask } from '../../../../../main/archive/workers/pool';
import type { HuellaError } from '../../../../../main/archive/errors';
import type { TestReply, TestRequest } from './pool-test-worker';

// The crypto worker, as the pool in blobs/crypto.ts starts it (this test file stands in for its caller).
const CRYPTO_WORKER = workerEntry('crypto-worker', new URL('../../../../../main/archive/blobs/crypto.ts', import.meta.url).href);

const FAILURES = { code: 'INTERNAL', outOfMemory: 'thread out of memory', crashed: 'thread crashed', stopped: 'thread stopped', timedOut: () => 'thread timed out' } as const;

const pools: WorkerPool<CryptoRequest, unknown>[] = [];
function pool(entry: URL, size: number, tasksPerThread?: number): WorkerPool<CryptoRequest, unknown> {
  const p = new WorkerPool<CryptoRequest, unknown>(entry, { size, heapMb: 64, failures: FAILURES, ...(tasksPerThread ? { tasksPerThread } : {}) });
  pools.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('WorkerPool.warm', () => {
  it('starts every thread before any task, and the tasks then run on those threads, not new ones', async () => {
    const p = pool(CRYPTO_WORKER, 2);
    expect(p.started).toBe(0);
    p.warm();
    expect(p.started).toBe(2);
    p.warm(); // already warm: no more threads
    expect(p.started).toBe(2);

    const seed = crypto.randomBytes(32);
    const { publicKey } = ed25519KeyPairFromSeed(seed);
    const messages = Array.from({ length: 4 }, (_, i) => Buffer.from(`event ${i}`));
    const signatures = messages.map((m) => ed25519Sign(seed, m));
    signatures[2] = Buffer.from(signatures[2]!.map((b, i) => (i === 0 ? b ^ 1 : b)));
    const runs = Array.from({ length: 5 }, () => p.run({ request: { type: 'verify-signatures', publicKey, messages, signatures }, timeoutMs: 60_000 }));
    for (const r of await Promise.all(runs)) expect(r).toEqual([true, true, false, true]);
    expect(p.started).toBe(2);
  });

  it('drops a warmed thread that fails to start, without an uncaught error, and a task then gets the failure', async () => {
    const p = pool(new URL('./no-such-worker.cjs', import.meta.url), 2);
    p.warm();
    expect(p.started).toBe(2);
    await until(() => p.started === 0);
    await expect(p.run({ request: { type: 'verify-signatures', publicKey: new Uint8Array(32), messages: [], signatures: [] }, timeoutMs: 60_000 })).rejects.toThrow(
      /^thread (crashed|stopped)$/,
    );
    await until(() => p.started === 0);
  });

  it('does nothing once the pool is closed', async () => {
    const p = pool(CRYPTO_WORKER, 2);
    await p.close();
    p.warm();
    expect(p.started).toBe(0);
  });
});

/** A long import's threads (issue 19: memory flat with the batch): a thread is ended after its share of tasks, and idle ones on request. */
describe('WorkerPool: fresh threads after tasksPerThread, idle threads ended', () => {
  const seed = crypto.randomBytes(32);
  const { publicKey } = ed25519KeyPairFromSeed(seed);
  const messages = [Buffer.from('event')];
  const task = { request: { type: 'verify-signatures' as const, publicKey, messages, signatures: [ed25519Sign(seed, messages[0]!)] }, timeoutMs: 60_000 };

  it('a thread runs at most tasksPerThread tasks, then a fresh one takes the next; every task gets its result', async () => {
    const p = pool(CRYPTO_WORKER, 1, 3);
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await p.run(task));
    expect(results).toEqual(Array.from({ length: 7 }, () => [true]));
    expect(p.spawned).toBe(3); // tasks 1-3, 4-6, 7
    const many = await Promise.all(Array.from({ length: 6 }, () => p.run(task)));
    expect(many).toEqual(Array.from({ length: 6 }, () => [true]));
    expect(p.spawned).toBe(5); // task 8-9 on the third thread, 10-12 on the fourth, 13 on the fifth
  });

  it('without tasksPerThread a thread is kept for every task', async () => {
    const p = pool(CRYPTO_WORKER, 1);
    for (let i = 0; i < 7; i++) await p.run(task);
    expect(p.spawned).toBe(1);
  });

  it('endIdle ends the idle threads only; a busy one finishes its task, and the next task starts a thread', async () => {
    const p = pool(CRYPTO_WORKER, 2);
    await Promise.all([p.run(task), p.run(task)]);
    expect(p.started).toBe(2);
    const busy = p.run(task);
    expect(await p.endIdle()).toBe(1);
    expect(p.started).toBe(1);
    expect(await busy).toEqual([true]);
    expect(await p.endIdle()).toBe(1);
    expect(p.started).toBe(0);
    expect(await p.run(task)).toEqual([true]);
    expect(p.started).toBe(1);
  });
});

/**
 * Tasks queued in a thread (WorkerTask.queueBehind, issue 19 item 2): a thread gets its next tasks while the main thread is
 * busy elsewhere, and the hostile-file semantics stay those of one task per thread: only the running task's time limit
 * counts, and a task that hangs, crashes or exhausts its thread fails alone, with the same error, while the tasks
 * queued behind it run on a fresh thread.
 */
describe('WorkerPool: tasks queued in a thread', () => {
  const TEST_WORKER = new URL('./pool-test-worker.ts', import.meta.url);
  const queued: WorkerPool<TestRequest, TestReply>[] = [];
  afterEach(async () => {
    await Promise.all(queued.splice(0).map((p) => p.close()));
  });
  function queuedPool(size: number, tasksPerThread?: number): WorkerPool<TestRequest, TestReply> {
    const p = new WorkerPool<TestRequest, TestReply>(TEST_WORKER, { size, heapMb: 64, failures: FAILURES, ...(tasksPerThread ? { tasksPerThread } : {}) });
    queued.push(p);
    return p;
  }
  const echo = (value: number, timeoutMs = 60_000, more: { busyMs?: number; sleepMs?: number } = {}): WorkerTask<TestRequest> => ({ request: { op: 'echo', value, ...more }, timeoutMs, queueBehind: 8 });
  const waiting = (request: TestRequest, timeoutMs: number): WorkerTask<TestRequest> => ({ request, timeoutMs, queueBehind: 8 });
  const values = (rs: readonly TestReply[]): number[] => rs.map((r) => r.value);
  /** A thread that is up (its start-up is not part of what a test times). */
  async function warmed(p: WorkerPool<TestRequest, TestReply>): Promise<number> {
    return (await p.run(echo(0))).thread;
  }

  it('a thread runs its queued tasks while the main thread is busy, one after another, in order', async () => {
    const p = queuedPool(1);
    await warmed(p);
    const runs = [1, 2, 3, 4].map((v) => p.run(echo(v, 60_000, { busyMs: 20, sleepMs: 5 })));
    const blockedUntil = Date.now() + 1500; // the main thread busy (a group's transaction): no reply is handled meanwhile
    while (Date.now() < blockedUntil);
    const rs = await Promise.all(runs);
    expect(values(rs)).toEqual([1, 2, 3, 4]);
    expect(rs.every((r) => r.maxRunning === 1)).toBe(true); // the async handler ran them one at a time
    expect(rs[3]!.startedAt).toBeLessThan(blockedUntil); // the fourth began before the main thread could post it
    expect(p.spawned).toBe(1);
  });

  it('a task that may not wait behind others is given to an idle thread only, as before', async () => {
    const p = queuedPool(1);
    await warmed(p);
    const runs = [p.run(echo(1, 60_000, { busyMs: 200 })), p.run({ request: { op: 'echo', value: 2 }, timeoutMs: 60_000 })];
    const blockedUntil = Date.now() + 1000;
    while (Date.now() < blockedUntil);
    const rs = await Promise.all(runs);
    expect(values(rs)).toEqual([1, 2]);
    expect(rs[1]!.startedAt).toBeGreaterThanOrEqual(blockedUntil); // posted only once the reply to 1 was handled
  });

  it('only the running task has its time limit running: tasks queued behind a slow one do not time out', async () => {
    const p = queuedPool(1);
    await warmed(p);
    // 8 × 400 ms of work queued in one thread, each with 2 s: a limit running for the queued ones too would end it.
    const rs = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((v) => p.run(echo(v, 2000, { busyMs: 400 }))));
    expect(values(rs)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(p.spawned).toBe(1);
  });

  it('a task that hangs fails alone with the time-limit error; the tasks behind it run on a fresh thread', async () => {
    const p = queuedPool(1);
    const first = await warmed(p);
    const runs = [p.run(echo(1)), p.run(waiting({ op: 'hang' }, 800)), p.run(echo(3)), p.run(echo(4))];
    const settled = await Promise.allSettled(runs);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'INTERNAL', message: 'thread timed out' });
    const [r1, , r3, r4] = settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
    expect([r1!.thread, r1!.value, r3!.value, r4!.value]).toEqual([first, 1, 3, 4]);
    expect(r3!.thread).not.toBe(first);
    expect(p.spawned).toBe(2);
  });

  /**
   * A 'read-into' request: the thread waits in a native read from a pipe into shared memory (`seen`), and says when it
   * is in it (`inRead`); `write` gives it its bytes and never blocks.
   */
  function nativeRead(): { readonly request: TestRequest; readonly seen: Uint8Array; inRead(): boolean; write(text: string): void; remove(): void } {
    const fifo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'huella-pool-')), 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const into = new SharedArrayBuffer(4);
    const reading = new SharedArrayBuffer(4);
    return {
      request: { op: 'read-into', fifo, into, reading },
      seen: new Uint8Array(into),
      inRead: () => Atomics.load(new Int32Array(reading), 0) === 1,
      // Non-blocking: with no reader left (the thread ended) this throws ENXIO rather than waiting for ever.
      write: (text) => {
        const fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
        try {
          fs.writeSync(fd, text);
        } finally {
          fs.closeSync(fd);
        }
      },
      remove: () => fs.rmSync(path.dirname(fifo), { recursive: true, force: true }),
    };
  }

  it('a task that overruns its time limit fails only once its thread has ended: nothing writes for it afterwards', async () => {
    const p = queuedPool(1);
    await warmed(p);
    // The thread waits in a native read into shared memory (as a crypto thread decrypting into a strip's buffer) when
    // its time runs out (1 s, ample for a thread that is up to begin the read); the bytes come 200 ms later. It can
    // end only once the read has returned, so its task must not fail before: the caller zeroes and drops the buffer
    // on that failure, and nothing may write into it after.
    const { request, seen, inRead, write, remove } = nativeRead();
    const [read, behind] = [p.run(waiting(request, 1000)), p.run(echo(2))];
    let written = false;
    const late = setTimeout(() => {
      write('late');
      written = true;
    }, 1200);
    try {
      await expect(read).rejects.toMatchObject({ code: 'INTERNAL', message: 'thread timed out' });
      expect(inRead()).toBe(true); // it was in the read when its time ran out
      expect(written).toBe(true); // failed only after the bytes came
      const atFailure = Buffer.from(seen).toString();
      await new Promise((r) => setTimeout(r, 300));
      expect(Buffer.from(seen).toString()).toBe(atFailure);
      expect(atFailure).toBe('late');
      expect((await behind).value).toBe(2); // the task behind it ran on a fresh thread, once
    } finally {
      clearTimeout(late);
      remove();
    }
  });

  it('a thread held in native code past its time limit fails its task after the grace period, not when the code returns', async () => {
    const p = new WorkerPool<TestRequest, TestReply>(TEST_WORKER, { size: 1, heapMb: 64, failures: FAILURES, endGraceMs: 200 });
    queued.push(p);
    await p.run(echo(0));
    // The thread waits in a native read until this test writes the pipe, which it does only once the task has failed.
    const { request, seen, inRead, write, remove } = nativeRead();
    try {
      await expect(p.run(waiting(request, 200))).rejects.toMatchObject({ message: 'thread timed out' });
      expect(inRead()).toBe(true);
      expect(Buffer.from(seen).toString()).toBe('\0\0\0\0'); // still in the read: it never returned
      expect((await p.run(echo(5))).value).toBe(5); // a fresh thread takes the next task
      write('free'); // the stuck thread returns from its read and ends
    } finally {
      remove();
    }
  });

  it.each([
    ['crash', 'thread crashed'],
    ['exit', 'thread stopped'],
    ['oom', 'thread out of memory'],
  ] as const)('a task that ends its thread (%s) fails alone with "%s", right after a reply from the same thread', async (op, message) => {
    const p = queuedPool(1);
    for (let round = 0; round < (op === 'oom' ? 1 : 8); round++) {
      // The reply to 1 and the thread's end come together: the failure must be the second task's, not the first's.
      const settled = await Promise.allSettled([p.run(echo(1)), p.run(waiting({ op }, 60_000)), p.run(echo(3)), p.run(echo(4))]);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'INTERNAL', message });
      expect(settled.filter((s) => s.status === 'fulfilled').map((s) => s.value.value)).toEqual([1, 3, 4]);
    }
  });

  it('a task whose bytes are transferred waits for an idle thread, unless it says what to send again in their place', async () => {
    const p = queuedPool(1);
    await warmed(p);
    const hang = p.run(waiting({ op: 'hang' }, 800));
    const data2 = new Uint8Array(500);
    const again = p.run({ request: { op: 'bytes', value: 3, data: data2 }, transfer: [data2.buffer], timeoutMs: 60_000, queueBehind: 8, again: () => echo(33) });
    const data = new Uint8Array(1000);
    const moved = p.run({ request: { op: 'bytes', value: 2, data }, transfer: [data.buffer], timeoutMs: 60_000, queueBehind: 8 });
    expect(data2.byteLength).toBe(0); // posted behind the hang: its bytes are gone from here
    expect(data.byteLength).toBe(1000); // waiting for an idle thread
    await expect(hang).rejects.toThrow('thread timed out');
    expect(await moved).toMatchObject({ value: 2, bytes: 1000 }); // its bytes arrived whole
    expect(await again).toMatchObject({ value: 33 }); // it waited behind the hang; sent again as it asked
  });

  it('closing the pool fails the running task as stopped and the tasks queued behind it as cancelled', async () => {
    const p = queuedPool(1);
    await warmed(p);
    const runs = [p.run(waiting({ op: 'hang' }, 60_000)), p.run(echo(2)), p.run(echo(3))];
    const outcomes = Promise.allSettled(runs);
    await new Promise((r) => setTimeout(r, 200));
    await p.close();
    const settled = await outcomes;
    expect(settled.map((s) => (s.status === 'rejected' ? (s.reason as HuellaError).code : 'fulfilled'))).toEqual(['INTERNAL', 'CANCELLED', 'CANCELLED']);
    expect((settled[0] as PromiseRejectedResult).reason).toMatchObject({ message: 'thread stopped' });
  });

  it('closing the pool fails a running task only once its thread has ended: nothing writes for it afterwards', async () => {
    // As on a time-out: an export cancelled while a crypto thread decrypts into a strip's buffer zeroes and drops the
    // buffer when the task fails, so the thread must be gone by then. Its native read returns 200 ms after close().
    const p = new WorkerPool<TestRequest, TestReply>(TEST_WORKER, { size: 1, heapMb: 64, failures: FAILURES, endGraceMs: 30_000 });
    queued.push(p);
    await p.run(echo(0));
    const { request, seen, inRead, write, remove } = nativeRead();
    const read = p.run(waiting(request, 60_000));
    const behind = p.run(echo(2));
    const outcomes = Promise.allSettled([read, behind]);
    let written = false;
    let late: NodeJS.Timeout | undefined;
    try {
      while (!inRead()) await new Promise((r) => setTimeout(r, 10));
      late = setTimeout(() => {
        write('late');
        written = true;
      }, 200);
      const closed = p.close();
      const [r, b] = await outcomes;
      expect(written).toBe(true); // settled only after the bytes came
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'INTERNAL', message: 'thread stopped' });
      expect((b as PromiseRejectedResult).reason).toMatchObject({ code: 'CANCELLED' });
      const atFailure = Buffer.from(seen).toString();
      expect(atFailure).toBe('late');
      await closed;
      await new Promise((res) => setTimeout(res, 300));
      expect(Buffer.from(seen).toString()).toBe(atFailure);
    } finally {
      clearTimeout(late);
      remove();
    }
  });

  it('a request that cannot be sent fails alone; the thread and the tasks around it go on', async () => {
    const p = queuedPool(1);
    await warmed(p);
    const runs = [p.run(echo(1, 60_000, { sleepMs: 100 })), p.run(waiting({ op: 'echo', value: 2, notCloneable: () => 2 } as unknown as TestRequest, 60_000)), p.run(echo(3))];
    const settled = await Promise.allSettled(runs);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ name: 'DataCloneError' });
    expect(p.spawned).toBe(1);
  });

  it('a second thread is started before a task is queued behind another', async () => {
    const p = queuedPool(2);
    const rs = await Promise.all([p.run(echo(1, 60_000, { sleepMs: 300 })), p.run(echo(2, 60_000, { sleepMs: 300 }))]);
    expect(rs[0]!.thread).not.toBe(rs[1]!.thread);
    expect(p.spawned).toBe(2);
  });

  it('idle threads, warmed and never given a task or done with theirs, do not keep the process alive', () => {
    const child = fileURLToPath(new URL('./pool-exit-child.ts', import.meta.url));
    // A generous limit: the child boots tsx and three threads (~2 s of CPU here, ~10 s at load 10 on 2 cores); one
    // kept alive by an idle thread never ends, however long it is given.
    const r = spawnSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8', timeout: 90_000 });
    expect(r.stdout.trim(), r.stderr).toBe('1,2');
    expect(r.signal).toBeNull(); // not killed by the time limit: it ended by itself
    expect(r.status).toBe(0);
  }, 120_000);

  it('a thread still ends after tasksPerThread tasks, counting those queued in it', async () => {
    const p = queuedPool(1, 3);
    const rs = await Promise.all(Array.from({ length: 7 }, (_, i) => p.run(echo(i))));
    expect(values(rs)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(new Set(rs.map((r) => r.thread)).size).toBe(3); // tasks 0-2, 3-5, 6
    expect(p.spawned).toBe(3);
  });
});
