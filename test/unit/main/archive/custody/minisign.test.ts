import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519KeyPairFromSeed } from '../../../../../main/archive/custody/ed25519';
import {
  formatMinisignPublicKey,
  keyIdFromPublicKey,
  minisignKeyIdHex,
  minisignPrehash,
  minisignSign,
  minisignSignPrehashed,
  minisignVerify,
  minisignVerifyPrehashed,
  parseMinisignPublicKey,
} from '../../../../../main/archive/custody/minisign';
import { isHuellaError } from '../../../../../main/archive/errors';

// Interop with the reference tool, the `minisign` CLI (github.com/jedisct1/minisign), installed on dev and CI.
function minisign(args: readonly string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync('minisign', args, { cwd, encoding: 'utf8', input: '' });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function flipByteInBase64Line(file: string, lineIndex: number, byteIndex: number): string {
  const lines = file.split('\n');
  const bytes = Buffer.from(lines[lineIndex]!, 'base64');
  bytes[byteIndex]! ^= 0x01;
  lines[lineIndex] = bytes.toString('base64');
  return lines.join('\n');
}

const seed = crypto.createHash('sha256').update('huella minisign test key').digest();
const { publicKey } = ed25519KeyPairFromSeed(seed);
const ourPub = formatMinisignPublicKey(publicKey);
const data = Buffer.from('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
const trustedComment = 'huella packet 2024-05-01T10:00:00Z\tmanifest sha256 ok ✓';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huella-minisign-'));
  fs.writeFileSync(path.join(dir, 'ours.pub'), ourPub);
  // An unencrypted CLI key pair (-W) shared by the tests below.
  const r = minisign(['-G', '-W', '-p', 'cli.pub', '-s', 'cli.key'], dir);
  if (r.status !== 0) throw new Error(`minisign -G failed: ${r.out}`);
  fs.writeFileSync(path.join(dir, 'theirs'), data);
  const s = minisign(['-S', '-s', 'cli.key', '-m', 'theirs', '-t', 'signed by the CLI'], dir);
  if (s.status !== 0) throw new Error(`minisign -S failed: ${s.out}`);
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('minisign: key format', () => {
  it('derives the key ID from the public key and prints it as minisign does', () => {
    const id = keyIdFromPublicKey(publicKey);
    expect(id).toEqual(crypto.createHash('sha256').update(publicKey).digest().subarray(0, 8));
    // minisign prints le64_load(keynum) with "%" PRIX64: bytes reversed, upper case, no leading zeroes.
    expect(minisignKeyIdHex(Buffer.from('cb5b397d75912d99', 'hex'))).toBe('992D91757D395BCB');
    expect(minisignKeyIdHex(Buffer.from('0100000000000000', 'hex'))).toBe('1');
    const lines = ourPub.split('\n');
    expect(lines[0]).toBe(`untrusted comment: minisign public key ${minisignKeyIdHex(id)}`);
    expect(Buffer.from(lines[1]!, 'base64')).toEqual(Buffer.concat([Buffer.from('Ed'), id, publicKey]));
    expect(parseMinisignPublicKey(ourPub)).toEqual({ keyId: id, publicKey });
    expect(parseMinisignPublicKey(lines[1]!)).toEqual({ keyId: id, publicKey });
  });

  it('reads a key made by `minisign -G` and matches the ID it prints', () => {
    const text = fs.readFileSync(path.join(dir, 'cli.pub'), 'utf8');
    const key = parseMinisignPublicKey(text);
    expect(text.split('\n')[0]).toBe(`untrusted comment: minisign public key ${minisignKeyIdHex(key.keyId)}`);
    expect(key.publicKey).toHaveLength(32);
  });

  it('rejects malformed keys', () => {
    const code = (t: string): string | undefined => {
      try {
        parseMinisignPublicKey(t);
      } catch (e) {
        return isHuellaError(e) ? e.code : 'not a HuellaError';
      }
      return undefined;
    };
    expect(code('')).toBe('FORMAT_INVALID');
    expect(code('untrusted comment: x\n')).toBe('FORMAT_INVALID');
    expect(code(`untrusted comment: x\n${Buffer.concat([Buffer.from('Ed'), Buffer.alloc(39)]).toString('base64')}\n`)).toBe('FORMAT_INVALID');
    expect(code(`untrusted comment: x\n${Buffer.concat([Buffer.from('Xy'), Buffer.alloc(40)]).toString('base64')}\n`)).toBe('FORMAT_INVALID');
    expect(code(`${ourPub}extra line\n`)).toBe('FORMAT_INVALID');
  });
});

describe('minisign: interop with the minisign CLI', () => {
  it('our signature verifies with `minisign -V` (key file and inline -P)', async () => {
    fs.writeFileSync(path.join(dir, 'file'), data);
    fs.writeFileSync(path.join(dir, 'file.minisig'), await minisignSign(seed, publicKey, data, { trustedComment, untrustedComment: 'signature from huella' }));
    const r = minisign(['-Vm', 'file', '-p', 'ours.pub'], dir);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain(`Trusted comment: ${trustedComment}`);
    const inline = minisign(['-Vm', 'file', '-P', ourPub.split('\n')[1]!], dir);
    expect(inline.status, inline.out).toBe(0);
  });

  it('a streamed multi-chunk signature of a 3 MiB file verifies with `minisign -V` and with ours', async () => {
    const big = path.join(dir, 'big.bin');
    fs.writeFileSync(big, crypto.randomBytes(3 * 1024 * 1024));
    const sig = await minisignSign(seed, publicKey, fs.createReadStream(big, { highWaterMark: 64 * 1024 }), { trustedComment: 'streamed' });
    fs.writeFileSync(`${big}.minisig`, sig);
    const r = minisign(['-Vm', 'big.bin', '-p', 'ours.pub'], dir);
    expect(r.status, r.out).toBe(0);
    expect(await minisignVerify(ourPub, sig, fs.createReadStream(big))).toMatchObject({ ok: true, trustedComment: 'streamed' });
    expect(await minisignVerify(ourPub, sig, fs.readFileSync(big))).toMatchObject({ ok: true });
  });

  it('the longest trusted comment minisign can read still verifies there; a longer one is refused', async () => {
    const longest = 'x'.repeat(8173);
    fs.writeFileSync(path.join(dir, 'long'), data);
    fs.writeFileSync(path.join(dir, 'long.minisig'), await minisignSign(seed, publicKey, data, { trustedComment: longest }));
    const r = minisign(['-Vm', 'long', '-p', 'ours.pub'], dir);
    expect(r.status, r.out.slice(0, 200)).toBe(0);
    await expect(minisignSign(seed, publicKey, data, { trustedComment: `${longest}x` })).rejects.toThrow(/too long/);
    await expect(minisignSign(seed, publicKey, data, { trustedComment: 'two\nlines' })).rejects.toThrow(/one line/);
  });

  it('a signature made by `minisign -S` verifies with ours', async () => {
    const result = await minisignVerify(fs.readFileSync(path.join(dir, 'cli.pub')), fs.readFileSync(path.join(dir, 'theirs.minisig')), data);
    expect(result).toMatchObject({ ok: true, trustedComment: 'signed by the CLI', untrustedComment: 'signature from minisign secret key' });
  });

  it('tampering fails with the right reason, in ours and in the CLI', async () => {
    const cliPub = fs.readFileSync(path.join(dir, 'cli.pub'), 'utf8');
    const cliSig = fs.readFileSync(path.join(dir, 'theirs.minisig'), 'utf8');
    const ourSig = await minisignSign(seed, publicKey, data, { trustedComment });
    const altered = Buffer.from(data);
    altered[3]! ^= 0x20;
    const cases: [string, string, string, Buffer, string][] = [
      ['file byte flipped', cliPub, cliSig, altered, 'BAD_SIGNATURE'],
      ['signature byte flipped', cliPub, flipByteInBase64Line(cliSig, 1, 30), data, 'BAD_SIGNATURE'],
      ['trusted comment changed', cliPub, cliSig.replace('signed by the CLI', 'signed by the CLl'), data, 'BAD_GLOBAL_SIGNATURE'],
      ['global signature flipped', cliPub, flipByteInBase64Line(cliSig, 3, 5), data, 'BAD_GLOBAL_SIGNATURE'],
      ['key id in the signature changed', cliPub, flipByteInBase64Line(cliSig, 1, 4), data, 'KEY_ID_MISMATCH'],
      ['another key', ourPub, cliSig, data, 'KEY_ID_MISMATCH'],
      ['our sig, CLI key', cliPub, ourSig, data, 'KEY_ID_MISMATCH'],
      ['signature truncated', cliPub, cliSig.split('\n').slice(0, 3).join('\n'), data, 'MALFORMED_SIGNATURE'],
      ['signature base64 broken', cliPub, cliSig.replace(/\n(.)/, '\n!'), data, 'MALFORMED_SIGNATURE'],
      ['trusted comment prefix missing', cliPub, cliSig.replace('trusted comment: ', 'trusted: '), data, 'MALFORMED_SIGNATURE'],
      ['public key broken', cliPub.replace(/\n(.)/, '\n#'), cliSig, data, 'MALFORMED_PUBLIC_KEY'],
    ];
    for (const [what, pub, sig, bytes, reason] of cases) {
      const r = await minisignVerify(pub, sig, bytes);
      expect(r.ok, what).toBe(false);
      expect(r.ok ? undefined : r.reason, what).toBe(reason);
      // The reference tool must refuse the same inputs.
      fs.writeFileSync(path.join(dir, 't.pub'), pub);
      fs.writeFileSync(path.join(dir, 't'), bytes);
      fs.writeFileSync(path.join(dir, 't.minisig'), sig);
      expect(minisign(['-Vm', 't', '-p', 't.pub'], dir).status, what).not.toBe(0);
    }
  });

  it('refuses legacy (non-prehashed) signatures, which cannot be streamed', async () => {
    const s = minisign(['-S', '-l', '-s', 'cli.key', '-m', 'theirs', '-x', 'legacy.minisig', '-t', 'legacy'], dir);
    expect(s.status, s.out).toBe(0);
    const r = await minisignVerify(fs.readFileSync(path.join(dir, 'cli.pub')), fs.readFileSync(path.join(dir, 'legacy.minisig')), data);
    expect(r).toMatchObject({ ok: false, reason: 'UNSUPPORTED_ALGORITHM' });
  });
});

describe('minisign: prehashed API and guards', () => {
  it('signs and verifies a given BLAKE2b-512 digest', async () => {
    const digest = await minisignPrehash([data.subarray(0, 10), data.subarray(10)]);
    expect(digest).toEqual(crypto.createHash('blake2b512').update(data).digest());
    const sig = minisignSignPrehashed(seed, publicKey, digest, { trustedComment: 't' });
    expect(sig).toBe(await minisignSign(seed, publicKey, data, { trustedComment: 't' })); // deterministic
    expect(minisignVerifyPrehashed(ourPub, sig, digest)).toMatchObject({ ok: true, trustedComment: 't', untrustedComment: 'signature from minisign secret key' });
    expect(minisignVerifyPrehashed(ourPub, sig, digest.subarray(1))).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('accepts CR LF line endings as minisign does', async () => {
    const sig = await minisignSign(seed, publicKey, data, { trustedComment });
    expect(await minisignVerify(ourPub.replaceAll('\n', '\r\n'), sig.replaceAll('\n', '\r\n'), data)).toMatchObject({ ok: true, trustedComment });
  });

  it('refuses a public key that does not match the seed', async () => {
    await expect(minisignSign(seed, Buffer.alloc(32, 1), data, { trustedComment: 't' })).rejects.toThrow(/does not belong/);
  });
});
