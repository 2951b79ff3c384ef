import crypto from 'node:crypto';
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { AGE_CHUNK_SIZE, AgeDecryptor } from './age';
import { PayloadCipher } from './age-payload';
import { ed25519Verify, ed25519VerifyOwn } from '../custody/ed25519';
import { HuellaError, fromSystemError } from '../errors';
import { writevFullySync } from '../fs/writev';
import { collectYoungGarbage } from './young-garbage';
import type { CryptoRequest, HashObjectsRequest, ObjectHash, SealSlotRequest, VerifySignaturesRequest } from './crypto-protocol';

// A crypto worker thread (blobs/crypto.ts starts one per core). Tasks are plain loops over reused buffers: no
// streams, no per-chunk promises. Replies follow the worker pool's protocol: { ok, value } or { ok: false, error }.

const READ_BYTES = 1024 * 1024;
// Two read buffers, alternated: the decryptor keeps a reference to the unconsumed tail of the previous one.
const readBuffers = [Buffer.allocUnsafe(READ_BYTES), Buffer.allocUnsafe(READ_BYTES)];

/** Thrown between two reads once the caller's cancel flag is set (HashObjectsRequest.cancel). */
function throwIfCancelled(cancel: Int32Array | undefined): void {
  if (cancel && Atomics.load(cancel, 0) !== 0) throw new HuellaError('CANCELLED', 'Cancelled.');
}

function hashObject(file: string, identity: Uint8Array, cancel: Int32Array | undefined): ObjectHash {
  throwIfCancelled(cancel);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    return (e as { code?: string }).code === 'ENOENT' ? { kind: 'missing' } : { kind: 'error', message: fromSystemError(e, 'reading an encrypted object').message };
  }
  const decryptor = new AgeDecryptor([identity]);
  const hash = crypto.createHash('sha256');
  let size = 0;
  const plain: Buffer[] = [];
  const take = (): void => {
    for (const p of plain) {
      hash.update(p);
      size += p.length;
      p.fill(0);
    }
    plain.length = 0;
  };
  try {
    for (let turn = 0; ; turn ^= 1) {
      throwIfCancelled(cancel);
      const buf = readBuffers[turn]!;
      const n = fs.readSync(fd, buf, 0, READ_BYTES, null);
      if (n === 0) break;
      decryptor.update(buf.subarray(0, n), plain);
      take();
    }
    decryptor.final(plain);
    take();
    return { kind: 'ok', sha256: hash.digest('hex'), size };
  } catch (e) {
    decryptor.destroy();
    for (const p of plain) p.fill(0);
    if (e instanceof HuellaError && e.code === 'CANCELLED') throw e;
    return { kind: 'error', message: e instanceof HuellaError ? e.message : 'unreadable' };
  } finally {
    fs.closeSync(fd);
  }
}

function hashObjects(req: HashObjectsRequest): ObjectHash[] {
  try {
    const cancel = req.cancel ? new Int32Array(req.cancel) : undefined;
    return req.files.map((f) => hashObject(f, req.identity, cancel));
  } finally {
    req.identity.fill(0);
  }
}

function sealSlot(req: SealSlotRequest): { written: number } {
  const cipher = new PayloadCipher(Buffer.from(req.key), req.firstChunk);
  req.key.fill(0);
  try {
    const data = Buffer.from(req.ring, req.offset, req.length);
    const parts: Buffer[] = [];
    const chunks = Math.max(1, Math.ceil(req.length / AGE_CHUNK_SIZE));
    for (let i = 0; i < chunks; i++) {
      parts.push(...cipher.seal(data.subarray(i * AGE_CHUNK_SIZE, (i + 1) * AGE_CHUNK_SIZE), req.last && i === chunks - 1));
    }
    const written = writevFullySync(req.fd, parts, req.position);
    parts.length = 0;
    collectYoungGarbage(); // the slot's sealed chunks are garbage now: see young-garbage.ts
    return { written };
  } catch (e) {
    throw fromSystemError(e, 'writing an encrypted object');
  } finally {
    cipher.destroy();
  }
}

function verifySignatures(req: VerifySignaturesRequest): boolean[] {
  if (!req.seed) return req.messages.map((m, i) => ed25519Verify(req.publicKey, m, req.signatures[i]!));
  try {
    return ed25519VerifyOwn(req.seed, req.publicKey, req.messages, req.signatures);
  } finally {
    req.seed.fill(0);
  }
}

parentPort!.on('message', (req: CryptoRequest) => {
  try {
    const value = req.type === 'hash-objects' ? hashObjects(req) : req.type === 'seal-slot' ? sealSlot(req) : verifySignatures(req);
    parentPort!.postMessage({ ok: true, value });
  } catch (e) {
    const err = e instanceof HuellaError ? e : new HuellaError('INTERNAL', 'A crypto worker failed.');
    parentPort!.postMessage({ ok: false, error: { code: err.code, message: err.message } });
  }
});
