import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MarkerFinder, nextMarkerCandidate, scannableBuffer, searchedInWasm } from '../../../../../main/archive/formats/marker-scan';

/** What nextMarkerCandidate must answer, byte by byte. */
function expected(b: Buffer, from: number): number {
  for (let i = from; i < b.length; i++) if (b[i] === 0xff && (i + 1 === b.length || b[i + 1] !== 0x00)) return i;
  return b.length;
}

/** Random bytes where 0xFF, 0x00 and an RST marker byte are frequent, so every case comes up. */
function scanLike(n: number): Buffer {
  const b = crypto.randomBytes(n);
  for (let i = 0; i < n; i++) {
    const r = (b[i] as number) % 8;
    if (r === 0) b[i] = 0xff;
    else if (r === 1) b[i] = 0x00;
    else if (r === 2) b[i] = 0xd3;
  }
  return b;
}

describe('nextMarkerCandidate (the end of a JPEG scan)', () => {
  it('a scannable buffer is searched in WebAssembly, and gives the same answers as a plain one', () => {
    const mem = scannableBuffer(1 << 20);
    expect(mem.length).toBe(1 << 20);
    expect(searchedInWasm(mem)).toBe(true);
    // Shared memory: a crypto worker decrypts a photo straight into it (BlobStore.readPlaintextWholeOnWorker).
    expect(mem.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(searchedInWasm(Buffer.from(mem.subarray(0, 10)))).toBe(false);
    const wrong: string[] = [];
    let checked = 0;
    for (let t = 0; t < 3000; t++) {
      const data = scanLike(1 + crypto.randomInt(200));
      const at = crypto.randomInt(4096);
      data.copy(mem, at);
      const view = mem.subarray(at, at + data.length);
      for (let from = 0; from <= data.length; from++) {
        const want = expected(data, from);
        const got = [nextMarkerCandidate(view, from), nextMarkerCandidate(data, from)];
        if (got[0] !== want || got[1] !== want) wrong.push(`${data.toString('hex')} from ${from}: ${got.join(', ')}, not ${want}`);
        checked++;
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(100_000);
  });

  it('sparse 0xFF, as in a photo: the 64-byte pass finds each one, at any place in a block and across blocks', () => {
    const mem = scannableBuffer(1 << 20);
    const wrong: string[] = [];
    let checked = 0;
    for (let t = 0; t < 4000; t++) {
      const data = crypto.randomBytes(64 + crypto.randomInt(700));
      for (let i = 0; i < data.length; i++) if (data[i] === 0xff) data[i] = 0x7f;
      // One to three 0xFF, each stuffed (0x00 after it), before an RST, or before another byte; often at the last
      // byte of a 64-byte block, where the byte that decides lies in the next block.
      for (let k = 1 + crypto.randomInt(3); k > 0; k--) {
        const at = crypto.randomInt(2) === 0 ? Math.min(data.length - 1, 64 * crypto.randomInt(12) + 63) : crypto.randomInt(data.length);
        data[at] = 0xff;
        if (at + 1 < data.length) data[at + 1] = [0x00, 0xd5, 0x42][crypto.randomInt(3)] as number;
      }
      const base = crypto.randomInt(256);
      data.copy(mem, base);
      const view = mem.subarray(base, base + data.length);
      for (const from of [0, 1, crypto.randomInt(data.length + 1)]) {
        const want = expected(data, from);
        const got = nextMarkerCandidate(view, from);
        if (got !== want) wrong.push(`${data.toString('hex')} from ${from}: ${got}, not ${want}`);
        checked++;
      }
    }
    expect(wrong.slice(0, 3)).toEqual([]);
    expect(checked).toBe(12_000);
  });

  it('a 0xFF in the last byte of a view is returned whatever follows it in memory', () => {
    const mem = scannableBuffer(1 << 16);
    mem.fill(0x11);
    mem[99] = 0xff;
    mem[100] = 0x00; // outside the view: must not be read as its stuffed byte
    expect(nextMarkerCandidate(mem.subarray(50, 100), 0)).toBe(49);
    expect(nextMarkerCandidate(Buffer.from(mem.subarray(50, 100)), 0)).toBe(49);
    // Views of one and two 64-byte blocks, and one more byte: the block pass must not read past the view either.
    mem[99] = 0x11;
    mem[299] = 0xff;
    mem[300] = 0x00;
    for (const len of [64, 65, 128, 129]) expect(nextMarkerCandidate(mem.subarray(300 - len, 300), 0)).toBe(len - 1);
    // And at the very end of the memory.
    mem[mem.length - 1] = 0xff;
    expect(nextMarkerCandidate(mem, 100)).toBe(mem.length - 1);
    // Stuffed pairs are skipped, an RST or a marker is found.
    const b = scannableBuffer(1 << 16);
    b.fill(0);
    b.set([0xff, 0x00, 0x12, 0xff, 0x00, 0xff, 0xd3], 1000);
    expect(nextMarkerCandidate(b, 0)).toBe(1005);
    expect(nextMarkerCandidate(b, 1006)).toBe(b.length);
  });

  it('MarkerFinder searches chunks from a stream (copied to a scannable buffer) with the same answers, chunk after chunk', () => {
    const finder = new MarkerFinder();
    const wrong: string[] = [];
    try {
      for (let t = 0; t < 2000; t++) {
        // Chunks of one length in turn: each must be searched, not the bytes of the one before.
        const chunk = scanLike(t % 2 === 0 ? 64 : 1 + crypto.randomInt(300));
        for (let from = 0; from <= chunk.length; from += 1 + crypto.randomInt(3)) {
          const got = finder.find(chunk, from);
          if (got !== expected(chunk, from)) wrong.push(`${chunk.toString('hex')} from ${from}: ${got}, not ${expected(chunk, from)}`);
        }
      }
      const big = scanLike((1 << 20) + 100); // larger than the scratch buffer: searched where it is
      if (finder.find(big, 5) !== expected(big, 5)) wrong.push('a chunk over 1 MiB');
    } finally {
      finder.release();
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});
