import { describe, expect, it } from 'vitest';
import { ed25519KeyPairFromSeed } from '../../../../../main/archive/custody/ed25519';
import { isValidKeyName, noteKeyHash, openNote, parseVerifierKey, signNote, verifierKey } from '../../../../../main/archive/custody/note';
import { isHuellaError } from '../../../../../main/archive/errors';

// Published vectors of Go's reference implementation: golang.org/x/mod, file sumdb/note/note_test.go
// (TestNewVerifier, TestNewSigner, TestSign, TestOpen).
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
// The signer key's last field is base64(0x01 ‖ 32-byte Ed25519 seed).
// (base64 may itself contain '+', so take everything after the fourth '+').
const PETER_SEED = Buffer.from(PETER_SKEY.split('+').slice(4).join('+'), 'base64').subarray(1);

const peter = parseVerifierKey(PETER_VKEY);
const enoch = parseVerifierKey(ENOCH_VKEY);

function errorOf(f: () => unknown): { code: string; message: string } | undefined {
  try {
    f();
  } catch (e) {
    return isHuellaError(e) ? { code: e.code, message: e.message } : { code: 'not a HuellaError', message: String(e) };
  }
  return undefined;
}

describe('note: interop with golang.org/x/mod/sumdb/note (note_test.go)', () => {
  it('derives the published verifier key from the published signer key', () => {
    const { publicKey } = ed25519KeyPairFromSeed(PETER_SEED);
    expect(verifierKey('PeterNeumann', publicKey)).toBe(PETER_VKEY);
    expect(noteKeyHash('PeterNeumann', publicKey).toString('hex')).toBe('c74f20a3');
    expect(peter.publicKey).toEqual(publicKey);
    expect(peter.name).toBe('PeterNeumann');
    expect(verifierKey(enoch.name, enoch.publicKey)).toBe(ENOCH_VKEY);
  });

  it('signs byte for byte like TestSign', () => {
    expect(signNote(TEXT, 'PeterNeumann', PETER_SEED)).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('opens like TestOpen: one key verified, the other signature kept unverified', () => {
    const note = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    const byPeter = openNote(note, peter);
    expect(byPeter.text).toBe(TEXT);
    expect(byPeter.signature.name).toBe('PeterNeumann');
    expect(byPeter.signature.keyHash.toString('hex')).toBe('c74f20a3');
    expect(byPeter.otherSignatures.map((s) => `${s.name}+${s.keyHash.toString('hex')}`)).toEqual(['EnochRoot+af0cfe78']);
    const byEnoch = openNote(note, enoch);
    expect(byEnoch.text).toBe(TEXT);
    expect(byEnoch.otherSignatures.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(openNote(Buffer.from(note, 'utf8'), peter).text).toBe(TEXT);
  });

  it('rejects every mangling of a verifier key (TestNewVerifier)', () => {
    const b = Buffer.from(PETER_VKEY);
    for (let i = 0; i <= b.length; i++) {
      for (let j = i + 1; j <= b.length; j++) {
        if (i === 0 && j === b.length) continue;
        expect(errorOf(() => parseVerifierKey(b.subarray(i, j).toString()))?.code, `[${i}, ${j})`).toBe('FORMAT_INVALID');
      }
    }
    for (let i = 0; i < b.length; i++) {
      const c = Buffer.from(b);
      c[i]!++;
      expect(errorOf(() => parseVerifierKey(c.toString()))?.code, `byte ${i}`).toBe('FORMAT_INVALID');
    }
    // TestNewVerifier's two crafted keys: wrong key length and unknown algorithm, each with a matching key hash.
    // (Go's lenient decoder reads the first; ours already refuses its non-canonical base64 padding bits.)
    expect(errorOf(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='))?.code).toBe('FORMAT_INVALID');
    expect(errorOf(() => parseVerifierKey(`PeterNeumann+${'0'.repeat(8)}+${Buffer.concat([Buffer.from([1]), peter.publicKey, Buffer.from([0])]).toString('base64')}`))?.message).toMatch(/32 bytes/);
    expect(errorOf(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'))?.message).toMatch(/not supported/);
  });

  it('rejects the malformed notes of TestOpen', () => {
    const bad = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\u0001${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${TEXT}\n${PETER_SIG.repeat(101)}`,
    ];
    for (const note of bad) expect(errorOf(() => openNote(note, peter))?.code, JSON.stringify(note.slice(-40))).toBe('FORMAT_INVALID');
    const invalidUtf8 = Buffer.concat([Buffer.from([0xff]), Buffer.from(`${TEXT}\n${PETER_SIG}`)]);
    expect(errorOf(() => openNote(invalidUtf8, peter))?.message).toMatch(/UTF-8/);
  });

  it('rejects a damaged signature by the known key (TestOpen "Invalid signature")', () => {
    const note = `${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    const err = errorOf(() => openNote(note, peter));
    expect(err?.code).toBe('SIGNATURE_INVALID');
    expect(err?.message).toContain('PeterNeumann+c74f20a3');
  });

  it('reports a note with no signature by the expected key, naming who did sign', () => {
    const err = errorOf(() => openNote(`${TEXT}\n${ENOCH_SIG}`, peter));
    expect(err?.code).toBe('SIGNATURE_INVALID');
    expect(err?.message).toMatch(/not signed by key PeterNeumann\+c74f20a3; it is signed by EnochRoot\+af0cfe78/);
    // Same name, other key: still "not signed by this key", never verified against the wrong key.
    const impostor = signNote(TEXT, 'PeterNeumann', Buffer.alloc(32, 9));
    expect(errorOf(() => openNote(impostor, peter))?.message).toMatch(/not signed by key PeterNeumann\+c74f20a3/);
  });
});

describe('note: signing and tampering', () => {
  const seed = Buffer.alloc(32, 0x42);
  const verifier = { name: 'huella/vault-1', publicKey: ed25519KeyPairFromSeed(seed).publicKey };

  it('round-trips texts with blank lines, unicode and one line', () => {
    for (const text of ['one line\n', 'a\n\nb\n', 'tail blank\n\n', 'ñandú — ✓ 😀\n', '\n']) {
      expect(openNote(signNote(text, verifier.name, seed), verifier).text).toBe(text);
    }
  });

  it('detects any change to the text', () => {
    const note = signNote('huella/vault-1\n5\nAAAA\n', verifier.name, seed);
    for (let i = 0; i < note.indexOf('\n\n'); i++) {
      if (note[i] === '\n') continue;
      const changed = `${note.slice(0, i)}${note[i] === 'x' ? 'y' : 'x'}${note.slice(i + 1)}`;
      expect(errorOf(() => openNote(changed, verifier))?.code, `char ${i}`).toBe('SIGNATURE_INVALID');
    }
  });

  it('rejects a note where one of two lines by our key is bad', () => {
    const note = signNote('t\n', verifier.name, seed);
    const sigLine = note.slice(note.indexOf('\n\n') + 2);
    const tampered = sigLine.replace(/[A-Za-z](?==*\n$)/, (c) => (c === 'A' ? 'B' : 'A'));
    expect(errorOf(() => openNote(`${note}${tampered}`, verifier))?.code).toBe('SIGNATURE_INVALID');
  });

  it('explains CR LF line endings', () => {
    const note = signNote('a\nb\n', verifier.name, seed).replaceAll('\n', '\r\n');
    expect(errorOf(() => openNote(note, verifier))?.message).toMatch(/CR LF/);
  });

  it('refuses to sign what it could not open', () => {
    expect(errorOf(() => signNote('no newline', verifier.name, seed))?.code).toBe('INVALID_INPUT');
    expect(errorOf(() => signNote('tab\there\n', verifier.name, seed))?.code).toBe('INVALID_INPUT');
    expect(errorOf(() => signNote('ok\n', 'bad name', seed))?.code).toBe('INVALID_INPUT');
    expect(errorOf(() => signNote('ok\n', 'a+b', seed))?.code).toBe('INVALID_INPUT');
    for (const name of ['', 'a b', 'a\u00a0b', 'a\u3000b', 'a+b', 'a\u0001b']) expect(isValidKeyName(name), JSON.stringify(name)).toBe(false);
    for (const name of ['huella/7f3a', 'example.com/log', 'PeterNeumann', 'ñ/😀']) expect(isValidKeyName(name), name).toBe(true);
  });
});
