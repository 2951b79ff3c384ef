import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCheckpointBody, signCheckpoint } from '../../../main/archive/custody/checkpoint';
import { ed25519KeyPairFromSeed } from '../../../main/archive/custody/ed25519';
import { canonicalBytes } from '../../../main/archive/custody/jcs';
import { MemoryMerkleStore, appendLeaf, consistencyProof, inclusionProof, leafHash, treeRoot } from '../../../main/archive/custody/merkle';
import { verifierKey } from '../../../main/archive/custody/note';
import { formatTlogProof } from '../../../main/archive/custody/tlog-proof';
import { CONSISTENCY_VECTORS, INCLUSION_VECTORS, LEAVES_HEX, ROOTS_HEX } from '../main/archive/custody/merkle-vectors';

// The reviewers' checker must stand on its own: it runs as a separate Node process and imports nothing but Node.
const TOOL = path.resolve(import.meta.dirname, '../../tools/rfc9162-check.mjs');

function check(args: readonly string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [TOOL, ...args], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
const flipHex = (hex: string): string => `${((parseInt(hex[0]!, 16) ^ 8) >>> 0).toString(16)}${hex.slice(1)}`;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huella-rfc9162-'));
  LEAVES_HEX.forEach((hex, i) => fs.writeFileSync(path.join(dir, `leaf${i}`), Buffer.from(hex, 'hex')));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('rfc9162-check.mjs is independent', () => {
  it('imports only node:crypto and node:fs', () => {
    const source = fs.readFileSync(TOOL, 'utf8');
    const imports = [...source.matchAll(/\bimport\b[^'"]*['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? m[2]);
    expect(imports.sort()).toEqual(['node:crypto', 'node:fs']);
    expect(source).not.toMatch(/import\s*\(/);
  });
});

describe('rfc9162-check.mjs against the published vectors (transparency-dev/merkle proof/verify_test.go)', () => {
  it('accepts every published inclusion proof and rejects a flipped one', () => {
    for (const v of INCLUSION_VECTORS) {
      const args = ['inclusion', '--leaf-file', path.join(dir, `leaf${v.index}`), '--index', String(v.index), '--size', String(v.size), '--proof-hex', v.proof.join(','), '--root-b64', b64(ROOTS_HEX[v.size - 1]!)];
      const ok = check(args);
      expect(ok.status, ok.out).toBe(0);
      expect(ok.out).toMatch(/^OK: /);
      if (v.proof.length > 0) {
        const bad = check(args.map((a, i) => (i === 8 ? [flipHex(v.proof[0]!), ...v.proof.slice(1)].join(',') : a)));
        expect(bad.status, bad.out).toBe(1);
        expect(bad.out).toMatch(/^FAIL: /);
      }
      const wrongIndex = check(args.map((a, i) => (i === 4 ? String(v.index + 1) : a)));
      expect(wrongIndex.status, wrongIndex.out).toBe(1);
    }
  });

  it('accepts every published consistency proof and rejects a flipped one', () => {
    for (const v of CONSISTENCY_VECTORS) {
      const args = ['consistency', '--old-size', String(v.m), '--new-size', String(v.n), '--old-root-b64', b64(ROOTS_HEX[v.m - 1]!), '--new-root-b64', b64(ROOTS_HEX[v.n - 1]!), '--proof-hex', v.proof.join(',')];
      const ok = check(args);
      expect(ok.status, `${v.m} → ${v.n}: ${ok.out}`).toBe(0);
      if (v.proof.length > 0) {
        const bad = check(args.map((a, i) => (i === 10 ? [...v.proof.slice(0, -1), flipHex(v.proof.at(-1)!)].join(',') : a)));
        expect(bad.status, bad.out).toBe(1);
        const swapped = check(['consistency', '--old-size', String(v.m), '--new-size', String(v.n), '--old-root-b64', b64(ROOTS_HEX[v.n - 1]!), '--new-root-b64', b64(ROOTS_HEX[v.m - 1]!), '--proof-hex', v.proof.join(',')]);
        expect(swapped.status, swapped.out).toBe(1);
      }
    }
  });

  it('exits 2 on malformed input', () => {
    expect(check(['inclusion', '--index', '0', '--size', '1', '--proof-hex', '', '--root-b64', 'AAAA']).status).toBe(2);
    expect(check(['inclusion', '--leaf-file', path.join(dir, 'leaf0'), '--index', '01', '--size', '1', '--proof-hex', '', '--root-b64', b64(ROOTS_HEX[0]!)]).status).toBe(2);
    expect(check(['inclusion', '--leaf-file', path.join(dir, 'leaf0'), '--index', '0', '--size', '1', '--proof-hex', 'zz', '--root-b64', b64(ROOTS_HEX[0]!)]).status).toBe(2);
    expect(check(['nonsense']).status).toBe(2);
  });
});

describe('rfc9162-check.mjs against proofs produced by merkle.ts', () => {
  const N = 1000;
  const events = Array.from({ length: N }, (_, seq) => canonicalBytes({ v: 1, seq, type: 'item.ingested', data: { n: seq } }));
  const store = new MemoryMerkleStore();
  events.forEach((e, i) => appendLeaf(store, i, leafHash(e)));

  it('agrees on inclusion proofs across tree shapes', () => {
    for (const [index, size] of [[0, 1], [0, 2], [1, 3], [2, 3], [6, 7], [511, 512], [512, 513], [0, 1000], [777, 1000], [999, 1000], [640, 999]] as const) {
      const file = path.join(dir, `event${index}`);
      fs.writeFileSync(file, events[index]!);
      const proof = inclusionProof(store, index, size).map((h) => h.toString('base64'));
      const args = ['inclusion', '--leaf-file', file, '--index', String(index), '--size', String(size), '--proof-b64', proof.join(','), '--root-b64', treeRoot(store, size).toString('base64')];
      const ok = check(args);
      expect(ok.status, `${index}/${size}: ${ok.out}`).toBe(0);
      const otherLeaf = check(args.map((a, i) => (i === 2 ? path.join(dir, 'leaf0') : a)));
      expect(otherLeaf.status, `${index}/${size}`).toBe(1);
    }
  });

  it('agrees on consistency proofs across tree shapes', () => {
    for (const [m, n] of [[1, 2], [3, 7], [4, 7], [6, 7], [255, 256], [256, 1000], [333, 1000], [999, 1000], [0, 1000], [1000, 1000]] as const) {
      const proof = consistencyProof(store, m, n).map((h) => h.toString('hex'));
      const args = ['consistency', '--old-size', String(m), '--new-size', String(n), '--old-root-b64', treeRoot(store, m).toString('base64'), '--new-root-b64', treeRoot(store, n).toString('base64'), '--proof-hex', proof.join(',')];
      const ok = check(args);
      expect(ok.status, `${m} → ${n}: ${ok.out}`).toBe(0);
      if (m > 0 && m < n) {
        const wrongSize = check(args.map((a, i) => (i === 2 ? String(m + 1) : a)));
        expect(wrongSize.status, `${m} → ${n}`).toBe(1);
      }
    }
  });

  it('checks a .tlog-proof file end to end, with the checkpoint signature', () => {
    const seed = Buffer.alloc(32, 0x5a);
    const origin = 'huella/REVIEW';
    const pub = ed25519KeyPairFromSeed(seed).publicKey;
    const checkpoint = signCheckpoint(formatCheckpointBody({ origin, size: N, rootHash: treeRoot(store, N) }), origin, seed);
    const proofFile = path.join(dir, 'e42.tlog-proof');
    fs.writeFileSync(proofFile, formatTlogProof({ index: 42, proof: inclusionProof(store, 42, N), checkpoint }));
    fs.writeFileSync(path.join(dir, 'e42.json'), events[42]!);
    fs.writeFileSync(path.join(dir, 'e43.json'), events[43]!);
    const vkey = verifierKey(origin, pub);
    const ok = check(['tlog-proof', '--proof-file', proofFile, '--leaf-file', path.join(dir, 'e42.json'), '--verifier-key', vkey]);
    expect(ok.status, ok.out).toBe(0);
    expect(ok.out).toContain('checkpoint signature valid');
    expect(check(['tlog-proof', '--proof-file', proofFile, '--leaf-file', path.join(dir, 'e43.json'), '--verifier-key', vkey]).status).toBe(1);
    const otherKey = verifierKey(origin, ed25519KeyPairFromSeed(Buffer.alloc(32, 1)).publicKey);
    expect(check(['tlog-proof', '--proof-file', proofFile, '--leaf-file', path.join(dir, 'e42.json'), '--verifier-key', otherKey]).status).toBe(1);
    fs.writeFileSync(proofFile, fs.readFileSync(proofFile, 'utf8').replace(`\n${N}\n`, `\n${N + 1}\n`));
    expect(check(['tlog-proof', '--proof-file', proofFile, '--leaf-file', path.join(dir, 'e42.json'), '--verifier-key', vkey]).status).toBe(1);
  });
});
