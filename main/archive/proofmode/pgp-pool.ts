import { WorkerPool } from '../workers/pool';
import { workerEntry } from '../workers/entry';
import { PGP_VERIFIER, type SignatureCheckRequest, type SignatureCheckResult } from './pgp-check';

/**
 * The thread that checks OpenPGP signatures from bundles (pgp-worker.ts). One is enough (a check takes
 * milliseconds plus the time to read the signed bytes); its time limit allows for a large video read at 5 MB/s.
 */
let pool: WorkerPool<SignatureCheckRequest, SignatureCheckResult> | undefined;

export async function checkSignature(request: SignatureCheckRequest, signedBytes: number): Promise<SignatureCheckResult> {
  pool ??= new WorkerPool<SignatureCheckRequest, SignatureCheckResult>(workerEntry('pgp-worker', import.meta.url), {
    size: 1,
    heapMb: 256,
    failures: {
      code: 'PARSER_FAILED',
      outOfMemory: 'checking the signature needed too much memory',
      crashed: 'the signature checker crashed on it',
      stopped: 'the signature checker stopped unexpectedly',
      timedOut: (s) => `checking it took longer than ${s} s`,
    },
  });
  try {
    return await pool.run({ request, timeoutMs: 60_000 + signedBytes / 5_000 });
  } catch (e) {
    // A signature or key that crashes or stalls the checker proves nothing: invalid, with the reason.
    return { verifier: PGP_VERIFIER, state: 'invalid', problem: 'check-failed', reason: `The signature could not be checked: ${e instanceof Error ? e.message : 'unknown error'}.` };
  }
}

export async function shutdownPgpWorker(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.close();
}
