import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encodeAgeIdentity } from '../../../../../main/archive/blobs/age-keys';
import { PARALLEL_THRESHOLD, shutdownHashWorker } from '../../../../../main/archive/blobs/parallel-hash';
import { BlobStore, HEAD_BYTES, SMALL_FILE_BYTES, type StagedObject } from '../../../../../main/archive/blobs/store';
import { shutdownCryptoWorkers } from '../../../../../main/archive/blobs/crypto';
import { dropBytes } from '../../../../../main/archive/fs/writev';
import { HuellaError } from '../../../../../main/archive/errors';
import { tempDir } from '../../../../helpers/tmp';

/**
 * BlobStore.stageFile (the ingest path: a ring of reused buffers, hashing on a second thread for large files) must
 * give exactly what stage() gives for every size, including the chunk and slot boundaries, and clean up after a
 * failure or a cancel.
 */
const root = tempDir('huella-store-');
const identity = crypto.randomBytes(32);
const store = (() => {
  fs.mkdirSync(path.join(root, 'blobs'));
  fs.mkdirSync(path.join(root, 'tmp'));
  return new BlobStore(root, identity, crypto.randomBytes(32));
})();
afterAll(() => Promise.all([shutdownHashWorker(), shutdownCryptoWorkers()]));

const KiB = 1024;
const MiB = 1024 * KiB;

async function stageFileOf(file: string, opts: { sizeHint?: number; maxBytes?: number; signal?: AbortSignal; onHead?: (head: Buffer) => void } = {}): Promise<StagedObject> {
  const fh = await fsp.open(file, 'r');
  try {
    return await store.stageFile(fh, opts);
  } finally {
    await fh.close();
  }
}

/** The plaintext of an age file as the reference `age` CLI decrypts it with the store's identity. */
function ageDecryptWithReference(file: string): Buffer {
  const idFile = path.join(root, 'identity.txt');
  fs.writeFileSync(idFile, `${encodeAgeIdentity(identity)}\n`, { mode: 0o600 });
  const r = spawnSync('age', ['-d', '-i', idFile, file], { maxBuffer: 64 * MiB });
  if (r.status !== 0) throw new Error(`age -d: ${r.stderr.toString()}`);
  return r.stdout;
}

function writeInput(bytes: number): { file: string; data: Buffer } {
  const data = crypto.randomBytes(bytes);
  const file = path.join(root, `in-${bytes}-${crypto.randomBytes(4).toString('hex')}`);
  fs.writeFileSync(file, data);
  return { file, data };
}

const tmpEntries = (): string[] => fs.readdirSync(store.tmpDir);

describe('BlobStore.stageFile', () => {
  // Empty, sub-chunk, the 64 KiB chunk edges, the 256 KiB small-ring slot edges, the 1 MiB and 4 MiB slot edges, and both sides of the threshold
  // where hashing and encryption move to the workers (with a ragged tail so the last slot is partial). Above it,
  // slots are sealed in parallel: a whole number of slots (the final chunk is a full one), a whole number of chunks,
  // and more slots than the ring holds (slots are reused while others are still being sealed).
  const sizes = [0, 1, 64 * KiB - 1, 64 * KiB, 64 * KiB + 1, 256 * KiB, 256 * KiB + 1, 512 * KiB + 5, MiB, MiB + 1, 4 * MiB, 4 * MiB + 7, PARALLEL_THRESHOLD - 1, PARALLEL_THRESHOLD, 3 * 4 * MiB + 12345, 16 * MiB, 17 * MiB + 64 * KiB, 40 * MiB + 3];
  it.each(sizes)('%i bytes: same hash, size, head and plaintext as stage()', async (bytes) => {
    const { file, data } = writeInput(bytes);
    const viaStream = await store.stage(Readable.from([data]));
    const streamCiphertext = fs.readFileSync(viaStream.readyPath);
    await store.discard(viaStream); // same content, same name: one .ready at a time
    const heads: Buffer[] = [];
    const viaFile = await stageFileOf(file, { sizeHint: bytes, onHead: (h) => heads.push(h) });
    // The head ingest sniffs from is handed over once, as soon as it is read, equal to the file's first bytes.
    expect(heads).toHaveLength(1);
    expect(heads[0]!.equals(data.subarray(0, HEAD_BYTES))).toBe(true);
    expect(viaFile.sha256.toString('hex')).toBe(crypto.createHash('sha256').update(data).digest('hex'));
    expect(viaFile.name).toBe(viaStream.name);
    expect(viaFile.size).toBe(bytes);
    expect(viaFile.head.equals(data.subarray(0, HEAD_BYTES))).toBe(true);
    // A fresh file key and nonce each time: same plaintext, different ciphertext of the same length.
    const fileCiphertext = fs.readFileSync(viaFile.readyPath);
    expect(fileCiphertext.length).toBe(streamCiphertext.length);
    expect(fileCiphertext.equals(streamCiphertext)).toBe(false);
    await store.publish(viaFile.name);
    expect((await store.readPlaintext(viaFile.name)).equals(data)).toBe(true);
    await store.remove(viaFile.name);
  });

  // The second size goes more than twice round the 16 MiB ciphertext ring, and ends in a partial block written
  // through the page cache after the direct writes.
  it.each([PARALLEL_THRESHOLD + 3 * MiB + 1, 37 * MiB + 5])('a large file (%i bytes) hashed on the second thread decrypts with the age CLI to the same bytes', async (bytes) => {
    const { file, data } = writeInput(bytes);
    const staged = await stageFileOf(file, { sizeHint: data.length });
    expect(ageDecryptWithReference(staged.readyPath).equals(data)).toBe(true);
    await store.discard(staged);
  });

  it('an empty file announced as large is still an empty age file (one empty final chunk, sealed by a worker)', async () => {
    const { file } = writeInput(0);
    const staged = await stageFileOf(file, { sizeHint: 10 * PARALLEL_THRESHOLD });
    expect(staged.size).toBe(0);
    expect(staged.sha256.equals(crypto.createHash('sha256').digest())).toBe(true);
    await store.publish(staged.name);
    expect((await store.readPlaintext(staged.name)).length).toBe(0);
    await store.remove(staged.name);
  });

  it('a wrong size hint changes nothing but the thread that hashes', async () => {
    const { file, data } = writeInput(PARALLEL_THRESHOLD + 5);
    for (const sizeHint of [0, data.length, 10 * data.length]) {
      const staged = await stageFileOf(file, { sizeHint });
      expect(staged.sha256.equals(crypto.createHash('sha256').update(data).digest())).toBe(true);
      await store.discard(staged);
    }
  });

  it('over maxBytes: FILE_TOO_LARGE, and nothing is left in tmp/', async () => {
    const { file, data } = writeInput(PARALLEL_THRESHOLD + MiB);
    const before = tmpEntries();
    const e = await stageFileOf(file, { sizeHint: data.length, maxBytes: PARALLEL_THRESHOLD }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HuellaError);
    expect((e as HuellaError).code).toBe('FILE_TOO_LARGE');
    expect(tmpEntries()).toEqual(before);
  });

  it('cancelled: CANCELLED, and nothing is left in tmp/; the next file stages normally', async () => {
    const { file, data } = writeInput(PARALLEL_THRESHOLD + 9 * MiB);
    const before = tmpEntries();
    const ac = new AbortController();
    const fh = await fsp.open(file, 'r');
    let seen = 0;
    const e = await store
      .stageFile(fh, {
        sizeHint: data.length,
        signal: ac.signal,
        onBytes: (n) => {
          seen += n;
          if (seen > 4 * MiB) ac.abort();
        },
      })
      .catch((x: unknown) => x)
      .finally(() => fh.close());
    expect((e as HuellaError).code).toBe('CANCELLED');
    expect(tmpEntries()).toEqual(before);
    const again = await stageFileOf(file, { sizeHint: data.length });
    expect(again.sha256.equals(crypto.createHash('sha256').update(data).digest())).toBe(true);
    await store.discard(again);
  });

  /**
   * A large file's source as a handle whose reads can be steered: `steer(position, length)` returns the bytes to
   * give (fewer than asked for a short read), an Error to fail with, or undefined to read as asked. Counts the reads
   * in flight; `delayMs(position)` is how long a read waits before it starts.
   */
  async function steeredHandle(file: string, steer: (position: number, length: number) => number | Error | undefined, delayMs: (position: number) => number = () => 1): Promise<{ fh: fsp.FileHandle; inFlight: () => number; close: () => Promise<void> }> {
    const real = await fsp.open(file, 'r');
    let inFlight = 0;
    const read = async (buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number; buffer: Buffer }> => {
      inFlight++;
      try {
        await new Promise((resolve) => setTimeout(resolve, delayMs(position))); // reads overlap, as on a loaded thread pool
        const how = steer(position, length);
        if (how instanceof Error) throw how;
        return await real.read(buffer, offset, how ?? length, position);
      } finally {
        inFlight--;
      }
    };
    return { fh: { read } as unknown as fsp.FileHandle, inFlight: () => inFlight, close: () => real.close() };
  }

  it('a large file whose reads come back short is still stored whole (read ahead or not)', async () => {
    const { file, data } = writeInput(PARALLEL_THRESHOLD + 5 * MiB + 7);
    const short = new Set<number>();
    const src = await steeredHandle(file, (position, length) => {
      // Short reads at the start of slots 2 and 3 and in the middle of slot 5: each slot's read goes on from there.
      if (position === 2 * MiB || position === 3 * MiB || position === 5 * MiB + 300 * KiB) {
        short.add(position);
        return 100 * KiB;
      }
      if (position === 5 * MiB) return 300 * KiB;
      return length;
    });
    try {
      const staged = await store.stageFile(src.fh, { sizeHint: data.length });
      expect(short.size).toBe(3);
      expect(staged.size).toBe(data.length);
      expect(staged.sha256.equals(crypto.createHash('sha256').update(data).digest())).toBe(true);
      expect(ageDecryptWithReference(staged.readyPath).equals(data)).toBe(true);
      await store.discard(staged);
    } finally {
      await src.close();
    }
  });

  it('a read that fails ahead of the slot being sealed: the error, no read still in flight, nothing left in tmp/', async () => {
    const { file, data } = writeInput(PARALLEL_THRESHOLD + 9 * MiB);
    await store.discard(await stageFileOf(file, { sizeHint: data.length })); // the workers are up: a failure ends quickly
    const before = tmpEntries();
    // The reads after the failing one are slow: they are still in flight when it fails.
    const src = await steeredHandle(
      file,
      (position) => (position === 6 * MiB ? Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }) : undefined),
      (position) => (position > 6 * MiB ? 500 : 1),
    );
    try {
      const e = await store.stageFile(src.fh, { sizeHint: data.length }).catch((x: unknown) => x);
      expect(src.inFlight()).toBe(0);
      expect(e).toBeInstanceOf(HuellaError);
      expect((e as HuellaError).message).toMatch(/encrypted object/);
      expect(tmpEntries()).toEqual(before);
    } finally {
      await src.close();
    }
  });

  it('an unreadable source (a directory): a clear error, nothing left in tmp/', async () => {
    const before = tmpEntries();
    const fh = await fsp.open(root, 'r');
    const e = await store.stageFile(fh, { sizeHint: 0 }).catch((x: unknown) => x).finally(() => fh.close());
    expect(e).toBeInstanceOf(HuellaError);
    expect((e as HuellaError).message).toMatch(/encrypted object/);
    expect(tmpEntries()).toEqual(before);
  });
});

/** Descriptors this process holds open now (the crypto workers' included: one process). */
const openFds = (): number => fs.readdirSync('/proc/self/fd').length;

describe('BlobStore.stageSmallFile (a small file staged on a crypto worker)', () => {
  // Empty, sub-chunk, the 64 KiB chunk edges, the worker's 1 MiB read buffer and write batch edges, and just below
  // the size where ingest stages by stageFile instead.
  const sizes = [0, 1, 64 * KiB - 1, 64 * KiB, 64 * KiB + 1, MiB - 1, MiB, MiB + 1, 2 * MiB + 3, SMALL_FILE_BYTES - 1];
  it.each(sizes)('%i bytes: same hash, name, size and head as stage(); pending until makeReady, then the same plaintext', async (bytes) => {
    const { file, data } = writeInput(bytes);
    const viaStream = await store.stage(Readable.from([data]));
    const streamLength = fs.statSync(viaStream.readyPath).size;
    await store.discard(viaStream);
    const seen: number[] = [];
    const st = fs.statSync(file);
    const r = await store.stageSmallFile(file, { onBytes: (n) => seen.push(n) });
    expect(seen.reduce((a, n) => a + n, 0)).toBe(bytes);
    expect(r.found).toBe(false); // nothing was looked for
    expect(r.sourceSize).toBe(bytes);
    expect(r.sourceMtimeMs).toBe(st.mtimeMs);
    const { staged } = r;
    expect(staged.pending).toBe(true);
    expect(path.basename(staged.readyPath)).toMatch(/^[0-9a-f]{24}\.part$/); // what recovery deletes after a crash
    expect(staged.sha256.toString('hex')).toBe(crypto.createHash('sha256').update(data).digest('hex'));
    expect(staged.name).toBe(viaStream.name);
    expect(staged.size).toBe(bytes);
    expect(staged.head.equals(data.subarray(0, HEAD_BYTES))).toBe(true);
    const [ready] = await store.makeReady([staged]);
    expect(ready).not.toBeInstanceOf(HuellaError);
    const o = ready as StagedObject;
    expect(fs.statSync(o.readyPath).size).toBe(streamLength);
    await store.publish(o.name);
    expect((await store.readPlaintext(o.name)).equals(data)).toBe(true);
    if (bytes === 0 || bytes === MiB + 1 || bytes === SMALL_FILE_BYTES - 1) expect(ageDecryptWithReference(store.pathOf(o.name)).equals(data)).toBe(true);
    await store.remove(o.name);
  });

  it('with keep, hands back exactly the bytes it hashed and encrypted, in a buffer of their own; without, none', async () => {
    for (const bytes of [1, 64 * KiB + 1, MiB + 1, 2 * MiB + 3, SMALL_FILE_BYTES - 1]) {
      const { file, data } = writeInput(bytes);
      const kept = await store.stageSmallFile(file, { keep: true });
      expect(kept.plaintext?.equals(data), `${bytes}`).toBe(true);
      expect(kept.plaintext!.buffer.byteLength).toBe(bytes); // its own memory: transferable as a whole
      expect(kept.staged.sha256.equals(crypto.createHash('sha256').update(data).digest())).toBe(true);
      const plain = await store.stageSmallFile(file);
      expect(plain.plaintext).toBeUndefined();
      await store.discard(kept.staged);
      await store.discard(plain.staged);
    }
    const empty = writeInput(0);
    const r = await store.stageSmallFile(empty.file, { keep: true });
    expect(r.plaintext).toBeUndefined();
    await store.discard(r.staged);
  });

  it('finds the bytes it is asked for anywhere in the file, across the worker\'s reads too', async () => {
    const needle = Buffer.from('jumb', 'latin1');
    const without = (bytes: number): Buffer => {
      const d = crypto.randomBytes(bytes);
      for (let i = d.indexOf(needle); i >= 0; i = d.indexOf(needle)) d[i] = 0; // random bytes may hold it (rarely)
      return d;
    };
    const at = (bytes: number, where: number | undefined): Buffer => {
      const d = without(bytes);
      if (where !== undefined) needle.copy(d, where);
      return d;
    };
    const cases: [string, Buffer, boolean][] = [
      ['absent', at(3 * MiB, undefined), false],
      ['first bytes', at(100 * KiB, 0), true],
      ['last bytes', at(100 * KiB, 100 * KiB - 4), true],
      ['across the first two reads', at(2 * MiB, MiB - 2), true],
      ['across the second and third reads', at(3 * MiB, 2 * MiB - 1), true],
      ['last bytes of a read', at(2 * MiB, MiB - 4), true],
      ['first bytes of a read', at(2 * MiB, MiB), true],
      ['a file shorter than it', Buffer.from('jum'), false],
    ];
    for (const [what, data, expected] of cases) {
      const file = path.join(root, `find-${crypto.randomBytes(4).toString('hex')}`);
      fs.writeFileSync(file, data);
      const r = await store.stageSmallFile(file, { find: needle });
      expect(r.found, what).toBe(expected);
      expect(r.staged.sha256.equals(crypto.createHash('sha256').update(data).digest()), what).toBe(true);
      await store.discard(r.staged);
    }
  });

  it('discarded before makeReady: its descriptor closed, its file gone; many at once leave no descriptor open', async () => {
    const inputs = Array.from({ length: 24 }, (_, i) => writeInput(50 * KiB + i * 7 * KiB));
    const round = async (): Promise<void> => {
      const staged = await Promise.all(inputs.map(({ file }) => store.stageSmallFile(file)));
      for (const [i, { staged: s }] of staged.entries()) {
        expect(s.sha256.equals(crypto.createHash('sha256').update(inputs[i]!.data).digest())).toBe(true);
        await store.discard(s);
        expect(fs.existsSync(s.readyPath)).toBe(false);
      }
    };
    await round(); // every crypto thread started (a thread's own event loop holds descriptors)
    const fds = openFds();
    await round();
    expect(openFds()).toBe(fds);
  });

  it('the same errors as the stat, open and staging of the file by the main thread, nothing left in tmp/ or open', async () => {
    const before = tmpEntries();
    const fds = openFds();
    const code = async (p: Promise<unknown>): Promise<HuellaError> => (await p.then(() => undefined, (x: unknown) => x)) as HuellaError;
    const missing = await code(store.stageSmallFile(path.join(root, 'no-such-file')));
    expect([missing.code, missing.message]).toEqual(['FILE_UNREADABLE', 'File not found while ingesting a file']);
    const folder = await code(store.stageSmallFile(root));
    expect(folder.code).toBe('FILE_UNREADABLE');
    expect(folder.message).toMatch(/encrypted object/);
    const big = writeInput(2 * MiB + 1);
    expect((await code(store.stageSmallFile(big.file, { maxBytes: 2 * MiB }))).code).toBe('FILE_TOO_LARGE');
    const ac = new AbortController();
    ac.abort();
    expect((await code(store.stageSmallFile(big.file, { signal: ac.signal }))).code).toBe('CANCELLED');
    expect(tmpEntries()).toEqual(before);
    expect(openFds()).toBe(fds);
  });
});

describe('BlobStore.stageFile of several large files at once', () => {
  it('stages one large file at a time (each holds ~32 MiB of rings): reading the next starts after the one before is staged', async () => {
    const inputs = [writeInput(PARALLEL_THRESHOLD + 1), writeInput(PARALLEL_THRESHOLD + 3 * MiB), writeInput(PARALLEL_THRESHOLD + 5)];
    const log: string[] = [];
    const staged = await Promise.all(
      inputs.map(async ({ file, data }, i) => {
        const fh = await fsp.open(file, 'r');
        let first = true;
        const onBytes = (): void => {
          if (first) log.push(`read ${i}`);
          first = false;
        };
        const s = await store.stageFile(fh, { sizeHint: data.length, durable: false, onBytes }).finally(() => fh.close());
        log.push(`staged ${i}`);
        return s;
      }),
    );
    // Whichever order they start in, each is read and staged before the next is read.
    expect(log).toHaveLength(6);
    for (let k = 0; k < 6; k += 2) expect([log[k], log[k + 1]]).toEqual([log[k], log[k]!.replace('read', 'staged')]);
    expect(log.filter((x) => x.startsWith('read')).sort()).toEqual(['read 0', 'read 1', 'read 2']);
    staged.forEach((s, i) => expect(s.sha256.equals(crypto.createHash('sha256').update(inputs[i]!.data).digest())).toBe(true));
    for (const r of await store.makeReady(staged)) await store.publish((r as StagedObject).name);
  }, 60_000);
});

describe('BlobStore.makeReady (pending objects named as a group)', () => {
  it('stageFile with durable: false leaves an unnamed .part that recovery discards; makeReady names the group, in order, errors in place', async () => {
    const before = tmpEntries();
    const inputs = [writeInput(1000), writeInput(200 * KiB), writeInput(3)];
    const staged: StagedObject[] = [];
    for (const { file, data } of inputs) {
      const fh = await fsp.open(file, 'r');
      staged.push(await store.stageFile(fh, { sizeHint: data.length, durable: false }).finally(() => fh.close()));
    }
    // Pending: in tmp/ as .part (which a recovery deletes), not as <name>.ready
    for (const s of staged) {
      expect(s.pending).toBe(true);
      expect(path.basename(s.readyPath)).toMatch(/^[0-9a-f]{24}\.part$/);
      expect(fs.existsSync(path.join(store.tmpDir, `${s.name}.ready`))).toBe(false);
    }
    // One of them lost before it is named (as if removed): its error comes back in its place, the others are named.
    fs.rmSync(staged[1]!.readyPath);
    const already = await store.stage(Readable.from([Buffer.from('already durable')]));
    const ready = await store.makeReady([staged[0]!, staged[1]!, already, staged[2]!]);
    expect(ready[1]).toBeInstanceOf(HuellaError);
    expect(ready[2]).toBe(already);
    for (const [k, i] of [[0, 0], [3, 2]] as const) {
      const r = ready[k] as StagedObject;
      expect(r.pending).toBeUndefined();
      expect(r.name).toBe(staged[i]!.name);
      expect(r.readyPath).toBe(path.join(store.tmpDir, `${r.name}.ready`));
      expect(r.sha256.equals(crypto.createHash('sha256').update(inputs[i]!.data).digest())).toBe(true);
      await store.publish(r.name);
      const plain = await store.readPlaintext(r.name);
      expect(plain.equals(inputs[i]!.data)).toBe(true);
    }
    await store.discard(already);
    expect(tmpEntries()).toEqual(before);
  });

  it('the flush moves to the group: stageFile (durable: false) flushes nothing, makeReady flushes each file and tmp/ once', async () => {
    const inputs = [writeInput(1000), writeInput(300 * KiB), writeInput(3 * MiB)];
    const probe = await fsp.open(inputs[0]!.file, 'r');
    const proto = Object.getPrototypeOf(probe) as fsp.FileHandle;
    await probe.close();
    const datasync = vi.spyOn(proto, 'datasync');
    const sync = vi.spyOn(proto, 'sync');
    try {
      const staged: StagedObject[] = [];
      for (const { file, data } of inputs) {
        const fh = await fsp.open(file, 'r');
        staged.push(await store.stageFile(fh, { sizeHint: data.length, durable: false }).finally(() => fh.close()));
      }
      expect(datasync).not.toHaveBeenCalled();
      expect(sync).not.toHaveBeenCalled();
      // One pending object dropped before its group is named (a file that changed): its handle is closed, its file gone.
      await store.discard(staged[1]!);
      expect(fs.existsSync(staged[1]!.readyPath)).toBe(false);
      const ready = await store.makeReady([staged[0]!, staged[2]!]);
      expect(datasync).toHaveBeenCalledTimes(2); // each remaining file's data
      expect(sync).toHaveBeenCalledTimes(1); // tmp/ (fsyncDir), once for the group
      for (const r of ready) {
        expect(r).not.toBeInstanceOf(HuellaError);
        await store.publish((r as StagedObject).name);
      }
      // Named once: a second makeReady of the same pending objects is refused (nothing flushed twice or lost).
      const again = await store.makeReady([staged[0]!]);
      expect(again[0]).toBeInstanceOf(HuellaError);
      expect(await store.exists(staged[0]!.name)).toBe(true);
    } finally {
      datasync.mockRestore();
      sync.mockRestore();
    }
  });

  it('a small file\'s flush starts as soon as it is staged; makeReady waits for that flush (not a second one) and reports its failure', async () => {
    const before = tmpEntries();
    const inputs = [writeInput(200 * KiB), writeInput(50 * KiB), writeInput(70 * KiB)];
    const flushed: number[] = [];
    const real = fs.fdatasync.bind(fs);
    let failNext = false;
    const datasync = vi.spyOn(fs, 'fdatasync').mockImplementation(((fd: number, cb: (e: NodeJS.ErrnoException | null) => void) => {
      flushed.push(fd);
      if (failNext) {
        failNext = false;
        setImmediate(() => cb(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO', errno: -5, syscall: 'fdatasync' })));
        return;
      }
      real(fd, cb);
    }) as typeof fs.fdatasync);
    try {
      const staged: StagedObject[] = [];
      for (const [i, { file }] of inputs.entries()) {
        failNext = i === 1; // the second file's write-back fails
        staged.push((await store.stageSmallFile(file)).staged);
        expect(flushed.length, `file ${i} flushing once staged`).toBe(i + 1);
      }
      // Dropped while its flush may still run: the descriptor is closed after it, the file removed.
      await store.discard(staged[2]!);
      expect(fs.existsSync(staged[2]!.readyPath)).toBe(false);
      const ready = await store.makeReady(staged.slice(0, 2));
      expect(flushed.length).toBe(3); // no file flushed twice
      expect(ready[0]).not.toBeInstanceOf(HuellaError);
      expect(ready[1]).toBeInstanceOf(HuellaError);
      expect((ready[1] as HuellaError).message).toMatch(/encrypted object/);
      const o = ready[0] as StagedObject;
      await store.publish(o.name);
      expect((await store.readPlaintext(o.name)).equals(inputs[0]!.data)).toBe(true);
      await store.remove(o.name);
      expect(tmpEntries()).toEqual(before);
    } finally {
      datasync.mockRestore();
    }
  });

  it('stageBuffer with durable: false (a group of previews): written unflushed as .part, flushed and named by makeReady, age-decryptable', async () => {
    const before = tmpEntries();
    const datas = [crypto.randomBytes(30 * KiB), crypto.randomBytes(64 * KiB), crypto.randomBytes(64 * KiB + 1), Buffer.from('x')];
    const probe = await fsp.open(writeInput(10).file, 'r');
    const proto = Object.getPrototypeOf(probe) as fsp.FileHandle;
    await probe.close();
    const datasync = vi.spyOn(proto, 'datasync');
    const sync = vi.spyOn(proto, 'sync');
    try {
      const staged = await Promise.all(datas.map((d) => store.stageBuffer(d, { durable: false })));
      expect(datasync).not.toHaveBeenCalled();
      expect(sync).not.toHaveBeenCalled();
      for (const [i, s] of staged.entries()) {
        expect(s.pending).toBe(true);
        expect(path.basename(s.readyPath)).toMatch(/^[0-9a-f]{24}\.part$/); // what recovery deletes after a crash
        expect(s.size).toBe(datas[i]!.length);
        expect(s.sha256.equals(crypto.createHash('sha256').update(datas[i]!).digest())).toBe(true);
      }
      // Dropped before its group is named: closed and gone.
      await store.discard(staged[3]!);
      expect(fs.existsSync(staged[3]!.readyPath)).toBe(false);
      const ready = await store.makeReady(staged.slice(0, 3));
      expect(datasync).toHaveBeenCalledTimes(3);
      expect(sync).toHaveBeenCalledTimes(1); // tmp/, once for the group
      for (const [i, r] of ready.entries()) {
        expect(r).not.toBeInstanceOf(HuellaError);
        const o = r as StagedObject;
        expect(o.readyPath).toBe(path.join(store.tmpDir, `${o.name}.ready`));
        await store.publish(o.name);
        expect((await store.readPlaintext(o.name)).equals(datas[i]!)).toBe(true);
        // A complete age file, as stage() writes: the reference tool decrypts it.
        expect(ageDecryptWithReference(store.pathOf(o.name)).equals(datas[i]!)).toBe(true);
      }
    } finally {
      datasync.mockRestore();
      sync.mockRestore();
    }
    expect(tmpEntries()).toEqual(before);
  });

  it('many small files staged at once (ingest keeps 16 in flight) each come back whole, through reused rings', async () => {
    const inputs = Array.from({ length: 40 }, (_, i) => writeInput(100 * KiB + i * 13 * KiB));
    const staged = await Promise.all(inputs.map(async ({ file, data }) => stageFileOf(file, { sizeHint: data.length })));
    for (let i = 0; i < inputs.length; i++) {
      expect(staged[i]!.sha256.equals(crypto.createHash('sha256').update(inputs[i]!.data).digest())).toBe(true);
      await store.publish(staged[i]!.name);
      expect((await store.readPlaintext(staged[i]!.name)).equals(inputs[i]!.data)).toBe(true);
    }
  });

  it('a recovery before makeReady discards the pending objects', async () => {
    const { file, data } = writeInput(5000);
    const fh = await fsp.open(file, 'r');
    const s = await store.stageFile(fh, { sizeHint: data.length, durable: false }).finally(() => fh.close());
    expect(fs.existsSync(s.readyPath)).toBe(true);
    const report = await store.recover(() => true); // even a name the database holds: a .part is never rolled forward
    expect(report.discarded).toBeGreaterThanOrEqual(1);
    expect(fs.existsSync(s.readyPath)).toBe(false);
    expect(await store.exists(s.name)).toBe(false);
  });
});

describe('BlobStore.publishMany (shard folders)', () => {
  it('a shard folder is made once per store, not asked for again at every publish; one removed behind its back is made again by the retry', async () => {
    const dir = tempDir('huella-store-shards-');
    fs.mkdirSync(path.join(dir, 'blobs'));
    fs.mkdirSync(path.join(dir, 'tmp'));
    const s = new BlobStore(dir, identity, crypto.randomBytes(32));
    const nameOf = (b: Buffer): string => s.objectName(crypto.createHash('sha256').update(b).digest());
    const first = crypto.randomBytes(64);
    const shard = nameOf(first).slice(0, 2);
    // More contents that fall into the same shard folder (names are keyed hashes: found by trying).
    const same: Buffer[] = [];
    while (same.length < 2) {
      const b = crypto.randomBytes(64);
      if (nameOf(b).slice(0, 2) === shard) same.push(b);
    }
    const put = async (b: Buffer): Promise<string> => {
      const staged = await s.stage(Readable.from([b]));
      await s.publishMany([staged.name]);
      return staged.name;
    };
    const mkdir = vi.spyOn(fsp, 'mkdir');
    try {
      await put(first);
      expect(mkdir).toHaveBeenCalledTimes(1);
      await put(same[0]!);
      expect(mkdir).toHaveBeenCalledTimes(1); // the folder is known to exist
      // The folder removed behind the store's back: the publish fails with a clear error and loses nothing (the
      // object stays named in tmp/); the retry makes the folder again.
      fs.rmSync(path.join(dir, 'blobs', shard), { recursive: true });
      const staged = await s.stage(Readable.from([same[1]!]));
      await expect(s.publishMany([staged.name])).rejects.toBeInstanceOf(HuellaError);
      expect(fs.existsSync(staged.readyPath)).toBe(true);
      await s.publishMany([staged.name]);
      expect(mkdir).toHaveBeenCalledTimes(2);
      expect((await s.readPlaintext(staged.name)).equals(same[1]!)).toBe(true);
    } finally {
      mkdir.mockRestore();
    }
  });
});

describe('BlobStore.publishLinked (a batch\'s groups published, their folders made durable once)', () => {
  const fresh = (): BlobStore => {
    const dir = tempDir('huella-store-linked-');
    fs.mkdirSync(path.join(dir, 'blobs'));
    fs.mkdirSync(path.join(dir, 'tmp'));
    return new BlobStore(dir, identity, crypto.randomBytes(32));
  };
  const tmpOf = (s: BlobStore): string[] => fs.readdirSync(s.tmpDir).sort();

  it('a linked object is readable in blobs/ at once and keeps its durable tmp/ name until settleLinked, which fsyncs each shard folder once', async () => {
    const s = fresh();
    const datas = Array.from({ length: 6 }, () => crypto.randomBytes(2000));
    const staged = await Promise.all(datas.map((d) => s.stage(Readable.from([d]))));
    const names = staged.map((x) => x.name);
    await s.publishLinked(names.slice(0, 3));
    await s.publishLinked(names.slice(3));
    for (let i = 0; i < datas.length; i++) expect((await s.readPlaintext(names[i]!)).equals(datas[i]!), `object ${i}`).toBe(true);
    // Until settled, each object's committed tmp/<name>.ready is still there: what a crash leaves for recover().
    expect(tmpOf(s)).toEqual(names.map((n) => `${n}.ready`).sort());
    expect(s.linkedCount).toBe(6);
    const probe = await fsp.open(s.tmpDir, 'r');
    const proto = Object.getPrototypeOf(probe) as fsp.FileHandle;
    await probe.close();
    const sync = vi.spyOn(proto, 'sync');
    try {
      await s.settleLinked();
      const shards = new Set(names.map((n) => n.slice(0, 2))).size;
      expect(sync).toHaveBeenCalledTimes(shards + 1); // every shard folder once, and blobs/ (new folders)
    } finally {
      sync.mockRestore();
    }
    expect(tmpOf(s)).toEqual([]);
    expect(s.linkedCount).toBe(0);
    for (let i = 0; i < datas.length; i++) expect((await s.readPlaintext(names[i]!)).equals(datas[i]!)).toBe(true);
  });

  it('a crash before settleLinked loses nothing committed: the link lost, recover() puts the object back; the link kept, recover() removes the tmp/ name', async () => {
    const s = fresh();
    const [a, b, c] = [crypto.randomBytes(3000), crypto.randomBytes(3000), crypto.randomBytes(3000)];
    const sa = await s.stage(Readable.from([a]));
    const sb = await s.stage(Readable.from([b]));
    const sc = await s.stage(Readable.from([c]));
    await s.publishLinked([sa.name, sb.name]); // committed and reported; sc staged, never committed
    // The power cut: the link of `a` did not reach the disk, the one of `b` did.
    fs.rmSync(s.pathOf(sa.name));
    const after = new BlobStore(path.dirname(s.blobsDir), identity, Buffer.alloc(32)); // a new process: nothing in memory
    const report = await after.recover((name) => name === sa.name || name === sb.name);
    expect(report).toEqual({ discarded: 1, rolledForward: 2 });
    expect(tmpOf(s)).toEqual([]);
    expect((await after.readPlaintext(sa.name)).equals(a)).toBe(true);
    expect((await after.readPlaintext(sb.name)).equals(b)).toBe(true);
    expect(await after.exists(sc.name)).toBe(false);
  });

  it('a duplicate named in the same group, then discarded, leaves the tmp/ name of the object it duplicates until settled', async () => {
    const s = fresh();
    const data = crypto.randomBytes(5000);
    const inputs = [0, 1].map((i) => {
      const file = path.join(root, `dup-${i}-${crypto.randomBytes(4).toString('hex')}`);
      fs.writeFileSync(file, data);
      return file;
    });
    const staged: StagedObject[] = [];
    for (const file of inputs) {
      const fh = await fsp.open(file, 'r');
      staged.push(await s.stageFile(fh, { sizeHint: data.length, durable: false }).finally(() => fh.close()));
    }
    const ready = (await s.makeReady(staged)) as StagedObject[];
    expect(ready[0]!.name).toBe(ready[1]!.name);
    await s.publishLinked([ready[0]!.name]); // the first committed, the second a duplicate
    await s.discard(ready[1]!);
    expect(tmpOf(s)).toEqual([`${ready[0]!.name}.ready`]); // without it, a crash now could find neither name
    await s.settleLinked();
    expect(tmpOf(s)).toEqual([]);
    expect((await s.readPlaintext(ready[0]!.name)).equals(data)).toBe(true);
  });

  it('the same content named again while linked (a later group): the linked object is settled first', async () => {
    const s = fresh();
    const data = crypto.randomBytes(4000);
    const first = await s.stage(Readable.from([data]));
    await s.publishLinked([first.name]);
    expect(s.linkedCount).toBe(1);
    const again = await s.stage(Readable.from([data])); // renamed onto tmp/<name>.ready: settled before that
    expect(s.linkedCount).toBe(0);
    await s.discard(again);
    expect(tmpOf(s)).toEqual([]);
    expect((await s.readPlaintext(first.name)).equals(data)).toBe(true);
  });

  it('a file system without hard links: each group is published at once (renamed, folders fsynced)', async () => {
    const s = fresh();
    const link = vi.spyOn(fsp, 'link').mockRejectedValue(Object.assign(new Error('Operation not permitted'), { code: 'EPERM' }));
    try {
      const data = crypto.randomBytes(1000);
      const st = await s.stage(Readable.from([data]));
      await s.publishLinked([st.name]);
      expect(tmpOf(s)).toEqual([]);
      expect(s.linkedCount).toBe(0);
      expect((await s.readPlaintext(st.name)).equals(data)).toBe(true);
      const st2 = await s.stage(Readable.from([crypto.randomBytes(1000)]));
      await s.publishLinked([st2.name]);
      expect(link).toHaveBeenCalledTimes(1); // found once, then published without trying
      expect(tmpOf(s)).toEqual([]);
    } finally {
      link.mockRestore();
    }
  });
});

describe('dropBytes (after a short writev)', () => {
  const parts = [Buffer.from('abc'), Buffer.from('de'), Buffer.from('fghi')];
  const rest = (n: number): string => Buffer.concat(dropBytes(parts, n)).toString();
  it.each([0, 1, 3, 4, 5, 8, 9])('after %i bytes the rest is the tail', (n) => {
    expect(rest(n)).toBe('abcdefghi'.slice(n));
  });
});
