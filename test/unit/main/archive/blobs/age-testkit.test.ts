// Known-answer tests: the official age test vectors (C2SP CCTV, https://github.com/C2SP/CCTV/tree/main/age,
// published by the age authors as the npm package `cctv-age`, a devDependency; nothing is copied into this repo).
// Every vector that needs only X25519 identities runs: not armored (we do not implement armor), no passphrase or
// post-quantum identity needed for its expected outcome. The README of the testkit defines the outcomes; "payload"
// is the SHA-256 of ALL plaintext released, even when decryption fails later.
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import * as cctv from 'cctv-age';
import { describe, expect, it } from 'vitest';
import { decodeAgeIdentity } from '../../../../../main/archive/blobs/age-keys';
import type { ErrorCode } from '../../../../../shared/errors';
import { decryptPieces } from './age-helpers';

type Expectation = 'success' | 'no match' | 'HMAC failure' | 'header failure' | 'payload failure' | 'armor failure';

type Vector = {
  readonly name: string;
  readonly expect: Expectation;
  readonly payload: string | undefined;
  readonly identities: readonly string[];
  readonly passphrases: number;
  readonly armored: boolean;
  readonly file: Buffer;
};

function parseVector(name: string, bytes: Uint8Array): Vector {
  const buf = Buffer.from(bytes);
  const split = buf.indexOf('\n\n');
  const fields = new Map<string, string[]>();
  for (const line of buf.subarray(0, split).toString('utf8').split('\n')) {
    const colon = line.indexOf(': ');
    const key = line.slice(0, colon);
    fields.set(key, [...(fields.get(key) ?? []), line.slice(colon + 2)]);
  }
  const body = buf.subarray(split + 2);
  const compression = fields.get('compressed')?.[0];
  if (compression !== undefined && compression !== 'zlib') throw new Error(`${name}: unknown compression ${compression}`);
  return {
    name,
    expect: fields.get('expect')![0] as Expectation,
    payload: fields.get('payload')?.[0],
    identities: fields.get('identity') ?? [],
    passphrases: (fields.get('passphrase') ?? []).length,
    armored: fields.get('armored')?.[0] === 'yes',
    file: compression === 'zlib' ? zlib.inflateSync(body) : body,
  };
}

const all = Object.entries(cctv as Record<string, Uint8Array>)
  .filter(([, v]) => v instanceof Uint8Array)
  .map(([name, bytes]) => parseVector(name, bytes));
const isX25519 = (id: string): boolean => id.startsWith('AGE-SECRET-KEY-1');
const runnable = all.filter((v) => {
  if (v.armored) return false;
  const others = v.identities.filter((id) => !isX25519(id)).length + v.passphrases;
  // Another key kind in the vector is only harmless if the expected outcome is a header failure we must see anyway.
  if (others > 0 && v.expect !== 'header failure') return false;
  return v.identities.some(isX25519) || others === 0;
});

const EXPECTED_CODE: Record<Exclude<Expectation, 'success' | 'armor failure' | 'payload failure'>, ErrorCode> = {
  'no match': 'AGE_NO_IDENTITY_MATCHED',
  'HMAC failure': 'AGE_INTEGRITY',
  'header failure': 'AGE_FORMAT',
};

// Payload failures split by cause: a chunk that does not authenticate is tampering (AGE_INTEGRITY); a file whose
// chunks authenticate but whose shape is wrong (cut short, extra bytes, empty final chunk) is AGE_FORMAT.
const PAYLOAD_INTEGRITY = new Set([
  'stream_bad_tag',
  'stream_bad_tag_second_chunk',
  'stream_bad_tag_second_chunk_full',
  'stream_two_final_chunks_short',
]);

const sha256 = (b: Uint8Array): string => crypto.createHash('sha256').update(b).digest('hex');

describe('age: official test vectors (cctv-age)', () => {
  it('has the vectors, and runs every X25519 one', () => {
    expect(all.length).toBeGreaterThanOrEqual(140);
    expect(runnable.length).toBeGreaterThanOrEqual(69);
    for (const name of ['x25519', 'x25519_grease', 'stream_257_chunks_full', 'stream_last_chunk_full', 'hmac_bad', 'stanza_valid_characters']) {
      expect(runnable.map((v) => v.name)).toContain(name);
    }
  });

  for (const v of runnable) {
    // Whole file at once, a read-stream-like piece size that straddles chunks, and 1-byte pieces for small files.
    const pieceSizes: number[] = [v.file.length || 1, 4099];
    if (v.file.length < 4096) pieceSizes.push(1);
    it(`${v.name}: ${v.expect}`, async () => {
      const identities = v.identities.filter(isX25519).map((id) => decodeAgeIdentity(id));
      for (const size of pieceSizes) {
        const { output, error } = await decryptPieces(v.file, identities, size);
        if (v.expect === 'success') {
          expect(error, `${v.name} (pieces of ${size})`).toBeUndefined();
          expect(sha256(output)).toBe(v.payload);
        } else if (v.expect === 'payload failure') {
          expect(error?.code, `${v.name} (pieces of ${size})`).toBe(PAYLOAD_INTEGRITY.has(v.name) ? 'AGE_INTEGRITY' : 'AGE_FORMAT');
          expect(sha256(output), 'released plaintext').toBe(v.payload);
        } else if (v.expect === 'armor failure') {
          throw new Error('armored vectors are filtered out');
        } else {
          expect(error?.code, `${v.name} (pieces of ${size}): ${error?.message}`).toBe(EXPECTED_CODE[v.expect]);
          expect(output).toHaveLength(0);
        }
      }
    });
  }
});
