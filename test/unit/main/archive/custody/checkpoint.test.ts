import { describe, expect, it } from 'vitest';
import { formatCheckpointBody, parseCheckpointBody, signCheckpoint, verifyCheckpoint } from '../../../../../main/archive/custody/checkpoint';
import { ed25519KeyPairFromSeed } from '../../../../../main/archive/custody/ed25519';
import { parseVerifierKey, signNote } from '../../../../../main/archive/custody/note';
import { isHuellaError } from '../../../../../main/archive/errors';

function errorOf(f: () => unknown): { code: string; message: string } | undefined {
  try {
    f();
  } catch (e) {
    return isHuellaError(e) ? { code: e.code, message: e.message } : { code: 'not a HuellaError', message: String(e) };
  }
  return undefined;
}

// A real signed tree head of the Go checksum database (sum.golang.org) and its published verifier key, as
// carried by github.com/transparency-dev/formats, file log/note_test.go (TestSumDBNoteParsing).
const SUMDB_VKEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
const SUMDB_NOTE = `go.sum database tree
6476701
mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=

— sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=
`;

const seed = Buffer.alloc(32, 0x11);
const origin = 'huella/01J9ZK3Q4W8X';
const verifier = { name: origin, publicKey: ed25519KeyPairFromSeed(seed).publicKey };
const root = Buffer.from('9f'.repeat(32), 'hex');

describe('checkpoint: interop', () => {
  it('verifies a production sum.golang.org checkpoint (origin differs from its key name there)', () => {
    const cp = verifyCheckpoint(SUMDB_NOTE, parseVerifierKey(SUMDB_VKEY), 'go.sum database tree');
    expect(cp.origin).toBe('go.sum database tree');
    expect(cp.size).toBe(6476701);
    expect(cp.rootHash.toString('base64')).toBe('mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=');
    expect(cp.extensions).toEqual([]);
    expect(formatCheckpointBody(cp)).toBe(cp.text); // our formatter writes the same bytes
    expect(errorOf(() => verifyCheckpoint(SUMDB_NOTE, parseVerifierKey(SUMDB_VKEY)))?.code).toBe('VERIFY_FAILED');
    expect(errorOf(() => verifyCheckpoint(SUMDB_NOTE.replace('6476701', '6476702'), parseVerifierKey(SUMDB_VKEY), 'go.sum database tree'))?.code).toBe('SIGNATURE_INVALID');
  });

  it('reads the C2SP tlog-checkpoint spec example body', () => {
    const body = parseCheckpointBody('example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n');
    expect(body).toEqual({ origin: 'example.com/behind-the-sofa', size: 20852163, rootHash: Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64'), extensions: [] });
  });
});

describe('checkpoint: format and parse', () => {
  it('writes origin, size and base64 root, one per line, and reads them back', () => {
    const text = formatCheckpointBody({ origin, size: 42, rootHash: root });
    expect(text).toBe(`${origin}\n42\n${root.toString('base64')}\n`);
    expect(parseCheckpointBody(text)).toEqual({ origin, size: 42, rootHash: root, extensions: [] });
    const withExt = formatCheckpointBody({ origin, size: 0, rootHash: root, extensions: ['x', 'y z'] });
    expect(parseCheckpointBody(withExt).extensions).toEqual(['x', 'y z']);
    expect(parseCheckpointBody(withExt).size).toBe(0);
  });

  it('rejects malformed bodies (transparency-dev/formats log/checkpoint_test.go cases and stricter ones)', () => {
    const r = root.toString('base64');
    const bad: [string, string][] = [
      ['insufficient lines', 'Head\n9944\n'],
      ['empty origin', `\n9944\n${r}\n`],
      ['missing final newline', `Log\n123\n${r}`],
      ['size not a number', `Log\nbananas\n${r}\n`],
      ['negative size', `Log\n-34\n${r}\n`],
      ['size too large', `Log\n3438945738945739845734895735\n${r}\n`],
      ['size beyond 2^53', `Log\n9007199254740993\n${r}\n`],
      ['leading zero', `Log\n0123\n${r}\n`],
      ['plus sign', `Log\n+123\n${r}\n`],
      ['root not base64', "Log\n123\nThisIsn'tBase64\n"],
      ['root of 7 bytes', 'Log\n123\nYmFuYW5hcw==\n'],
      ['root without padding', `Log\n123\n${r.replace(/=+$/, '')}\n`],
      ['root non-canonical', `Log\n123\n${r.slice(0, 42)}B=\n`],
      ['root url-safe alphabet', `Log\n123\n${Buffer.from('fb'.repeat(32), 'hex').toString('base64url')}=\n`],
      ['empty extension line', `Log\n123\n${r}\n\n`],
      ['CR in origin', `Log\r\n123\n${r}\n`],
    ];
    for (const [what, text] of bad) expect(errorOf(() => parseCheckpointBody(text))?.code, what).toBe('FORMAT_INVALID');
  });

  it('refuses to format what it could not parse', () => {
    expect(errorOf(() => formatCheckpointBody({ origin: '', size: 1, rootHash: root }))?.code).toBe('INVALID_INPUT');
    expect(errorOf(() => formatCheckpointBody({ origin: 'a\nb', size: 1, rootHash: root }))?.code).toBe('INVALID_INPUT');
    expect(errorOf(() => formatCheckpointBody({ origin, size: -1, rootHash: root }))?.code).toBe('INVALID_INPUT');
    expect(errorOf(() => formatCheckpointBody({ origin, size: 1.5, rootHash: root }))?.code).toBe('INVALID_INPUT');
    expect(errorOf(() => formatCheckpointBody({ origin, size: 1, rootHash: root.subarray(1) }))?.code).toBe('INVALID_INPUT');
    expect(errorOf(() => formatCheckpointBody({ origin, size: 1, rootHash: root, extensions: [''] }))?.code).toBe('INVALID_INPUT');
  });
});

describe('checkpoint: sign and verify', () => {
  const body = formatCheckpointBody({ origin, size: 7, rootHash: root });

  it('round-trips and exposes the signed fields', () => {
    const note = signCheckpoint(body, origin, seed);
    expect(note.startsWith(`${body}\n— ${origin} `)).toBe(true);
    const cp = verifyCheckpoint(note, verifier);
    expect(cp).toMatchObject({ origin, size: 7, text: body });
    expect(cp.rootHash).toEqual(root);
  });

  it('fails precisely: other key, other log, altered size, altered root, malformed', () => {
    const note = signCheckpoint(body, origin, seed);
    expect(errorOf(() => verifyCheckpoint(note, { name: origin, publicKey: ed25519KeyPairFromSeed(Buffer.alloc(32, 2)).publicKey }))?.code).toBe('SIGNATURE_INVALID');
    const other = signCheckpoint(formatCheckpointBody({ origin: 'huella/other', size: 7, rootHash: root }), origin, seed);
    expect(errorOf(() => verifyCheckpoint(other, verifier))?.message).toMatch(/another log/);
    expect(errorOf(() => verifyCheckpoint(note.replace('\n7\n', '\n8\n'), verifier))?.code).toBe('SIGNATURE_INVALID');
    expect(errorOf(() => verifyCheckpoint(note.replace(root.toString('base64').slice(0, 4), 'AAAA'), verifier))?.code).toBe('SIGNATURE_INVALID');
    // A correctly signed note whose text is not a checkpoint: the signature passes, the body must not.
    expect(errorOf(() => verifyCheckpoint(signNote(`${origin}\n07\n${root.toString('base64')}\n`, origin, seed), verifier))?.code).toBe('FORMAT_INVALID');
    expect(errorOf(() => signCheckpoint('not a checkpoint\n', origin, seed))?.code).toBe('FORMAT_INVALID');
  });
});
