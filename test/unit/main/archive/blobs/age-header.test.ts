// The age v1 header grammar (c2sp.org/age, "ABNF definition of file header"), rule by rule.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AGE_MAX_HEADER_BYTES,
  buildAgeHeader,
  checkAgeVersionPrefix,
  findAgeHeaderEnd,
  headerMac,
  parseAgeHeader,
  unwrapFileKey,
  wrapFileKeyX25519,
} from '../../../../../main/archive/blobs/age-header';
import type { AgeStanza } from '../../../../../main/archive/blobs/age-header';
import { generateX25519Secret, x25519PublicFromSecret } from '../../../../../main/archive/blobs/age-keys';
import { decodeRawBase64, encodeRawBase64 } from '../../../../../main/archive/blobs/age-primitives';
import { isHuellaError } from '../../../../../main/archive/errors';
import { createAgeDecryptStream } from '../../../../../main/archive/blobs/age';
import { decryptPieces, runPieces, split } from './age-helpers';

const fileKey = Buffer.from('YELLOW SUBMARINE');
const mac = (text: string): string => encodeRawBase64(headerMac(fileKey, Buffer.from(text, 'latin1')));
/** A header with a correct MAC over `body` (everything between the version line and "---"). */
const withMac = (body: string): Buffer => {
  const upTo = `age-encryption.org/v1\n${body}---`;
  return Buffer.from(`${upTo} ${mac(upTo)}\n`, 'latin1');
};

function parseError(header: Buffer | string): string | undefined {
  try {
    parseAgeHeader(typeof header === 'string' ? Buffer.from(header, 'latin1') : header);
    return undefined;
  } catch (e) {
    return isHuellaError(e) ? `${e.code}: ${e.message}` : `not a HuellaError: ${String(e)}`;
  }
}

describe('age header: writing', () => {
  it('wraps bodies at 64 columns and always ends a stanza with a short (possibly empty) line', () => {
    for (const n of [0, 1, 47, 48, 49, 95, 96, 200]) {
      const stanza: AgeStanza = { args: ['grease', 'a'], body: crypto.randomBytes(n) };
      const header = buildAgeHeader(fileKey, [stanza]);
      const lines = header.toString('latin1').split('\n');
      const bodyLines = lines.slice(2, -2);
      expect(bodyLines.slice(0, -1).every((l) => l.length === 64), `n=${n}`).toBe(true);
      expect(bodyLines.at(-1)!.length, `n=${n}`).toBeLessThan(64);
      expect(bodyLines).toHaveLength(Math.floor(Math.ceil((n * 4) / 3) / 64) + 1);
      const parsed = parseAgeHeader(header);
      expect(parsed.stanzas).toEqual([stanza]);
      expect(parsed.macInput.toString('latin1').endsWith('\n---')).toBe(true);
      expect(parsed.mac).toEqual(headerMac(fileKey, parsed.macInput));
    }
  });

  it('writes the X25519 stanza as the spec says: two arguments, 32-byte share, 32-byte body', () => {
    const secret = generateX25519Secret();
    const stanza = wrapFileKeyX25519(fileKey, x25519PublicFromSecret(secret));
    expect(stanza.args).toHaveLength(2);
    expect(stanza.args[0]).toBe('X25519');
    expect(decodeRawBase64(stanza.args[1]!)).toHaveLength(32);
    expect(stanza.body).toHaveLength(32);
    expect(unwrapFileKey([stanza], [secret])).toEqual(fileKey);
    // A fresh ephemeral share every time.
    expect(wrapFileKeyX25519(fileKey, x25519PublicFromSecret(secret)).args[1]).not.toBe(stanza.args[1]);
  });

  it('refuses a recipient that is a low-order point', () => {
    expect(() => wrapFileKeyX25519(fileKey, Buffer.alloc(32))).toThrow(/not a usable X25519 public key/);
  });
});

describe('age header: reading is strict', () => {
  const share = encodeRawBase64(Buffer.alloc(32, 9));
  const body43 = encodeRawBase64(Buffer.alloc(32, 1));

  it('accepts the well-formed cases', () => {
    expect(parseError(withMac(`-> X25519 ${share}\n${body43}\n`))).toBeUndefined();
    expect(parseError(withMac('-> a\n\n'))).toBeUndefined(); // empty body
    expect(parseError(withMac(`-> a\n${'A'.repeat(64)}\n\n`))).toBeUndefined(); // full line then empty final line
    expect(parseError(withMac('-> !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ b\n\n'))).toBeUndefined(); // every VCHAR kind
    expect(parseError(withMac('-> a\n\n-> b\nAA\n'))).toBeUndefined();
  });

  const cases: ReadonlyArray<readonly [string, Buffer | string]> = [
    ['no stanza', withMac('')],
    ['CRLF line ends', withMac(`-> X25519 ${share}\r\n${body43}\r\n`)],
    ['padded base64 body', withMac('-> a\nAA==\n')],
    ['non-canonical base64 body', withMac('-> a\nAB\n')],
    ['impossible base64 length', withMac('-> a\nAAAAA\n')],
    ['invalid base64 character', withMac('-> a\nAA.A\n')],
    ['body line over 64 columns', withMac(`-> a\n${'A'.repeat(68)}\n`)],
    ['two short body lines', withMac('-> a\nAA\nAA\n')],
    ['missing final short line', withMac(`-> a\n${'A'.repeat(64)}\n`)],
    ['missing body', withMac('-> a\n')],
    ['empty argument (two spaces)', withMac('-> a  b\n\n')],
    ['trailing space after an argument', withMac('-> a \n\n')],
    ['no argument', withMac('->\n\n')],
    ['no argument after the arrow and space', withMac('-> \n\n')],
    ['non-ASCII argument', withMac('-> caf\u00e9\n\n')],
    ['a line that is neither stanza nor MAC', withMac('-> a\n\nhello\n')],
    ['wrong version', `age-encryption.org/v2\n-> a\n\n--- ${body43}\n`],
    ['not age at all', `hello world\n-> a\n\n--- ${body43}\n`],
    ['MAC line without space', `age-encryption.org/v1\n-> a\n\n---${body43}\n`],
    ['MAC line with two spaces', `age-encryption.org/v1\n-> a\n\n---  ${body43}\n`],
    ['MAC with trailing space', `age-encryption.org/v1\n-> a\n\n--- ${body43} \n`],
    ['MAC truncated', `age-encryption.org/v1\n-> a\n\n--- ${body43.slice(0, 42)}\n`],
    ['MAC not canonical', `age-encryption.org/v1\n-> a\n\n--- ${body43.slice(0, 42)}B\n`],
    ['MAC missing', 'age-encryption.org/v1\n-> a\n\n---\n'],
    ['no final LF', `age-encryption.org/v1\n-> a\n\n--- ${body43}`],
    ['data after the MAC line', `age-encryption.org/v1\n-> a\n\n--- ${body43}\nmore\n`],
  ];
  for (const [name, header] of cases) {
    it(`rejects ${name} as AGE_FORMAT`, () => {
      expect(parseError(header)).toMatch(/^AGE_FORMAT: /);
    });
  }

  it('validates X25519 stanzas as the spec requires, and ignores other types', () => {
    const secret = generateX25519Secret();
    const good = wrapFileKeyX25519(fileKey, x25519PublicFromSecret(secret));
    const code = (stanzas: AgeStanza[]): string => {
      try {
        unwrapFileKey(stanzas, [secret]);
        return 'ok';
      } catch (e) {
        return isHuellaError(e) ? e.code : String(e);
      }
    };
    expect(code([{ args: ['x25519', good.args[1]!], body: good.body }, good])).toBe('ok'); // lowercase type: another type
    expect(code([{ args: ['x25519', good.args[1]!], body: good.body }])).toBe('AGE_NO_IDENTITY_MATCHED');
    expect(code([{ args: ['X25519', good.args[1]!, 'extra'], body: good.body }, good])).toBe('AGE_FORMAT');
    expect(code([{ args: ['X25519'], body: good.body }, good])).toBe('AGE_FORMAT');
    expect(code([{ args: ['X25519', `${good.args[1]!}A`], body: good.body }, good])).toBe('AGE_FORMAT');
    expect(code([{ args: ['X25519', good.args[1]!], body: Buffer.concat([good.body, Buffer.alloc(1)]) }])).toBe('AGE_FORMAT');
    expect(code([{ args: ['X25519', encodeRawBase64(Buffer.alloc(32))], body: good.body }, good])).toBe('AGE_FORMAT'); // low order
    expect(code([{ args: ['scrypt', 'salt', '10'], body: good.body }, good])).toBe('AGE_FORMAT'); // scrypt must be alone
    expect(code([{ args: ['scrypt', 'salt', '10'], body: good.body }])).toBe('AGE_NO_IDENTITY_MATCHED');
  });
});

describe('age header: finding its end in a stream', () => {
  it('ends at the first line starting with ---, only once that line is complete', () => {
    const header = withMac('-> a\n\n');
    const file = Buffer.concat([header, Buffer.from('\n---binary payload\n')]);
    expect(findAgeHeaderEnd(file)).toBe(header.length);
    expect(findAgeHeaderEnd(header.subarray(0, header.length - 1))).toBe(-1);
    expect(findAgeHeaderEnd(file, header.length - 48)).toBe(header.length);
  });

  it('fails at once on a stream that is not age v1, and on a header that never ends', async () => {
    expect(() => checkAgeVersionPrefix(Buffer.from('age-enc'))).not.toThrow();
    expect(() => checkAgeVersionPrefix(Buffer.from('PK\u0003\u0004'))).toThrow(/not an age encrypted file/);
    expect(() => checkAgeVersionPrefix(Buffer.from('age-encryption.org/v2\n'))).toThrow(/version/);
    const zip = Buffer.concat([Buffer.from('PK\u0003\u0004'), crypto.randomBytes(8 * 1024 * 1024)]);
    let piecesWritten = 0;
    const counted = function* (): Generator<Uint8Array> {
      for (const piece of split(zip, 64 * 1024)) {
        piecesWritten++;
        yield piece;
      }
    };
    const r = await runPieces(createAgeDecryptStream([generateX25519Secret()]), counted());
    expect(piecesWritten).toBeLessThanOrEqual(2); // not the 129 pieces of the whole file
    expect(r.error?.code).toBe('AGE_FORMAT');
    expect(r.error?.message).toMatch(/not an age encrypted file/);
    const endless = Buffer.concat([Buffer.from('age-encryption.org/v1\n-> a\n'), Buffer.alloc(AGE_MAX_HEADER_BYTES + 10, 0x41)]);
    const e = await decryptPieces(endless, [generateX25519Secret()], 100_000);
    expect(e.error?.code).toBe('AGE_FORMAT');
    expect(e.error?.message).toMatch(/too large/);
  });
});
