// Streaming behaviour: however the bytes are cut into pieces, the output is a well-formed age file that the
// reference CLI reads, decryption gives back the same bytes, and 1 GiB passes through in bounded memory.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGE_CHUNK_SIZE, createAgeDecryptStream, createAgeEncryptStream } from '../../../../../main/archive/blobs/age';
import { findAgeHeaderEnd } from '../../../../../main/archive/blobs/age-header';
import { encodeAgeIdentity, generateX25519Secret, x25519PublicFromSecret } from '../../../../../main/archive/blobs/age-keys';
import { decryptPieces, encryptPieces } from './age-helpers';

const secret = generateX25519Secret();
const recipient = x25519PublicFromSecret(secret);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huella-age-stream-'));
  fs.writeFileSync(path.join(dir, 'identity.txt'), `${encodeAgeIdentity(secret)}\n`, { mode: 0o600 });
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Deterministic bytes from a seed, so a failing fast-check case can be replayed. */
function bytesFromSeed(seed: number, size: number): Buffer {
  const key = crypto.createHash('sha256').update(`seed ${seed}`).digest();
  return crypto.createCipheriv('chacha20', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

const sizeArb = fc.oneof(
  fc.constantFrom(0, 1, AGE_CHUNK_SIZE - 1, AGE_CHUNK_SIZE, AGE_CHUNK_SIZE + 1, 2 * AGE_CHUNK_SIZE, 2 * AGE_CHUNK_SIZE + 1),
  fc.integer({ min: 0, max: 4 * AGE_CHUNK_SIZE + 100 }),
);
const piecesArb = fc.array(fc.oneof(fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 3 * AGE_CHUNK_SIZE })), {
  minLength: 1,
  maxLength: 12,
});

describe('age streams: arbitrary piece boundaries', () => {
  it('encryption gives a well-formed file the age CLI decrypts, whatever the input pieces', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), sizeArb, piecesArb, async (seed, size, pieces) => {
        const plain = bytesFromSeed(seed, size);
        const file = await encryptPieces(plain, [recipient], pieces);
        // Same structure as a one-piece encryption: header, nonce, full chunks, one final chunk (16-byte tags).
        const chunks = Math.max(1, Math.ceil(size / AGE_CHUNK_SIZE));
        expect(file.length).toBe(findAgeHeaderEnd(file) + 16 + size + 16 * chunks);
        const enc = path.join(dir, 'prop.age');
        fs.writeFileSync(enc, file);
        const r = spawnSync('age', ['-d', '-i', path.join(dir, 'identity.txt'), enc], { maxBuffer: 16 * 1024 * 1024 });
        expect(r.status, r.stderr?.toString()).toBe(0);
        expect(r.stdout.equals(plain)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('decryption gives the same bytes whatever the input pieces', async () => {
    const files = new Map<number, { plain: Buffer; file: Buffer }>();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 7 }), sizeArb, piecesArb, async (seed, size, pieces) => {
        const key = seed * 1_000_000 + size;
        if (!files.has(key)) {
          const plain = bytesFromSeed(seed, size);
          files.set(key, { plain, file: await encryptPieces(plain, [recipient], plain.length || 1) });
        }
        const { plain, file } = files.get(key)!;
        const { output, error } = await decryptPieces(file, [secret], pieces);
        expect(error).toBeUndefined();
        expect(output.equals(plain)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('age streams: memory', () => {
  it('encrypts and decrypts 1 GiB through the streams with RSS growth under 100 MB', { timeout: 300_000 }, async () => {
    const total = 1024 * 1024 * 1024;
    const pieceSize = 1024 * 1024;
    // Generated as it is consumed, never held: a block of random bytes with a changing counter in each piece.
    const block = crypto.randomBytes(pieceSize);
    async function* source(): AsyncGenerator<Buffer> {
      for (let i = 0; i < total / pieceSize; i++) {
        const piece = Buffer.from(block);
        piece.writeUInt32BE(i, (i * 4099) % (pieceSize - 4));
        yield piece;
      }
    }
    const inHash = crypto.createHash('sha256');
    const outHash = crypto.createHash('sha256');
    let outBytes = 0;
    const tap = async function* (input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
      for await (const piece of input) {
        inHash.update(piece);
        yield piece;
      }
    };
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        outHash.update(chunk);
        outBytes += chunk.length;
        cb();
      },
    });

    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    try {
      await pipeline(Readable.from(source()), tap, createAgeEncryptStream([recipient]), createAgeDecryptStream([secret]), sink);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(outBytes).toBe(total);
    expect(outHash.digest('hex')).toBe(inHash.digest('hex'));
    expect(peak - baseline, `RSS growth ${((peak - baseline) / 1e6).toFixed(1)} MB`).toBeLessThan(100 * 1024 * 1024);
  });
});
