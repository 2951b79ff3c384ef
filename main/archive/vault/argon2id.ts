import { loadSodium } from './sodium';

/** One Argon2id derivation (libsodium crypto_pwhash, ALG_ARGON2ID13) of a 32-byte key: in this thread or kdf-worker's. */
export type Argon2idRequest = { readonly passBytes: Uint8Array; readonly salt: Uint8Array; readonly opslimit: number; readonly memlimit: number };

/** The key; `passBytes` is zeroed either way. */
export async function argon2idKey(req: Argon2idRequest): Promise<Uint8Array> {
  try {
    const sodium = await loadSodium();
    return sodium.crypto_pwhash(32, req.passBytes, req.salt, req.opslimit, req.memlimit, sodium.crypto_pwhash_ALG_ARGON2ID13);
  } finally {
    req.passBytes.fill(0);
  }
}
