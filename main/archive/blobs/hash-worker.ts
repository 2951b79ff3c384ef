import crypto from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { HashRequest, HashResponse } from './hash-protocol';

// SHA-256 on the second core while the main thread encrypts the same bytes (see parallel-hash.ts).
type Job = { readonly hash: crypto.Hash; readonly ring: SharedArrayBuffer; readonly slotBytes: number };
const jobs = new Map<number, Job>();

parentPort!.on('message', (m: HashRequest) => {
  switch (m.type) {
    case 'begin':
      jobs.set(m.id, { hash: crypto.createHash('sha256'), ring: m.ring, slotBytes: m.slotBytes });
      break;
    case 'data': {
      const job = jobs.get(m.id);
      if (!job) return;
      job.hash.update(new Uint8Array(job.ring, m.slot * job.slotBytes, m.length));
      parentPort!.postMessage({ type: 'released', id: m.id, slot: m.slot } satisfies HashResponse);
      break;
    }
    case 'end': {
      const job = jobs.get(m.id);
      jobs.delete(m.id);
      if (!job) return;
      const digest = job.hash.digest();
      const ab = digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength) as ArrayBuffer;
      parentPort!.postMessage({ type: 'digest', id: m.id, digest: ab } satisfies HashResponse, [ab]);
      break;
    }
    case 'abort':
      jobs.delete(m.id);
      break;
  }
});
