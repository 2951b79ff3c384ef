import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CiphertextRing, LARGE_FILE_RING, createCiphertextMemory, type RingShape } from '../../../../../main/archive/blobs/ciphertext-ring';
import { HuellaError } from '../../../../../main/archive/errors';
import { DIRECT_ALIGN, alignedSharedMemory, openDirect } from '../../../../../main/archive/fs/direct-io';
import { tempDir } from '../../../../helpers/tmp';

/**
 * The ciphertext ring (large-file ingest): ranges sealed out of order come out as one file, byte for byte, whatever
 * the file's length against the ring, the write size and the direct-I/O block; writes go direct where the file
 * system allows it (else through the page cache, same bytes); a write error is the file's error.
 */
const root = tempDir('huella-ring-');
const KiB = 1024;
const SHAPE: RingShape = { ringBytes: 64 * KiB, writeBytes: 16 * KiB, inFlight: 2 };

/** Whether direct writes work where the tests' temporary files are (ext4 here: yes; tmpfs before Linux 6.6: no). */
const directHere = await (async (): Promise<boolean> => {
  const probe = path.join(root, 'probe');
  fs.writeFileSync(probe, '');
  const h = await openDirect(probe);
  await h?.close();
  return h !== undefined;
})();

type Target = { file: string; out: fsp.FileHandle; direct: fsp.FileHandle | undefined };

async function target(useDirect: boolean): Promise<Target> {
  const file = path.join(root, `out-${crypto.randomBytes(4).toString('hex')}`);
  const out = await fsp.open(file, 'wx', 0o600);
  return { file, out, direct: useDirect ? await openDirect(file) : undefined };
}

async function close(t: Target): Promise<void> {
  await t.direct?.close();
  await t.out.close();
}

/** Seals `data` into the ring in ranges of `piece` bytes, in a shuffled order within each window of `window` ranges. */
async function writeThrough(ring: CiphertextRing, data: Buffer, piece: number, window: number): Promise<void> {
  const ranges: [number, number][] = [];
  for (let at = 0; at < data.length; at += piece) ranges.push([at, Math.min(data.length, at + piece)]);
  for (let w = 0; w < ranges.length; w += window) {
    const batch = ranges.slice(w, w + window).reverse(); // the later range first
    for (const [start, end] of batch) {
      await ring.room(end);
      ring.put(start, data.subarray(start, end));
    }
  }
  await ring.finish(data.length);
}

describe('CiphertextRing', () => {
  // Shorter than a block, exactly one write, a ragged tail, exactly the ring, and several times round the ring with
  // a tail that is not a whole block.
  const lengths = [0, 100, 16 * KiB, 16 * KiB + 1, 64 * KiB, 5 * 64 * KiB + 3 * DIRECT_ALIGN + 77];
  for (const useDirect of [true, false]) {
    it.each(lengths)(`${useDirect ? 'direct' : 'buffered'}: %i bytes sealed out of order are written in order`, async (length) => {
      const data = crypto.randomBytes(length);
      const t = await target(useDirect);
      try {
        const ring = new CiphertextRing(createCiphertextMemory(SHAPE), SHAPE, t.out, t.direct);
        await writeThrough(ring, data, 5000, 3); // ranges that cross block, write and ring boundaries
        expect(ring.direct).toBe(useDirect && directHere);
      } finally {
        await close(t);
      }
      expect(fs.readFileSync(t.file).equals(data)).toBe(true);
    });
  }

  it('direct I/O works from the aligned memory here (so the ring stays direct for a whole file)', async () => {
    if (!directHere) return; // a temporary folder on tmpfs: nothing to check
    const memory = alignedSharedMemory(2 * DIRECT_ALIGN);
    new Uint8Array(memory).fill(7);
    const t = await target(true);
    try {
      // A misaligned buffer is refused with EINVAL: the write below would throw.
      const { bytesWritten } = await t.direct!.write(Buffer.from(memory, DIRECT_ALIGN, DIRECT_ALIGN), 0, DIRECT_ALIGN, 0);
      expect(bytesWritten).toBe(DIRECT_ALIGN);
    } finally {
      await close(t);
    }
  });

  it('a direct write refused with EINVAL (opened, but not supported) is written through the page cache instead', async () => {
    const data = crypto.randomBytes(3 * 64 * KiB + 5);
    const t = await target(false);
    const refusing = { write: () => Promise.reject(Object.assign(new Error('EINVAL: invalid argument, write'), { code: 'EINVAL' })) } as unknown as fsp.FileHandle;
    try {
      const ring = new CiphertextRing(createCiphertextMemory(SHAPE), SHAPE, t.out, refusing);
      await writeThrough(ring, data, 5000, 3);
      expect(ring.direct).toBe(false);
    } finally {
      await close(t);
    }
    expect(fs.readFileSync(t.file).equals(data)).toBe(true);
  });

  it('a short direct write: the rest goes through the ordinary handle', async () => {
    const data = crypto.randomBytes(2 * 64 * KiB);
    const t = await target(false);
    const short = { write: (b: Buffer, o: number, n: number, p: number) => t.out.write(b, o, Math.min(n, DIRECT_ALIGN), p) } as unknown as fsp.FileHandle;
    try {
      await writeThrough(new CiphertextRing(createCiphertextMemory(SHAPE), SHAPE, t.out, short), data, 5000, 3);
    } finally {
      await close(t);
    }
    expect(fs.readFileSync(t.file).equals(data)).toBe(true);
  });

  it('room() waits until the bytes it would overwrite are written', async () => {
    const t = await target(false);
    const writes: { resolve(): void; args: [Buffer, number, number, number] }[] = [];
    const held = {
      write: (b: Buffer, o: number, n: number, p: number) => new Promise((resolve) => writes.push({ resolve: () => resolve({ bytesWritten: n }), args: [b, o, n, p] })),
    } as unknown as fsp.FileHandle;
    try {
      const ring = new CiphertextRing(createCiphertextMemory(SHAPE), SHAPE, t.out, held);
      ring.put(0, crypto.randomBytes(SHAPE.ringBytes)); // the whole ring: two writes issued, two waiting
      expect(writes).toHaveLength(2);
      let roomy = false;
      const waiting = ring.room(SHAPE.ringBytes + 1).then(() => (roomy = true));
      await new Promise((r) => setImmediate(r));
      expect(roomy).toBe(false);
      writes[1]!.resolve(); // the second write done first: the first 16 KiB are still needed
      await new Promise((r) => setImmediate(r));
      expect(roomy).toBe(false);
      writes[0]!.resolve();
      await waiting;
      expect(roomy).toBe(true);
      for (const w of writes.slice(2)) w.resolve();
      await ring.settle();
    } finally {
      await close(t);
    }
  });

  it('large files: four 4 MiB writes at the disk at once, and room for 16 MiB of slots being sealed meanwhile', async () => {
    // The disk is the floor of a large ingest: a ring that only kept two writes in flight left it idle whenever a
    // sealing thread lost its core (ciphertext-ring.ts, LARGE_FILE_RING). Peak memory stays bounded (issue 19).
    const MiB = 1024 * 1024;
    expect(LARGE_FILE_RING.writeBytes).toBe(4 * MiB); // the largest request the disk queue takes here
    expect(LARGE_FILE_RING.ringBytes).toBeLessThanOrEqual(32 * MiB);
    const t = await target(false);
    const writes: { resolve(): void; start: number; length: number }[] = [];
    const held = {
      write: (_b: Buffer, _o: number, n: number, p: number) => new Promise((resolve) => writes.push({ resolve: () => resolve({ bytesWritten: n }), start: p, length: n })),
    } as unknown as fsp.FileHandle;
    try {
      const ring = new CiphertextRing(createCiphertextMemory(LARGE_FILE_RING), LARGE_FILE_RING, t.out, held);
      const slot = MiB + 16 * 32; // a 1 MiB slot of plaintext, sealed: 16 chunks of 64 KiB, each with its 16-byte tag
      let sealed = 0;
      // Slots are sealed while the ring has room for them; the disk answers nothing yet.
      for (;;) {
        let roomy = false;
        const waiting = ring.room(sealed + slot).then(() => (roomy = true));
        await new Promise((r) => setImmediate(r));
        if (!roomy) break;
        await waiting;
        ring.put(sealed, crypto.randomBytes(slot));
        sealed += slot;
      }
      expect(writes.map((w) => [w.start, w.length])).toEqual([0, 1, 2, 3].map((k) => [k * 4 * MiB, 4 * MiB]));
      expect(sealed).toBeGreaterThanOrEqual(LARGE_FILE_RING.ringBytes - slot); // the whole ring was sealed into
      writes[0]!.resolve(); // the oldest write done: its 4 MiB take new slots, and the next write is issued
      await new Promise((r) => setImmediate(r));
      await ring.room(sealed + slot);
      expect(writes).toHaveLength(5);
      for (const w of writes) w.resolve();
      ring.fail(new HuellaError('INTERNAL', 'test over'));
      await ring.settle();
    } finally {
      await close(t);
    }
  });

  it('a failed write is the file error: room() and finish() throw it, settle() waits for the writes', async () => {
    const t = await target(false);
    const full = { write: () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })) } as unknown as fsp.FileHandle;
    try {
      const ring = new CiphertextRing(createCiphertextMemory(SHAPE), SHAPE, t.out, full);
      ring.put(0, crypto.randomBytes(SHAPE.ringBytes));
      await expect(ring.room(2 * SHAPE.ringBytes)).rejects.toMatchObject({ code: 'ENOSPC' });
      await expect(ring.finish(SHAPE.ringBytes)).rejects.toMatchObject({ code: 'ENOSPC' });
      await ring.settle();
    } finally {
      await close(t);
    }
  });

  it('a range that will never come (its slot failed to seal): fail() ends a wait in room() with that error', async () => {
    const t = await target(false);
    try {
      const ring = new CiphertextRing(createCiphertextMemory(SHAPE), SHAPE, t.out, undefined);
      ring.put(SHAPE.writeBytes, crypto.randomBytes(SHAPE.ringBytes - SHAPE.writeBytes)); // the first range is missing
      const waiting = ring.room(SHAPE.ringBytes + 1);
      ring.fail(new HuellaError('INTERNAL', 'A crypto worker crashed.'));
      await expect(waiting).rejects.toThrow('A crypto worker crashed.');
      await ring.settle();
    } finally {
      await close(t);
    }
  });

  it('refuses a shape whose writes do not divide the ring or are not whole blocks', () => {
    const memory = createCiphertextMemory(SHAPE);
    const out = {} as fsp.FileHandle;
    expect(() => new CiphertextRing(memory, { ...SHAPE, writeBytes: 24 * KiB }, out, undefined)).toThrow(HuellaError);
    expect(() => new CiphertextRing(memory, { ...SHAPE, writeBytes: 1000 }, out, undefined)).toThrow(HuellaError);
  });
});
