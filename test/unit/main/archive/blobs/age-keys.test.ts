import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { bech32 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import {
  decodeAgeIdentity,
  decodeAgeRecipient,
  encodeAgeIdentity,
  encodeAgeRecipient,
  generateX25519Secret,
  x25519Ephemeral,
  x25519Identity,
  x25519PublicFromSecret,
  x25519SharedSecret,
} from '../../../../../main/archive/blobs/age-keys';
import { isHuellaError } from '../../../../../main/archive/errors';

// The key pair printed in the age spec (c2sp.org/age, "The X25519 recipient type"): identity = 32 × 0x42.
const SPEC_IDENTITY = 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX';
const SPEC_RECIPIENT = 'age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj';

function ageKeygen(args: readonly string[], input = ''): string {
  const r = spawnSync('age-keygen', args, { input, encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`age-keygen failed: ${r.stderr}`);
  return r.stdout;
}

function formatCode(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return isHuellaError(e) ? e.code : `not a HuellaError: ${String(e)}`;
  }
}

describe('age keys: known answers', () => {
  it('encodes and decodes the spec example pair', () => {
    const secret = Buffer.alloc(32, 0x42);
    expect(encodeAgeIdentity(secret)).toBe(SPEC_IDENTITY);
    expect(decodeAgeIdentity(SPEC_IDENTITY)).toEqual(secret);
    const pub = x25519PublicFromSecret(secret);
    expect(encodeAgeRecipient(pub)).toBe(SPEC_RECIPIENT);
    expect(decodeAgeRecipient(SPEC_RECIPIENT)).toEqual(pub);
  });

  it('computes X25519 as RFC 7748 §6.1 says (Alice and Bob)', () => {
    const alice = Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex');
    const bob = Buffer.from('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb', 'hex');
    expect(x25519PublicFromSecret(alice).toString('hex')).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(x25519PublicFromSecret(bob).toString('hex')).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(x25519SharedSecret(alice, x25519PublicFromSecret(bob))?.toString('hex')).toBe(shared);
    expect(x25519SharedSecret(bob, x25519PublicFromSecret(alice))?.toString('hex')).toBe(shared);
  });

  it('refuses low-order points (all-zero shared secret)', () => {
    const secret = generateX25519Secret();
    expect(x25519SharedSecret(secret, Buffer.alloc(32))).toBeUndefined();
    const one = Buffer.alloc(32);
    one[0] = 1;
    expect(x25519SharedSecret(secret, one)).toBeUndefined();
    expect(x25519SharedSecret(x25519Identity(secret), one)).toBeUndefined();
  });

  it('gives the same answers from a prepared identity (x25519Identity: verify opens many files with one)', () => {
    const alice = Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex');
    const bobPublic = Buffer.from('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f', 'hex');
    const prepared = x25519Identity(alice);
    expect(prepared.recipient.toString('hex')).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(x25519SharedSecret(prepared, bobPublic)?.toString('hex')).toBe('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
    expect(formatCode(() => x25519Identity(Buffer.alloc(31)))).toBe('FORMAT_INVALID');
  });
});

describe('age keys: ephemeral shares (one per age file)', () => {
  it('gives a fresh share each time, and the recipient derives the same shared secret from it', () => {
    const secret = generateX25519Secret();
    const recipient = x25519PublicFromSecret(secret);
    const shares = new Set<string>();
    for (let i = 0; i < 64; i++) {
      const { share, shared } = x25519Ephemeral(recipient);
      expect(share).toHaveLength(32);
      expect(shared).toBeDefined();
      expect(x25519SharedSecret(secret, share)).toEqual(shared);
      shares.add(share.toString('hex'));
    }
    expect(shares.size).toBe(64);
  });

  it('refuses a low-order recipient (no shared secret)', () => {
    expect(x25519Ephemeral(Buffer.alloc(32)).shared).toBeUndefined();
  });

  // Generating the key with generateKeyPairSync and exporting it as a JWK deadlocked Node 20 now and then (a GC
  // during the export runs the key-generation job's destructor, which takes the mutex the export holds): it hung
  // a 50-photo ingest in CI. Run in a child process, so a hang is killed and reported rather than hanging the runner.
  it('makes 30,000 shares in a row without hanging (child process, GC under pressure)', () => {
    const script = path.join(__dirname, 'fixtures', 'ephemeral-stress.ts');
    const recipient = x25519PublicFromSecret(generateX25519Secret()).toString('hex');
    const r = spawnSync(process.execPath, ['--max-semi-space-size=1', '--import', 'tsx', script, '30000', recipient], {
      encoding: 'utf8',
      timeout: 60_000,
      killSignal: 'SIGKILL',
    });
    expect(r.signal, `the child hung and was killed; stderr: ${r.stderr}`).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ made: 30000, distinct: 1000 });
  }, 90_000);
});

describe('age keys: interop with age-keygen', () => {
  it('reads an identity made by age-keygen and derives the public key it prints', () => {
    const out = ageKeygen([]);
    const identity = /^AGE-SECRET-KEY-1[0-9A-Z]+$/m.exec(out)![0];
    const printed = /# public key: (age1[0-9a-z]+)/.exec(out)![1];
    const secret = decodeAgeIdentity(identity);
    expect(encodeAgeIdentity(secret)).toBe(identity);
    expect(encodeAgeRecipient(x25519PublicFromSecret(secret))).toBe(printed);
  });

  it('writes identities that age-keygen -y reads and agrees on', () => {
    for (let i = 0; i < 5; i++) {
      const secret = generateX25519Secret();
      expect(secret).toHaveLength(32);
      const recipient = ageKeygen(['-y'], `${encodeAgeIdentity(secret)}\n`).trim();
      expect(recipient).toBe(encodeAgeRecipient(x25519PublicFromSecret(secret)));
    }
  });
});

describe('age keys: malformed input is FORMAT_INVALID', () => {
  const secret = Buffer.alloc(32, 0x42);
  const identity = encodeAgeIdentity(secret);
  const recipient = encodeAgeRecipient(x25519PublicFromSecret(secret));

  it('rejects the wrong letter case, including mixed case', () => {
    expect(formatCode(() => decodeAgeIdentity(identity.toLowerCase()))).toBe('FORMAT_INVALID');
    expect(formatCode(() => decodeAgeRecipient(recipient.toUpperCase()))).toBe('FORMAT_INVALID');
    expect(formatCode(() => decodeAgeIdentity(`${identity.slice(0, 20)}${identity.slice(20).toLowerCase()}`))).toBe('FORMAT_INVALID');
    expect(formatCode(() => decodeAgeRecipient(`${recipient.slice(0, 10)}${recipient.slice(10, 12).toUpperCase()}${recipient.slice(12)}`))).toBe(
      'FORMAT_INVALID',
    );
  });

  it('rejects the wrong kind of key (HRP)', () => {
    expect(formatCode(() => decodeAgeIdentity(recipient.toUpperCase()))).toBe('FORMAT_INVALID');
    expect(formatCode(() => decodeAgeRecipient(identity.toLowerCase()))).toBe('FORMAT_INVALID');
    const pq = bech32.encode('age-secret-key-pq-', bech32.toWords(secret), false).toUpperCase();
    expect(formatCode(() => decodeAgeIdentity(pq))).toBe('FORMAT_INVALID');
    const bc = bech32.encode('bc', bech32.toWords(secret), false);
    expect(formatCode(() => decodeAgeRecipient(bc))).toBe('FORMAT_INVALID');
  });

  it('rejects bad checksums, bad characters, wrong lengths and junk', () => {
    const last = recipient.at(-1) === 'q' ? 'p' : 'q';
    expect(formatCode(() => decodeAgeRecipient(`${recipient.slice(0, -1)}${last}`))).toBe('FORMAT_INVALID');
    expect(formatCode(() => decodeAgeRecipient(`${recipient.slice(0, 10)}b${recipient.slice(11)}`))).toBe('FORMAT_INVALID'); // 'b' is not in the alphabet
    expect(formatCode(() => decodeAgeRecipient(bech32.encode('age', bech32.toWords(Buffer.alloc(31, 1)), false)))).toBe('FORMAT_INVALID');
    expect(formatCode(() => decodeAgeIdentity(bech32.encode('age-secret-key-', bech32.toWords(Buffer.alloc(33, 1)), false).toUpperCase()))).toBe(
      'FORMAT_INVALID',
    );
    for (const junk of ['', 'age1', 'AGE-SECRET-KEY-1', ' '.concat(recipient), `${recipient}\n`, 'hello']) {
      expect(formatCode(() => decodeAgeRecipient(junk)), JSON.stringify(junk)).toBe('FORMAT_INVALID');
      expect(formatCode(() => decodeAgeIdentity(junk.toUpperCase())), JSON.stringify(junk)).toBe('FORMAT_INVALID');
    }
    expect(formatCode(() => encodeAgeRecipient(Buffer.alloc(31)))).toBe('FORMAT_INVALID');
    expect(formatCode(() => x25519PublicFromSecret(Buffer.alloc(16)))).toBe('FORMAT_INVALID');
  });

  it('never puts the key in an error message', () => {
    try {
      decodeAgeIdentity(identity.toLowerCase());
      expect.unreachable();
    } catch (e) {
      expect(String((e as Error).message)).not.toContain(identity.slice(16, 40).toLowerCase());
    }
  });
});
