import crypto from 'node:crypto';
import type { Db } from '../db/open';
import { HuellaError } from '../errors';
import { canonicalBytes } from './jcs';
import { ed25519KeyPairFromSeed, ed25519Sign } from './ed25519';
import { appendLeaf, consistencyProof, inclusionProof, leafHash, treeRoot, type MerkleNodeStore } from './merkle';
import { formatCheckpointBody, signCheckpoint } from './checkpoint';
import type { CustodyEventType } from './event-types';

/**
 * The custody log (DESIGN §5), stored in archive.db:
 *  - events: canonical JSON (RFC 8785) of {v, seq, time, actor, type, subject, data, prev}, Ed25519-signed,
 *    `prev` = hex SHA-256 of the previous event's bytes (a hash chain);
 *  - merkle_nodes: hashes of complete perfect subtrees of the RFC 9162 tree over the events (level 0 = leaf hashes),
 *    so an append costs O(log n) writes and a proof O(log n) reads;
 *  - checkpoints: signed notes (C2SP tlog-checkpoint), kept forever, so later rewrites of history are detectable.
 * Every append must run inside the same DB transaction as the change it records.
 */

export const EVENT_VERSION = 1;
export const GENESIS_PREV = '0'.repeat(64);

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [k: string]: JsonValue };

export type CustodyEvent = {
  readonly v: number;
  readonly seq: number;
  readonly time: string;
  readonly actor: string;
  readonly type: CustodyEventType;
  readonly subject: string | null;
  readonly data: { readonly [k: string]: JsonValue };
  readonly prev: string;
};

export type StoredEvent = {
  readonly seq: number;
  readonly bytes: Buffer;
  readonly signature: Buffer;
  readonly hash: Buffer;
};

export type StoredCheckpoint = { readonly id: number; readonly size: number; readonly note: string; readonly reason: string; readonly createdAt: string };

export function checkpointOrigin(vaultId: string): string {
  return `huella/${vaultId}`;
}

export class DbMerkleStore implements MerkleNodeStore {
  readonly #get;
  readonly #put;
  constructor(db: Db) {
    this.#get = db.prepare<[number, number], { hash: Buffer }>('SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?');
    this.#put = db.prepare('INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)');
  }
  getNode(level: number, index: number): Buffer | undefined {
    return this.#get.get(level, index)?.hash;
  }
  putNode(level: number, index: number, hash: Buffer): void {
    this.#put.run(level, index, hash);
  }
}

export class CustodyLog {
  readonly #db: Db;
  readonly #seed: Buffer;
  readonly publicKey: Buffer;
  readonly origin: string;
  readonly store: DbMerkleStore;
  readonly #insertEvent;
  readonly #lastEvent;
  readonly #eventBySeq;
  readonly #count;
  actor = 'owner';

  constructor(db: Db, signingSeed: Buffer, vaultId: string) {
    this.#db = db;
    this.#seed = signingSeed;
    this.publicKey = ed25519KeyPairFromSeed(signingSeed).publicKey;
    this.origin = checkpointOrigin(vaultId);
    this.store = new DbMerkleStore(db);
    this.#insertEvent = db.prepare('INSERT INTO events (seq, type, subject, bytes, signature, hash) VALUES (?, ?, ?, ?, ?, ?)');
    this.#lastEvent = db.prepare<[], { seq: number; hash: Buffer }>('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1');
    this.#eventBySeq = db.prepare<[number], StoredEvent>('SELECT seq, bytes, signature, hash FROM events WHERE seq = ?');
    this.#count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM events');
  }

  /** Number of events = Merkle tree size. */
  size(): number {
    return this.#count.get()!.n;
  }

  /** Appends one event. Must be called inside the transaction that makes the change it records. */
  append(type: CustodyEventType, subject: string | null, data: CustodyEvent['data'], time = new Date()): StoredEvent {
    if (!this.#db.inTransaction) throw new HuellaError('INTERNAL', 'custody events must be appended inside the transaction of their change');
    const last = this.#lastEvent.get();
    const seq = last ? last.seq + 1 : 0;
    const event: CustodyEvent = {
      v: EVENT_VERSION,
      seq,
      time: time.toISOString(),
      actor: this.actor,
      type,
      subject,
      data,
      prev: last ? last.hash.toString('hex') : GENESIS_PREV,
    };
    const bytes = canonicalBytes(event);
    const signature = ed25519Sign(this.#seed, bytes);
    const hash = crypto.createHash('sha256').update(bytes).digest();
    this.#insertEvent.run(seq, type, subject, bytes, signature, hash);
    appendLeaf(this.store, seq, leafHash(bytes));
    return { seq, bytes, signature, hash };
  }

  event(seq: number): StoredEvent | undefined {
    return this.#eventBySeq.get(seq);
  }

  *events(fromSeq = 0, toSeq = Number.MAX_SAFE_INTEGER): Generator<StoredEvent> {
    const stmt = this.#db.prepare<[number, number], StoredEvent>('SELECT seq, bytes, signature, hash FROM events WHERE seq >= ? AND seq < ? ORDER BY seq');
    yield* stmt.iterate(fromSeq, toSeq);
  }

  root(size = this.size()): Buffer {
    return treeRoot(this.store, size);
  }

  inclusionProof(seq: number, size = this.size()): Buffer[] {
    return inclusionProof(this.store, seq, size);
  }

  consistencyProof(m: number, n = this.size()): Buffer[] {
    return consistencyProof(this.store, m, n);
  }

  /** Signs a checkpoint of the current tree and keeps it. Call inside or outside a transaction. */
  writeCheckpoint(reason: string, time = new Date()): StoredCheckpoint {
    const run = (): StoredCheckpoint => {
      const size = this.size();
      const body = formatCheckpointBody({ origin: this.origin, size, rootHash: this.root(size) });
      const note = signCheckpoint(body, this.origin, this.#seed);
      const createdAt = time.toISOString();
      const info = this.#db.prepare('INSERT INTO checkpoints (size, note, reason, created_at) VALUES (?, ?, ?, ?)').run(size, note, reason, createdAt);
      return { id: Number(info.lastInsertRowid), size, note, reason, createdAt };
    };
    return this.#db.inTransaction ? run() : this.#db.transaction(run).immediate();
  }

  latestCheckpoint(): StoredCheckpoint | undefined {
    const row = this.#db
      .prepare<[], { id: number; size: number; note: string; reason: string; created_at: string }>('SELECT id, size, note, reason, created_at FROM checkpoints ORDER BY id DESC LIMIT 1')
      .get();
    return row ? { id: row.id, size: row.size, note: row.note, reason: row.reason, createdAt: row.created_at } : undefined;
  }

  checkpoints(): StoredCheckpoint[] {
    return this.#db
      .prepare<[], { id: number; size: number; note: string; reason: string; created_at: string }>('SELECT id, size, note, reason, created_at FROM checkpoints ORDER BY id')
      .all()
      .map((row) => ({ id: row.id, size: row.size, note: row.note, reason: row.reason, createdAt: row.created_at }));
  }
}

export function parseEvent(bytes: Buffer): CustodyEvent {
  try {
    return JSON.parse(bytes.toString('utf8')) as CustodyEvent;
  } catch (e) {
    throw new HuellaError('FORMAT_INVALID', 'A custody event is not valid JSON.', { cause: e });
  }
}
