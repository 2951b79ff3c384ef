import crypto from 'node:crypto';
import fs from 'node:fs';
import { AgeDecryptor } from './age';
import { x25519Identity, type X25519Identity } from './age-keys';
import { HuellaError, fromSystemError } from '../errors';
import { collectYoungGarbage, keepFreedMemoryMapped } from './young-garbage';
import type { HashObjectsRequest, ObjectHash } from './crypto-protocol';

/**
 * Verify's work on a crypto worker (blobs/crypto-worker.ts): each age file decrypted and its plaintext hashed, in a
 * plain loop over reused read buffers; no plaintext leaves the thread.
 */

const READ_BYTES = 1024 * 1024;
// Two read buffers, alternated: the decryptor keeps a reference to the unconsumed tail of the previous one.
const readBuffers = [Buffer.allocUnsafe(READ_BYTES), Buffer.allocUnsafe(READ_BYTES)];

/**
 * A minor collection after every this many plaintext bytes (between two objects). Node's AEAD has no output-buffer
 * API: every 64 KiB chunk opened is a fresh buffer outside the JS heap, garbage once hashed, with a tiny JS handle,
 * so V8 frees them late (young-garbage.ts). `huella verify` of 5,024 objects (1.19 GB, built CLI, load 17–19, two
 * runs each): peak RSS 180–184 MB without, 150 MB with 1 MiB, 153 MB with 2 MiB, 158–160 MB with 4 MiB, no change
 * with 16 MiB; CPU time within the noise (the collection frees the buffers while they are still mapped, so glibc
 * reuses them instead of faulting in new pages).
 */
const COLLECT_EVERY_BYTES = 2 * 1024 * 1024;
let plainSinceCollection = 0;

/** Thrown between two reads once the caller's cancel flag is set (HashObjectsRequest.cancel). */
function throwIfCancelled(cancel: Int32Array | undefined): void {
  if (cancel && Atomics.load(cancel, 0) !== 0) throw new HuellaError('CANCELLED', 'Cancelled.');
}

function hashObject(file: string, identity: X25519Identity, cancel: Int32Array | undefined): ObjectHash {
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
    plainSinceCollection += size;
    fs.closeSync(fd);
  }
}

/**
 * A hash-objects task: each file's outcome, in order; the identity copy is zeroed at the end.
 *
 * keepFreedMemoryMapped: the opened chunks (fresh 64 KiB buffers, above) are freed together by the collections
 * below, and with glibc's initial trim threshold each collection handed that memory back to the kernel, so the next
 * objects' chunks faulted every page in again (young-garbage.ts). This task's loop alone, in one thread, over 5,000
 * age files of the verify bench's photos (1.19 GB), load 7–9: 2.78–3.43 s of CPU and 34,000–60,000 page faults
 * before, 2.46–2.87 s and 15,000–19,000 after (3 and 7 runs). In a whole `huella verify` it is often raised already,
 * by chance (a large buffer freed by any thread raises it: young-garbage.ts); this makes it certain. `huella verify`
 * of those 5,024 objects, 9 alternated pairs at load 2.7–4.7: page faults 24,000–32,500 before, 22,800–23,400 after;
 * CPU median 5.73 → 5.29 s (lower in 8 pairs of 9), wall median 5.46 → 5.02 s.
 */
export function hashObjects(req: HashObjectsRequest): ObjectHash[] {
  keepFreedMemoryMapped();
  try {
    const cancel = req.cancel ? new Int32Array(req.cancel) : undefined;
    const identity = x25519Identity(req.identity); // once per task, not per object
    return req.files.map((f) => {
      const r = hashObject(f, identity, cancel);
      if (plainSinceCollection >= COLLECT_EVERY_BYTES) {
        plainSinceCollection = 0;
        collectYoungGarbage(); // the plaintext chunks of the objects just hashed are garbage now
      }
      return r;
    });
  } finally {
    req.identity.fill(0);
  }
}
