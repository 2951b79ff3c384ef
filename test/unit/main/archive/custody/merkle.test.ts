import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MemoryMerkleStore,
  appendLeaf,
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  subtreeHash,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
  type NodeHashMemo,
  type MerkleNodeStore,
} from '../../../../../main/archive/custody/merkle';
import { isHuellaError } from '../../../../../main/archive/errors';
import { CONSISTENCY_VECTORS, EMPTY_ROOT_HEX, INCLUSION_VECTORS, LEAVES_HEX, ROOTS_HEX, VECTOR_SOURCE } from './merkle-vectors';

const h = (hex: string): Buffer => Buffer.from(hex, 'hex');
const sha256 = (b: Uint8Array): Buffer => crypto.createHash('sha256').update(b).digest();

function storeOf(leafHashes: readonly Buffer[]): MemoryMerkleStore {
  const store = new MemoryMerkleStore();
  leafHashes.forEach((lh, i) => appendLeaf(store, i, lh));
  return store;
}

const vectorLeafHashes = LEAVES_HEX.map((x) => leafHash(h(x)));

// ---- a reference straight from the RFC 9162 §2.1 definitions, over an in-memory list of leaf hashes ----

function refMth(leaves: readonly Buffer[], memo = new Map<string, Buffer>(), start = 0, end = leaves.length): Buffer {
  const n = end - start;
  if (n === 0) return sha256(Buffer.alloc(0));
  if (n === 1) return leaves[start]!;
  const key = `${start}:${end}`;
  const hit = memo.get(key);
  if (hit) return hit;
  let k = 1;
  while (k * 2 < n) k *= 2;
  const v = nodeHash(refMth(leaves, memo, start, start + k), refMth(leaves, memo, start + k, end));
  memo.set(key, v);
  return v;
}

/** PATH(m, D[start:end]) with, alongside, the shape: the list of left/right choices (what a verifier re-enacts). */
function refPath(leaves: readonly Buffer[], memo: Map<string, Buffer>, m: number, start: number, end: number): { proof: Buffer[]; shape: string } {
  const n = end - start;
  if (n === 1) return { proof: [], shape: '' };
  let k = 1;
  while (k * 2 < n) k *= 2;
  if (m < k) {
    const sub = refPath(leaves, memo, m, start, start + k);
    return { proof: [...sub.proof, refMth(leaves, memo, start + k, end)], shape: `L${sub.shape}` };
  }
  const sub = refPath(leaves, memo, m - k, start + k, end);
  return { proof: [...sub.proof, refMth(leaves, memo, start, start + k)], shape: `R${sub.shape}` };
}

/** SUBPROOF(m, D[start:end], b) and its shape. */
function refSubproof(leaves: readonly Buffer[], memo: Map<string, Buffer>, m: number, start: number, end: number, b: boolean): { proof: Buffer[]; shape: string } {
  const n = end - start;
  if (m === n) return b ? { proof: [], shape: 'T' } : { proof: [refMth(leaves, memo, start, end)], shape: 't' };
  let k = 1;
  while (k * 2 < n) k *= 2;
  if (m <= k) {
    const sub = refSubproof(leaves, memo, m, start, start + k, b);
    return { proof: [...sub.proof, refMth(leaves, memo, start + k, end)], shape: `L${sub.shape}` };
  }
  const sub = refSubproof(leaves, memo, m - k, start + k, end, false);
  return { proof: [...sub.proof, refMth(leaves, memo, start, start + k)], shape: `R${sub.shape}` };
}

/** The left/right choices of PATH(m, D[n]) without hashing anything (sizes beyond the test's leaves too). */
function refInclusionShape(m: number, n: number): string | undefined {
  if (!(m >= 0 && m < n)) return undefined;
  let s = '';
  let start = 0;
  let end = n;
  while (end - start > 1) {
    let k = 1;
    while (k * 2 < end - start) k *= 2;
    if (m < start + k) {
      s += 'L';
      end = start + k;
    } else {
      s += 'R';
      start += k;
    }
  }
  return s;
}

/** The choices of SUBPROOF(m, D[n], true), without hashing. */
function refConsistencyShape(m: number, n: number): string | undefined {
  if (!(m > 0 && m < n)) return undefined;
  let s = '';
  let start = 0;
  let end = n;
  let mm = m;
  let b = true;
  for (;;) {
    if (mm === end - start) return s + (b ? 'T' : 't');
    let k = 1;
    while (k * 2 < end - start) k *= 2;
    if (mm <= k) {
      s += 'L';
      end = start + k;
    } else {
      s += 'R';
      start += k;
      mm -= k;
      b = false;
    }
  }
}

function flipBit(buf: Uint8Array, bit: number): Buffer {
  const copy = Buffer.from(buf);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

/** x with bit b flipped, exact for safe integers (the 32-bit ^ operator is not). */
function flipIntBit(x: number, b: number): number {
  const p = 2 ** b;
  return Math.floor(x / p) % 2 === 1 ? x - p : x + p;
}

describe('merkle: RFC 9162 hashing', () => {
  it('hashes leaves, nodes and the empty tree with the RFC 6962 prefixes', () => {
    expect(emptyRoot().toString('hex')).toBe(EMPTY_ROOT_HEX);
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe(ROOTS_HEX[0]); // the tree of size 1 is its leaf hash
    expect(leafHash(h('00'))).toEqual(sha256(h('0000')));
    // Both ways leafHash hashes: one shot (a custody event) and streamed (an entry above 16 KiB); a view into a
    // larger buffer hashes only its own bytes.
    for (const size of [359, 16 * 1024, 16 * 1024 + 1, 100_000]) {
      const entry = Buffer.alloc(size + 8, size % 251).subarray(4, 4 + size);
      expect(leafHash(entry)).toEqual(sha256(Buffer.concat([h('00'), entry])));
    }
    expect(nodeHash(h('aa'), h('bb'))).toEqual(sha256(h('01aabb')));
    expect(treeRoot(new MemoryMerkleStore(), 0).toString('hex')).toBe(EMPTY_ROOT_HEX);
    expect(rootFromLeafHashes([]).toString('hex')).toBe(EMPTY_ROOT_HEX);
  });
});

describe(`merkle: known answers from ${VECTOR_SOURCE}`, () => {
  const store = storeOf(vectorLeafHashes);

  it('computes the published root for every size 1..8, incrementally and from the leaf list', () => {
    for (let size = 1; size <= 8; size++) {
      expect(treeRoot(store, size).toString('hex'), `size ${size}`).toBe(ROOTS_HEX[size - 1]);
      expect(rootFromLeafHashes(vectorLeafHashes.slice(0, size)).toString('hex'), `size ${size}`).toBe(ROOTS_HEX[size - 1]);
    }
  });

  it('produces and verifies the published inclusion proofs', () => {
    for (const v of INCLUSION_VECTORS) {
      const proof = inclusionProof(store, v.index, v.size);
      expect(proof.map((p) => p.toString('hex')), `leaf ${v.index} of ${v.size}`).toEqual(v.proof);
      expect(verifyInclusion(vectorLeafHashes[v.index]!, v.index, v.size, v.proof.map(h), h(ROOTS_HEX[v.size - 1]!))).toBe(true);
    }
  });

  it('rejects the corrupted inclusion probes of the reference test suite', () => {
    const someHash = h('abacaba000000000000000000000000000000000000000000060061e00123456');
    for (const v of INCLUSION_VECTORS.filter((x) => x.proof.length > 0)) {
      const proof = v.proof.map(h);
      const root = h(ROOTS_HEX[v.size - 1]!);
      const leaf = vectorLeafHashes[v.index]!;
      const probes: [string, number, number, Buffer[], Uint8Array, Uint8Array][] = [
        ['index - 1', v.index - 1, v.size, proof, root, leaf],
        ['index + 1', v.index + 1, v.size, proof, root, leaf],
        ['index ^ 2', v.index ^ 2, v.size, proof, root, leaf],
        ['size * 2', v.index, v.size * 2, proof, root, leaf],
        ['size / 2', v.index, Math.floor(v.size / 2), proof, root, leaf],
        ['wrong leaf', v.index, v.size, proof, root, sha256(Buffer.from('WrongLeaf'))],
        ['empty root', v.index, v.size, proof, h(EMPTY_ROOT_HEX), leaf],
        ['random root', v.index, v.size, proof, someHash, leaf],
        ['trailing root', v.index, v.size, [...proof, root], root, leaf],
        ['preceding root', v.index, v.size, [root, ...proof], root, leaf],
        ['removed component', v.index, v.size, proof.slice(0, -1), root, leaf],
        ['inserted component', v.index, v.size, [proof[0]!, someHash, ...proof.slice(1)], root, leaf],
        ...proof.map((_, i): [string, number, number, Buffer[], Uint8Array, Uint8Array] => [`proof[${i}] bit 3`, v.index, v.size, proof.map((p, j) => (j === i ? flipBit(p, 3) : p)), root, leaf]),
      ];
      for (const [desc, index, size, pr, rt, lf] of probes) {
        expect(verifyInclusion(lf, index, size, pr, rt), `leaf ${v.index} of ${v.size}: ${desc}`).toBe(false);
      }
    }
  });

  it('produces and verifies the published consistency proofs', () => {
    for (const v of CONSISTENCY_VECTORS) {
      const proof = consistencyProof(store, v.m, v.n);
      expect(proof.map((p) => p.toString('hex')), `${v.m} → ${v.n}`).toEqual(v.proof);
      expect(verifyConsistency(v.m, v.n, h(ROOTS_HEX[v.m - 1]!), h(ROOTS_HEX[v.n - 1]!), v.proof.map(h)), `${v.m} → ${v.n}`).toBe(true);
    }
  });

  it('rejects the corrupted consistency probes of the reference test suite', () => {
    for (const v of CONSISTENCY_VECTORS.filter((x) => x.proof.length > 0)) {
      const proof = v.proof.map(h);
      const r1 = h(ROOTS_HEX[v.m - 1]!);
      const r2 = h(ROOTS_HEX[v.n - 1]!);
      const probes: [string, number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
        ['m - 1', v.m - 1, v.n, r1, r2, proof],
        ['m + 1', v.m + 1, v.n, r1, r2, proof],
        ['m ^ 2', v.m ^ 2, v.n, r1, r2, proof],
        ['n * 2', v.m, v.n * 2, r1, r2, proof],
        ['n / 2', v.m, Math.floor(v.n / 2), r1, r2, proof],
        ['wrong root1', v.m, v.n, sha256(Buffer.from('WrongRoot')), r2, proof],
        ['wrong root2', v.m, v.n, r1, sha256(Buffer.from('WrongRoot')), proof],
        ['swapped roots', v.m, v.n, r2, r1, proof],
        ['empty proof', v.m, v.n, r1, r2, []],
        ['trailing root1', v.m, v.n, r1, r2, [...proof, r1]],
        ['trailing root2', v.m, v.n, r1, r2, [...proof, r2]],
        ['preceding root1', v.m, v.n, r1, r2, [r1, ...proof]],
        ['preceding root2', v.m, v.n, r1, r2, [r2, ...proof]],
        ['preceding proof[0]', v.m, v.n, r1, r2, [proof[0]!, ...proof]],
        ['truncated proof', v.m, v.n, r1, r2, proof.slice(0, -1)],
        ...proof.map((_, i): [string, number, number, Uint8Array, Uint8Array, Uint8Array[]] => [`proof[${i}] bit 4`, v.m, v.n, r1, r2, proof.map((p, j) => (j === i ? flipBit(p, 4) : p))]),
      ];
      for (const [desc, m, n, a, b, pr] of probes) {
        expect(verifyConsistency(m, n, a, b, pr), `${v.m} → ${v.n}: ${desc}`).toBe(false);
      }
    }
  });
});

describe('merkle: edge cases decided strictly', () => {
  const empty = h(EMPTY_ROOT_HEX);
  const r1 = h(ROOTS_HEX[0]!);
  const r2 = h(ROOTS_HEX[1]!);

  it('inclusion needs index < size and 32-byte hashes', () => {
    expect(verifyInclusion(r1, 0, 1, [], r1)).toBe(true);
    expect(verifyInclusion(r1, 0, 0, [], r1)).toBe(false);
    expect(verifyInclusion(r1, 1, 1, [], r1)).toBe(false);
    expect(verifyInclusion(r1.subarray(0, 31), 0, 1, [], r1)).toBe(false);
    expect(verifyInclusion(r1, 0, 1, [], Buffer.alloc(0))).toBe(false);
    expect(verifyInclusion(r1, -1, 1, [], r1)).toBe(false);
    expect(verifyInclusion(r1, 0.5, 1, [], r1)).toBe(false);
    expect(verifyInclusion(r1, 0, Number.MAX_SAFE_INTEGER + 1, [], r1)).toBe(false);
    expect(verifyInclusion(vectorLeafHashes[0]!, 0, 2, [Buffer.alloc(33)], r2)).toBe(false);
  });

  it('consistency from the empty tree and between equal sizes', () => {
    expect(verifyConsistency(0, 0, empty, empty, [])).toBe(true);
    expect(verifyConsistency(0, 5, empty, r2, [])).toBe(true);
    expect(verifyConsistency(0, 5, r1, r2, [])).toBe(false); // size 0 must carry the empty-tree hash
    expect(verifyConsistency(0, 0, empty, r1, [])).toBe(false);
    expect(verifyConsistency(0, 5, empty, r2, [empty])).toBe(false);
    expect(verifyConsistency(1, 1, r1, r1, [])).toBe(true);
    expect(verifyConsistency(1, 1, r1, r2, [])).toBe(false);
    expect(verifyConsistency(1, 1, r1, r1, [empty])).toBe(false);
    expect(verifyConsistency(2, 1, r2, r1, [])).toBe(false); // time travel
    expect(verifyConsistency(1, 2, r1, r2, [])).toBe(false);
  });

  it('refuses impossible requests with an actionable INVALID_INPUT', () => {
    const store = storeOf(vectorLeafHashes);
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return isHuellaError(e) ? e.code : 'not a HuellaError';
      }
      return undefined;
    };
    expect(codeOf(() => inclusionProof(store, 8, 8))).toBe('INVALID_INPUT');
    expect(codeOf(() => inclusionProof(store, -1, 8))).toBe('INVALID_INPUT');
    expect(codeOf(() => consistencyProof(store, 5, 4))).toBe('INVALID_INPUT');
    expect(codeOf(() => subtreeHash(store, 1, 3))).toBe('INVALID_INPUT'); // not a subtree: 1 is not aligned for 2 leaves
    expect(codeOf(() => subtreeHash(store, 3, 3))).toBe('INVALID_INPUT');
    expect(codeOf(() => appendLeaf(store, 8, Buffer.alloc(31)))).toBe('INVALID_INPUT');
    // A tree larger than what is stored needs nodes that are not there: the store is damaged, say so.
    expect(codeOf(() => treeRoot(store, 9))).toBe('VAULT_CORRUPT');
  });

  it('subtreeHash reads stored nodes for every RFC 9162 subtree', () => {
    const store = storeOf(vectorLeafHashes);
    const memo = new Map<string, Buffer>();
    for (let start = 0; start < 8; start++) {
      for (let end = start + 1; end <= 8; end++) {
        let p = 1;
        while (p < end - start) p *= 2;
        if (start % p !== 0) continue;
        expect(subtreeHash(store, start, end), `[${start}, ${end})`).toEqual(refMth(vectorLeafHashes, memo, start, end));
      }
    }
  });
});

describe('merkle: incremental store', () => {
  it('stores exactly the complete perfect subtrees: 2n − popcount(n) nodes, ≤ log2(n) + 1 writes per append', () => {
    const inner = new MemoryMerkleStore();
    let puts = 0;
    let gets = 0;
    let maxPutsPerAppend = 0;
    const counting: MerkleNodeStore = {
      getNode: (l, i) => {
        gets++;
        return inner.getNode(l, i);
      },
      putNode: (l, i, hash) => {
        puts++;
        inner.putNode(l, i, hash);
      },
    };
    const n = 5000;
    for (let i = 0; i < n; i++) {
      const before = puts;
      expect(appendLeaf(counting, i, leafHash(Buffer.from(String(i))))).toBe(i + 1);
      maxPutsPerAppend = Math.max(maxPutsPerAppend, puts - before);
    }
    const popcount = n.toString(2).split('').filter((c) => c === '1').length;
    expect(puts).toBe(2 * n - popcount);
    expect(inner.nodeCount).toBe(2 * n - popcount);
    expect(gets).toBe(n - popcount); // one read of the left sibling per node combined
    expect(maxPutsPerAppend).toBeLessThanOrEqual(Math.floor(Math.log2(n)) + 1);
  });

  it('never lets a stored node be rewritten or skipped', () => {
    const store = storeOf(vectorLeafHashes.slice(0, 2));
    expect(() => store.putNode(0, 0, vectorLeafHashes[5]!)).toThrow(/rewritten/);
    expect(() => store.putNode(0, 3, vectorLeafHashes[5]!)).toThrow(/before node 2/);
    store.putNode(0, 1, vectorLeafHashes[1]!); // writing the same hash again is harmless
    const copy = store.getNode(0, 0)!;
    copy.fill(0);
    expect(store.getNode(0, 0)).toEqual(vectorLeafHashes[0]); // callers get copies
  });

  it('reads O(log n) nodes for a root or a proof', () => {
    const inner = storeOf(Array.from({ length: 4097 }, (_, i) => leafHash(Buffer.from(String(i)))));
    let gets = 0;
    const counting: MerkleNodeStore = { getNode: (l, i) => (gets++, inner.getNode(l, i)), putNode: () => undefined };
    treeRoot(counting, 4097);
    expect(gets).toBe(2); // [0, 4096) and [4096, 4097)
    for (const [index, size] of [[0, 4097], [4096, 4097], [1234, 3071], [3070, 3071]] as const) {
      gets = 0;
      inclusionProof(counting, index, size);
      expect(gets, `leaf ${index} of ${size}`).toBeLessThanOrEqual(2 * 13);
      gets = 0;
      consistencyProof(counting, index + 1, size);
      expect(gets, `${index + 1} → ${size}`).toBeLessThanOrEqual(2 * 13);
    }
  });
});

describe('merkle: properties over random trees (fast-check)', () => {
  const MAX = 3000;
  const leaves = Array.from({ length: MAX }, (_, i) => leafHash(Buffer.from(`event ${i}`)));
  const store = storeOf(leaves);
  const memo = new Map<string, Buffer>();
  const roots = new Map<number, Buffer>();
  const rootOf = (n: number): Buffer => {
    let r = roots.get(n);
    if (!r) roots.set(n, (r = refMth(leaves, memo, 0, n)));
    return r;
  };
  const bitsOf = (x: number): number[] => Array.from({ length: Math.max(1, Math.ceil(Math.log2(x + 1)) + 1) }, (_, b) => b);

  it('roots equal the RFC definition at every size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX }), (n) => {
        expect(treeRoot(store, n)).toEqual(rootOf(n));
        expect(rootFromLeafHashes(leaves.slice(0, n))).toEqual(rootOf(n));
      }),
      { numRuns: 300 },
    );
  });

  it('every inclusion proof equals PATH, verifies, and fails after any bit flip of proof, root, index or size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))),
        ([n, i]) => {
          const proof = inclusionProof(store, i, n);
          const ref = refPath(leaves, memo, i, 0, n);
          expect(proof).toEqual(ref.proof);
          const root = rootOf(n);
          expect(verifyInclusion(leaves[i]!, i, n, proof, root)).toBe(true);
          proof.forEach((p, j) => {
            for (let bit = 0; bit < 256; bit++) {
              const bad = proof.map((q, k) => (k === j ? flipBit(p, bit) : q));
              expect(verifyInclusion(leaves[i]!, i, n, bad, root)).toBe(false);
            }
          });
          for (let bit = 0; bit < 256; bit += 7) {
            expect(verifyInclusion(leaves[i]!, i, n, proof, flipBit(root, bit))).toBe(false);
            expect(verifyInclusion(flipBit(leaves[i]!, bit), i, n, proof, root)).toBe(false);
          }
          for (const b of bitsOf(Math.max(i, n))) {
            expect(verifyInclusion(leaves[i]!, flipIntBit(i, b), n, proof, root), `index bit ${b}`).toBe(false);
            // The proof does not commit to the size: a size whose tree puts leaf i on the same path (same
            // left/right choices) re-enacts the same hashing. Only the signed checkpoint binds size to root.
            const n2 = flipIntBit(n, b);
            expect(verifyInclusion(leaves[i]!, i, n2, proof, root), `size bit ${b}`).toBe(refInclusionShape(i, n2) === ref.shape);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('with one memo shared by every proof of a tree (packet verify), every proof still verifies and every altered one still fails', () => {
    const n = 808;
    const root = rootOf(n);
    const shared: NodeHashMemo = new Map();
    const checked = Array.from({ length: Math.ceil(n / 3) }, (_, k) => 3 * k);
    let hashedWithout = 0;
    for (const i of checked) {
      const proof = inclusionProof(store, i, n);
      hashedWithout += proof.length;
      expect(verifyInclusion(leaves[i]!, i, n, proof, root, shared), `leaf ${i}`).toBe(true);
    }
    // The upper nodes are shared: far fewer distinct nodes than hashes of proofs checked one by one.
    expect(shared.size).toBeLessThan(hashedWithout / 2);
    for (const i of checked) {
      // The genuine path is in the memo: a flipped sibling, leaf, index or root is a new input, hashed anew.
      const proof = inclusionProof(store, i, n);
      const j = i % proof.length;
      expect(verifyInclusion(leaves[i]!, i, n, proof.map((q, k) => (k === j ? flipBit(q, i % 256) : q)), root, shared), `leaf ${i} proof[${j}]`).toBe(false);
      expect(verifyInclusion(flipBit(leaves[i]!, 5), i, n, proof, root, shared)).toBe(false);
      expect(verifyInclusion(leaves[i]!, i ^ 1, n, proof, root, shared)).toBe(false);
      expect(verifyInclusion(leaves[i]!, i, n, proof, flipBit(root, 9), shared)).toBe(false);
    }
  });

  it('documents the RFC 9162 limit: a proof does not commit to the tree size, the signed checkpoint does', () => {
    // Leaf 0 sits on the path L,L,L in trees of 6 and of 7 leaves, so PATH(0, D[6]) also passes as a proof for
    // size 7 against the size-6 root. A checkpoint signs (size, root) together, which is what closes this.
    const proof = inclusionProof(store, 0, 6);
    expect(verifyInclusion(leaves[0]!, 0, 7, proof, rootOf(6))).toBe(true);
    expect(verifyInclusion(leaves[0]!, 0, 7, proof, rootOf(7))).toBe(false);
    expect(refInclusionShape(0, 6)).toBe(refInclusionShape(0, 7));
  });

  it('every consistency proof equals PROOF, verifies, and fails after any bit flip of proof, roots or sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        ([m, n]) => {
          const proof = consistencyProof(store, m, n);
          const ref = m === 0 || m === n ? { proof: [], shape: '' } : refSubproof(leaves, memo, m, 0, n, true);
          expect(proof).toEqual(ref.proof);
          const rm = rootOf(m);
          const rn = rootOf(n);
          expect(verifyConsistency(m, n, rm, rn, proof)).toBe(true);
          proof.forEach((p, j) => {
            for (let bit = 0; bit < 256; bit++) {
              const bad = proof.map((q, k) => (k === j ? flipBit(p, bit) : q));
              expect(verifyConsistency(m, n, rm, rn, bad)).toBe(false);
            }
          });
          for (let bit = 0; bit < 256; bit += 7) {
            if (m !== 0) expect(verifyConsistency(m, n, flipBit(rm, bit), rn, proof)).toBe(false);
            if (m !== 0 || n === 0) expect(verifyConsistency(m, n, rm, flipBit(rn, bit), proof)).toBe(false);
          }
          if (m === 0 || m === n) return; // trivial proofs: there is nothing in them to flip
          for (const b of bitsOf(n)) {
            const m2 = flipIntBit(m, b);
            const n2 = flipIntBit(n, b);
            // As for inclusion: a size change that leaves the recursion's shape unchanged re-enacts the same hashing.
            expect(verifyConsistency(m2, n, rm, rn, proof), `m bit ${b}`).toBe(refConsistencyShape(m2, n) === ref.shape);
            expect(verifyConsistency(m, n2, rm, rn, proof), `n bit ${b}`).toBe(refConsistencyShape(m, n2) === ref.shape);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
