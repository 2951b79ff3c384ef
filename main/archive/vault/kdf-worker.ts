import { parentPort } from 'node:worker_threads';
import { argon2idKey, type Argon2idRequest } from './argon2id';

// One Argon2id derivation in a thread of its own (kdf.ts): the 256 MiB the KDF writes into libsodium's WebAssembly
// memory, which can grow but never shrink, goes with this thread when it ends instead of staying in the process.
parentPort!.once('message', (req: Argon2idRequest) => {
  argon2idKey(req).then(
    (key) => {
      parentPort!.postMessage({ ok: true, key });
      key.fill(0);
    },
    (e: unknown) => parentPort!.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) }),
  );
});
