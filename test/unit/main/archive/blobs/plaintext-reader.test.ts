import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ageEncryptBuffer } from '../../../../../main/archive/blobs/age';
import { x25519PublicFromSecret } from '../../../../../main/archive/blobs/age-keys';
import { READ_BUFFERS, READ_BYTES } from '../../../../../main/archive/blobs/plaintext-reader';
import { BlobStore } from '../../../../../main/archive/blobs/store';
import { shutdownCryptoWorkers } from '../../../../../main/archive/blobs/crypto';
import { HuellaError } from '../../../../../main/archive/errors';
import { tempDir } from '../../../../helpers/tmp';

/**
 * The vault's read side (plaintext-reader.ts): BlobStore.eachPlaintextChunk and openPlaintext read an object through
 * a few reused buffers and must give exactly the plaintext, or the decryptor's error after the pieces that
 * authenticated, whatever the sizes of the reads and chunks.
 */
const root = tempDir('huella-plain-reader-');
const identity = crypto.randomBytes(32);
const store = (() => {
  fs.mkdirSync(path.join(root, 'blobs'));
  fs.mkdirSync(path.join(root, 'tmp'));
  return new BlobStore(root, identity, crypto.randomBytes(32));
})();

const KiB = 1024;
const CHUNK = 64 * KiB;
const SEALED = CHUNK + 16;

/** Stores `data` encrypted to `recipientSecret`'s key as an object of the store; returns its name and file. */
async function putObject(data: Buffer, recipientSecret = identity): Promise<{ name: string; file: string }> {
  const name = crypto.randomBytes(32).toString('hex');
  const file = store.pathOf(name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, await ageEncryptBuffer(data, [x25519PublicFromSecret(recipientSecret)]));
  return { name, file };
}

async function viaChunks(name: string): Promise<{ pieces: Buffer; size: number; error?: unknown }> {
  const seen: Buffer[] = [];
  try {
    const size = await store.eachPlaintextChunk(name, (p) => void seen.push(Buffer.from(p)));
    return { pieces: Buffer.concat(seen), size };
  } catch (error) {
    return { pieces: Buffer.concat(seen), size: -1, error };
  }
}

async function viaStream(name: string): Promise<{ pieces: Buffer; error?: unknown }> {
  const seen: Buffer[] = [];
  try {
    for await (const p of store.openPlaintext(name)) seen.push(p as Buffer);
    return { pieces: Buffer.concat(seen) };
  } catch (error) {
    return { pieces: Buffer.concat(seen), error };
  }
}

afterEach(() => vi.restoreAllMocks());

describe('BlobStore plaintext reader (reused read buffers)', () => {
  // Around the 64 KiB chunk and the 1 MiB read: the header and the held-back chunk straddle two reads.
  const sizes = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, READ_BYTES - 300, READ_BYTES - 200, READ_BYTES, READ_BYTES + 1, 2 * READ_BYTES + CHUNK + 7, 3 * READ_BYTES];
  it.each(sizes)('gives back %i bytes exactly, by chunks and as a stream', async (bytes) => {
    const data = crypto.randomBytes(bytes);
    const { name } = await putObject(data);
    const chunks = await viaChunks(name);
    expect(chunks.error).toBeUndefined();
    expect(chunks.size).toBe(bytes);
    expect(chunks.pieces.equals(data)).toBe(true);
    const stream = await viaStream(name);
    expect(stream.error).toBeUndefined();
    expect(stream.pieces.equals(data)).toBe(true);
  });

  it('reads every object into the same few buffers', async () => {
    const a = await putObject(crypto.randomBytes(3 * READ_BYTES + 5));
    const b = await putObject(crypto.randomBytes(2 * READ_BYTES));
    const used = new Set<ArrayBufferLike>();
    const proto = Object.getPrototypeOf(await fsp.open(a.file, 'r').then(async (fh) => (await fh.close(), fh))) as { read: (...args: unknown[]) => Promise<unknown> };
    const realRead = proto.read;
    vi.spyOn(proto, 'read').mockImplementation(function (this: unknown, ...args: unknown[]) {
      used.add((args[0] as Buffer).buffer);
      return realRead.apply(this, args);
    });
    expect((await viaChunks(a.name)).error).toBeUndefined();
    expect((await viaStream(b.name)).error).toBeUndefined();
    expect((await viaChunks(b.name)).error).toBeUndefined();
    expect(used.size).toBe(READ_BUFFERS);
  });

  it('decrypts the next piece only after the consumer took the previous one', async () => {
    const data = crypto.randomBytes(4 * READ_BYTES);
    const { name } = await putObject(data);
    let inConsume = false;
    let overlapped = false;
    const proto = Object.getPrototypeOf(await fsp.open(store.pathOf(name), 'r').then(async (fh) => (await fh.close(), fh))) as { read: (...args: unknown[]) => Promise<unknown> };
    const realRead = proto.read;
    vi.spyOn(proto, 'read').mockImplementation(function (this: unknown, ...args: unknown[]) {
      if (inConsume) overlapped = true;
      return realRead.apply(this, args);
    });
    const size = await store.eachPlaintextChunk(name, async () => {
      inConsume = true;
      await new Promise((r) => setImmediate(r));
      inConsume = false;
    });
    expect(size).toBe(data.length);
    expect(overlapped).toBe(false);
  });

  it('fails a file cut short, after the chunks that authenticated', async () => {
    const data = crypto.randomBytes(2 * READ_BYTES);
    const { name, file } = await putObject(data);
    const whole = fs.readFileSync(file);
    const payloadStart = whole.length - (Math.ceil(data.length / CHUNK) * SEALED);
    // Cut at a chunk boundary past the first read (chunks 0..19 intact: no final chunk, AGE_FORMAT), then inside
    // chunk 20 (a short chunk that authenticates neither as final nor as not: AGE_INTEGRITY, as AgeDecryptor says).
    for (const [keep, code] of [[payloadStart + 20 * SEALED, 'AGE_FORMAT'], [payloadStart + 20 * SEALED + 1000, 'AGE_INTEGRITY']] as const) {
      fs.writeFileSync(file, whole.subarray(0, keep));
      for (const r of [await viaChunks(name), await viaStream(name)]) {
        expect(r.error).toBeInstanceOf(HuellaError);
        expect((r.error as HuellaError).code).toBe(code);
        expect(r.pieces.length).toBeGreaterThanOrEqual(19 * CHUNK);
        expect(r.pieces.equals(data.subarray(0, r.pieces.length))).toBe(true);
      }
    }
    fs.writeFileSync(file, whole.subarray(0, 40)); // inside the header
    expect(((await viaChunks(name)).error as HuellaError).code).toBe('AGE_FORMAT');
  });

  it('fails an altered chunk with AGE_INTEGRITY and gives nothing of it', async () => {
    const data = crypto.randomBytes(READ_BYTES + 3 * CHUNK);
    const { name, file } = await putObject(data);
    const bytes = fs.readFileSync(file);
    const payloadStart = bytes.length - Math.ceil(data.length / CHUNK) * SEALED;
    bytes[payloadStart + 17 * SEALED + 5]! ^= 1; // chunk 17, in the second read
    fs.writeFileSync(file, bytes);
    for (const r of [await viaChunks(name), await viaStream(name)]) {
      expect((r.error as HuellaError).code).toBe('AGE_INTEGRITY');
      expect(r.pieces.equals(data.subarray(0, 17 * CHUNK))).toBe(true);
    }
  });

  it('refuses an object encrypted to another key, and a missing one', async () => {
    const { name } = await putObject(crypto.randomBytes(5000), crypto.randomBytes(32));
    for (const r of [await viaChunks(name), await viaStream(name)]) {
      expect((r.error as HuellaError).code).toBe('AGE_NO_IDENTITY_MATCHED');
      expect(r.pieces.length).toBe(0);
    }
    const missing = crypto.randomBytes(32).toString('hex');
    expect(((await viaChunks(missing)).error as HuellaError).code).toBe('OBJECT_MISSING');
    expect(((await viaStream(missing)).error as HuellaError).code).toBe('OBJECT_MISSING');
  });
});

/** Where the object is decrypted whole: in this thread, or on a crypto worker into a SharedArrayBuffer (StripAhead). */
const WHOLE_MODES = ['in this thread', 'on a crypto worker'] as const;

afterAll(() => shutdownCryptoWorkers());

describe.each(WHOLE_MODES)('BlobStore.readPlaintextWhole %s (an object decrypted whole into a given buffer: the export\'s JPEG strip)', (mode) => {
  /** The plaintext, from the start of the buffer `take` gave, and the sizes asked of `take`. */
  async function whole(name: string, maxBytes = 64 * 1024 * 1024): Promise<{ plain: Buffer | null; asked: number[] }> {
    const asked: number[] = [];
    let buf: Buffer | undefined;
    const take = (bytes: number): Buffer => {
      asked.push(bytes);
      // Filled with junk: the plaintext must be written over it, not merely left where it already was.
      buf = (mode === 'in this thread' ? Buffer.alloc(bytes) : Buffer.from(new SharedArrayBuffer(bytes))).fill(0xa5);
      return buf;
    };
    const n = mode === 'in this thread' ? store.readPlaintextWhole(name, maxBytes, take) : await store.readPlaintextWholeOnWorker(name, maxBytes, take);
    return { plain: n === null ? null : buf!.subarray(0, n), asked };
  }

  it('gives exactly the plaintext, at the buffer\'s start, at every chunk boundary', async () => {
    for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5, 2 * 1024 * KiB + 7]) {
      const data = crypto.randomBytes(size);
      const { name, file } = await putObject(data);
      const { plain, asked } = await whole(name);
      expect(plain?.equals(data), `size ${size}`).toBe(true);
      // One buffer, one byte larger than the object (a read that fills it means the file grew).
      expect(asked).toEqual([fs.statSync(file).size + 1]);
    }
  });

  it('gives null, to be streamed, for an object over the limit (without asking for a buffer), damaged, cut short, missing, or for another key', async () => {
    const data = crypto.randomBytes(3 * CHUNK + 100);
    const { name, file } = await putObject(data);
    const size = fs.statSync(file).size;
    expect(await whole(name, size - 1)).toEqual({ plain: null, asked: [] });
    expect((await whole(name, size)).plain?.equals(data)).toBe(true);

    const sealed = fs.readFileSync(file);
    const altered = Buffer.from(sealed);
    const at = altered.length - 2 * SEALED;
    altered[at] = altered[at]! ^ 1;
    const damaged = await putObject(data);
    fs.writeFileSync(damaged.file, altered);
    expect((await whole(damaged.name)).plain).toBeNull();
    const cut = await putObject(data);
    fs.writeFileSync(cut.file, sealed.subarray(0, sealed.length - 10));
    expect((await whole(cut.name)).plain).toBeNull();
    expect((await whole(crypto.randomBytes(32).toString('hex'))).plain).toBeNull();
    const other = await putObject(data, crypto.randomBytes(32));
    expect((await whole(other.name)).plain).toBeNull();
  });
});

describe('BlobStore.readPlaintextWholeOnWorker', () => {
  it('decrypts into a buffer that is not shared in this thread instead (a worker could not write into it)', async () => {
    const data = crypto.randomBytes(2 * CHUNK + 3);
    const { name } = await putObject(data);
    const buf = Buffer.alloc(4 * CHUNK);
    const n = await store.readPlaintextWholeOnWorker(name, 1 << 20, () => buf);
    expect(buf.subarray(0, n!).equals(data)).toBe(true);
  });

  it('an object that grew after it was looked at (larger than the buffer asked for) is not decrypted into it: null', async () => {
    const { name, file } = await putObject(crypto.randomBytes(10));
    const large = fs.readFileSync((await putObject(crypto.randomBytes(5 * CHUNK))).file);
    let buf: Buffer | undefined;
    const n = await store.readPlaintextWholeOnWorker(name, 1 << 20, (bytes) => {
      fs.writeFileSync(file, large); // the worker finds this one
      buf = Buffer.from(new SharedArrayBuffer(bytes)).fill(0xa5);
      return buf;
    });
    expect(n).toBeNull();
    expect(buf!.every((b) => b === 0xa5)).toBe(true);
  });
});
