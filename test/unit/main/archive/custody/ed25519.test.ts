import { describe, expect, it } from 'vitest';
import { ed25519KeyPairFromSeed, ed25519Sign, ed25519Verify, ed25519VerifyAsync, ed25519VerifyOwn } from '../../../../../main/archive/custody/ed25519';
import { isHuellaError } from '../../../../../main/archive/errors';

const h = (hex: string): Buffer => Buffer.from(hex, 'hex');

// RFC 8032 §7.1 "Test Vectors for Ed25519": TEST 1, TEST 2, TEST 3 and TEST SHA(abc) (the RFC's SECRET KEY is
// the 32-byte seed).
const RFC8032_7_1 = [
  {
    name: 'TEST 1 (empty message)',
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2 (1 byte)',
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3 (2 bytes)',
    seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature: '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
  {
    name: 'TEST SHA(abc) (64 bytes)',
    seed: '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42',
    publicKey: 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
    message:
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    signature: 'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704',
  },
] as const;

describe('ed25519: RFC 8032 §7.1 known answers', () => {
  for (const v of RFC8032_7_1) {
    it(`${v.name}: derives the public key, signs byte-exactly, verifies`, () => {
      const pair = ed25519KeyPairFromSeed(h(v.seed));
      expect(pair.publicKey.toString('hex')).toBe(v.publicKey);
      expect(pair.seed.toString('hex')).toBe(v.seed);
      expect(ed25519Sign(h(v.seed), h(v.message)).toString('hex')).toBe(v.signature);
      expect(ed25519Verify(h(v.publicKey), h(v.message), h(v.signature))).toBe(true);
    });
  }
});

describe('ed25519: rejection without exceptions', () => {
  const v = RFC8032_7_1[2];
  const pub = h(v.publicKey);
  const msg = h(v.message);
  const sig = h(v.signature);

  it('rejects a changed message, signature or key', () => {
    for (let bit = 0; bit < 16; bit++) {
      const m = Buffer.from(msg);
      m[bit >> 3]! ^= 1 << (bit & 7);
      expect(ed25519Verify(pub, m, sig)).toBe(false);
    }
    for (let i = 0; i < 64; i++) {
      const s = Buffer.from(sig);
      s[i]! ^= 0x01;
      expect(ed25519Verify(pub, msg, s), `signature byte ${i}`).toBe(false);
    }
    expect(ed25519Verify(h(RFC8032_7_1[1].publicKey), msg, sig)).toBe(false);
  });

  it('returns false for malformed keys and signatures', () => {
    expect(ed25519Verify(pub.subarray(0, 31), msg, sig)).toBe(false);
    expect(ed25519Verify(Buffer.concat([pub, h('00')]), msg, sig)).toBe(false);
    expect(ed25519Verify(pub, msg, sig.subarray(0, 63))).toBe(false);
    expect(ed25519Verify(pub, msg, Buffer.alloc(0))).toBe(false);
    expect(ed25519Verify(Buffer.alloc(32, 0xff), msg, sig)).toBe(false); // not a curve point
    expect(ed25519Verify(Buffer.alloc(32), msg, Buffer.alloc(64))).toBe(false);
  });

  it('rejects the malleable twin of a signature (S + L, RFC 8032 §5.1.7 requires S < L)', () => {
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
    let twin = s + L;
    const bytes = Buffer.from(sig);
    for (let i = 0; i < 32; i++) {
      bytes[32 + i] = Number(twin & 0xffn);
      twin >>= 8n;
    }
    expect(ed25519Verify(pub, msg, bytes)).toBe(false);
  });

  it('refuses a seed that is not 32 bytes, without echoing it', () => {
    let caught: unknown;
    try {
      ed25519Sign(Buffer.alloc(31, 7), msg);
    } catch (e) {
      caught = e;
    }
    expect(isHuellaError(caught, 'INVALID_INPUT')).toBe(true);
    expect((caught as Error).message).toMatch(/32 bytes/);
    expect(() => ed25519KeyPairFromSeed(Buffer.alloc(64))).toThrow(/32 bytes/);
  });
});

describe('ed25519VerifyAsync: the same answers on the thread pool (packet verify)', () => {
  const v = RFC8032_7_1[2];
  const pub = h(v.publicKey);
  const msg = h(v.message);
  const sig = h(v.signature);

  it('accepts every RFC 8032 §7.1 signature, all checked at once', async () => {
    expect(await Promise.all(RFC8032_7_1.map((x) => ed25519VerifyAsync(h(x.publicKey), h(x.message), h(x.signature))))).toEqual(RFC8032_7_1.map(() => true));
  });

  it('rejects, never throws, exactly where ed25519Verify does', async () => {
    const cases: [Buffer, Buffer, Buffer][] = [];
    for (let i = 0; i < 64; i++) {
      const s = Buffer.from(sig);
      s[i]! ^= 0x01;
      cases.push([pub, msg, s]);
    }
    const m = Buffer.from(msg);
    m[0]! ^= 1;
    cases.push([pub, m, sig], [h(RFC8032_7_1[1].publicKey), msg, sig]);
    cases.push([pub.subarray(0, 31), msg, sig], [pub, msg, sig.subarray(0, 63)], [pub, msg, Buffer.alloc(0)], [Buffer.alloc(32, 0xff), msg, sig], [Buffer.alloc(32), msg, Buffer.alloc(64)]);
    const results = await Promise.all(cases.map(([k, x, s]) => ed25519VerifyAsync(k, x, s)));
    expect(results).toEqual(cases.map(() => false));
    expect(results).toEqual(cases.map(([k, x, s]) => ed25519Verify(k, x, s)));
  });
});

describe('ed25519VerifyOwn: a log checked with its own seed (verify)', () => {
  const signatures = RFC8032_7_1.map((v) => h(v.signature));

  it('accepts each own signature and names exactly the one whose signature or message changed', () => {
    for (const [k, v] of RFC8032_7_1.entries()) {
      const own = ed25519VerifyOwn(h(v.seed), h(v.publicKey), [h(v.message)], [h(v.signature)]);
      expect(own, v.name).toEqual([true]);
      for (let i = 0; i < 64; i++) {
        const bad = signatures.map((s) => Buffer.from(s));
        bad[k]![i]! ^= 0x01;
        const valid = ed25519VerifyOwn(h(v.seed), h(v.publicKey), [h(v.message), h(v.message)], [h(v.signature), bad[k]!]);
        expect(valid, `${v.name}, signature byte ${i}`).toEqual([true, false]);
      }
      const changed = Buffer.concat([h(v.message), h('00')]);
      expect(ed25519VerifyOwn(h(v.seed), h(v.publicKey), [changed], [h(v.signature)])).toEqual([false]);
    }
  });

  it('with a seed that does not sign for the key, verifies each signature in full (valid ones pass, others fail)', () => {
    // The seed of TEST 1 against the key of TEST 2: no re-signed signature can match, every answer is the verification's.
    const v = RFC8032_7_1[1];
    const wrongSeed = h(RFC8032_7_1[0].seed);
    expect(ed25519VerifyOwn(wrongSeed, h(v.publicKey), [h(v.message), h(v.message)], [h(v.signature), signatures[0]!])).toEqual([true, false]);
    expect(ed25519VerifyOwn(Buffer.alloc(5), h(v.publicKey), [h(v.message)], [h(v.signature)])).toEqual([true]); // a malformed seed too
    expect(ed25519VerifyOwn(h(v.seed), h(v.publicKey).subarray(0, 31), [h(v.message)], [h(v.signature)])).toEqual([false]);
  });

  it('rejects the malleable twin of an own signature (S + L)', () => {
    const v = RFC8032_7_1[2];
    const sig = h(v.signature);
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
    let twin = s + L;
    const bytes = Buffer.from(sig);
    for (let i = 0; i < 32; i++) {
      bytes[32 + i] = Number(twin & 0xffn);
      twin >>= 8n;
    }
    expect(ed25519VerifyOwn(h(v.seed), h(v.publicKey), [h(v.message), h(v.message)], [sig, bytes])).toEqual([true, false]);
  });
});
