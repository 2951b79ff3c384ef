import { describe, expect, it } from 'vitest';
import { POOLED_MAX_BYTES, randomBytesPooled } from '../../../../../main/archive/crypto/random-pool';

describe('randomBytesPooled', () => {
  it('gives values of the size asked, each in memory of its own, across refills of the pool', () => {
    const seen = new Set<string>();
    // 4 KiB per refill: 2,000 values of 16 bytes take several refills, and a value that does not fit at the end of
    // the pool is taken from a fresh one.
    for (let i = 0; i < 2000; i++) {
      const n = 10 + (i % 7);
      const b = randomBytesPooled(n);
      expect(b.length).toBe(n);
      expect(b.byteOffset).toBe(0);
      expect(b.buffer.byteLength).toBe(n); // not a view into a shared buffer (a salt is handed to SQLite, a worker…)
      seen.add(b.toString('hex'));
    }
    expect(seen.size).toBe(2000); // no value is handed out twice
  });

  it('changing a value given does not change the next ones', () => {
    const a = randomBytesPooled(16);
    a.fill(0);
    const b = randomBytesPooled(16);
    expect(b.equals(Buffer.alloc(16))).toBe(false);
  });

  it('sizes beyond the pooled ones, zero, and invalid sizes', () => {
    const big = randomBytesPooled(POOLED_MAX_BYTES + 1);
    expect(big.length).toBe(POOLED_MAX_BYTES + 1);
    expect(randomBytesPooled(0).length).toBe(0);
    expect(() => randomBytesPooled(-1)).toThrow(RangeError);
    expect(() => randomBytesPooled(1.5)).toThrow(RangeError);
  });
});
