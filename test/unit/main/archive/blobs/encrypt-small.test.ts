import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeAgeIdentity, x25519Recipient } from '../../../../../main/archive/blobs/age-keys';
import { encryptSmallFile } from '../../../../../main/archive/blobs/encrypt-small';
import { HEAD_BYTES } from '../../../../../main/archive/blobs/encrypt-file';
import type { EncryptedSmallFile } from '../../../../../main/archive/blobs/crypto-protocol';
import { tempDir } from '../../../../helpers/tmp';

/**
 * encryptSmallFile, called in this thread (the crypto worker's task, blobs/encrypt-small.ts). With `keep` the file is
 * read straight into the buffer handed back: what is hashed, encrypted and handed back must still be exactly the
 * file's bytes, all of them, when the file's size differs from what its stat said (it grew or shrank between the
 * stat and the reads; simulated by a stat that reports another size), and nothing is handed back then.
 */
const root = tempDir('huella-encrypt-small-');
const identity = crypto.randomBytes(32);
const recipient = x25519Recipient(identity);
const KiB = 1024;
const MiB = 1024 * KiB;
const NEEDLE = Buffer.from('jumb', 'latin1');

afterEach(() => {
  vi.restoreAllMocks();
});

const realStatSync = fs.statSync;
let counter = 0;
function input(data: Buffer): string {
  const file = path.join(root, `in-${counter++}`);
  fs.writeFileSync(file, data);
  return file;
}

function randomWithout(bytes: number): Buffer {
  const d = crypto.randomBytes(bytes);
  for (let i = d.indexOf(NEEDLE); i >= 0; i = d.indexOf(NEEDLE)) d[i] = 0;
  return d;
}

/** Runs the task, closes its .part and returns the reply with the .part's plaintext as the reference `age` decrypts it. */
function encrypt(source: string, opts: { keep?: boolean; statSize?: number } = {}): { r: EncryptedSmallFile; decrypted: Buffer } {
  if (opts.statSize !== undefined) {
    const statSize = opts.statSize;
    vi.spyOn(fs, 'statSync').mockImplementation(((p: fs.PathLike, o?: fs.StatSyncOptions) => {
      const st = realStatSync(p, o) as fs.Stats;
      return p === source ? Object.assign(Object.create(Object.getPrototypeOf(st) as object) as fs.Stats, st, { size: statSize }) : st;
    }) as typeof fs.statSync);
  }
  const partPath = path.join(root, `out-${counter++}.part`);
  let r: EncryptedSmallFile;
  try {
    r = encryptSmallFile({ type: 'encrypt-file', source, partPath, recipient, maxBytes: 64 * MiB, find: NEEDLE, ...(opts.keep ? { keep: true } : {}) });
  } finally {
    vi.restoreAllMocks();
  }
  fs.closeSync(r.fd);
  const idFile = path.join(root, 'identity.txt');
  fs.writeFileSync(idFile, `${encodeAgeIdentity(identity)}\n`, { mode: 0o600 });
  const d = spawnSync('age', ['-d', '-i', idFile, partPath], { maxBuffer: 64 * MiB });
  if (d.status !== 0) throw new Error(`age -d: ${d.stderr.toString()}`);
  return { r, decrypted: d.stdout };
}

function expectWhole(r: EncryptedSmallFile, decrypted: Buffer, data: Buffer): void {
  expect(r.size).toBe(data.length);
  expect(Buffer.from(r.sha256).equals(crypto.createHash('sha256').update(data).digest())).toBe(true);
  expect(Buffer.from(r.head).equals(data.subarray(0, HEAD_BYTES))).toBe(true);
  expect(decrypted.equals(data)).toBe(true);
}

describe('encryptSmallFile with keep', () => {
  it('hands back the very bytes it hashed and encrypted, for sizes across its reads and the age chunks', () => {
    for (const bytes of [1, 64 * KiB, 64 * KiB + 1, MiB, MiB + 1, 3 * MiB + 5]) {
      const data = randomWithout(bytes);
      const { r, decrypted } = encrypt(input(data), { keep: true });
      expectWhole(r, decrypted, data);
      expect(r.found).toBe(false);
      expect(r.plaintext && Buffer.from(r.plaintext).equals(data), `${bytes}`).toBe(true);
      expect(r.plaintext!.byteOffset).toBe(0);
      expect(r.plaintext!.buffer.byteLength).toBe(bytes);
    }
  });

  it('a file larger than its stat said (it grew) is read, hashed and encrypted whole, and nothing is handed back', () => {
    for (const [bytes, statSize] of [
      [100 * KiB, 60 * KiB],
      [3 * MiB, MiB],
      [MiB + 10, MiB + 9],
      [5, 1],
    ] as const) {
      const data = randomWithout(bytes);
      const { r, decrypted } = encrypt(input(data), { keep: true, statSize });
      expectWhole(r, decrypted, data);
      expect(r.sourceSize).toBe(statSize);
      expect(r.plaintext, `${bytes} stat'ed as ${statSize}`).toBeUndefined();
    }
  });

  it('a file smaller than its stat said (it shrank) is read whole, and nothing is handed back', () => {
    for (const [bytes, statSize] of [
      [60 * KiB, 100 * KiB],
      [MiB, 3 * MiB],
      [1, 2],
    ] as const) {
      const data = randomWithout(bytes);
      const { r, decrypted } = encrypt(input(data), { keep: true, statSize });
      expectWhole(r, decrypted, data);
      expect(r.plaintext, `${bytes} stat'ed as ${statSize}`).toBeUndefined();
    }
  });

  it('finds the bytes looked for on either side of, and across, the end of what its stat said', () => {
    const statSize = 200 * KiB;
    for (const [where, label] of [
      [statSize - 10, 'before the end'],
      [statSize - 2, 'across the end'],
      [statSize + 10, 'after the end'],
    ] as const) {
      const data = randomWithout(300 * KiB);
      NEEDLE.copy(data, where);
      const { r, decrypted } = encrypt(input(data), { keep: true, statSize });
      expectWhole(r, decrypted, data);
      expect(r.found, label).toBe(true);
    }
    const data = randomWithout(300 * KiB);
    NEEDLE.copy(data, statSize - 2);
    expect(encrypt(input(data), { keep: true }).r.found).toBe(true);
  });

  it('the same reply without keep, less the bytes', () => {
    const data = randomWithout(MiB + 3);
    const file = input(data);
    const kept = encrypt(file, { keep: true });
    const plain = encrypt(file);
    expectWhole(plain.r, plain.decrypted, data);
    expect(plain.r.plaintext).toBeUndefined();
    expect(Buffer.from(plain.r.sha256).equals(Buffer.from(kept.r.sha256))).toBe(true);
  });
});
