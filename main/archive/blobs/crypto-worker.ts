import { parentPort } from 'node:worker_threads';
import { AGE_CHUNK_SIZE } from './age';
import { PayloadCipher } from './age-payload';
import { ed25519Sign, ed25519Verify, ed25519VerifyOwn } from '../custody/ed25519';
import { HuellaError } from '../errors';
import { copyIntoRing } from './ciphertext-ring';
import { hashObjects } from './object-hash';
import { encryptSmallFile } from './encrypt-small';
import { decryptWholeInto } from './plaintext-reader';
import { collectYoungGarbage } from './young-garbage';
import type { CryptoRequest, SealSlotRequest, SignMessagesRequest, VerifySignaturesRequest } from './crypto-protocol';

// A crypto worker thread (blobs/crypto.ts starts one per core). Tasks are plain loops over reused buffers: no
// streams, no per-chunk promises. Replies follow the worker pool's protocol: { ok, value } or { ok: false, error }.

function sealSlot(req: SealSlotRequest): { written: number } {
  const cipher = new PayloadCipher(Buffer.from(req.key), req.firstChunk);
  req.key.fill(0);
  try {
    const data = Buffer.from(req.ring, req.offset, req.length);
    const chunks = Math.max(1, Math.ceil(req.length / AGE_CHUNK_SIZE));
    let written = 0;
    for (let i = 0; i < chunks; i++) {
      for (const part of cipher.seal(data.subarray(i * AGE_CHUNK_SIZE, (i + 1) * AGE_CHUNK_SIZE), req.last && i === chunks - 1)) {
        copyIntoRing(req.out, req.outBytes, req.position + written, part);
        written += part.length;
      }
    }
    collectYoungGarbage(); // the slot's sealed chunks are garbage now: see young-garbage.ts
    return { written };
  } finally {
    cipher.destroy();
  }
}

function verifySignatures(req: VerifySignaturesRequest): boolean[] {
  if (!req.seed) return req.messages.map((m, i) => ed25519Verify(req.publicKey, m, req.signatures[i]!));
  try {
    return ed25519VerifyOwn(req.seed, req.publicKey, req.messages, req.signatures);
  } finally {
    req.seed.fill(0);
  }
}

function signMessages(req: SignMessagesRequest): Buffer[] {
  try {
    return req.messages.map((m) => ed25519Sign(req.seed, m));
  } finally {
    req.seed.fill(0);
  }
}

parentPort!.on('message', (req: CryptoRequest) => {
  try {
    if (req.type === 'encrypt-file') {
      const value = encryptSmallFile(req);
      // A kept plaintext moves to the caller (no copy of it is left here).
      parentPort!.postMessage({ ok: true, value }, value.plaintext ? [value.plaintext.buffer as ArrayBuffer] : []);
      return;
    }
    if (req.type === 'decrypt-whole') {
      parentPort!.postMessage({ ok: true, value: decryptWholeInto(req) });
      return;
    }
    if (req.type === 'sign-messages') {
      parentPort!.postMessage({ ok: true, value: signMessages(req) });
      return;
    }
    const value = req.type === 'hash-objects' ? hashObjects(req) : req.type === 'seal-slot' ? sealSlot(req) : verifySignatures(req);
    parentPort!.postMessage({ ok: true, value });
  } catch (e) {
    const err = e instanceof HuellaError ? e : new HuellaError('INTERNAL', 'A crypto worker failed.');
    parentPort!.postMessage({ ok: false, error: { code: err.code, message: err.message } });
  }
});
