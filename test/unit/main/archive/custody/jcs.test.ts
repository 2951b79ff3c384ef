import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalBytes, canonicalJson, canonicalOfParsed, parseCanonicalJson } from '../../../../../main/archive/custody/jcs';
import { isHuellaError } from '../../../../../main/archive/errors';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isHuellaError(e) ? e.code : `not a HuellaError: ${String(e)}`;
  }
  return undefined;
}

describe('jcs: RFC 8785 canonical form', () => {
  it('sorts keys by UTF-16 code units, recursively, with no whitespace (RFC 8785 §3.2.3)', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: true }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":true,"z":null}]},"b":1}');
    // RFC 8785 §3.2.3's own sorting example: keys ordered by UTF-16 code units, not by code points or locale.
    const sortingExample = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    expect(canonicalJson(sortingExample)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('escapes strings as RFC 8785 §3.2.2.2 prescribes (only ", \\ and controls; \\u00XX lower-case)', () => {
    expect(canonicalJson({ s: '"\\\b\f\n\r\t\u0001\u001f/€' })).toBe('{"s":"\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f/€"}');
  });

  it('writes integers plainly, -0 as 0, and the UTF-8 bytes of the text', () => {
    expect(canonicalJson([0, -0, 1, -1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER])).toBe('[0,0,1,-1,9007199254740991,-9007199254740991]');
    expect(canonicalBytes({ 'ñ': 'é' })).toEqual(Buffer.from('{"ñ":"é"}', 'utf8'));
  });

  it('rejects values a custody event must not hold', () => {
    const bad: [string, unknown][] = [
      ['NaN', { a: Number.NaN }],
      ['Infinity', [Number.POSITIVE_INFINITY]],
      ['fraction', { a: 1.5 }],
      ['unsafe integer', { a: 2 ** 53 }],
      ['undefined member', { a: undefined }],
      ['undefined element', [undefined]],
      ['top-level undefined', undefined],
      ['array hole', [1, , 3]], // eslint-disable-line no-sparse-arrays
      ['Date', { t: new Date(0) }],
      ['Map', new Map()],
      ['Buffer', { b: Buffer.from('x') }],
      ['class instance', new (class Thing {})()],
      ['function', { f: () => 1 }],
      ['symbol', { s: Symbol('x') }],
      ['bigint', { n: 1n }],
      ['lone high surrogate', { s: 'a\ud800b' }],
      ['lone low surrogate in a key', { ['\udc00']: 1 }],
      ['symbol key', { [Symbol('k')]: 1 }],
    ];
    for (const [what, value] of bad) expect(codeOf(() => canonicalJson(value)), what).toBe('FORMAT_INVALID');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(codeOf(() => canonicalJson(cyclic))).toBe('FORMAT_INVALID');
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    expect(canonicalJson(Object.assign(Object.create(null) as object, { k: 'v' }))).toBe('{"k":"v"}');
  });

  it('names where the problem is without echoing the value', () => {
    try {
      canonicalJson({ data: { gps: 1.234567 } });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toContain('$.data.gps');
      expect((e as Error).message).not.toContain('1.234567');
    }
  });
});

describe('jcs: parseCanonicalJson', () => {
  it('accepts exactly the canonical bytes', () => {
    expect(parseCanonicalJson(Buffer.from('{"a":[1,"x"],"b":null}'))).toEqual({ a: [1, 'x'], b: null });
  });

  it('rejects every other spelling of the same value', () => {
    for (const text of ['{"b":null,"a":[1,"x"]}', '{"a":[1,"x"], "b":null}', '{"a":[1.0,"x"],"b":null}', '{"a":[1,"\\u0078"],"b":null}', '{"a":1,"a":1}', '{"a":1e0}', '[9007199254740993]', '\ufeff{}']) {
      expect(codeOf(() => parseCanonicalJson(Buffer.from(text))), text).toBe('FORMAT_INVALID');
    }
    expect(codeOf(() => parseCanonicalJson(Buffer.from([0x7b, 0xff, 0x7d])))).toBe('FORMAT_INVALID'); // not UTF-8
    expect(codeOf(() => parseCanonicalJson(Buffer.from('{"a":')))).toBe('FORMAT_INVALID');
  });

  it('round-trips random event-shaped values (fast-check)', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'grapheme' }),
        fc.maxSafeInteger(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string({ unit: 'grapheme' }), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, (v) => {
        const bytes = canonicalBytes(v);
        expect(parseCanonicalJson(bytes)).toEqual(v);
        expect(canonicalBytes(JSON.parse(bytes.toString('utf8')))).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  // parseCanonicalJson takes a record as canonical when canonicalOfParsed gives back its exact text: so on anything
  // JSON.parse can give, canonicalOfParsed must give canonicalJson's text, or undefined where canonicalJson refuses.
  const sameAsCanonicalJson = (text: string): void => {
    const value: unknown = JSON.parse(text);
    let expected: string | undefined;
    try {
      expected = canonicalJson(value);
    } catch {
      expected = undefined;
    }
    expect(canonicalOfParsed(value), text).toBe(expected);
  };

  it('its one-pass form gives canonicalJson’s text on parsed values, and nothing where canonicalJson refuses', () => {
    const edges = [
      '{}',
      '[]',
      '{"b":1,"a":2,"10":3,"9":4,"":5,"é":6,"z":7,"Z":8}',
      String.raw`{"\ud83d\ude00":1,"\ufb33":2,"\u20ac":3,"\r":4,"1":5}`, // RFC 8785 §3.2.3: UTF-16 code unit order
      String.raw`{"s":"\"\\\b\f\n\r\t\u0001\u001f/\u20ac\u2028\u2029\u007f"}`,
      '[0,-0,1,-1,9007199254740991,-9007199254740991,9007199254740992,1.5,1e2,1e400,-1e-7]',
      String.raw`["\ud800","\udc00x","a\ud83d\ude00b","\ude00\ud83d"]`,
      String.raw`{"\ud800":1}`,
      '{"__proto__":{"toJSON":1},"constructor":"x"}',
      '[true,false,null,[[[]]],{"a":{"b":{"c":[null]}}}]',
      '{"a":1,"a":2}',
    ];
    for (const text of edges) sameAsCanonicalJson(text);
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'binary' }),
        fc.oneof(fc.maxSafeInteger(), fc.double(), fc.integer().map((n) => n * 2 ** 40)),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string({ unit: 'binary' }), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    // JSON.stringify spells lone surrogates as escapes, so the parsed values hold them; NaN and ±Infinity become null.
    fc.assert(
      fc.property(json, (v) => sameAsCanonicalJson(JSON.stringify(v))),
      { numRuns: 2000 },
    );
  });
});
