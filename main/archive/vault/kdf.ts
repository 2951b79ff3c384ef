import crypto from 'node:crypto';
import { HuellaError } from '../errors';
import { Worker } from 'node:worker_threads';
import { workerBootstrap, workerEntry } from '../workers/entry';
import { argon2idKey, type Argon2idRequest } from './argon2id';

/**
 * Passphrase → KEK with Argon2id (libsodium crypto_pwhash, ALG_ARGON2ID13), DESIGN §3.
 * The recovery key has 256 bits of entropy, so it needs no stretching: HKDF-SHA256 is enough.
 */
export type PassphraseKdf = {
  readonly alg: 'argon2id13';
  readonly salt: string; // base64, 16 bytes
  readonly opslimit: number;
  readonly memlimit: number;
};
export type RecoveryKdf = { readonly alg: 'hkdf-sha256'; readonly salt: string };
export type Kdf = PassphraseKdf | RecoveryKdf;

/** libsodium's MODERATE class: ~0.9 s and 256 MiB here. */
export const DEFAULT_OPSLIMIT = 3;
export const DEFAULT_MEMLIMIT = 256 * 1024 * 1024;
/** The floor we accept when opening a vault, unless the process explicitly allows weak test vaults. */
export const MIN_OPSLIMIT = 3;
export const MIN_MEMLIMIT = 64 * 1024 * 1024;
/** Test-only cost, allowed only when HUELLA_TEST_WEAK_KDF=1 (scripts and tests must stay fast). */
export const WEAK_TEST_OPSLIMIT = 1;
export const WEAK_TEST_MEMLIMIT = 8 * 1024;

export function weakKdfAllowed(): boolean {
  return process.env.HUELLA_TEST_WEAK_KDF === '1';
}

export function newPassphraseKdf(): PassphraseKdf {
  const weak = weakKdfAllowed();
  return {
    alg: 'argon2id13',
    salt: crypto.randomBytes(16).toString('base64'),
    opslimit: weak ? WEAK_TEST_OPSLIMIT : DEFAULT_OPSLIMIT,
    memlimit: weak ? WEAK_TEST_MEMLIMIT : DEFAULT_MEMLIMIT,
  };
}

export function newRecoveryKdf(): RecoveryKdf {
  return { alg: 'hkdf-sha256', salt: crypto.randomBytes(16).toString('base64') };
}

export async function derivePassphraseKek(passphrase: string, kdf: PassphraseKdf): Promise<Buffer> {
  if (kdf.opslimit < MIN_OPSLIMIT || kdf.memlimit < MIN_MEMLIMIT) {
    if (!weakKdfAllowed()) {
      throw new HuellaError('WEAK_KDF', 'This vault was created with test-only key-derivation settings and cannot be trusted; it is refused.');
    }
  }
  const salt = Buffer.from(kdf.salt, 'base64');
  if (salt.length !== SALT_BYTES) throw new HuellaError('VAULT_CORRUPT', 'vault.json is damaged: the key-derivation salt has the wrong length.');
  // Their own memory (TextEncoder, a copy of the salt), not views into Node's Buffer pool, all of which a message copies.
  const req: Argon2idRequest = { passBytes: new TextEncoder().encode(passphrase.normalize('NFC')), salt: new Uint8Array(salt), opslimit: kdf.opslimit, memlimit: kdf.memlimit };
  const key = kdf.memlimit > IN_THREAD_MEMLIMIT ? await argon2idInWorker(req) : await argon2idKey(req);
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength);
}

/** crypto_pwhash_SALTBYTES. */
const SALT_BYTES = 16;

/**
 * Up to this much KDF memory (test vaults only: WEAK_TEST_MEMLIMIT) the derivation runs in this thread; above it in a
 * thread of its own (kdf-worker.ts). libsodium is WebAssembly, whose memory grows but never shrinks: a derivation in
 * this thread left the 256 MiB of DEFAULT_MEMLIMIT resident for the life of the process, i.e. the whole of every CLI
 * command and of the app's session after unlock (`huella ingest` of 1,000 files peaked at 379 MB, 326 MB of it
 * reached during the unlock). The thread's memory is freed when it ends. The cost is that thread's start, a few
 * tens of ms, against ~1 s of derivation.
 */
export const IN_THREAD_MEMLIMIT = 1024 * 1024;

function argon2idInWorker(req: Argon2idRequest): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerBootstrap(), { workerData: { __entry: workerEntry('kdf-worker', import.meta.url).href } });
    let settled = false;
    // Settled once the thread has ended, so that its memory is gone before the caller goes on.
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      req.passBytes.fill(0);
      void worker.terminate().finally(fn);
    };
    worker.once('message', (m: { ok: true; key: Uint8Array } | { ok: false; message: string }) =>
      settle(() => (m.ok ? resolve(m.key) : reject(new HuellaError('INTERNAL', `The key could not be derived from the passphrase: ${m.message}`)))),
    );
    worker.once('error', (e) => settle(() => reject(new HuellaError('INTERNAL', 'The key-derivation thread failed.', { cause: e }))));
    worker.once('exit', (code) => settle(() => reject(new HuellaError('INTERNAL', `The key-derivation thread stopped (exit code ${code}).`))));
    worker.postMessage(req);
  });
}

export function deriveRecoveryKek(recoveryKey: Uint8Array, kdf: RecoveryKdf): Buffer {
  const salt = Buffer.from(kdf.salt, 'base64');
  return Buffer.from(crypto.hkdfSync('sha256', recoveryKey, salt, 'huella recovery-kek v1', 32));
}
