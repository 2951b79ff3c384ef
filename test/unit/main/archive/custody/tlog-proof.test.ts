import { describe, expect, it } from 'vitest';
import { formatCheckpointBody, signCheckpoint, verifyCheckpoint } from '../../../../../main/archive/custody/checkpoint';
import { ed25519KeyPairFromSeed } from '../../../../../main/archive/custody/ed25519';
import { canonicalBytes } from '../../../../../main/archive/custody/jcs';
import { MemoryMerkleStore, appendLeaf, inclusionProof, leafHash, treeRoot, type NodeHashMemo } from '../../../../../main/archive/custody/merkle';
import {
  TLOG_PROOF_HEADER,
  formatTlogProof,
  parseTlogProof,
  tlogProofFromJson,
  tlogProofToJson,
  verifyTlogProof,
  verifyTlogProofAgainst,
  type ProofHashCache,
} from '../../../../../main/archive/custody/tlog-proof';
import { isHuellaError } from '../../../../../main/archive/errors';

function errorOf(f: () => unknown): { code: string; message: string } | undefined {
  try {
    f();
  } catch (e) {
    return isHuellaError(e) ? { code: e.code, message: e.message } : { code: 'not a HuellaError', message: String(e) };
  }
  return undefined;
}

// The example of the C2SP tlog-proof specification (github.com/C2SP/C2SP, file tlog-proof.md). Its signature
// lines are elided ("[...]") in the spec, so it exercises the format, not the signature.
const SPEC_EXAMPLE = `c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=

example.com/fancylog
109482
sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=

— example.com/fancylog hI2DJw[...]1roloI=
— witness1.example mJirIklj[...]qY9v2B/5bg==
— witness2.example TnKKVHLX[...]xwYwrSjgow==
— witness3.example S4X82uH5[...]3oEcROGLFQ==
`;

describe('tlog-proof: the C2SP format', () => {
  it('parses the spec example and writes it back byte for byte', () => {
    const p = parseTlogProof(SPEC_EXAMPLE);
    expect(p.index).toBe(73894);
    expect(p.extra?.subarray(0, 30).toString('latin1')).toBe('age-v1.2.1-darwin-arm64.tar.gz');
    expect(p.proof.map((h) => h.toString('base64'))).toEqual([
      'gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=',
      'B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=',
      'EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=',
      'RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=',
      'AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=',
    ]);
    expect(p.checkpoint.startsWith('example.com/fancylog\n109482\n')).toBe(true);
    expect(p.checkpoint.endsWith('3oEcROGLFQ==\n')).toBe(true);
    expect(formatTlogProof(p)).toBe(SPEC_EXAMPLE);
    expect(parseTlogProof(Buffer.from(SPEC_EXAMPLE))).toEqual(p);
  });

  it('omits the extra line when there is none and allows an empty proof', () => {
    const checkpoint = 'o\n1\nAAAA\n\n— o x\n';
    const text = formatTlogProof({ index: 0, proof: [], checkpoint });
    expect(text).toBe(`${TLOG_PROOF_HEADER}\nindex 0\n\n${checkpoint}`);
    expect(parseTlogProof(text)).toEqual({ index: 0, proof: [], checkpoint });
  });

  it('rejects malformed proofs (transparency-dev/merkle proof/tlog_proof_test.go cases and stricter ones)', () => {
    const h = Buffer.alloc(32, 1).toString('base64');
    const cp = 'o\n1\nAAAA\n\n— o x\n';
    const bad: [string, string][] = [
      ['missing header', `wrong-header\nindex 0\n\n${cp}`],
      ['invalid extra data encoding', `${TLOG_PROOF_HEADER}\nextra !!notbase64!!\nindex 0\n\n${cp}`],
      ['missing index', `${TLOG_PROOF_HEADER}\n\n\n${cp}`],
      ['index not a number', `${TLOG_PROOF_HEADER}\nindex notanumber\n\n${cp}`],
      ['negative index', `${TLOG_PROOF_HEADER}\nindex -5\n\n${cp}`],
      ['leading zero', `${TLOG_PROOF_HEADER}\nindex 05\n\n${cp}`],
      ['index beyond 2^53', `${TLOG_PROOF_HEADER}\nindex 9007199254740993\n\n${cp}`],
      ['invalid hash base64', `${TLOG_PROOF_HEADER}\nindex 0\n!!notbase64!!\n\n${cp}`],
      ['hash too long', `${TLOG_PROOF_HEADER}\nindex 0\n${Buffer.alloc(64).toString('base64')}\n\n${cp}`],
      ['hash too short', `${TLOG_PROOF_HEADER}\nindex 0\n${Buffer.alloc(31).toString('base64')}\n\n${cp}`],
      ['hash not canonical', `${TLOG_PROOF_HEADER}\nindex 0\n${h.slice(0, 42)}B=\n\n${cp}`],
      ['no blank line', `${TLOG_PROOF_HEADER}\nindex 0\n${h}\n`],
      ['no checkpoint', `${TLOG_PROOF_HEADER}\nindex 0\n${h}\n\n`],
      ['checkpoint not a note', `${TLOG_PROOF_HEADER}\nindex 0\n\no\n1\nAAAA\n`],
      ['too many hashes', `${TLOG_PROOF_HEADER}\nindex 0\n${`${h}\n`.repeat(65)}\n${cp}`],
      ['extra after index', `${TLOG_PROOF_HEADER}\nindex 0\nextra AAAA\n\n${cp}`],
      ['CR LF', `${TLOG_PROOF_HEADER}\r\nindex 0\r\n\r\n${cp}`],
    ];
    for (const [what, text] of bad) expect(errorOf(() => parseTlogProof(text))?.code, what).toBe('FORMAT_INVALID');
    expect(errorOf(() => parseTlogProof(`${TLOG_PROOF_HEADER}\r\nindex 0\r\n\r\n${cp}`))?.message).toMatch(/CR LF/);
    expect(errorOf(() => parseTlogProof(Buffer.from([0xff, 0x0a])))?.message).toMatch(/UTF-8/);
  });

  it('has a JSON form with the same content', () => {
    const p = parseTlogProof(SPEC_EXAMPLE);
    const json = tlogProofToJson(p);
    expect(json.index).toBe(73894);
    expect(json.proof[0]).toBe('gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=');
    expect(json.extra).toBe('YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ');
    expect(tlogProofFromJson(JSON.parse(JSON.stringify(json)))).toEqual(p);
    expect(formatTlogProof(tlogProofFromJson(json))).toBe(SPEC_EXAMPLE);
    for (const bad of [null, [], { ...json, surprise: 1 }, { ...json, index: '1' }, { ...json, index: -1 }, { ...json, proof: [1] }, { ...json, proof: ['AAAA'] }, { ...json, checkpoint: 3 }, { ...json, extra: 'A' }]) {
      expect(errorOf(() => tlogProofFromJson(bad))?.code, JSON.stringify(bad)?.slice(0, 60)).toBe('FORMAT_INVALID');
    }
  });
});

describe('tlog-proof: offline verification of a custody event', () => {
  const seed = Buffer.alloc(32, 0x33);
  const origin = 'huella/VAULT-TEST';
  const verifier = { name: origin, publicKey: ed25519KeyPairFromSeed(seed).publicKey };
  const events = Array.from({ length: 13 }, (_, seq) => canonicalBytes({ v: 1, seq, type: 'item.ingested', data: { size: seq * 10 } }));
  const store = new MemoryMerkleStore();
  events.forEach((e, i) => appendLeaf(store, i, leafHash(e)));
  const checkpoint = signCheckpoint(formatCheckpointBody({ origin, size: events.length, rootHash: treeRoot(store, events.length) }), origin, seed);
  const proofFor = (i: number): string => formatTlogProof({ index: i, proof: inclusionProof(store, i, events.length), checkpoint });

  it('proves every event', () => {
    events.forEach((e, i) => {
      const r = verifyTlogProof(proofFor(i), e, verifier);
      expect(r.index).toBe(i);
      expect(r.checkpoint.size).toBe(13);
    });
  });

  it('parsed with one cache and verified with one memo (packet verify), every proof passes and an altered one fails as alone', () => {
    const cache: ProofHashCache = new Map();
    const memo: NodeHashMemo = new Map();
    const cp = verifyCheckpoint(checkpoint, verifier);
    events.forEach((e, i) => expect(verifyTlogProofAgainst(parseTlogProof(proofFor(i), cache), e, cp, memo).index).toBe(i));
    expect(cache.size).toBeGreaterThan(0);
    const p = parseTlogProof(proofFor(5), cache);
    const altered = formatTlogProof({ ...p, proof: p.proof.map((h, i) => (i === 1 ? Buffer.from(h).fill(7, 0, 1) : h)) });
    expect(errorOf(() => verifyTlogProofAgainst(parseTlogProof(altered, cache), events[5]!, cp, memo))).toEqual(errorOf(() => verifyTlogProof(altered, events[5]!, verifier)));
    expect(errorOf(() => verifyTlogProofAgainst(parseTlogProof(proofFor(5), cache), events[6]!, cp, memo))?.code).toBe('VERIFY_FAILED');
    // A line the cache holds is still checked where it stands: a bad line is named as in a fresh parse.
    const badLine = proofFor(5).replace(/\n([A-Za-z0-9+/]{43}=)\n/, '\n$1x\n');
    expect(errorOf(() => parseTlogProof(badLine, cache))).toEqual(errorOf(() => parseTlogProof(badLine)));
    expect(errorOf(() => parseTlogProof(badLine))?.message).toMatch(/Proof hash 1 /);
  });

  it('names what failed: entry, index, proof hash, checkpoint', () => {
    const text = proofFor(5);
    expect(errorOf(() => verifyTlogProof(text, events[6]!, verifier))?.code).toBe('VERIFY_FAILED');
    expect(errorOf(() => verifyTlogProof(text.replace('index 5\n', 'index 4\n'), events[5]!, verifier))?.code).toBe('VERIFY_FAILED');
    expect(errorOf(() => verifyTlogProof(text.replace('index 5\n', 'index 13\n'), events[5]!, verifier))?.message).toMatch(/covers only 13/);
    const p = parseTlogProof(text);
    const altered = formatTlogProof({ ...p, proof: p.proof.map((h, i) => (i === 1 ? Buffer.from(h).fill(7, 0, 1) : h)) });
    expect(errorOf(() => verifyTlogProof(altered, events[5]!, verifier))?.code).toBe('VERIFY_FAILED');
    expect(errorOf(() => verifyTlogProof(text.replace('\n13\n', '\n14\n'), events[5]!, verifier))?.code).toBe('SIGNATURE_INVALID');
    expect(errorOf(() => verifyTlogProof(text, events[5]!, { name: origin, publicKey: ed25519KeyPairFromSeed(Buffer.alloc(32, 1)).publicKey }))?.code).toBe('SIGNATURE_INVALID');
    // The unauthenticated extra line changes nothing about validity.
    expect(verifyTlogProof(formatTlogProof({ ...p, extra: Buffer.from('note') }), events[5]!, verifier).extra?.toString()).toBe('note');
  });
});
