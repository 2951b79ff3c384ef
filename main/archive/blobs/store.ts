import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HuellaError, fromSystemError } from '../errors';
import { fsyncDir } from '../fs/durable';
import { AgeEncryptor, createAgeDecryptStream, createAgeEncryptStream } from './age';
import { encryptInline, encryptInParallel, HEAD_BYTES, HeadCollector, tooLarge, type EncryptedFile } from './encrypt-file';
import { CiphertextRing, LARGE_FILE_RING, createCiphertextMemory } from './ciphertext-ring';
import { openDirect } from '../fs/direct-io';
import { formatBytes } from '../format-bytes';
import { x25519PublicFromSecret } from './age-keys';
import { readAgeHeader, rewrapAgeHeader } from './age-rewrap';
import { PlaintextReader, decryptWholeFile, plaintextStream } from './plaintext-reader';
import { PARALLEL_THRESHOLD, createHashRing, createSlotHasher, type HashRing } from './parallel-hash';
import { decryptWhole, encryptFile, hashObjects as hashObjectsOnWorkers } from './crypto';
import type { ObjectHash } from './crypto-protocol';
import { randomBytesPooled } from '../crypto/random-pool';

/**
 * Content-addressed store of age v1 files (DESIGN §3). Plaintext never touches the disk: bytes are hashed and
 * encrypted in one streaming pass straight into tmp/.
 *
 * Write protocol (crash-safe, no orphans):
 *   1. stream → tmp/<random>.part, fsync            (stage; ingest flushes a group's files at once in step 2)
 *   2. rename → tmp/<object name>.ready, fsync tmp/ (the name needs the hash, known only at the end)
 *   3. caller commits the object row + custody event in one DB transaction
 *   4. rename → blobs/<ab>/<object name>, fsync dir  (publish)
 * On open, `recover()` deletes *.part and uncommitted *.ready files (interrupted ingests) and rolls forward any
 * committed *.ready whose publish step did not happen. DESIGN §3 renames before the DB commit; that order leaves an
 * orphan blob after a crash between the two steps that only a full directory scan could find. Committing first and
 * rolling forward on open costs the same fsyncs and leaves nothing to scan for.
 */

export { HEAD_BYTES };
/** Files below this size are staged whole on a crypto worker (stageSmallFile); larger ones by stageFile. */
export const SMALL_FILE_BYTES = PARALLEL_THRESHOLD;
/** stage()'s output buffer: see WRITE_BUFFER_BYTES in encrypt-file.ts. */
const WRITE_BUFFER_BYTES = 1024 * 1024;

export type RewrappedHeader = { readonly header: Buffer; readonly payloadOffset: number; readonly size: number; readonly sha256: string };
/**
 * stageFile's read ring. Large files: 16 slots of 1 MiB shared with the hashing thread and the crypto workers
 * (the reader waits for a slot only when both are 15 slots behind). Small files: 2 slots of 1 MiB, hashed inline. Rings are reused from file
 * to file: fresh buffers per read cost page faults, which on this VM were as dear as the encryption itself.
 * 1 GiB (quiet machine): 4×4 MiB slots with 8 MiB writes 3.6 s, 16×1 MiB with 1 MiB writes 2.5–2.65 s; age 2.6–2.9 s.
 */
const LARGE_RING = { slots: 16, slotBytes: 1024 * 1024 };
const SMALL_RING = { slots: 2, slotBytes: 256 * 1024 };
/**
 * Idle small rings kept for reuse: ingest has up to 16 files in flight, each with its own ring. Keeping one only
 * made a new ring for nearly every file (2 MiB then, zero-filled and left to the garbage collector), which grew the
 * CLI's peak memory with the batch; 256 KiB slots hold a typical photo in one read.
 */
const IDLE_SMALL_RINGS = 16;
const READ_CHUNK_BYTES = 1024 * 1024; // enough for content sniffing (file-type reads at most 4100 bytes)

/** A failure to read stored object `name`: OBJECT_MISSING when it is not there, else the system error. */
function objectReadError(name: string, e: unknown): HuellaError {
  if ((e as { code?: string }).code === 'ENOENT') return new HuellaError('OBJECT_MISSING', `Object ${name.slice(0, 12)}… is missing from the vault.`, { cause: e });
  return fromSystemError(e, 'reading an encrypted object');
}

export type StagedObject = {
  readonly name: string;
  readonly sha256: Buffer;
  readonly size: number;
  /** The first bytes of the plaintext, kept in memory only, for media-type sniffing. */
  readonly head: Buffer;
  /** Where the staged file is: tmp/<name>.ready, or tmp/<random>.part while it is pending (not yet durable). */
  readonly readyPath: string;
  /** Written but not yet durable (stageFile with durable: false): makeReady() must run before it is committed. */
  readonly pending?: boolean;
};

export type StageOptions = {
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
  readonly onBytes?: (n: number) => void;
};

export type StageFileOptions = StageOptions & {
  /** Expected size (from stat): large inputs hash on a second thread, overlapping encryption. */
  readonly sizeHint?: number;
  /**
   * false: the object's bytes are made durable in tmp/<random>.part but it is not named yet (a pending object): the
   * caller names a group of them at once with makeReady() (one fsync of tmp/ for the group) before committing them.
   * Default true (durable and named, one fsync of tmp/ per object).
   */
  readonly durable?: boolean;
  /** A copy of the plaintext's first bytes as soon as they are read (encrypt-file.ts's EncryptOptions.onHead). */
  readonly onHead?: (head: Buffer) => void;
};

/** stageSmallFile's result: see there. */
export type SmallFileStaged = { readonly staged: StagedObject; readonly sourceSize: number; readonly sourceMtimeMs: number; readonly found: boolean; readonly plaintext?: Buffer };

/** A pending object's open .part file: a FileHandle, or the descriptor a crypto worker wrote it through (rawPart). */
type OpenPart = Pick<fsp.FileHandle, 'datasync' | 'close'>;

/** An open file known by its descriptor alone, as makeReady and discard use a pending object's file. */
function rawPart(fd: number): OpenPart {
  return {
    datasync: () => new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve()))),
    close: () => new Promise<void>((resolve, reject) => fs.close(fd, (e) => (e ? reject(e) : resolve()))),
  };
}

/**
 * A pending small file's flush started at once, as soon as the worker has written it, rather than when its group is
 * made ready: the fdatasyncs then run on the thread pool while later files are read and encrypted and while the
 * group before is committed, and makeReady mostly finds them done. datasync() returns that flush (its error, if any,
 * is reported by makeReady as before); close() waits for it, so the descriptor is never closed under it.
 */
function flushingPart(part: OpenPart): OpenPart {
  const flushed = part.datasync();
  flushed.catch(() => undefined); // reported by datasync()'s caller (makeReady); a discarded file's flush is moot
  return { datasync: () => flushed, close: () => flushed.then(() => part.close(), () => part.close()) };
}

/** link(2) errors of a file system without hard links (FAT, exFAT, some network shares). */
const NO_LINK_CODES = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'EXDEV', 'ENOSYS']);

export type RecoveryReport = { readonly discarded: number; readonly rolledForward: number };

export class BlobStore {
  readonly blobsDir: string;
  readonly tmpDir: string;
  readonly #recipient: Buffer;
  readonly #identity: Buffer;
  readonly #nameKey: Buffer;
  readonly #idleRings: { large?: HashRing; small: HashRing[] } = { small: [] };
  /** A large-file ciphertext ring's memory (ciphertext-ring.ts) not in use, kept as the large read ring is. */
  #idleCiphertext: SharedArrayBuffer | undefined;
  /** Settles when the large file being staged (if any) is done: the next one waits for it (stageFile). */
  #largeTurn: Promise<void> = Promise.resolve();
  /** Pending objects' files (stageFile with durable: false), written but not yet flushed, by their .part path. */
  readonly #unflushed = new Map<string, OpenPart>();
  /**
   * Shard folders of blobs/ this store has seen exist (created with blobs/ fsynced after, or found existing), so
   * publishMany does not ask again: 731 of 981 mkdir calls of a 1,000-photo import failed with EEXIST. Forgotten
   * after a failed publish, so a folder removed behind our back is made again by the retry.
   */
  readonly #shardDirs = new Set<string>();
  /** publishLinked's objects not yet settled, the shard folders they went into, and whether one was made. */
  #linked: { names: Set<string>; dirs: Set<string>; newDirs: boolean } = { names: new Set(), dirs: new Set(), newDirs: false };
  /** The file system refused a hard link: publishLinked publishes at once. */
  #noLinks = false;

  constructor(vaultDir: string, identitySecret: Buffer, nameKey: Buffer) {
    this.blobsDir = path.join(vaultDir, 'blobs');
    this.tmpDir = path.join(vaultDir, 'tmp');
    this.#identity = identitySecret;
    this.#recipient = x25519PublicFromSecret(identitySecret);
    this.#nameKey = nameKey;
  }

  get recipientPublicKey(): Buffer {
    return this.#recipient;
  }

  /** Object name = hex(HMAC-SHA256(nameKey, sha256(plaintext))): a known photo's hash is not findable on disk. */
  objectName(sha256: Uint8Array): string {
    return crypto.createHmac('sha256', this.#nameKey).update(sha256).digest('hex');
  }

  /**
   * A name for the same content in another context (a transfer bundle to one recipient): keyed by a key derived from
   * the name key and `context`, so it can be linked neither to the plain hash nor to this vault's own object name.
   */
  contextObjectName(sha256: Uint8Array, context: Uint8Array): string {
    const key = Buffer.from(crypto.hkdfSync('sha256', this.#nameKey, context, 'huella context object name v1', 32));
    return crypto.createHmac('sha256', key).update(sha256).digest('hex');
  }

  pathOf(name: string): string {
    if (!/^[0-9a-f]{64}$/.test(name)) throw new HuellaError('INTERNAL', 'invalid object name');
    return path.join(this.blobsDir, name.slice(0, 2), name);
  }

  /** Hash + encrypt `source` into tmp/ in one pass. Nothing is visible in blobs/ until publish(). */
  async stage(source: Readable, options: StageOptions = {}): Promise<StagedObject> {
    const partPath = this.#newPartPath();
    const hash = crypto.createHash('sha256');
    const head = new HeadCollector();
    let size = 0;
    const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > maxBytes) {
          cb(tooLarge(maxBytes));
          return;
        }
        head.add(chunk);
        options.onBytes?.(chunk.length);
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      // flush: fsync before close; pipeline resolves only after the close, so the bytes are durable here.
      // A large buffer lets the 64 KiB age chunks coalesce into few writev calls (measured with 8 MiB against the
      // 16 KiB default: 1 GiB 3.2 s → 1.4 s; 1 MiB costs less system time still, see WRITE_BUFFER_BYTES).
      const out = fs.createWriteStream(partPath, { flags: 'wx', mode: 0o600, flush: true, highWaterMark: WRITE_BUFFER_BYTES });
      await pipeline(source, tap, createAgeEncryptStream([this.#recipient]), out, options.signal ? { signal: options.signal } : {});
      return await this.#makeReady(partPath, hash.digest(), size, head.bytes());
    } catch (e) {
      throw await this.#failStage(partPath, e, options.signal);
    }
  }

  /**
   * Hash + encrypt an open file into tmp/ in one pass, the way ingest does it: the file is read into a ring of
   * reused buffers; each piece is handed to the hasher (a second thread for large files, reading the same memory)
   * and encrypted, on this thread for small files, by the crypto workers for large ones (encrypt-file.ts: slots
   * sealed in parallel, each written at its own position). Same result and guarantees as stage()
   * (npm run bench -- --only ingest compares it with age).
   */
  async stageFile(file: fsp.FileHandle, options: StageFileOptions = {}): Promise<StagedObject> {
    if ((options.sizeHint ?? 0) < PARALLEL_THRESHOLD) return this.#stageFileNow(file, options, false);
    // One large file at a time: each already keeps both crypto workers busy, and each holds a read ring and a
    // ciphertext ring (16 + 32 MiB): a batch of phone videos staged side by side took 400-500 MB (24 files of 9 MiB).
    const before = this.#largeTurn;
    let done!: () => void;
    this.#largeTurn = new Promise<void>((resolve) => (done = resolve));
    try {
      await before;
      return await this.#stageFileNow(file, options, true);
    } finally {
      done();
    }
  }

  async #stageFileNow(file: fsp.FileHandle, options: StageFileOptions, large: boolean): Promise<StagedObject> {
    const partPath = this.#newPartPath();
    const ring = this.#takeRing(large);
    const hasher = createSlotHasher(ring, options.sizeHint ?? 0);
    let out: fsp.FileHandle | undefined;
    let direct: fsp.FileHandle | undefined;
    try {
      out = await fsp.open(partPath, 'wx', 0o600);
      const encryptOptions = { maxBytes: options.maxBytes ?? Number.MAX_SAFE_INTEGER, signal: options.signal, onBytes: options.onBytes, onHead: options.onHead };
      let encrypted: EncryptedFile;
      if (large) {
        direct = await openDirect(partPath);
        const memory = this.#idleCiphertext ?? createCiphertextMemory(LARGE_FILE_RING);
        this.#idleCiphertext = undefined;
        try {
          encrypted = await encryptInParallel(file, new CiphertextRing(memory, LARGE_FILE_RING, out, direct), ring, hasher, this.#recipient, encryptOptions);
        } finally {
          this.#idleCiphertext = memory; // ciphertext only: nothing to wipe
        }
      } else {
        encrypted = await encryptInline(file, out, ring, hasher, this.#recipient, encryptOptions);
      }
      const { size, head } = encrypted;
      if (options.durable === false) {
        // Not flushed here: makeReady flushes the whole group at once (see there). The handle stays open for it.
        const sha256 = await hasher.digest();
        this.#unflushed.set(partPath, out);
        out = undefined;
        return { name: this.objectName(sha256), sha256, size, head, readyPath: partPath, pending: true };
      }
      await out.sync();
      await out.close();
      out = undefined;
      return await this.#makeReady(partPath, await hasher.digest(), size, head);
    } catch (e) {
      hasher.abort();
      await out?.close().catch(() => undefined);
      throw await this.#failStage(partPath, e, options.signal);
    } finally {
      await direct?.close().catch(() => undefined);
      new Uint8Array(ring.buffer).fill(0); // plaintext does not linger in a buffer we keep
      this.#returnRing(large, ring);
    }
  }

  /**
   * stageFile with durable: false for a small file (below SMALL_FILE_BYTES), by its path, on a crypto worker
   * (encrypt-small.ts): the file stat'ed, read, hashed and encrypted there, so this thread only waits. Returns the
   * pending object, the size and modification time the file had before it was read, and whether the bytes `find`
   * occur in it; with `keep`, the bytes it read too (`plaintext`, in memory, for the metadata parser). Same errors as
   * ingest's stat, open and stageFile of the same file. (No onHead: the head is the staged object's.)
   */
  async stageSmallFile(source: string, options: StageOptions & { readonly sizeHint?: number; readonly find?: Uint8Array; readonly keep?: boolean } = {}): Promise<SmallFileStaged> {
    const partPath = this.#newPartPath();
    try {
      if (options.signal?.aborted) throw new HuellaError('CANCELLED', 'Cancelled.');
      const r = await encryptFile({ source, partPath, recipient: this.#recipient, maxBytes: options.maxBytes ?? Number.MAX_SAFE_INTEGER, ...(options.find ? { find: options.find } : {}), ...(options.keep ? { keep: true } : {}) }, options.sizeHint ?? 0);
      this.#unflushed.set(partPath, flushingPart(rawPart(r.fd)));
      const sha256 = Buffer.from(r.sha256.buffer, r.sha256.byteOffset, r.sha256.byteLength);
      const head = Buffer.from(r.head.buffer, r.head.byteOffset, r.head.byteLength);
      const staged: StagedObject = { name: this.objectName(sha256), sha256, size: r.size, head, readyPath: partPath, pending: true };
      if (options.signal?.aborted) {
        await this.discard(staged);
        throw new HuellaError('CANCELLED', 'Cancelled.');
      }
      options.onBytes?.(r.size);
      const plaintext = r.plaintext ? Buffer.from(r.plaintext.buffer, r.plaintext.byteOffset, r.plaintext.byteLength) : undefined;
      return { staged, sourceSize: r.sourceSize, sourceMtimeMs: r.sourceMtimeMs, found: r.found, ...(plaintext ? { plaintext } : {}) };
    } catch (e) {
      throw await this.#failStage(partPath, e, options.signal);
    }
  }

  #newPartPath(): string {
    return path.join(this.tmpDir, `${randomBytesPooled(12).toString('hex')}.part`);
  }

  /** Step 2 of the write protocol: the bytes are durable in partPath; name the object and make the rename durable. */
  async #makeReady(partPath: string, sha256: Buffer, size: number, head: Buffer): Promise<StagedObject> {
    const name = this.objectName(sha256);
    const readyPath = path.join(this.tmpDir, `${name}.ready`);
    await this.#settleBeforeReplacing([name]);
    await fsp.rename(partPath, readyPath);
    await fsyncDir(this.tmpDir);
    return { name, sha256, size, head, readyPath };
  }

  /**
   * Step 2 of the write protocol for a group of pending objects (stageFile with durable: false: written, not yet
   * flushed) at once: each renamed to tmp/<name>.ready, then every file's data and tmp/ flushed together. Objects
   * already named are returned as they are. A file that cannot be renamed or flushed is removed and its error returned
   * in its place; if the fsync of tmp/ fails, every pending file of the group is removed and the call throws. When it
   * returns, every object it returns is durable under its name, as stage() leaves one. (A small file's flush started
   * when it was staged, flushingPart: it is waited for here, not issued again.)
   *
   * Why one flush per group rather than per file: each fdatasync of a new file is a journal commit and a disk cache
   * flush (about 1.4 ms here, one after the other in the pipeline: 1,137 of them for 300 photos). Issued together, the
   * group's fdatasyncs and the fsync of tmp/ share the file system's commits (ext4's jbd2 joins the waiters into one
   * transaction): 32 files of 230 KB take 10–35 ms at once against 60–210 ms one by one on this VM. syncfs(2) would
   * flush the group in one call, but Node has no binding for it, spawning `sync -f` would put child_process in the
   * main process (refused: it may open no sockets and start no programs), and it would also flush every other
   * program's writes on the same file system (it took up to 290 ms on the shared machine). fdatasync per file also
   * keeps the guarantee portable (macOS, Windows) and reports each file's own write error. The renames go first (no
   * flush between): a crash before the flushes leaves .ready names that no database row holds, which recovery deletes.
   *
   * Run it only from one caller at a time, and only after the objects committed before it are published: a rename to
   * <name>.ready replaces a committed object of the same content waiting in tmp/ for its publish.
   */
  async makeReady(staged: readonly StagedObject[]): Promise<(StagedObject | HuellaError)[]> {
    const out: (StagedObject | HuellaError)[] = new Array<StagedObject | HuellaError>(staged.length);
    const handles: (OpenPart | undefined)[] = new Array<OpenPart | undefined>(staged.length);
    await this.#settleBeforeReplacing(staged.filter((s) => s.pending).map((s) => s.name));
    // The renames issued together (each a round trip to the thread pool otherwise, one after the other).
    await Promise.all(
      staged.map(async (s, k): Promise<void> => {
        if (!s.pending) {
          out[k] = s;
          return;
        }
        const handle = this.#unflushed.get(s.readyPath);
        this.#unflushed.delete(s.readyPath);
        handles[k] = handle;
        const readyPath = path.join(this.tmpDir, `${s.name}.ready`);
        try {
          if (!handle) throw new HuellaError('INTERNAL', 'A staged object was already flushed or discarded.');
          await fsp.rename(s.readyPath, readyPath);
          out[k] = { name: s.name, sha256: s.sha256, size: s.size, head: s.head, readyPath };
        } catch (e) {
          await handle?.close().catch(() => undefined);
          handles[k] = undefined;
          await fsp.rm(s.readyPath, { force: true }).catch(() => undefined);
          out[k] = e instanceof HuellaError ? e : fromSystemError(e, 'writing an encrypted object');
        }
      }),
    );
    const flushes = handles.map(async (h, k): Promise<void> => {
      if (!h) return;
      try {
        await h.datasync();
        await h.close();
      } catch (e) {
        await h.close().catch(() => undefined);
        await fsp.rm((out[k] as StagedObject).readyPath, { force: true }).catch(() => undefined);
        out[k] = fromSystemError(e, 'writing an encrypted object');
      }
    });
    const dirFlush = staged.some((s) => s.pending) ? fsyncDir(this.tmpDir).then(() => undefined, (e: unknown) => e) : Promise.resolve(undefined);
    await Promise.all(flushes);
    const dirError = await dirFlush;
    if (dirError !== undefined) {
      await Promise.all(out.map((s, i) => (staged[i]!.pending && !(s instanceof HuellaError) ? this.discard(s) : undefined)));
      throw fromSystemError(dirError, 'writing an encrypted object');
    }
    return out;
  }

  /** Removes the partial file and returns the error to throw (CANCELLED when the caller aborted). */
  async #failStage(partPath: string, e: unknown, signal: AbortSignal | undefined): Promise<HuellaError> {
    await fsp.rm(partPath, { force: true }).catch(() => undefined);
    if (signal?.aborted) return e instanceof HuellaError && e.code === 'CANCELLED' ? e : new HuellaError('CANCELLED', 'Cancelled.', { cause: e });
    if (e instanceof HuellaError) return e;
    return fromSystemError(e, 'writing an encrypted object');
  }

  #takeRing(large: boolean): HashRing {
    const idle = large ? this.#idleRings.large : this.#idleRings.small.pop();
    if (large) this.#idleRings.large = undefined;
    if (idle) return idle;
    const shape = large ? LARGE_RING : SMALL_RING;
    return createHashRing(shape.slots, shape.slotBytes, large);
  }

  #returnRing(large: boolean, ring: HashRing): void {
    if (large) this.#idleRings.large = ring;
    else if (this.#idleRings.small.length < IDLE_SMALL_RINGS) this.#idleRings.small.push(ring);
  }

  /** Drop a staged object (duplicate content, or its DB commit failed). */
  async discard(staged: StagedObject): Promise<void> {
    const handle = this.#unflushed.get(staged.readyPath);
    this.#unflushed.delete(staged.readyPath);
    await handle?.close().catch(() => undefined);
    // A duplicate named in the same group as the object it duplicates: tmp/<name>.ready is now that object's durable
    // name until settleLinked (see publishLinked), not this copy's.
    if (!staged.pending && this.#linked.names.has(staged.name) && staged.readyPath === path.join(this.tmpDir, `${staged.name}.ready`)) return;
    await fsp.rm(staged.readyPath, { force: true });
  }

  /** Step 4: move a committed object into blobs/. Idempotent for recovery: a missing .ready with the blob present is fine. */
  async publish(name: string): Promise<void> {
    await this.publishMany([name]);
  }

  /**
   * Step 4 for a group of committed objects (a group of ingested files): the shard folders they need created first,
   * with one fsync of blobs/ for all of them (before, one after each new folder: up to 256 one after the other in a
   * new vault), then every rename, then each folder they went into fsynced once, all at once (the file system
   * commits them together), before any of them is reported.
   */
  async publishMany(names: readonly string[]): Promise<void> {
    const dirs = new Set<string>();
    try {
      for (const name of names) dirs.add(path.dirname(this.pathOf(name)));
      await this.#makeShardDirs(names, true);
      for (const name of names) {
        const dest = this.pathOf(name);
        try {
          await fsp.rename(path.join(this.tmpDir, `${name}.ready`), dest);
        } catch (e) {
          // Published already (a retry after a failure part-way): the object is in place.
          if ((e as { code?: string }).code !== 'ENOENT' || !(await this.exists(name))) throw e;
        }
      }
      await Promise.all([...dirs].map((d) => fsyncDir(d)));
    } catch (e) {
      for (const dir of dirs) this.#shardDirs.delete(dir);
      throw fromSystemError(e, 'storing an encrypted object');
    }
  }

  /**
   * Step 4 for a group of committed objects, made durable later (a batch's groups, ingest): each object is linked into
   * blobs/ (readable there at once) and keeps its durable name in tmp/ until settleLinked() has made the blobs/
   * folders durable. A crash before that leaves the committed tmp/<name>.ready, which recover() rolls forward, so the
   * objects are as safe as after publishMany without one fsync of each shard folder per group (a group of 30 photos
   * touched about 30 of them, each a journal commit). Where the file system has no hard links, each group is
   * published at once by publishMany. Call settleLinked() before anything else may rename into tmp/<name>.ready
   * (the next group's makeReady may, for the same content) only if it would replace a name still waiting here: the
   * ingest loop settles before it returns, and every SETTLE_LINKED_FILES objects.
   */
  async publishLinked(names: readonly string[]): Promise<void> {
    if (this.#noLinks) {
      await this.publishMany(names);
      return;
    }
    try {
      await this.#makeShardDirs(names, false);
      // The links issued together; a file system without hard links is found by the first refusal.
      let refused = false;
      await Promise.all(
        names.map(async (name): Promise<void> => {
          const dest = this.pathOf(name);
          try {
            await fsp.link(path.join(this.tmpDir, `${name}.ready`), dest);
          } catch (e) {
            const code = (e as { code?: string }).code;
            // EEXIST: published already (a retry): the object is in place, its tmp/ name goes with the others'.
            if (code !== 'EEXIST') {
              if (!NO_LINK_CODES.has(code ?? '')) throw e;
              refused = true;
              return;
            }
          }
          this.#linked.names.add(name);
          this.#linked.dirs.add(path.dirname(dest));
        }),
      );
      if (refused) {
        this.#noLinks = true;
        await this.settleLinked();
        await this.publishMany(names);
      }
    } catch (e) {
      throw fromSystemError(e, 'storing an encrypted object');
    }
  }

  /**
   * An object of the same content as one linked but not settled is about to be renamed to its tmp/<name>.ready
   * (a duplicate, which is then removed): the linked ones are settled first, or a crash could find neither name.
   */
  async #settleBeforeReplacing(names: readonly string[]): Promise<void> {
    if (this.#linked.names.size > 0 && names.some((n) => this.#linked.names.has(n))) await this.settleLinked();
  }

  /** Objects linked into blobs/ whose tmp/ names still hold them (publishLinked). */
  get linkedCount(): number {
    return this.#linked.names.size;
  }

  /**
   * The objects publishLinked left in blobs/ made durable there (blobs/ when a shard folder was made, then every shard
   * folder they went into, all at once), then their tmp/ names removed.
   */
  async settleLinked(): Promise<void> {
    const { names, dirs, newDirs } = this.#linked;
    if (names.size === 0 && !newDirs) return;
    try {
      if (newDirs) await fsyncDir(this.blobsDir);
      this.#linked.newDirs = false;
      await Promise.all([...dirs].map((d) => fsyncDir(d)));
      for (const name of names) await fsp.rm(path.join(this.tmpDir, `${name}.ready`), { force: true });
    } catch (e) {
      throw fromSystemError(e, 'storing an encrypted object');
    }
    this.#linked = { names: new Set(), dirs: new Set(), newDirs: false };
  }

  /**
   * The shard folders of `names` that this store has not seen yet, created; blobs/ fsynced after a new one when
   * `durable`, else remembered for settleLinked.
   */
  async #makeShardDirs(names: readonly string[], durable: boolean): Promise<void> {
    const found: string[] = [];
    let created = false;
    for (const name of names) {
      const dir = path.dirname(this.pathOf(name));
      if (this.#shardDirs.has(dir) || found.includes(dir)) continue;
      try {
        await fsp.mkdir(dir, { mode: 0o700 });
        created = true;
      } catch (e) {
        if ((e as { code?: string }).code !== 'EEXIST') throw e;
      }
      found.push(dir);
    }
    // Durable: blobs/ fsynced for a folder made now, or made before by publishLinked and not yet settled.
    if ((created || this.#linked.newDirs) && durable) await fsyncDir(this.blobsDir);
    if (created && !durable) this.#linked.newDirs = true;
    for (const dir of found) this.#shardDirs.add(dir);
  }

  /**
   * Clean tmp/ after a crash. `isCommitted(name)` says whether the DB holds the object row. Returns what was done so
   * the caller can record an `ingest.interrupted` custody event.
   */
  async recover(isCommitted: (name: string) => boolean): Promise<RecoveryReport> {
    let discarded = 0;
    let rolledForward = 0;
    let entries: string[];
    try {
      entries = await fsp.readdir(this.tmpDir);
    } catch {
      await fsp.mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
      return { discarded, rolledForward };
    }
    for (const entry of entries) {
      const full = path.join(this.tmpDir, entry);
      const m = /^([0-9a-f]{64})\.ready$/.exec(entry);
      if (m && isCommitted(m[1]!)) {
        // Linked into blobs/ already (publishLinked, before its settleLinked): the tmp/ name goes. (A rename onto
        // another link of the same file would leave both names.)
        if (await this.exists(m[1]!)) await fsp.rm(full, { force: true });
        else await this.publish(m[1]!);
        rolledForward++;
      } else {
        await fsp.rm(full, { force: true, recursive: true });
        discarded++;
      }
    }
    if (discarded > 0) await fsyncDir(this.tmpDir);
    return { discarded, rolledForward };
  }

  async exists(name: string): Promise<boolean> {
    try {
      await fsp.access(this.pathOf(name));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Decrypts and hashes objects on the crypto worker threads (verify): plain loops over reused buffers, and no
   * plaintext leaves the workers. Results in the order of `names`; `bytes` (their total size) sets the time limit;
   * `cancel`: a shared Int32 flag that stops the task (CANCELLED) once set.
   */
  hashObjects(names: readonly string[], bytes: number, cancel?: SharedArrayBuffer): Promise<readonly ObjectHash[]> {
    return hashObjectsOnWorkers(this.#identity, names.map((n) => this.pathOf(n)), bytes, cancel);
  }

  /**
   * The decrypted object as a stream; authenticated chunk by chunk, never buffered whole. Read through reused buffers
   * (plaintext-reader.ts), one read ahead of the consumer.
   */
  openPlaintext(name: string): Readable {
    return plaintextStream(() => this.#openObject(name), [this.#identity], (e) => (e instanceof HuellaError ? e : objectReadError(name, e)));
  }

  /**
   * Object `name`'s plaintext decrypted whole, in this thread, into the buffer `take(bytes)` gives (the export's
   * strip of a photo: formats/strip.ts vaultObjectSource): its size, at the start of that buffer. Null when the
   * object is larger than `maxBytes` on disk, and also when it cannot be opened, read or decrypted whole: the caller
   * then streams it (openPlaintext), which reports that failure as it always did, after the plaintext before it.
   */
  readPlaintextWhole(name: string, maxBytes: number, take: (bytes: number) => Buffer): number | null {
    return decryptWholeFile(this.pathOf(name), [this.#identity], maxBytes, take);
  }

  /**
   * readPlaintextWhole on a crypto worker, so the calling thread is free meanwhile (an export strips one photo while
   * the next is decrypted). `take(bytes)` must give a view of a SharedArrayBuffer (formats' scannable buffers are),
   * which the worker reads and decrypts into; another buffer is decrypted into in this thread. Null as
   * readPlaintextWhole; rejects only when the worker fails (crypto.ts decryptWhole).
   */
  async readPlaintextWholeOnWorker(name: string, maxBytes: number, take: (bytes: number) => Buffer): Promise<number | null> {
    let size: number;
    try {
      const st = fs.statSync(this.pathOf(name));
      if (!st.isFile() || st.size > maxBytes) return null;
      size = st.size;
    } catch {
      return null;
    }
    const into = take(size + 1);
    if (!(into.buffer instanceof SharedArrayBuffer)) return this.readPlaintextWhole(name, maxBytes, () => into);
    return decryptWhole(this.#identity, this.pathOf(name), maxBytes, into);
  }

  /**
   * Object `name`'s plaintext handed to `consume` piece by piece (authenticated 64 KiB chunks), the next one decrypted
   * only once `consume` has returned (or its promise settled); no stream in between, the file read through reused
   * buffers. A piece is the consumer's only until then: it is zeroed after. For consumers that take each piece at
   * once (hashing). Returns the plaintext's size; errors as openPlaintext's (a damaged object fails after the
   * pieces that authenticated before the damage).
   */
  async eachPlaintextChunk(name: string, consume: (piece: Buffer) => void | Promise<void>): Promise<number> {
    const file = await this.#openObject(name);
    const reader = new PlaintextReader(file, [this.#identity]);
    let size = 0;
    try {
      for (let pieces = await reader.next(); pieces; pieces = await reader.next()) {
        for (const piece of pieces) {
          size += piece.length;
          await consume(piece);
          piece.fill(0);
        }
      }
      return size;
    } catch (e) {
      throw e instanceof HuellaError ? e : objectReadError(name, e);
    } finally {
      await reader.close();
      await file.close().catch(() => undefined);
    }
  }

  /** Small objects (previews) only. */
  async readPlaintext(name: string, maxBytes = 64 * 1024 * 1024): Promise<Buffer> {
    const parts: Buffer[] = [];
    let n = 0;
    for await (const chunk of this.openPlaintext(name)) {
      n += (chunk as Buffer).length;
      if (n > maxBytes) throw new HuellaError('FILE_TOO_LARGE', 'Object too large to read into memory.');
      parts.push(chunk as Buffer);
    }
    return Buffer.concat(parts);
  }

  /**
   * Stage an in-memory working copy (previews). With durable: false it is written to tmp/<random>.part, encrypted
   * in one piece, and left pending (not flushed, not named) for makeReady(), which flushes a group of them at once.
   */
  async stageBuffer(data: Buffer, options: { readonly durable?: boolean } = {}): Promise<StagedObject> {
    if (options.durable !== false) return this.stage(Readable.from([data]));
    const partPath = this.#newPartPath();
    const sha256 = crypto.createHash('sha256').update(data).digest();
    let out: fsp.FileHandle | undefined;
    try {
      const encryptor = new AgeEncryptor([this.#recipient]);
      let sealed: Buffer;
      try {
        sealed = Buffer.concat([encryptor.start(), ...encryptor.update(data), ...encryptor.final()]);
      } finally {
        encryptor.destroy();
      }
      out = await fsp.open(partPath, 'wx', 0o600);
      await out.writeFile(sealed);
      this.#unflushed.set(partPath, out);
      out = undefined;
      return { name: this.objectName(sha256), sha256, size: data.length, head: Buffer.from(data.subarray(0, HEAD_BYTES)), readyPath: partPath, pending: true };
    } catch (e) {
      await out?.close().catch(() => undefined);
      throw await this.#failStage(partPath, e, undefined);
    }
  }

  /** Stored object `name`, opened for reading (the caller closes it). */
  async #openObject(name: string): Promise<fsp.FileHandle> {
    try {
      return await fsp.open(this.pathOf(name), 'r');
    } catch (e) {
      throw objectReadError(name, e);
    }
  }

  /** The object's age header re-wrapped to `recipients` (same file key), and where its payload starts. */
  async #rewrapHeader(source: fsp.FileHandle, recipients: readonly Uint8Array[]): Promise<{ newHeader: Buffer; payloadOffset: number }> {
    const { header, payloadOffset } = await readAgeHeader(source);
    return { newHeader: rewrapAgeHeader(header, [this.#identity], recipients), payloadOffset };
  }

  /**
   * Object `name` re-wrapped to `recipients` without copying it (the S3 outbox, DESIGN §9): the new age header, where
   * the stored payload starts, and the size and SHA-256 of header ‖ payload, the age file a push streams from the
   * stored object (openRewrapped). The payload is read once to hash it, never written.
   */
  async rewrappedHeader(name: string, recipients: readonly Uint8Array[], options: { readonly signal?: AbortSignal; readonly onBytes?: (n: number) => void } = {}): Promise<RewrappedHeader> {
    const source = await this.#openObject(name);
    try {
      const { newHeader, payloadOffset } = await this.#rewrapHeader(source, recipients);
      const hash = crypto.createHash('sha256').update(newHeader);
      let size = newHeader.length;
      for await (const chunk of source.createReadStream({ start: payloadOffset, highWaterMark: READ_CHUNK_BYTES, autoClose: false, ...(options.signal ? { signal: options.signal } : {}) })) {
        const b = chunk as Buffer;
        hash.update(b);
        size += b.length;
        options.onBytes?.(b.length);
      }
      return { header: newHeader, payloadOffset, size, sha256: hash.digest('hex') };
    } catch (e) {
      if (options.signal?.aborted) throw new HuellaError('CANCELLED', 'Cancelled.', { cause: e });
      throw fromSystemError(e, 'reading an encrypted object to re-wrap it');
    } finally {
      await source.close();
    }
  }

  /**
   * The age file `header` ‖ the payload of stored object `name` from `payloadOffset` (rewrappedHeader), as a stream,
   * after checking it has `size` bytes: an object changed or removed since the header was made is refused.
   */
  async openRewrapped(name: string, header: Buffer, payloadOffset: number, size: number): Promise<Readable> {
    const file = this.pathOf(name);
    let stat: fs.Stats;
    try {
      stat = await fsp.stat(file);
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') throw new HuellaError('OBJECT_MISSING', `Object ${name.slice(0, 12)}… is no longer in the vault (purged since the bundle was made): this bundle cannot be sent.`, { cause: e });
      throw fromSystemError(e, 'reading an encrypted object');
    }
    if (header.length + stat.size - payloadOffset !== size) throw new HuellaError('OBJECT_CORRUPT', `Object ${name.slice(0, 12)}… is not the size it was when the bundle was made: this bundle cannot be sent.`);
    return Readable.from(
      (async function* () {
        yield header;
        yield* fs.createReadStream(file, { start: payloadOffset, highWaterMark: READ_CHUNK_BYTES });
      })(),
      { objectMode: false },
    );
  }

  /**
   * Writes object `name` to `dest` (a new file) re-wrapped to `recipients` (transfer bundles, DESIGN §9): a new age
   * header carrying the same file key, the payload copied byte for byte. Returns the written file's size and SHA-256.
   */
  async writeRewrapped(name: string, recipients: readonly Uint8Array[], dest: string, options: { readonly signal?: AbortSignal; readonly onBytes?: (n: number) => void } = {}): Promise<{ size: number; sha256: string }> {
    const source = await this.#openObject(name);
    try {
      const { newHeader, payloadOffset } = await this.#rewrapHeader(source, recipients);
      const hash = crypto.createHash('sha256').update(newHeader);
      let size = newHeader.length;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          size += chunk.length;
          options.onBytes?.(chunk.length);
          cb(null, chunk);
        },
      });
      const out = fs.createWriteStream(dest, { flags: 'wx', mode: 0o600, flush: true, highWaterMark: WRITE_BUFFER_BYTES });
      out.write(newHeader);
      await pipeline(source.createReadStream({ start: payloadOffset, highWaterMark: READ_CHUNK_BYTES, autoClose: false }), tap, out, options.signal ? { signal: options.signal } : {});
      return { size, sha256: hash.digest('hex') };
    } catch (e) {
      await fsp.rm(dest, { force: true }).catch(() => undefined);
      if (options.signal?.aborted) throw new HuellaError('CANCELLED', 'Cancelled.', { cause: e });
      throw fromSystemError(e, 'writing a re-wrapped copy of an encrypted object');
    } finally {
      await source.close();
    }
  }

  /**
   * Stages a received age file (a transfer bundle's object, encrypted to this vault's recipient): the header is
   * re-wrapped to this vault alone (whatever other stanzas the sender put there are dropped), the payload copied
   * into tmp/, and then the staged copy is decrypted — authenticating every chunk — to learn its plain SHA-256,
   * size and first bytes. The plaintext is never written. Same write protocol as stage(): publish after the commit.
   */
  async stageReceived(source: fsp.FileHandle, options: StageOptions = {}): Promise<StagedObject> {
    const partPath = this.#newPartPath();
    try {
      const { newHeader, payloadOffset } = await this.#rewrapHeader(source, [this.#recipient]);
      const out = fs.createWriteStream(partPath, { flags: 'wx', mode: 0o600, flush: true, highWaterMark: WRITE_BUFFER_BYTES });
      out.write(newHeader);
      await pipeline(source.createReadStream({ start: payloadOffset, highWaterMark: READ_CHUNK_BYTES, autoClose: false }), out, options.signal ? { signal: options.signal } : {});
      const hash = crypto.createHash('sha256');
      const head = new HeadCollector();
      let size = 0;
      const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
      for await (const chunk of fs.createReadStream(partPath, { highWaterMark: READ_CHUNK_BYTES }).pipe(createAgeDecryptStream([this.#identity]))) {
        if (options.signal?.aborted) throw new HuellaError('CANCELLED', 'Cancelled.');
        const b = chunk as Buffer;
        size += b.length;
        if (size > maxBytes) throw tooLarge(maxBytes);
        head.add(b);
        hash.update(b);
        options.onBytes?.(b.length);
        b.fill(0);
      }
      return await this.#makeReady(partPath, hash.digest(), size, head.bytes());
    } catch (e) {
      throw await this.#failStage(partPath, e, options.signal);
    }
  }

  async remove(name: string): Promise<void> {
    const file = this.pathOf(name);
    await fsp.rm(file, { force: true });
    await fsyncDir(path.dirname(file));
  }
}

export { formatBytes };
