import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../../../../main/archive/formats/byte-reader';
import { FileSink } from '../../../../../main/archive/formats/byte-sink';
import { tempDir } from '../../../../helpers/tmp';

const dir = tempDir('huella-byte-reader-');
const MiB = 1 << 20;

/** Reads `file` through fromFileReusing, running `use`; checks the refill hook ran before each refill. */
async function withReusing<T>(file: string, use: (r: ByteReader) => Promise<T>): Promise<{ value: T; refills: number }> {
  const fh = await fsp.open(file, 'r');
  let refills = 0;
  const r = ByteReader.fromFileReusing(fh, {
    flush: () => {
      refills++;
      return Promise.resolve();
    },
    holds: () => false,
  });
  try {
    return { value: await use(r), refills };
  } finally {
    await r.close();
    await fh.close();
  }
}

describe('ByteReader.fromFileReusing (two read buffers used in turn)', () => {
  const data = crypto.randomBytes(3 * MiB + 12_345);
  const file = path.join(dir, 'data.bin');
  fs.writeFileSync(file, data);

  it('what readExact, readUpTo and peek return stays intact after the buffers are read into again', async () => {
    const { value: kept, refills } = await withReusing(file, async (r) => {
      const got: { at: number; bytes: Buffer }[] = [];
      // Reads inside one buffer (a view would be overwritten two refills later)...
      await r.skip(100);
      got.push({ at: 100, bytes: await r.peek(16) });
      got.push({ at: 100, bytes: await r.readExact(16) });
      got.push({ at: 116, bytes: await r.readUpTo(16) });
      // ...and reads that straddle each 1 MiB boundary, a peek, then everything else chunk by chunk.
      for (const at of [MiB - 3, 2 * MiB - 5, 3 * MiB - 7]) {
        await r.skip(at - r.position);
        const peeked = await r.peek(10);
        got.push({ at, bytes: peeked });
        got.push({ at, bytes: await r.readExact(10) });
      }
      got.push({ at: r.position, bytes: await r.readUpTo(100) });
      const left = data.length - r.position;
      expect(await r.drain()).toBe(left);
      return got;
    });
    expect(refills).toBeGreaterThanOrEqual(4);
    for (const { at, bytes } of kept) expect(bytes.equals(data.subarray(at, at + bytes.length))).toBe(true);
  });

  it('a read larger than both buffers, and bytes given back with unshift, come out right', async () => {
    const { value } = await withReusing(file, async (r) => {
      const head = await r.nextChunk();
      r.unshift((head as Buffer).subarray(100));
      const big = await r.readExact(2 * MiB + 500); // spans three reads: queued bytes must be copied out first
      const rest: Buffer[] = [];
      for (let c = await r.nextChunk(); c !== null; c = await r.nextChunk()) rest.push(Buffer.from(c));
      return { big, rest: Buffer.concat(rest), position: r.position };
    });
    expect(value.big.equals(data.subarray(100, 100 + 2 * MiB + 500))).toBe(true);
    expect(value.rest.equals(data.subarray(100 + 2 * MiB + 500))).toBe(true);
    expect(value.position).toBe(data.length);
  });

  it('two readers at once never share a buffer', async () => {
    const other = crypto.randomBytes(2 * MiB + 77);
    const otherFile = path.join(dir, 'other.bin');
    fs.writeFileSync(otherFile, other);
    const readAll = (f: string): Promise<{ value: Buffer }> =>
      withReusing(f, async (r) => {
        const parts: Buffer[] = [];
        for (let c = await r.nextChunk(); c !== null; c = await r.nextChunk()) {
          parts.push(Buffer.from(c));
          await new Promise((res) => setImmediate(res)); // let the other reader refill in between
        }
        return Buffer.concat(parts);
      });
    const [a, b] = await Promise.all([readAll(file), readAll(otherFile)]);
    expect(a.value.equals(data)).toBe(true);
    expect(b.value.equals(other)).toBe(true);
  });

  it('a write overlaps the next read, and waits when it holds a view of the buffer about to be read into', async () => {
    // A sink that keeps views until it is flushed, and copies them out late: a read that did not wait for it
    // would overwrite what it was about to write.
    const out: Buffer[] = [];
    let pending: Buffer[] = [];
    const sink = {
      write: (b: Buffer) => void pending.push(b),
      holds: (b: ArrayBufferLike) => pending.some((p) => p.buffer === b),
      flush: async () => {
        const parts = pending;
        pending = [];
        await new Promise((res) => setTimeout(res, 30));
        for (const p of parts) out.push(Buffer.from(p));
      },
    };
    const fh = await fsp.open(file, 'r');
    const r = ByteReader.fromFileReusing(fh, sink);
    try {
      // Two chunks taken before either is written: allowed (a view lives until the read after the next one).
      for (;;) {
        const a = await r.nextChunk();
        const b = await r.nextChunk();
        if (a !== null) sink.write(a);
        if (b !== null) sink.write(b);
        if (b === null) break;
      }
      await sink.flush();
    } finally {
      await r.close();
      await fh.close();
    }
    expect(Buffer.concat(out).equals(data)).toBe(true);
  });

  it('copied to a file sink, the bytes come out as they went in', async () => {
    const out = path.join(dir, 'copy.bin');
    const fh = await fsp.open(file, 'r');
    const outFh = await fsp.open(out, 'w');
    const sink = new FileSink(outFh);
    const r = ByteReader.fromFileReusing(fh, sink);
    try {
      for (let left = data.length; left > 0; left -= Math.min(700_000, left)) await r.copyTo(Math.min(700_000, left), sink);
      await sink.flush();
    } finally {
      await r.close();
      await fh.close();
      await outFh.close();
    }
    expect(fs.readFileSync(out).equals(data)).toBe(true);
  });
});
