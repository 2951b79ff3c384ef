// Round trips and interop of the vault's blob format with the two independent age implementations we can run
// here: the reference Go CLI (`age`, `age-keygen`, installed on dev and CI) and typage (npm `age-encryption`).
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Decrypter, Encrypter, Stanza } from 'age-encryption';
import type { Recipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGE_CHUNK_SIZE, ageDecryptBuffer, ageEncryptBuffer, parseAgeHeader } from '../../../../../main/archive/blobs/age';
import { findAgeHeaderEnd } from '../../../../../main/archive/blobs/age-header';
import {
  encodeAgeIdentity,
  encodeAgeRecipient,
  generateX25519Secret,
  x25519PublicFromSecret,
} from '../../../../../main/archive/blobs/age-keys';
import { isHuellaError } from '../../../../../main/archive/errors';
import { decryptPieces, encryptPieces } from './age-helpers';

const SIZES = [0, 1, AGE_CHUNK_SIZE - 1, AGE_CHUNK_SIZE, AGE_CHUNK_SIZE + 1, 3 * AGE_CHUNK_SIZE, 3 * 1024 * 1024 + 12345];

const secret = generateX25519Secret();
const recipient = x25519PublicFromSecret(secret);
const identityText = encodeAgeIdentity(secret);
const recipientText = encodeAgeRecipient(recipient);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huella-age-'));
  fs.writeFileSync(path.join(dir, 'identity.txt'), `# test identity\n${identityText}\n`, { mode: 0o600 });
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function ageCli(args: readonly string[]): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync('age', args, { input: '', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

function code(e: unknown): string {
  return isHuellaError(e) ? e.code : `not a HuellaError: ${String(e)}`;
}

/** Expected ciphertext size: header ‖ nonce ‖ chunks, each with a 16-byte tag; an empty plaintext is one empty chunk. */
function expectedSize(headerLength: number, n: number): number {
  return headerLength + 16 + n + 16 * Math.max(1, Math.ceil(n / AGE_CHUNK_SIZE));
}

describe('age: our encryption, read by the reference age CLI', () => {
  for (const size of SIZES) {
    it(`${size} bytes`, async () => {
      const plain = crypto.randomBytes(size);
      const file = await encryptPieces(plain, [recipient], [size || 1, 1000, 70_000]);
      const header = parseAgeHeader(file.subarray(0, findAgeHeaderEnd(file)));
      expect(header.stanzas.map((s) => s.args[0])).toEqual(['X25519']);
      expect(file).toHaveLength(expectedSize(findAgeHeaderEnd(file), size));
      const enc = path.join(dir, `ours-${size}.age`);
      fs.writeFileSync(enc, file);
      const r = ageCli(['-d', '-i', path.join(dir, 'identity.txt'), enc]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.equals(plain)).toBe(true);
    });
  }

  it('writes one stanza per recipient, each of which the CLI can use', async () => {
    const others = [generateX25519Secret(), generateX25519Secret()];
    const plain = crypto.randomBytes(5000);
    const file = await ageEncryptBuffer(plain, [recipient, ...others.map((s) => x25519PublicFromSecret(s))]);
    const header = parseAgeHeader(file.subarray(0, findAgeHeaderEnd(file)));
    expect(header.stanzas.map((s) => s.args[0])).toEqual(['X25519', 'X25519', 'X25519']);
    const enc = path.join(dir, 'multi.age');
    fs.writeFileSync(enc, file);
    for (const [i, s] of others.entries()) {
      const id = path.join(dir, `other-${i}.txt`);
      fs.writeFileSync(id, `${encodeAgeIdentity(s)}\n`, { mode: 0o600 });
      const r = ageCli(['-d', '-i', id, enc]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.equals(plain)).toBe(true);
      expect((await ageDecryptBuffer(file, [s])).equals(plain)).toBe(true);
    }
  });

  it('never reuses a file key or nonce: two encryptions of the same bytes differ everywhere', async () => {
    const plain = Buffer.alloc(1000, 7);
    const a = await ageEncryptBuffer(plain, [recipient]);
    const b = await ageEncryptBuffer(plain, [recipient]);
    const ha = findAgeHeaderEnd(a);
    const hb = findAgeHeaderEnd(b);
    expect(a.subarray(0, ha).equals(b.subarray(0, hb))).toBe(false);
    expect(a.subarray(ha).equals(b.subarray(hb))).toBe(false);
  });
});

describe('age: the reference age CLI encrypts, we decrypt', () => {
  for (const size of SIZES) {
    it(`${size} bytes`, async () => {
      const plain = crypto.randomBytes(size);
      const src = path.join(dir, `cli-${size}.bin`);
      const enc = path.join(dir, `cli-${size}.age`);
      fs.writeFileSync(src, plain);
      const r = ageCli(['-r', recipientText, '-o', enc, src]);
      expect(r.status, r.stderr).toBe(0);
      const file = fs.readFileSync(enc);
      // Streamed the way the store reads files, and in awkward pieces that straddle every boundary.
      for (const pieces of [1024 * 1024, [7, 65_551, 3]]) {
        const { output, error } = await decryptPieces(file, [secret], pieces);
        expect(error).toBeUndefined();
        expect(output.equals(plain)).toBe(true);
      }
    });
  }

  it('finds our identity among several, and reports a file for someone else as AGE_NO_IDENTITY_MATCHED', async () => {
    const src = path.join(dir, 'someone.bin');
    const enc = path.join(dir, 'someone.age');
    fs.writeFileSync(src, 'not for us');
    expect(ageCli(['-r', recipientText, '-o', enc, src]).status).toBe(0);
    const file = fs.readFileSync(enc);
    expect((await ageDecryptBuffer(file, [generateX25519Secret(), secret])).toString()).toBe('not for us');
    await expect(ageDecryptBuffer(file, [generateX25519Secret()]).catch(code)).resolves.toBe('AGE_NO_IDENTITY_MATCHED');
  });

  it('refuses a passphrase-encrypted (scrypt) file as not for this key', async () => {
    // The CLI reads passphrases only from a terminal, so typage writes this one.
    const e = new Encrypter();
    e.setPassphrase('correct horse battery staple');
    e.setScryptWorkFactor(2);
    const file = await e.encrypt(Buffer.from('secret'));
    await expect(ageDecryptBuffer(file, [secret]).catch(code)).resolves.toBe('AGE_NO_IDENTITY_MATCHED');
  });
});

describe('age: interop with typage (npm age-encryption)', () => {
  for (const size of SIZES) {
    it(`${size} bytes, both ways`, async () => {
      const plain = crypto.randomBytes(size);

      const d = new Decrypter();
      d.addIdentity(identityText);
      const ours = await ageEncryptBuffer(plain, [recipient]);
      expect(Buffer.from(await d.decrypt(ours)).equals(plain)).toBe(true);

      const e = new Encrypter();
      e.addRecipient(recipientText);
      const theirs = await e.encrypt(plain);
      expect((await ageDecryptBuffer(theirs, [secret])).equals(plain)).toBe(true);
    });
  }

  it('skips unknown (grease) stanzas around ours, with multi-line bodies', async () => {
    const grease = (args: string[], bodyLength: number): Recipient => ({
      wrapFileKey: () => [new Stanza(args, crypto.randomBytes(bodyLength))],
    });
    const e = new Encrypter();
    e.addRecipient(grease(['ssh-rsa', 'abc'], 0));
    e.addRecipient(recipientText);
    e.addRecipient(grease(['x.example/grease', '!"#$%&\'()*+,-./', '~'], 48));
    e.addRecipient(grease(['other'], 200));
    const file = await e.encrypt(Buffer.from('greased'));
    const header = parseAgeHeader(file.subarray(0, findAgeHeaderEnd(file)));
    expect(header.stanzas.map((s) => s.args[0])).toEqual(['ssh-rsa', 'X25519', 'x.example/grease', 'other']);
    expect(header.stanzas.map((s) => s.body.length)).toEqual([0, 32, 48, 200]);
    expect((await ageDecryptBuffer(file, [secret])).toString()).toBe('greased');
  });
});
