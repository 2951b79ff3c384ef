// Re-wrapping an age file to another recipient (transfer bundles, DESIGN §9): the reference `age` CLI must decrypt
// the re-wrapped file with the recipient's identity, the payload must be byte-identical, and every tampered header
// must be refused rather than given a fresh MAC.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGE_CHUNK_SIZE, ageDecryptBuffer, ageEncryptBuffer, parseAgeHeader } from '../../../../../main/archive/blobs/age';
import { findAgeHeaderEnd } from '../../../../../main/archive/blobs/age-header';
import { encodeAgeIdentity, generateX25519Secret, x25519PublicFromSecret } from '../../../../../main/archive/blobs/age-keys';
import { readAgeHeader, rewrapAgeHeader } from '../../../../../main/archive/blobs/age-rewrap';
import { isHuellaError } from '../../../../../main/archive/errors';
import { tempDir } from '../../../../helpers/tmp';

const vault = generateX25519Secret();
const lawyer = generateX25519Secret();
const other = generateX25519Secret();
const dir = tempDir('huella-rewrap-');

function code(e: unknown): string {
  return isHuellaError(e) ? e.code : `not a HuellaError: ${String(e)}`;
}

function split(file: Buffer): { header: Buffer; payload: Buffer } {
  const end = findAgeHeaderEnd(file);
  return { header: file.subarray(0, end), payload: file.subarray(end) };
}

function rewrapFile(file: Buffer, identities: readonly Uint8Array[], recipients: readonly Uint8Array[]): Buffer {
  const { header, payload } = split(file);
  return Buffer.concat([rewrapAgeHeader(header, identities, recipients), payload]);
}

function ageDecryptCli(file: Buffer, identity: Uint8Array): { status: number | null; stdout: Buffer; stderr: string } {
  const idFile = path.join(dir, `id-${crypto.randomBytes(4).toString('hex')}.txt`);
  fs.writeFileSync(idFile, `${encodeAgeIdentity(identity)}\n`, { mode: 0o600 });
  const r = spawnSync('age', ['-d', '-i', idFile], { input: file, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`the age CLI (Debian package age) is needed for this test: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

describe('rewrapAgeHeader', () => {
  for (const size of [0, 1, AGE_CHUNK_SIZE, 3 * AGE_CHUNK_SIZE + 7]) {
    it(`re-wraps a ${size}-byte file: age decrypts it with the recipient's identity, payload bytes unchanged`, async () => {
      const plain = crypto.randomBytes(size);
      const original = await ageEncryptBuffer(plain, [x25519PublicFromSecret(vault)]);
      const rewrapped = rewrapFile(original, [vault], [x25519PublicFromSecret(lawyer)]);
      expect(split(rewrapped).payload.equals(split(original).payload)).toBe(true);
      const cli = ageDecryptCli(rewrapped, lawyer);
      expect(cli.stderr).toBe('');
      expect(cli.status).toBe(0);
      expect(cli.stdout.equals(plain)).toBe(true);
      expect((await ageDecryptBuffer(rewrapped, [lawyer])).equals(plain)).toBe(true);
    });
  }

  it('leaves no stanza for the sender: the vault identity no longer opens the re-wrapped file', async () => {
    const original = await ageEncryptBuffer(Buffer.from('evidence'), [x25519PublicFromSecret(vault)]);
    const rewrapped = rewrapFile(original, [vault], [x25519PublicFromSecret(lawyer)]);
    expect(parseAgeHeader(split(rewrapped).header).stanzas).toHaveLength(1);
    const cli = ageDecryptCli(rewrapped, vault);
    expect(cli.status).not.toBe(0);
    await expect(ageDecryptBuffer(rewrapped, [vault])).rejects.toMatchObject({ code: 'AGE_NO_IDENTITY_MATCHED' });
  });

  it('re-wraps a file the age CLI wrote', () => {
    const plain = crypto.randomBytes(100_000);
    const recipientFile = path.join(dir, 'vault.pub');
    fs.writeFileSync(path.join(dir, 'vault.key'), `${encodeAgeIdentity(vault)}\n`, { mode: 0o600 });
    const keygen = spawnSync('age-keygen', ['-y', path.join(dir, 'vault.key')]);
    fs.writeFileSync(recipientFile, keygen.stdout);
    const enc = spawnSync('age', ['-R', recipientFile], { input: plain });
    expect(enc.status).toBe(0);
    const rewrapped = rewrapFile(enc.stdout, [vault], [x25519PublicFromSecret(lawyer)]);
    const cli = ageDecryptCli(rewrapped, lawyer);
    expect(cli.status).toBe(0);
    expect(cli.stdout.equals(plain)).toBe(true);
  });

  it('refuses to re-wrap with an identity the file is not encrypted to', async () => {
    const original = await ageEncryptBuffer(Buffer.from('x'), [x25519PublicFromSecret(vault)]);
    expect(() => rewrapAgeHeader(split(original).header, [other], [x25519PublicFromSecret(lawyer)])).toThrow(
      expect.objectContaining({ code: 'AGE_NO_IDENTITY_MATCHED' }),
    );
  });

  it('refuses a header whose MAC does not match instead of signing it anew', async () => {
    const original = await ageEncryptBuffer(Buffer.from('x'), [x25519PublicFromSecret(vault), x25519PublicFromSecret(other)]);
    const { header } = split(original);
    // Change the second stanza's share (an argument the MAC covers but our identity does not need).
    const text = header.toString('latin1');
    const lines = text.split('\n');
    const second = lines.findIndex((l, i) => i > 2 && l.startsWith('-> X25519 '));
    const arg = lines[second]!.slice('-> X25519 '.length);
    lines[second] = `-> X25519 ${arg[0] === 'A' ? 'B' : 'A'}${arg.slice(1)}`;
    let err: unknown;
    try {
      rewrapAgeHeader(Buffer.from(lines.join('\n'), 'latin1'), [vault], [x25519PublicFromSecret(lawyer)]);
    } catch (e) {
      err = e;
    }
    expect(code(err)).toBe('AGE_INTEGRITY');
  });

  it('refuses malformed headers with AGE_FORMAT', () => {
    for (const bad of ['', 'age-encryption.org/v1\n--- abc\n', 'not age at all\n']) {
      let err: unknown;
      try {
        rewrapAgeHeader(Buffer.from(bad), [vault], [x25519PublicFromSecret(lawyer)]);
      } catch (e) {
        err = e;
      }
      expect(code(err)).toBe('AGE_FORMAT');
    }
  });

  it('a tampered payload of a re-wrapped file fails authentication in age and in ours', async () => {
    const original = await ageEncryptBuffer(crypto.randomBytes(2 * AGE_CHUNK_SIZE), [x25519PublicFromSecret(vault)]);
    const rewrapped = rewrapFile(original, [vault], [x25519PublicFromSecret(lawyer)]);
    const bad = Buffer.from(rewrapped);
    bad[bad.length - 100]! ^= 1;
    expect(ageDecryptCli(bad, lawyer).status).not.toBe(0);
    await expect(ageDecryptBuffer(bad, [lawyer])).rejects.toMatchObject({ code: 'AGE_INTEGRITY' });
  });
});

describe('readAgeHeader', () => {
  it('finds the header and the payload offset of a file on disk, and refuses truncated or foreign files', async () => {
    const original = await ageEncryptBuffer(crypto.randomBytes(5000), [x25519PublicFromSecret(vault)]);
    const file = path.join(dir, 'blob.age');
    fs.writeFileSync(file, original);
    const fh = await fsp.open(file, 'r');
    try {
      const { header, payloadOffset } = await readAgeHeader(fh);
      expect(header.equals(split(original).header)).toBe(true);
      expect(payloadOffset).toBe(header.length);
    } finally {
      await fh.close();
    }
    for (const [content, want] of [
      [original.subarray(0, 30), 'truncated'],
      [Buffer.alloc(0), 'empty'],
      [Buffer.from('PK\x03\x04 a zip file'), 'not an age'],
    ] as const) {
      fs.writeFileSync(file, content);
      const h = await fsp.open(file, 'r');
      await expect(readAgeHeader(h)).rejects.toMatchObject({ code: 'AGE_FORMAT', message: expect.stringContaining(want) });
      await h.close();
    }
  });
});
