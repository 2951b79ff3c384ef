import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { collectYoungGarbage } from '../../../../../main/archive/blobs/young-garbage';

// The crypto workers call collectYoungGarbage after each sealed slot so the slot's dead 64 KiB ciphertext buffers
// are freed at once (a 2 GiB ingest peaked at ~185 MB without it, ~123 MB with it: see young-garbage.ts).
describe('collectYoungGarbage', () => {
  it('frees the ciphertext buffers of chunks just sealed and dropped', () => {
    const key = crypto.randomBytes(32);
    const plain = Buffer.alloc(64 * 1024);
    collectYoungGarbage();
    const seal = (): number => {
      let n = 0;
      for (let i = 0; i < 256; i++) {
        const c = crypto.createCipheriv('chacha20-poly1305', key, Buffer.alloc(12, i), { authTagLength: 16 });
        n += c.update(plain).length; // a fresh 64 KiB buffer outside the JS heap, dropped at once
        c.final();
      }
      return n;
    };
    expect(seal()).toBe(16 * 1024 * 1024);
    const held = process.memoryUsage().arrayBuffers;
    collectYoungGarbage();
    const after = process.memoryUsage().arrayBuffers;
    expect(held - after).toBeGreaterThan(8 * 1024 * 1024);
  });
});
