import { WorkerPool } from '../../../../../main/archive/workers/pool';
import type { TestReply, TestRequest } from './pool-test-worker';

// Run by pool.test.ts in a process of its own: three threads warmed, two tasks (one thread never has one), then
// nothing. The process must end by itself: idle threads do not keep it alive.
const p = new WorkerPool<TestRequest, TestReply>(new URL('./pool-test-worker.ts', import.meta.url), { size: 3 });
p.warm();
const tasks = [1, 2].map((value) => p.run({ request: { op: 'echo', value }, timeoutMs: 60_000, queueBehind: 2 }));
console.log((await Promise.all(tasks)).map((r) => r.value).join());
