/**
 * The age v1 payload (https://c2sp.org/age, "Payload"): the STREAM construction over ChaCha20-Poly1305, with a
 * 12-byte nonce of an 11-byte big-endian chunk counter and a last-chunk flag byte; plus the byte queue that
 * decryption cuts chunks from. Node's native AEAD does the work.
 */
import crypto from 'node:crypto';
import { HuellaError } from '../errors';
import { AEAD_NONCE_BYTES, AEAD_TAG_BYTES } from './age-primitives';

const AEAD = 'chacha20-poly1305';
// The 11-byte counter is kept in the low 6 bytes: 2^48 chunks of 64 KiB is 16 EiB, far past any real file.
const MAX_CHUNKS = 2 ** 48;

/** The STREAM construction: one payload key, a chunk counter, the last-chunk flag in the nonce's final byte. */
export class PayloadCipher {
  readonly #key: Buffer;
  #counter = 0;
  readonly #nonce = Buffer.alloc(AEAD_NONCE_BYTES);

  /** `firstIndex`: the chunk counter to start at (a slot of a large file sealed apart from the chunks before it). */
  constructor(key: Buffer, firstIndex = 0) {
    this.#key = key;
    this.#counter = firstIndex;
  }

  get index(): number {
    return this.#counter;
  }

  /** Chunk `index` sealed: [ciphertext, tag], kept apart so the caller can push them without concatenating. */
  seal(plaintext: Buffer, last: boolean): Buffer[] {
    const cipher = crypto.createCipheriv(AEAD, this.#key, this.#nonceFor(this.#counter, last), { authTagLength: AEAD_TAG_BYTES });
    const out = [cipher.update(plaintext)];
    cipher.final();
    out.push(cipher.getAuthTag());
    this.#counter++;
    return out;
  }

  /**
   * The chunk's plaintext if it authenticates as chunk `index` with this last-flag, else undefined. Only a success
   * at the current index advances the counter; `index` lets the caller retry the same chunk with the other flag.
   */
  open(sealed: Buffer, last: boolean, index = this.#counter): Buffer | undefined {
    const split = sealed.length - AEAD_TAG_BYTES;
    const decipher = crypto.createDecipheriv(AEAD, this.#key, this.#nonceFor(index, last), { authTagLength: AEAD_TAG_BYTES });
    decipher.setAuthTag(sealed.subarray(split));
    const plain = decipher.update(sealed.subarray(0, split));
    try {
      decipher.final();
    } catch {
      plain.fill(0);
      return undefined;
    }
    if (index === this.#counter) this.#counter++;
    return plain;
  }

  destroy(): void {
    this.#key.fill(0);
  }

  #nonceFor(index: number, last: boolean): Buffer {
    if (index >= MAX_CHUNKS) throw new HuellaError('FILE_TOO_LARGE', 'The file is too large for the age format.');
    this.#nonce.fill(0);
    this.#nonce.writeUIntBE(index, 5, 6);
    this.#nonce[11] = last ? 1 : 0;
    return this.#nonce;
  }
}

/** FIFO of buffers; take(n) copies only when the n bytes straddle two of the pieces written to us. */
export class ByteQueue {
  #pieces: Buffer[] = [];
  #head = 0; // offset into #pieces[0]
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(b: Buffer): void {
    this.#pieces.push(b);
    this.#length += b.length;
  }

  take(n: number): Buffer {
    const first = this.#pieces[0]!;
    let out: Buffer;
    if (first.length - this.#head >= n) {
      out = first.subarray(this.#head, this.#head + n);
      this.#head += n;
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const piece = this.#pieces[0]!;
        const k = Math.min(piece.length - this.#head, n - filled);
        piece.copy(out, filled, this.#head, this.#head + k);
        filled += k;
        this.#head += k;
        if (this.#head === piece.length && filled < n) {
          this.#pieces.shift();
          this.#head = 0;
        }
      }
    }
    if (this.#head === this.#pieces[0]!.length) {
      this.#pieces.shift();
      this.#head = 0;
    }
    this.#length -= n;
    return out;
  }
}
