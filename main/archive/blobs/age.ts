/**
 * age v1 files (https://c2sp.org/age, https://age-encryption.org/v1) as Node streams, X25519 recipients only.
 * This is the vault's blob format (DESIGN §3): any object stays readable with the `age` CLI and the vault identity.
 *
 *   file    = header (age-header.ts) ‖ 16-byte nonce ‖ STREAM chunks
 *   payload key = HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload")
 *   chunk i = ChaCha20-Poly1305(payload key, nonce = i as 11-byte big-endian ‖ last?0x01:0x00, ≤64 KiB plaintext)
 *
 * Only the final chunk may be shorter than 64 KiB; it may also be full-size, and it is empty only if the whole
 * plaintext is. So neither side can tell a chunk is the last until it has seen whether any byte follows it: both
 * streams hold back exactly one chunk, which bounds their memory to ~64 KiB plus whatever piece the caller writes.
 *
 * Decryption emits a chunk's plaintext only after that chunk authenticated. Errors are HuellaError:
 *   AGE_FORMAT              header syntax, unsupported version, truncation (no final chunk), data after the final
 *                           chunk, an empty final chunk after others
 *   AGE_NO_IDENTITY_MATCHED no X25519 stanza opens with the given identities
 *   AGE_INTEGRITY           header MAC mismatch, or a chunk that fails authentication (details.chunk = its index)
 */
import crypto from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { HuellaError } from '../errors';
import {
  AGE_FILE_KEY_BYTES,
  AGE_MAX_HEADER_BYTES,
  buildAgeHeader,
  checkAgeVersionPrefix,
  findAgeHeaderEnd,
  lastLineStart,
  parseAgeHeader,
  unwrapFileKey,
  verifyHeaderMac,
  wrapFileKeyX25519,
} from './age-header';
import { ByteQueue, PayloadCipher } from './age-payload';
import { AEAD_TAG_BYTES, hkdfSha256 } from './age-primitives';
import type { AgeIdentity } from './age-keys';

export { parseAgeHeader } from './age-header';
export type { AgeHeader, AgeStanza } from './age-header';

export const AGE_CHUNK_SIZE = 64 * 1024;
export const AGE_ENCRYPTED_CHUNK_SIZE = AGE_CHUNK_SIZE + AEAD_TAG_BYTES;
export const AGE_PAYLOAD_NONCE_BYTES = 16;

/**
 * A new age file's beginning (header ‖ payload nonce, for `recipients`) and its payload key, from a fresh random file
 * key that is wiped before returning. Whoever holds the payload key can seal any chunk of the file by its index
 * (AgeEncryptor seals them in order; large-file ingest seals slots of one file on several threads). The caller
 * wipes the key when done.
 */
export function newAgePayload(recipients: readonly Uint8Array[]): { readonly prefix: Buffer; readonly payloadKey: Buffer } {
  if (recipients.length === 0) throw new HuellaError('INTERNAL', 'age encryption needs at least one recipient.');
  const fileKey = crypto.randomBytes(AGE_FILE_KEY_BYTES);
  const payloadNonce = crypto.randomBytes(AGE_PAYLOAD_NONCE_BYTES);
  try {
    return {
      prefix: Buffer.concat([buildAgeHeader(fileKey, recipients.map((r) => wrapFileKeyX25519(fileKey, r))), payloadNonce]),
      payloadKey: hkdfSha256(fileKey, payloadNonce, 'payload'),
    };
  } finally {
    fileKey.fill(0);
  }
}

/**
 * age encryption as plain calls, for loops that manage their own buffers (BlobStore.stageFile): `start()` gives the
 * header and nonce, `update()` the sealed chunks for a piece of plaintext (the piece may be reused by the caller as
 * soon as update returns: nothing refers to it afterwards), `final()` the last chunk. Holds back one chunk, as the
 * module comment explains.
 */
export class AgeEncryptor {
  readonly #payload: PayloadCipher;
  readonly #prefix: Buffer;
  // A full chunk waits here until we know whether more plaintext follows (then it is not the last).
  readonly #pending = Buffer.allocUnsafe(AGE_CHUNK_SIZE);
  #pendingLength = 0;

  constructor(recipients: readonly Uint8Array[]) {
    const { prefix, payloadKey } = newAgePayload(recipients);
    this.#prefix = prefix;
    this.#payload = new PayloadCipher(payloadKey);
  }

  /** Header ‖ payload nonce: the first bytes of the file. */
  start(): Buffer {
    return this.#prefix;
  }

  update(data: Buffer, out: Buffer[] = []): Buffer[] {
    try {
      let offset = 0;
      while (offset < data.length) {
        if (this.#pendingLength === AGE_CHUNK_SIZE) {
          out.push(...this.#payload.seal(this.#pending, false));
          this.#pendingLength = 0;
        }
        if (this.#pendingLength === 0 && data.length - offset > AGE_CHUNK_SIZE) {
          // Whole chunks with more bytes after them in this same piece: sealed straight from the input, no copy.
          out.push(...this.#payload.seal(data.subarray(offset, offset + AGE_CHUNK_SIZE), false));
          offset += AGE_CHUNK_SIZE;
          continue;
        }
        const n = Math.min(AGE_CHUNK_SIZE - this.#pendingLength, data.length - offset);
        data.copy(this.#pending, this.#pendingLength, offset, offset + n);
        this.#pendingLength += n;
        offset += n;
      }
      return out;
    } catch (e) {
      throw asHuellaError(e, 'encrypting');
    }
  }

  final(): Buffer[] {
    try {
      return this.#payload.seal(this.#pending.subarray(0, this.#pendingLength), true);
    } catch (e) {
      throw asHuellaError(e, 'encrypting');
    } finally {
      this.destroy();
    }
  }

  /** Wipes the payload key and the held-back plaintext (also after a failure). */
  destroy(): void {
    this.#payload.destroy();
    this.#pending.fill(0);
  }
}

/** Plaintext in, a complete age file encrypted to `recipients` (X25519 public keys) out. */
export function createAgeEncryptStream(recipients: readonly Uint8Array[]): Transform {
  const encryptor = new AgeEncryptor(recipients);
  const stream = new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      try {
        emit(this, encryptor.update(data));
        callback();
      } catch (e) {
        callback(asHuellaError(e, 'encrypting'));
      }
    },
    flush(callback: TransformCallback) {
      try {
        emit(this, encryptor.final());
        callback();
      } catch (e) {
        callback(asHuellaError(e, 'encrypting'));
      }
    },
    destroy(error, callback) {
      encryptor.destroy();
      callback(error);
    },
  });
  stream.push(encryptor.start());
  return stream;
}

type DecryptState = 'header' | 'nonce' | 'payload' | 'done';

/**
 * age decryption as plain calls (the counterpart of AgeEncryptor), for loops that read into their own buffers (the
 * crypto workers of verify) and for the stream below: `update()` returns the plaintext of every chunk that
 * authenticated, `final()` that of the last one, appended to `out`. It holds back one encrypted chunk, as the module
 * comment explains, by reference: a buffer given to update() must stay unchanged until the next update() or final()
 * returns (callers reading into reused buffers alternate two of them). Errors are the module comment's HuellaErrors;
 * plaintext that authenticated before an error (a valid final chunk followed by junk, a file cut short after an
 * authentic chunk) is in `out` when the error is thrown, and the stream releases it, as the reference
 * implementation does.
 */
export class AgeDecryptor {
  readonly #identities: readonly AgeIdentity[];
  #state: DecryptState = 'header';
  #headerBuf = Buffer.alloc(0);
  #headerLength = 0;
  #headerScanFrom = 0;
  #fileKey: Buffer | undefined;
  #payload: PayloadCipher | undefined;
  readonly #queue = new ByteQueue();

  constructor(identities: readonly AgeIdentity[]) {
    this.#identities = identities;
  }

  update(data: Buffer, out: Buffer[] = []): Buffer[] {
    try {
      if (this.#state === 'done') throw new HuellaError('AGE_FORMAT', 'The age file has unexpected data after its final chunk.');
      let rest: Buffer | undefined = data;
      if (this.#state === 'header') rest = this.#onHeaderBytes(data);
      if (rest && rest.length > 0) this.#queue.push(rest);
      this.#drain(out, false);
      return out;
    } catch (e) {
      this.destroy();
      throw asHuellaError(e, 'decrypting');
    }
  }

  final(out: Buffer[] = []): Buffer[] {
    try {
      if (this.#state === 'header') {
        if (this.#headerLength === 0) throw new HuellaError('AGE_FORMAT', 'The age file is empty.');
        throw new HuellaError('AGE_FORMAT', 'The age file is truncated: its header is incomplete.');
      }
      this.#drain(out, true);
      return out;
    } catch (e) {
      throw asHuellaError(e, 'decrypting');
    } finally {
      this.destroy();
    }
  }

  /** Wipes the file key, the payload key and the header bytes (also after a failure). */
  destroy(): void {
    this.#fileKey?.fill(0);
    this.#fileKey = undefined;
    this.#payload?.destroy();
    this.#headerBuf.fill(0);
  }

  #onHeaderBytes(data: Buffer): Buffer | undefined {
    if (this.#headerLength === 0) {
      // The common case: the whole header is in the first piece. It is parsed where it is and the rest is queued as a
      // view of the caller's buffer (the contract of update() above), not copied: copying a first read of up to
      // 1 MiB twice per object was a quarter of verify's memory traffic on small photos.
      checkAgeVersionPrefix(data);
      const end = findAgeHeaderEnd(data, 0);
      if (end >= 0) return this.#openHeader(data.subarray(0, end), data.subarray(end));
    }
    const needed = this.#headerLength + data.length;
    if (needed > this.#headerBuf.length) {
      const grown = Buffer.alloc(Math.min(Math.max(needed, this.#headerBuf.length * 2, 1024), AGE_MAX_HEADER_BYTES + data.length));
      this.#headerBuf.copy(grown, 0, 0, this.#headerLength);
      this.#headerBuf = grown;
    }
    data.copy(this.#headerBuf, this.#headerLength);
    this.#headerLength = needed;
    const seen = this.#headerBuf.subarray(0, this.#headerLength);
    checkAgeVersionPrefix(seen);
    const end = findAgeHeaderEnd(seen, this.#headerScanFrom);
    if (end < 0) {
      if (this.#headerLength > AGE_MAX_HEADER_BYTES) throw new HuellaError('AGE_FORMAT', 'Malformed age header: it is too large.');
      this.#headerScanFrom = lastLineStart(seen, this.#headerScanFrom);
      return undefined;
    }
    return this.#openHeader(seen.subarray(0, end), Buffer.from(seen.subarray(end))); // copy: headerBuf is dropped
  }

  /** Opens the header (file key, MAC) and moves on to the payload nonce; `rest` is what followed the header. */
  #openHeader(headerBytes: Buffer, rest: Buffer): Buffer {
    const header = parseAgeHeader(headerBytes);
    this.#fileKey = unwrapFileKey(header.stanzas, this.#identities);
    verifyHeaderMac(this.#fileKey, header);
    this.#state = 'nonce';
    this.#headerBuf.fill(0);
    this.#headerBuf = Buffer.alloc(0);
    return rest;
  }

  #drain(out: Buffer[], atEnd: boolean): void {
    if (this.#state === 'nonce' && !this.#takeNonce(atEnd)) return;
    const payload = this.#payload;
    if (this.#state !== 'payload' || !payload) return;
    this.#openInnerChunks(payload, out);
    if (atEnd) this.#openLastChunk(payload, out);
  }

  /** The payload nonce, once buffered, keys the payload cipher (and the file key is wiped); false: not yet buffered. */
  #takeNonce(atEnd: boolean): boolean {
    const queue = this.#queue;
    if (queue.length < AGE_PAYLOAD_NONCE_BYTES) {
      if (atEnd) throw new HuellaError('AGE_FORMAT', 'The age file is truncated: its payload nonce is missing or short.');
      return false;
    }
    const nonce = queue.take(AGE_PAYLOAD_NONCE_BYTES);
    this.#payload = new PayloadCipher(hkdfSha256(this.#fileKey!, nonce, 'payload'));
    this.#fileKey!.fill(0);
    this.#fileKey = undefined;
    this.#state = 'payload';
    return true;
  }

  /** Every buffered chunk that is followed by more data, so must be a non-final chunk, opened into `out`. */
  #openInnerChunks(payload: PayloadCipher, out: Buffer[]): void {
    const queue = this.#queue;
    while (queue.length > AGE_ENCRYPTED_CHUNK_SIZE) {
      const chunk = queue.take(AGE_ENCRYPTED_CHUNK_SIZE);
      const index = payload.index;
      const plain = payload.open(chunk, false);
      if (plain) {
        push(out, plain);
        continue;
      }
      const finalPlain = payload.open(chunk, true, index);
      if (!finalPlain) throw chunkIntegrityError(index);
      // A valid final chunk followed by more bytes: what it says is authentic, the extra bytes are not part of it.
      if (index > 0 && finalPlain.length === 0) throw emptyFinalChunkError(index);
      push(out, finalPlain);
      this.#state = 'done';
      throw new HuellaError('AGE_FORMAT', `The age file has unexpected data after its final chunk (chunk ${index}).`, {
        details: { chunk: index },
      });
    }
  }

  /** At the end of the input: what is left must be the final chunk, opened into `out`. */
  #openLastChunk(payload: PayloadCipher, out: Buffer[]): void {
    const queue = this.#queue;
    const index = payload.index;
    if (queue.length === 0 && index === 0) throw new HuellaError('AGE_FORMAT', 'The age file is truncated: its payload has no chunks.');
    if (queue.length < AEAD_TAG_BYTES) {
      throw new HuellaError('AGE_FORMAT', `The age file is truncated: chunk ${index} is shorter than an authentication tag.`, {
        details: { chunk: index },
      });
    }
    const chunk = queue.take(queue.length);
    const plain = payload.open(chunk, true);
    if (!plain) throw notFinalChunkError(payload, chunk, index, out);
    if (index > 0 && plain.length === 0) throw emptyFinalChunkError(index);
    push(out, plain);
    this.#state = 'done';
  }
}

/**
 * The last chunk is not a valid final chunk. If it is an authentic non-final one, the file was cut short (the spec
 * requires an error when the end comes without a final chunk); otherwise the chunk itself was altered.
 */
function notFinalChunkError(payload: PayloadCipher, chunk: Buffer, index: number, out: Buffer[]): HuellaError {
  const nonFinal = payload.open(chunk, false, index);
  if (!nonFinal) return chunkIntegrityError(index);
  if (chunk.length === AGE_ENCRYPTED_CHUNK_SIZE) {
    // Authentic and well-formed, so it is released like every earlier chunk (as the reference implementation does).
    push(out, nonFinal);
    return new HuellaError('AGE_FORMAT', `The age file is truncated: it ends after chunk ${index} without a final chunk.`, {
      details: { chunk: index },
    });
  }
  nonFinal.fill(0);
  return new HuellaError('AGE_FORMAT', `The age file is truncated or malformed: chunk ${index} is short but not the final chunk.`, {
    details: { chunk: index },
  });
}

function push(out: Buffer[], plain: Buffer): void {
  if (plain.length > 0) out.push(plain);
}

/** An age file in, its plaintext out, authenticated chunk by chunk with one of `identities` (X25519 secrets). */
export function createAgeDecryptStream(identities: readonly Uint8Array[]): Transform {
  const decryptor = new AgeDecryptor(identities);
  const run = (stream: Transform, step: (out: Buffer[]) => void, callback: TransformCallback): void => {
    const out: Buffer[] = [];
    try {
      step(out);
    } catch (e) {
      emit(stream, out);
      callback(asHuellaError(e, 'decrypting'));
      return;
    }
    emit(stream, out);
    callback();
  };
  return new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      run(this, (out) => decryptor.update(data, out), callback);
    },
    flush(callback: TransformCallback) {
      run(this, (out) => decryptor.final(out), callback);
    },
    destroy(error, callback) {
      decryptor.destroy();
      callback(error);
    },
  });
}

export async function ageEncryptBuffer(plaintext: Uint8Array, recipients: readonly Uint8Array[]): Promise<Buffer> {
  return runTransform(createAgeEncryptStream(recipients), plaintext);
}

export async function ageDecryptBuffer(file: Uint8Array, identities: readonly Uint8Array[]): Promise<Buffer> {
  return runTransform(createAgeDecryptStream(identities), file);
}

async function runTransform(transform: Transform, input: Uint8Array): Promise<Buffer> {
  const parts: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    transform.on('data', (b: Buffer) => parts.push(b));
    transform.on('end', resolve);
    transform.on('error', reject);
  });
  transform.end(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
  await done;
  return Buffer.concat(parts);
}

function emit(stream: Transform, parts: readonly Buffer[]): void {
  for (const p of parts) if (p.length > 0) stream.push(p);
}

function chunkIntegrityError(index: number): HuellaError {
  return new HuellaError('AGE_INTEGRITY', `The age file has been altered or damaged: chunk ${index} failed authentication.`, {
    details: { chunk: index },
  });
}

function emptyFinalChunkError(index: number): HuellaError {
  return new HuellaError('AGE_FORMAT', `The age file is malformed: its final chunk ${index} is empty.`, { details: { chunk: index } });
}

function asHuellaError(e: unknown, what: string): HuellaError {
  if (e instanceof HuellaError) return e;
  return new HuellaError('INTERNAL', `Unexpected failure while ${what} an age file.`, { cause: e });
}
