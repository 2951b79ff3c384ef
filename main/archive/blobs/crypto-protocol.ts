/**
 * Messages between the archive and its crypto worker threads (blobs/crypto-worker.ts, started by blobs/crypto.ts).
 * Secrets (an age identity, a payload key) travel by structured clone, a copy inside the same process; the worker
 * zeroes its copy when the task ends.
 */

/**
 * Decrypt each age file with `identity` and hash its plaintext (verify: no plaintext leaves the worker). `cancel`: an
 * Int32 flag shared with the caller; once it is not 0 the worker stops between two reads and the task fails with
 * CANCELLED (verify has learned the vault is damaged, or was cancelled: the rest of the task is wasted work).
 */
export type HashObjectsRequest = { readonly type: 'hash-objects'; readonly identity: Uint8Array; readonly files: readonly string[]; readonly cancel?: SharedArrayBuffer };

export type ObjectHash =
  | { readonly kind: 'ok'; readonly sha256: string; readonly size: number }
  | { readonly kind: 'missing' }
  | { readonly kind: 'error'; readonly message: string };

/**
 * Encrypt `length` bytes of plaintext at `offset` in `ring` as age STREAM chunks `firstChunk`, `firstChunk + 1`, …
 * (the last of them flagged final when `last`), and copy the ciphertext into `out`, a ring of `outBytes` bytes, at
 * file position `position` modulo its size (large-file ingest: the chunks of an age payload are independent, so
 * slots of one file are sealed in parallel; blobs/ciphertext-ring.ts writes the ring to the file).
 */
export type SealSlotRequest = {
  readonly type: 'seal-slot';
  readonly key: Uint8Array;
  readonly ring: SharedArrayBuffer;
  readonly offset: number;
  readonly length: number;
  readonly firstChunk: number;
  readonly last: boolean;
  readonly out: SharedArrayBuffer;
  readonly outBytes: number;
  readonly position: number;
};

/**
 * Ed25519 signatures checked in one batch: `valid[i]` for `messages[i]`, `signatures[i]`. `seed`: the signing seed
 * of `publicKey` when the caller holds it (a vault checking its own log): a signature equal to the seed's own is
 * valid without a full verification (custody/ed25519.ts ed25519VerifyOwn); the worker zeroes its copy.
 */
export type VerifySignaturesRequest = { readonly type: 'verify-signatures'; readonly publicKey: Uint8Array; readonly messages: readonly Uint8Array[]; readonly signatures: readonly Uint8Array[]; readonly seed?: Uint8Array };

/**
 * A small file to ingest (blobs/encrypt-small.ts): `source` read, hashed and encrypted to `recipient` (the vault's
 * public age recipient: no secret) into `partPath`, a new file, left open and not flushed; at most `maxBytes`.
 * `keep`: also return the bytes read (`plaintext`, in memory only), for the metadata parser, which then need not read
 * the file again.
 */
export type EncryptFileRequest = { readonly type: 'encrypt-file'; readonly source: string; readonly partPath: string; readonly recipient: Uint8Array; readonly maxBytes: number; readonly find?: Uint8Array; readonly keep?: boolean };

/**
 * The file's SHA-256, size and first bytes (for sniffing); `fd`, the open .part file, now the caller's to flush and
 * close; the size and modification time the source had before it was read (the caller checks it did not change);
 * `found`: whether the request's `find` bytes occur in the file (false without `find`); `plaintext`: with `keep`, the bytes
 * hashed and encrypted, in an ArrayBuffer of their own (transferred, not copied, with the reply), unless the file's
 * size changed while it was read (the caller then refuses the file anyway).
 */
export type EncryptedSmallFile = { readonly sha256: Uint8Array; readonly size: number; readonly head: Uint8Array; readonly found: boolean; readonly fd: number; readonly sourceSize: number; readonly sourceMtimeMs: number; readonly plaintext?: Uint8Array };

/**
 * The age file `file` decrypted whole with `identity` into `into` (a SharedArrayBuffer the caller holds: one of the
 * strip's reused buffers, formats/whole-file.ts), at `intoOffset`, in at most `intoBytes`: the file is read there and
 * each chunk's plaintext copied back over it, as BlobStore.readPlaintextWhole does in the calling thread. The reply's
 * `bytes`: the plaintext's size, from `intoOffset`; null when the file is not a regular file, is larger than
 * `maxBytes` (or than `intoBytes` less one byte), grew, is missing, damaged or for another key: the caller then
 * streams it, and the stream reports the failure. No plaintext stays in the worker (each opened chunk is zeroed).
 */
export type DecryptWholeRequest = {
  readonly type: 'decrypt-whole';
  readonly identity: Uint8Array;
  readonly file: string;
  readonly maxBytes: number;
  readonly into: SharedArrayBuffer;
  readonly intoOffset: number;
  readonly intoBytes: number;
};

/**
 * Ed25519 signatures made with `seed` (the vault's signing seed; the worker zeroes its copy): `signatures[i]` over
 * `messages[i]`. Ingest signs a group's custody events here ahead of its transaction (custody/log.ts SignedAhead).
 */
export type SignMessagesRequest = { readonly type: 'sign-messages'; readonly seed: Uint8Array; readonly messages: readonly Uint8Array[] };

export type CryptoRequest = HashObjectsRequest | SealSlotRequest | VerifySignaturesRequest | EncryptFileRequest | DecryptWholeRequest | SignMessagesRequest;

export type CryptoResult<R extends CryptoRequest> = R extends HashObjectsRequest
  ? readonly ObjectHash[]
  : R extends SealSlotRequest
    ? { readonly written: number }
    : R extends EncryptFileRequest
      ? EncryptedSmallFile
      : R extends DecryptWholeRequest
        ? { readonly bytes: number | null }
        : R extends SignMessagesRequest
          ? readonly Uint8Array[]
          : readonly boolean[];
