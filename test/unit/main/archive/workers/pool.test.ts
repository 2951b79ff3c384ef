import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ed25519KeyPairFromSeed, ed25519Sign } from '../../../../../main/archive/custody/ed25519';
import type { CryptoRequest } from '../../../../../main/archive/blobs/crypto-protocol';
import { workerEntry } from '../../../../../main/archive/workers/entry';
import { WorkerPool } from '../../../../../main/archive/workers/pool';

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
