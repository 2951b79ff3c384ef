import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ageEncryptBuffer } from '../../../../../main/archive/blobs/age';
import { encodeAgeRecipient, generateX25519Secret, x25519PublicFromSecret } from '../../../../../main/archive/blobs/age-keys';
import { hashObjects } from '../../../../../main/archive/blobs/object-hash';
import { collectYoungGarbage, keepFreedMemoryMapped } from '../../../../../main/archive/blobs/young-garbage';
import { tempDir } from '../../../../helpers/tmp';
import type * as YoungGarbage from '../../../../../main/archive/blobs/young-garbage';

// keepFreedMemoryMapped as it is, watched: the task must call it (its effect, glibc's trim threshold, is the process's
// and cannot be undone or observed reliably from a test).
vi.mock('../../../../../main/archive/blobs/young-garbage', async (importOriginal) => {
  const actual = await importOriginal<typeof YoungGarbage>();
  return { ...actual, keepFreedMemoryMapped: vi.fn(actual.keepFreedMemoryMapped) };
});

// Verify's task on a crypto worker, run here in-process: each age file decrypted and hashed, and the plaintext chunks
// (fresh 64 KiB buffers outside the JS heap, Node's AEAD has no output-buffer API) freed as it goes, not left for V8
// to collect late (a 5,000-photo `huella verify` peaked ~30 MB higher without it: see object-hash.ts).
describe('hashObjects (crypto worker task)', () => {
  const dir = tempDir();
  const identity = generateX25519Secret();

  async function ageFiles(count: number, bytes: number): Promise<{ files: string[]; sha256s: string[] }> {
    const files: string[] = [];
    const sha256s: string[] = [];
    for (let i = 0; i < count; i++) {
      const plain = crypto.randomBytes(bytes);
      const file = path.join(dir, `o${i}.age`);
      fs.writeFileSync(file, await ageEncryptBuffer(plain, [x25519PublicFromSecret(identity)]));
      files.push(file);
      sha256s.push(crypto.createHash('sha256').update(plain).digest('hex'));
    }
    return { files, sha256s };
  }

  it('hashes each plaintext and frees the opened chunks while it goes', async () => {
    const { files, sha256s } = await ageFiles(24, 1024 * 1024);
    collectYoungGarbage();
    const before = process.memoryUsage().arrayBuffers;
    const results = hashObjects({ type: 'hash-objects', identity: new Uint8Array(identity), files });
    const held = process.memoryUsage().arrayBuffers - before;
    expect(results).toEqual(sha256s.map((sha256) => ({ kind: 'ok', sha256, size: 1024 * 1024 })));
    // 24 MiB of plaintext went through 64 KiB buffers; at most the objects since the last collection are still held.
    expect(held).toBeLessThan(6 * 1024 * 1024);
  });

  it('keeps freed memory mapped before it opens anything, so each object\'s chunks do not fault their pages in again', async () => {
    const { files, sha256s } = await ageFiles(2, 100_000);
    vi.mocked(keepFreedMemoryMapped).mockClear();
    const results = hashObjects({ type: 'hash-objects', identity: new Uint8Array(identity), files });
    expect(results).toEqual(sha256s.map((sha256) => ({ kind: 'ok', sha256, size: 100_000 })));
    expect(vi.mocked(keepFreedMemoryMapped)).toHaveBeenCalledTimes(1);
  });

  it('opens files written by the age tool (the identity prepared once per task)', () => {
    const plain = crypto.randomBytes(200_000);
    const files = [0, 1].map((i) => {
      const file = path.join(dir, `tool${i}.age`);
      const r = spawnSync('age', ['-r', encodeAgeRecipient(x25519PublicFromSecret(identity)), '-o', file], { input: plain });
      expect(r.status, String(r.stderr)).toBe(0);
      return file;
    });
    const sha256 = crypto.createHash('sha256').update(plain).digest('hex');
    expect(hashObjects({ type: 'hash-objects', identity: new Uint8Array(identity), files })).toEqual([0, 1].map(() => ({ kind: 'ok', sha256, size: 200_000 })));
    const stranger = generateX25519Secret();
    expect(hashObjects({ type: 'hash-objects', identity: new Uint8Array(stranger), files: [files[0]!] })[0]).toMatchObject({ kind: 'error' });
  });

  it('says which objects are missing or damaged, and stops with CANCELLED once the flag is set', async () => {
    const { files, sha256s } = await ageFiles(2, 100_000);
    const damaged = path.join(dir, 'damaged.age');
    const bytes = fs.readFileSync(files[1]!);
    bytes[bytes.length - 30]! ^= 1;
    fs.writeFileSync(damaged, bytes);
    const results = hashObjects({ type: 'hash-objects', identity: new Uint8Array(identity), files: [files[0]!, path.join(dir, 'none.age'), damaged] });
    expect(results[0]).toEqual({ kind: 'ok', sha256: sha256s[0], size: 100_000 });
    expect(results[1]).toEqual({ kind: 'missing' });
    expect(results[2]).toMatchObject({ kind: 'error' });
    const cancel = new SharedArrayBuffer(4);
    Atomics.store(new Int32Array(cancel), 0, 1);
    expect(() => hashObjects({ type: 'hash-objects', identity: new Uint8Array(identity), files, cancel })).toThrow(expect.objectContaining({ code: 'CANCELLED' }));
  });
});
