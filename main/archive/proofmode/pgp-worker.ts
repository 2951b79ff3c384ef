import { parentPort } from 'node:worker_threads';
import { checkDetachedSignature, type SignatureCheckRequest } from './pgp';

// Runs in a worker thread (DESIGN §1 A3): OpenPGP packets from a bundle are attacker-controlled; a signature that
// makes the library spin or exhaust memory stops only this thread, which the pool kills after its time limit.
parentPort!.on('message', (req: SignatureCheckRequest) => {
  checkDetachedSignature(req).then(
    (value) => parentPort!.postMessage({ ok: true, value }),
    (e: unknown) => parentPort!.postMessage({ ok: false, error: { code: 'PARSER_FAILED', message: e instanceof Error ? e.message.split('\n')[0]!.slice(0, 200) : 'the signature check failed' } }),
  );
});
