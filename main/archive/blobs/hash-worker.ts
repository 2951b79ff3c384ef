import crypto from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { HashRequest, HashResponse } from './hash-protocol';

// SHA-256 on the second core while the main thread encrypts (see parallel-hash.ts).
const jobs = new Map<number, crypto.Hash>();
const ACK_EVERY = 4 * 1024 * 1024;
const sinceAck = new Map<number, number>();

parentPort!.on('message', (m: HashRequest) => {
  switch (m.type) {
    case 'begin':
      jobs.set(m.id, crypto.createHash('sha256'));
      sinceAck.set(m.id, 0);
      break;
    case 'data': {
      const h = jobs.get(m.id);
      if (!h) return;
      h.update(new Uint8Array(m.chunk));
      const n = (sinceAck.get(m.id) ?? 0) + m.chunk.byteLength;
      if (n >= ACK_EVERY) {
        parentPort!.postMessage({ type: 'ack', id: m.id, bytes: n } satisfies HashResponse);
        sinceAck.set(m.id, 0);
      } else {
        sinceAck.set(m.id, n);
      }
      break;
    }
    case 'end': {
      const h = jobs.get(m.id);
      jobs.delete(m.id);
      const pendingAck = sinceAck.get(m.id) ?? 0;
      sinceAck.delete(m.id);
      if (!h) return;
      if (pendingAck > 0) parentPort!.postMessage({ type: 'ack', id: m.id, bytes: pendingAck } satisfies HashResponse);
      const digest = h.digest();
      const ab = digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength) as ArrayBuffer;
      parentPort!.postMessage({ type: 'digest', id: m.id, digest: ab } satisfies HashResponse, [ab]);
      break;
    }
    case 'abort':
      jobs.delete(m.id);
      sinceAck.delete(m.id);
      break;
  }
});
