import crypto from 'node:crypto';
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { Connection, handleOf } from '../../../../../main/archive/db/connection';
import { appendLeaf, emptyRoot, leafHash, MemoryMerkleStore, nodeHash, treeRoot } from '../../../../../main/archive/custody/merkle';
import { CompactRange, TreeCheck } from '../../../../../main/archive/verify/tree-check';
import type { VerifyProblem } from '../../../../../shared/model/custody';

/**
 * Verify's tree check keeps the recomputed tree as a compact range (O(log n) hashes) and compares the stored nodes as
 * the leaves stream by (issue 19: verify's memory flat in the size of the log). It must report exactly what the full
 * recomputation it replaced reported: every level built in memory, the stored nodes scanned by (level, index).
 */

const leaves = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`event ${i}`)));

/** The replaced check: every level of the tree in memory, the stored nodes compared in the table's order. */
function fullRecomputation(stored: readonly { level: number; idx: number; hash: Buffer }[], ls: readonly Buffer[]): VerifyProblem[] {
  const levels: Buffer[][] = [[...ls]];
  while (levels.at(-1)!.length > 1) {
    const below = levels.at(-1)!;
    const above: Buffer[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) above.push(nodeHash(below[i]!, below[i + 1]!));
    levels.push(above);
  }
  const out: VerifyProblem[] = [];
  for (const n of [...stored].sort((a, b) => a.level - b.level || a.idx - b.idx)) {
    const expected = levels[n.level]?.[n.idx];
    if (!expected) out.push({ check: 'merkle.node', message: `Merkle node (level ${n.level}, index ${n.idx}) covers events that do not exist.` });
    else if (!expected.equals(n.hash)) out.push({ check: 'merkle.node', event: n.level === 0 ? n.idx : undefined, message: `Merkle node (level ${n.level}, index ${n.idx}) does not match the events it covers.`, expected: expected.toString('base64'), found: n.hash.toString('base64') } as VerifyProblem);
  }
  const complete = levels.reduce((a, l) => a + l.length, 0);
  if (stored.length !== complete) out.push({ check: 'merkle.node', message: `The stored Merkle tree has ${stored.length} nodes; the log needs ${complete}.`, expected: String(complete), found: String(stored.length) });
  return out;
}

/** The nodes the log writes for `ls` (custody/merkle.ts appendLeaf), as rows. */
function storedNodes(ls: readonly Buffer[]): { level: number; idx: number; hash: Buffer }[] {
  const store = new MemoryMerkleStore();
  ls.forEach((l, i) => appendLeaf(store, i, l));
  const rows: { level: number; idx: number; hash: Buffer }[] = [];
  for (let level = 0; ; level++) {
    let idx = 0;
    for (let h = store.getNode(level, idx); h; h = store.getNode(level, ++idx)) rows.push({ level, idx, hash: h });
    if (idx === 0) return rows;
  }
}

function check(rows: readonly { level: number; idx: number; hash: Buffer }[], ls: readonly Buffer[], rootSizes: number[] = []): TreeCheck {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE merkle_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) STRICT, WITHOUT ROWID');
  const insert = db.prepare('INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)');
  for (const r of rows) insert.run(r.level, r.idx, r.hash);
  const tree = new TreeCheck(handleOf(new Connection(db)), rootSizes);
  for (const l of ls) tree.add(l);
  return tree;
}

describe('the compact range', () => {
  it('has the RFC 9162 root at every size', () => {
    const ls = leaves(70);
    const store = new MemoryMerkleStore();
    const range = new CompactRange();
    expect(range.root()).toEqual(emptyRoot());
    ls.forEach((l, i) => {
      appendLeaf(store, i, l);
      range.add(l);
      expect(range.root()).toEqual(treeRoot(store, i + 1));
    });
  });
});

describe('the stored tree checked as the leaves stream by', () => {
  it('finds nothing in a sound tree, at sizes across page and level boundaries', () => {
    for (const n of [0, 1, 2, 3, 511, 512, 513, 1024, 1537]) {
      const ls = leaves(n);
      expect(check(storedNodes(ls), ls).problems()).toEqual([]);
    }
  });

  it('reports changed, missing and extra nodes exactly as the full recomputation did, in its order', () => {
    const ls = leaves(1300);
    const rows = storedNodes(ls);
    const changed = (level: number, idx: number) => rows.find((r) => r.level === level && r.idx === idx)!;
    for (const [level, idx] of [[0, 7], [0, 1299], [1, 600], [3, 100], [10, 0], [2, 1]] as const) changed(level, idx).hash = crypto.randomBytes(32);
    const damaged = rows.filter((r) => !(r.level === 0 && r.idx === 513) && !(r.level === 4 && r.idx === 3));
    damaged.push({ level: 0, idx: 1300, hash: crypto.randomBytes(32) }, { level: 2, idx: 325, hash: crypto.randomBytes(32) }, { level: 11, idx: 0, hash: crypto.randomBytes(32) }, { level: 60, idx: 5, hash: crypto.randomBytes(32) }, { level: -1, idx: 0, hash: crypto.randomBytes(32) });
    const found = check(damaged, ls).problems();
    expect(found).toEqual(fullRecomputation(damaged, ls));
    expect(found.filter((p) => p.message.includes('does not match'))).toHaveLength(6);
    expect(found.filter((p) => p.message.includes('do not exist'))).toHaveLength(5);
    expect(found.at(-1)!.message).toContain('nodes; the log needs');
  });

  it('keeps the root at each size asked for, and the current root', () => {
    const ls = leaves(300);
    const store = new MemoryMerkleStore();
    ls.forEach((l, i) => appendLeaf(store, i, l));
    const tree = check(storedNodes(ls), ls, [1, 17, 64, 299]);
    for (const size of [1, 17, 64, 299, 300]) expect(tree.rootAt(size)).toEqual(treeRoot(store, size));
    expect(tree.rootAt(0)).toEqual(emptyRoot());
    expect(tree.rootAt(100)).toBeUndefined();
  });
});
