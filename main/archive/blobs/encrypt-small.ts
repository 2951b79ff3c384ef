import crypto from 'node:crypto';
import fs from 'node:fs';
import { HuellaError, fromSystemError } from '../errors';
import { writevFullySync } from '../fs/writev';
import { AgeEncryptor } from './age';
import { HEAD_BYTES, tooLarge } from './encrypt-file';
import { collectYoungGarbage } from './young-garbage';
import type { EncryptFileRequest, EncryptedSmallFile } from './crypto-protocol';

/**
 * Ingest of a small file on a crypto worker (blobs/crypto-worker.ts): the file stat'ed, opened, read once through a
 * reused buffer, hashed and encrypted to the vault's recipient (its age header's key setup too: an ephemeral X25519
 * key, the ECDH and HKDF per file) into a new tmp/<random>.part, not flushed (the main thread starts its flush on
 * the thread pool at once; BlobStore.makeReady waits for it). The main thread, which records the items in the
 * database, keeps none of this work: a batch of 5,000 photos spent ~6 s of its time here (issue 19 item 2). The plaintext leaves the thread only when the caller asks to keep
 * it (for the metadata parser; in memory); the read buffer is zeroed after each file. Errors are those BlobStore.stageFile and ingest's prepareOne report for the same failure.
 */

const READ_BYTES = 1024 * 1024;
/** Ciphertext written in batches of about this size (see WRITE_BUFFER_BYTES in encrypt-file.ts). */
const WRITE_BYTES = 1024 * 1024;
const readBuffer = Buffer.alloc(READ_BYTES);
/** A minor collection after every this many bytes sealed (as object-hash.ts does, and why: young-garbage.ts). */
const COLLECT_EVERY_BYTES = 2 * 1024 * 1024;
let sealedSinceCollection = 0;

export function encryptSmallFile(req: EncryptFileRequest): EncryptedSmallFile {
  let before: fs.Stats;
  try {
    before = fs.statSync(req.source);
  } catch (e) {
    throw fromSystemError(e, 'ingesting a file');
  }
  let source: number;
  try {
    source = fs.openSync(req.source, 'r');
  } catch (e) {
    throw fromSystemError(e, 'opening the file');
  }
  let out: number | undefined;
  try {
    out = fs.openSync(req.partPath, 'wx', 0o600);
    const sealed = sealInto(source, out, req, req.keep && before.size > 0 ? Buffer.allocUnsafeSlow(before.size) : undefined);
    const fd = out;
    out = undefined; // the caller's now: flushed and closed by BlobStore.makeReady, or closed by discard
    return { ...sealed, fd, sourceSize: before.size, sourceMtimeMs: before.mtimeMs };
  } catch (e) {
    throw e instanceof HuellaError ? e : fromSystemError(e, 'writing an encrypted object');
  } finally {
    fs.closeSync(source);
    if (out !== undefined) fs.closeSync(out);
  }
}

/**
 * Reads `source` to its end, hashing it and writing its age encryption to `out`. With `kept` (the file's size when
 * stat'ed) the bytes are read into it, and returned in it when they fill it exactly: a file that shrank or grew
 * since its stat returns nothing, and `kept` is zeroed.
 */
function sealInto(source: number, out: number, req: EncryptFileRequest, kept?: Buffer): Omit<EncryptedSmallFile, 'fd' | 'sourceSize' | 'sourceMtimeMs'> {
  const encryptor = new AgeEncryptor([req.recipient]);
  const hash = crypto.createHash('sha256');
  // The first HEAD_BYTES (or all, if fewer), in memory of its own: a Buffer may be a view into Node's pool, all of
  // which a message would copy. Filled over several reads when the first is shorter (a read into `kept` ends where
  // the file ended when it was stat'ed).
  const head = new Uint8Array(HEAD_BYTES);
  let headLength = 0;
  let size = 0;
  let written = 0;
  let parts: Buffer[] = [encryptor.start()];
  let pending = parts[0]!.length;
  let used = 0; // bytes of readBuffer that held plaintext
  const finder = new Finder(req.find);
  try {
    for (;;) {
      // While `kept` has room the file is read straight into it (no copy of each read, no read buffer to zero);
      // past its end (the file grew since it was stat'ed) through the read buffer, to find the end and hash it all.
      const into = kept !== undefined && size < kept.length ? kept : undefined;
      const n = into ? fs.readSync(source, into, size, Math.min(READ_BYTES, into.length - size), size) : fs.readSync(source, readBuffer, 0, READ_BYTES, size);
      if (n === 0) break;
      if (size + n > req.maxBytes) throw tooLarge(req.maxBytes);
      if (!into) used = Math.max(used, n);
      const data = into ? into.subarray(size, size + n) : readBuffer.subarray(0, n);
      if (headLength < HEAD_BYTES) {
        const take = data.subarray(0, HEAD_BYTES - headLength);
        head.set(take, headLength);
        headLength += take.length;
      }
      hash.update(data);
      finder.scan(data);
      const before = parts.length;
      encryptor.update(data, parts);
      for (let i = before; i < parts.length; i++) pending += parts[i]!.length;
      size += n;
      if (pending >= WRITE_BYTES) {
        written += writevFullySync(out, parts, written);
        parts = [];
        pending = 0;
      }
    }
    parts.push(...encryptor.final());
    writevFullySync(out, parts, written);
    const plaintext = kept && size === kept.length ? new Uint8Array(kept.buffer, kept.byteOffset, kept.byteLength) : undefined;
    kept = plaintext ? undefined : kept; // returned: no longer ours to zero
    const headOut = headLength === HEAD_BYTES ? head : head.slice(0, headLength);
    if (headOut !== head) head.fill(0);
    return { sha256: new Uint8Array(hash.digest()), size, head: headOut, found: finder.found, ...(plaintext ? { plaintext } : {}) };
  } catch (e) {
    encryptor.destroy();
    head.fill(0);
    throw e;
  } finally {
    kept?.fill(0); // not returned (an error, or the file's size changed): zeroed like the read buffer
    finder.clear();
    readBuffer.fill(0, 0, used); // plaintext does not linger in a buffer we keep
    sealedSinceCollection += size;
    if (sealedSinceCollection >= COLLECT_EVERY_BYTES) {
      sealedSinceCollection = 0;
      collectYoungGarbage(); // the sealed chunks of the files just written are garbage now
    }
  }
}

/** Whether `needle` occurs in the bytes scanned, read by read (an occurrence across two reads is found too). */
class Finder {
  found = false;
  #tail = Buffer.alloc(0); // the last needle.length - 1 bytes scanned (plaintext: zeroed when replaced)

  readonly #needle: Buffer | undefined;

  constructor(needle: Uint8Array | undefined) {
    this.#needle = needle ? Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength) : undefined;
  }

  scan(data: Buffer): void {
    const needle = this.#needle;
    if (!needle || needle.length === 0 || this.found) return;
    const keep = needle.length - 1;
    const seam = Buffer.concat([this.#tail, data.subarray(0, keep)]);
    this.found = seam.includes(needle) || data.includes(needle);
    const tail = Buffer.from(data.length >= keep ? data.subarray(data.length - keep) : seam.subarray(Math.max(0, seam.length - keep)));
    seam.fill(0);
    this.#tail.fill(0);
    this.#tail = tail;
  }

  clear(): void {
    this.#tail.fill(0);
  }
}
