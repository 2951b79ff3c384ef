import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { containsManifestStore, ManifestStoreScanner } from '../../../../../main/archive/packet/c2pa-sidecar';

/**
 * `packet verify` scans every evidence file for a C2PA manifest store (its JUMBF type UUID) chunk by chunk as it hashes
 * it: the UUID must be found wherever the chunks split it, and a near miss must not count.
 */
const STORE_UUID = Buffer.from('6332706100110010800000aa00389b71', 'hex');

function scan(chunks: readonly Buffer[]): boolean {
  const s = new ManifestStoreScanner();
  for (const c of chunks) s.update(c);
  return s.found;
}

/** `data` cut at the given offsets. */
function cut(data: Buffer, at: readonly number[]): Buffer[] {
  const bounds = [0, ...at, data.length];
  return bounds.slice(1).map((end, i) => data.subarray(bounds[i], end));
}

describe('ManifestStoreScanner', () => {
  const before = crypto.randomBytes(1000);
  const after = crypto.randomBytes(700);
  const file = Buffer.concat([before, STORE_UUID, after]);

  it('finds the UUID however two chunks split it', () => {
    for (let k = 0; k <= STORE_UUID.length; k++) expect(scan(cut(file, [before.length + k])), `split ${k} bytes into the UUID`).toBe(true);
  });

  it('finds it across many tiny chunks (one byte, three bytes) and in one chunk', () => {
    expect(scan(cut(file, Array.from({ length: file.length - 1 }, (_, i) => i + 1)))).toBe(true);
    expect(scan(cut(file, Array.from({ length: Math.floor((file.length - 1) / 3) }, (_, i) => 3 * (i + 1))))).toBe(true);
    expect(scan([Buffer.alloc(0), file])).toBe(true);
    expect(containsManifestStore(file)).toBe(true);
  });

  it('a file without the whole UUID is not a manifest store, however it is cut', () => {
    const nearMiss = Buffer.concat([before, STORE_UUID.subarray(0, 15), Buffer.from([STORE_UUID[15]! ^ 1]), STORE_UUID.subarray(1), after]);
    for (let k = 0; k <= 40; k++) expect(scan(cut(nearMiss, [before.length - 5 + k])), `cut at ${k}`).toBe(false);
    expect(scan(cut(nearMiss, Array.from({ length: nearMiss.length - 1 }, (_, i) => i + 1)))).toBe(false);
    expect(containsManifestStore(nearMiss)).toBe(false);
  });

  it('keeps no reference to the chunks it was given (their buffers are reused by the reader)', () => {
    const s = new ManifestStoreScanner();
    const chunk = Buffer.from(file.subarray(0, before.length + 7));
    s.update(chunk);
    chunk.fill(0); // the reader reuses its buffer for the next read
    s.update(file.subarray(before.length + 7));
    expect(s.found).toBe(true);
  });
});
