import { emptyRoot, nodeHash } from '../custody/merkle';
import { merkleNodeCount, merkleNodesBeyond, merkleNodesFrom } from '../db/custody';
import type { ReadableDb } from '../db/connection';
import type { VerifyProblem } from '../../../shared/model/custody';

/**
 * Verify's check of the stored Merkle tree (DESIGN §5), fed one leaf at a time in log order, in memory that does not
 * grow with the log: the tree is kept as its compact range (RFC 9162 §2.1: the roots of its complete subtrees,
 * largest first, O(log n) hashes), every complete subtree it completes is compared with the stored node of the same
 * level and index (read level by level, a page at a time), and the root is kept at each size a checkpoint names.
 */

type Subtree = { readonly level: number; readonly hash: Buffer };
type Mismatch = { readonly level: number; readonly idx: number; readonly problem: VerifyProblem };

/** Stored nodes read ahead per level. */
const PAGE = 512;

/** The stored nodes of one level, read in index order a page at a time. */
class LevelReader {
  #page: { idx: number; hash: Buffer }[] = [];
  #at = 0;
  #exhausted = false;

  constructor(
    private readonly db: ReadableDb,
    private readonly level: number,
  ) {}

  /** The stored node at `idx`, or undefined; `idx` only grows from call to call. */
  node(idx: number): Buffer | undefined {
    for (;;) {
      while (this.#at < this.#page.length && this.#page[this.#at]!.idx < idx) this.#at++;
      if (this.#at < this.#page.length) return this.#page[this.#at]!.idx === idx ? this.#page[this.#at]!.hash : undefined;
      if (this.#exhausted) return undefined;
      this.#page = merkleNodesFrom(this.db, this.level, idx, PAGE);
      this.#at = 0;
      this.#exhausted = this.#page.length < PAGE;
    }
  }
}

/** A tree of leaves added one at a time, kept as its compact range: the roots of its complete subtrees, largest first. */
export class CompactRange {
  readonly #range: Subtree[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Appends a leaf hash; `onNode(level, index, hash)` hears of the leaf and of every subtree it completes. */
  add(leaf: Buffer, onNode?: (level: number, idx: number, hash: Buffer) => void): void {
    let idx = this.#size;
    let sub: Subtree = { level: 0, hash: leaf };
    onNode?.(0, idx, leaf);
    for (let top = this.#range.at(-1); top && top.level === sub.level; top = this.#range.at(-1)) {
      this.#range.pop();
      idx = Math.floor(idx / 2);
      sub = { level: sub.level + 1, hash: nodeHash(top.hash, sub.hash) };
      onNode?.(sub.level, idx, sub.hash);
    }
    this.#range.push(sub);
    this.#size++;
  }

  /** RFC 9162's root of the leaves added so far: the compact range folded from the right. */
  root(): Buffer {
    if (this.#range.length === 0) return emptyRoot();
    let r = this.#range.at(-1)!.hash;
    for (let i = this.#range.length - 2; i >= 0; i--) r = nodeHash(this.#range[i]!.hash, r);
    return r;
  }
}

export class TreeCheck {
  readonly #db: ReadableDb;
  readonly #range = new CompactRange();
  readonly #levels: LevelReader[] = [];
  readonly #mismatches: Mismatch[] = [];
  /** Sizes at which a root is wanted (the checkpoints'), and the roots once the tree has reached them. */
  readonly #wanted: ReadonlySet<number>;
  readonly #roots = new Map<number, Buffer>();
  readonly #onNode = (level: number, idx: number, hash: Buffer): void => this.#compare(level, idx, hash);

  constructor(db: ReadableDb, rootSizes: Iterable<number>) {
    this.#db = db;
    this.#wanted = new Set(rootSizes);
  }

  get size(): number {
    return this.#range.size;
  }

  /** Appends the next leaf's hash; checks the stored nodes of every subtree it completes. */
  add(leaf: Buffer): void {
    this.#range.add(leaf, this.#onNode);
    if (this.#wanted.has(this.#range.size)) this.#roots.set(this.#range.size, this.#range.root());
  }

  root(): Buffer {
    return this.#range.root();
  }

  /** The root at a size reached so far that was asked for (or the current size, or 0); undefined otherwise. */
  rootAt(size: number): Buffer | undefined {
    if (size === 0) return emptyRoot();
    if (size === this.#range.size) return this.#range.root();
    return this.#roots.get(size);
  }

  /**
   * The problems of the stored tree once every leaf was added, as a scan of the stored nodes by level and index
   * reports them: nodes that differ from the recomputed subtree, nodes covering leaves that do not exist, then a
   * count that differs from the log's (2n − popcount(n) complete subtrees).
   */
  problems(): VerifyProblem[] {
    const beyond: Mismatch[] = merkleNodesBeyond(this.#db, this.#range.size).map((n) => ({
      level: n.level,
      idx: n.idx,
      problem: { check: 'merkle.node', message: `Merkle node (level ${n.level}, index ${n.idx}) covers events that do not exist.` },
    }));
    const out = [...this.#mismatches, ...beyond].sort((a, b) => a.level - b.level || a.idx - b.idx).map((m) => m.problem);
    const nodesSeen = merkleNodeCount(this.#db);
    let completeNodes = 0;
    for (let n = this.#range.size; n > 0; n = Math.floor(n / 2)) completeNodes += n;
    if (nodesSeen !== completeNodes) {
      out.push({ check: 'merkle.node', message: `The stored Merkle tree has ${nodesSeen} nodes; the log needs ${completeNodes}.`, expected: String(completeNodes), found: String(nodesSeen) });
    }
    return out;
  }

  #compare(level: number, idx: number, expected: Buffer): void {
    const levels = this.#levels;
    while (levels.length <= level) levels.push(new LevelReader(this.#db, levels.length));
    const stored = levels[level]!.node(idx);
    if (stored && !expected.equals(stored)) {
      this.#mismatches.push({
        level,
        idx,
        problem: { check: 'merkle.node', event: level === 0 ? idx : undefined, message: `Merkle node (level ${level}, index ${idx}) does not match the events it covers.`, expected: expected.toString('base64'), found: stored.toString('base64') } as VerifyProblem,
      });
    }
  }
}
