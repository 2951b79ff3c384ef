import crypto from 'node:crypto';
import { DEFAULT_MEMLIMIT, DEFAULT_OPSLIMIT, derivePassphraseKek } from '../../main/archive/vault/kdf';
import { loadSodium } from '../../main/archive/vault/sodium';
import { median, timed, timeShell } from './lib';

/**
 * The key derivation every unlock pays (Argon2id, the real parameters: opslimit 3, 256 MiB), next to
 * `openssl kdf SCRYPT` at age's passphrase work factor (N=2^18, r=8, p=1: also 256 MiB), the memory-hard unlock of
 * the reference tool. Library call (a process start-up would distort a ~1 s figure). Since f88a183 the derivation
 * runs in a thread of its own that loads libsodium (so its 256 MiB leave with it): that start is in the figure, as a
 * user pays it; from source (tsx) it is slower than in the built CLI.
 */
export type KdfResult = { readonly runs: number; readonly huellaSeconds: number; readonly opensslScryptSeconds: number; readonly memlimitMiB: number; readonly opslimit: number };

export async function benchKdf(opts: { runs: number }): Promise<KdfResult> {
  const kdf = { alg: 'argon2id13', salt: crypto.randomBytes(16).toString('base64'), opslimit: DEFAULT_OPSLIMIT, memlimit: DEFAULT_MEMLIMIT } as const;
  await loadSodium();
  const ours: number[] = [];
  const ref: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    const run = await timed(() => derivePassphraseKek('benchmark passphrase 1', kdf));
    run.value.fill(0);
    ours.push(run.seconds);
    ref.push(timeShell('openssl kdf -keylen 32 -kdfopt pass:benchmark -kdfopt salt:0123456789abcdef -kdfopt n:262144 -kdfopt r:8 -kdfopt p:1 SCRYPT > /dev/null'));
  }
  return { runs: opts.runs, huellaSeconds: median(ours), opensslScryptSeconds: median(ref), memlimitMiB: DEFAULT_MEMLIMIT / 1024 / 1024, opslimit: DEFAULT_OPSLIMIT };
}
