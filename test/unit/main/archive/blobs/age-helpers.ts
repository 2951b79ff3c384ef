// Shared by the age tests: drive the streams the way the blob store does, piece by piece, and keep what was
// released before an error (the testkit and tamper tests check that no unauthenticated plaintext escapes).
import { createAgeDecryptStream, createAgeEncryptStream } from '../../../../../main/archive/blobs/age';
import { HuellaError } from '../../../../../main/archive/errors';
import type { Transform } from 'node:stream';

export type StreamOutcome = { readonly output: Buffer; readonly error: HuellaError | undefined };

/** Writes `pieces` in order (respecting back-pressure), ends, and collects the output and the error, if any. */
export async function runPieces(transform: Transform, pieces: Iterable<Uint8Array>): Promise<StreamOutcome> {
  const out: Buffer[] = [];
  const finished = new Promise<HuellaError | undefined>((resolve) => {
    transform.on('data', (b: Buffer) => out.push(Buffer.from(b)));
    transform.on('end', () => resolve(undefined));
    transform.on('error', (e) => resolve(e instanceof HuellaError ? e : new HuellaError('INTERNAL', `not a HuellaError: ${String(e)}`)));
  });
  let failed = false;
  transform.once('error', () => (failed = true));
  for (const piece of pieces) {
    if (failed) break;
    if (!transform.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          transform.off('drain', done);
          transform.off('error', done);
          resolve();
        };
        transform.on('drain', done);
        transform.on('error', done);
      });
    }
  }
  if (!failed) transform.end();
  const error = await finished;
  return { output: Buffer.concat(out), error };
}

export function* split(buf: Uint8Array, sizes: number | readonly number[]): Generator<Uint8Array> {
  const list = typeof sizes === 'number' ? [sizes] : sizes;
  let off = 0;
  let i = 0;
  while (off < buf.length) {
    const n = Math.max(1, list[i % list.length]!);
    yield buf.subarray(off, off + n);
    off += n;
    i++;
  }
}

export function decryptPieces(file: Uint8Array, identities: readonly Uint8Array[], sizes: number | readonly number[]): Promise<StreamOutcome> {
  return runPieces(createAgeDecryptStream(identities), split(file, sizes));
}

export async function encryptPieces(plain: Uint8Array, recipients: readonly Uint8Array[], sizes: number | readonly number[]): Promise<Buffer> {
  const r = await runPieces(createAgeEncryptStream(recipients), split(plain, sizes));
  if (r.error) throw r.error;
  return r.output;
}
