import crypto from 'node:crypto';
import * as custodyTables from '../db/custody';
import { inTransaction, transaction, type ReadableDb, type WritableDb } from '../db/open';
import { HuellaError } from '../errors';
import { commitment, newCommitmentSalt } from './commitment';
import { canonicalBytes } from './jcs';
import { ED25519_SIGNATURE_BYTES, ed25519KeyPairFromSeed, ed25519Sign, ed25519VerifyOwn } from './ed25519';
import { appendLeaf, consistencyProof, inclusionProof, leafHash, treeRoot, type MerkleNodeStore } from './merkle';
import { formatCheckpointBody, signCheckpoint } from './checkpoint';
import type { CustodyEventType } from './event-types';

/**
 * The custody log (DESIGN §5), stored in archive.db:
 *  - events: canonical JSON (RFC 8785) of {v, seq, time, actor, type, subject, data}, Ed25519-signed (version 2).
 *    Version-1 events (vaults written before issue 14) also held `prev`, the hex SHA-256 of the previous event's
 *    bytes (a hash chain); `huella verify` still checks that chain where it exists. New events have no `prev`: the
 *    order is fixed by the signed `seq` and by the RFC 9162 tree below, whose signed checkpoints commit to every
 *    event in its place, so the chain added no protection, while a packet's event named the hash of its neighbour
 *    in the log, which another packet of the same vault may carry (it linked two packets: issue 14);
 *  - merkle_nodes: hashes of complete perfect subtrees of the RFC 9162 tree over the events (level 0 = leaf hashes),
 *    so an append costs O(log n) writes and a proof O(log n) reads;
 *  - checkpoints: signed notes (C2SP tlog-checkpoint), kept forever, so later rewrites of history are detectable.
 * Every append must run inside the same DB transaction as the change it records.
 */

/** The version of the events this code writes (2: no `prev`). */
export const EVENT_VERSION = 2;
/** The version of hash-chained events (older vaults and packets): verified, never written. */
export const CHAINED_EVENT_VERSION = 1;
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
  /** Version-1 events only: hex SHA-256 of the previous event's bytes. */
  readonly prev?: string;
};

export type StoredEvent = custodyTables.EventRow;

export type StoredCheckpoint = custodyTables.CheckpointRow;

/** An event prepared to be appended (CustodyLog.prepareEvent): the event and its canonical bytes, the message to sign. */
export type PreparedEvent = { readonly event: CustodyEvent; readonly bytes: Buffer };

/** A prepared event and the Ed25519 signature of its bytes by the log's key, made ahead (CustodyLog.append). */
export type SignedAhead = PreparedEvent & { readonly signature: Uint8Array };

/** The same event: every field equal, `data` the very same object (so the same canonical bytes). */
function sameEvent(a: CustodyEvent, b: CustodyEvent): boolean {
  return a.v === b.v && a.seq === b.seq && a.time === b.time && a.actor === b.actor && a.type === b.type && a.subject === b.subject && a.data === b.data && a.prev === b.prev;
}

export function checkpointOrigin(vaultId: string): string {
  return `huella/${vaultId}`;
}

/** The Merkle tree's stored nodes (db/custody.ts merkle_nodes). */
export class DbMerkleStore implements MerkleNodeStore {
  readonly #db: WritableDb;
  constructor(db: WritableDb) {
    this.#db = db;
  }
  getNode(level: number, index: number): Buffer | undefined {
    return custodyTables.merkleNode(this.#db, level, index);
  }
  putNode(level: number, index: number, hash: Buffer): void {
    custodyTables.insertMerkleNode(this.#db, level, index, hash);
  }
}

export class CustodyLog {
  readonly #db: WritableDb;
  readonly #seed: Buffer;
  readonly publicKey: Buffer;
  readonly origin: string;
  readonly store: DbMerkleStore;
  actor = 'owner';

  constructor(db: WritableDb, signingSeed: Buffer, vaultId: string) {
    this.#db = db;
    this.#seed = signingSeed;
    this.publicKey = ed25519KeyPairFromSeed(signingSeed).publicKey;
    this.origin = checkpointOrigin(vaultId);
    this.store = new DbMerkleStore(db);
  }

  /** The database the log lives in, for readers of the log's tables (db/custody.ts). */
  get db(): ReadableDb {
    return this.#db;
  }

  /** Number of events = Merkle tree size. */
  size(): number {
    return custodyTables.eventCount(this.#db);
  }

  /** The number the next appended event will have (the log's size), as of now. */
  nextSeq(): number {
    const last = custodyTables.lastEvent(this.#db);
    return last ? last.seq + 1 : 0;
  }

  /**
   * The event `append(type, subject, data, time)` would write if it were number `seq`, unsigned: to be signed
   * elsewhere (ingest signs a group's events on a crypto thread while it waits for the group's files) and handed
   * back to `append` with its signature. Nothing is written.
   */
  prepareEvent(type: CustodyEventType, subject: string | null, data: CustodyEvent['data'], time: Date, seq: number): PreparedEvent {
    const event: CustodyEvent = { v: EVENT_VERSION, seq, time: time.toISOString(), actor: this.actor, type, subject, data };
    return { event, bytes: canonicalBytes(event) };
  }

  /**
   * Appends one event. Must be called inside the transaction that makes the change it records.
   *
   * `signed`: the event as prepared ahead (prepareEvent) and its signature. It is used only when the event appended now
   * is that same event: same number (nothing was appended since it was prepared), time, actor, type, subject and the
   * same `data` object, so the same canonical bytes; Ed25519 is deterministic (RFC 8032 §5.1.6), so what is stored
   * is exactly what signing here would store. Otherwise the event is signed here, as without `signed`.
   */
  append(type: CustodyEventType, subject: string | null, data: CustodyEvent['data'], time = new Date(), signed?: SignedAhead): StoredEvent {
    if (!inTransaction(this.#db)) throw new HuellaError('INTERNAL', 'custody events must be appended inside the transaction of their change');
    const seq = this.nextSeq();
    const event: CustodyEvent = {
      v: EVENT_VERSION,
      seq,
      time: time.toISOString(),
      actor: this.actor,
      type,
      subject,
      data,
    };
    const ahead = signed && sameEvent(signed.event, event) && signed.signature.length === ED25519_SIGNATURE_BYTES ? signed : undefined;
    const bytes = ahead ? ahead.bytes : canonicalBytes(event);
    const signature = ahead ? Buffer.from(ahead.signature) : ed25519Sign(this.#seed, bytes);
    const hash = crypto.createHash('sha256').update(bytes).digest();
    custodyTables.insertEvent(this.#db, { seq, type, subject, bytes, signature, hash });
    appendLeaf(this.store, seq, leafHash(bytes));
    return { seq, bytes, signature, hash };
  }

  /**
   * `valid[i]` for `signatures[i]` over `messages[i]` under this log's key (verify). The log holds the seed, so a
   * signature equal to the seed's own is valid without a full verification (ed25519VerifyOwn: re-signing costs about
   * a third of verifying); any other is verified in full.
   */
  checkSignatures(messages: readonly Uint8Array[], signatures: readonly Uint8Array[]): boolean[] {
    return ed25519VerifyOwn(this.#seed, this.publicKey, messages, signatures);
  }

  /**
   * Lends a copy of the signing seed to `use` for the length of the call, then zeroes it (verify hands it to a crypto
   * worker to check signatures as `checkSignatures` does; blobs/crypto.ts copies it again before returning).
   */
  withSeedCopy<T>(use: (seed: Uint8Array) => T): T {
    const copy = new Uint8Array(this.#seed);
    try {
      return use(copy);
    } finally {
      copy.fill(0);
    }
  }

  /**
   * Appends one event whose `secret` fields (free text, personal data) appear only as a salted commitment:
   *
   *   { fields: [names, sorted], commitment: hex(SHA-256(salt ‖ JCS({ field: value, … }))) }
   *
   * Packets may carry events to UN mechanisms, so `data` holds only ids, term ids, enumerations, counts and dates.
   * The 16-byte salt is random per event and kept in event_salts (inside the encrypted database), so the owner can
   * later prove what was recorded by revealing salt and values for that one event, while nobody holding only the
   * event can confirm a guess (a name, "female", a date of birth). Without a non-empty secret this is `append`.
   * Call inside the change's transaction.
   */
  record(type: CustodyEventType, subject: string | null, data: CustodyEvent['data'], secret?: Readonly<Record<string, JsonValue>>): StoredEvent {
    if (!secret || Object.keys(secret).length === 0) return this.append(type, subject, data);
    const salt = newCommitmentSalt();
    const fields = Object.keys(secret).sort();
    const ev = this.append(type, subject, { ...data, fields, commitment: commitment(salt, secret) });
    custodyTables.insertEventSalt(this.#db, ev.seq, salt);
    return ev;
  }

  /** The salt of an event's commitment (for opening it to a reviewer), or undefined. */
  salt(seq: number): Buffer | undefined {
    return custodyTables.eventSalt(this.#db, seq);
  }

  event(seq: number): StoredEvent | undefined {
    return custodyTables.eventBySeq(this.#db, seq);
  }

  *events(fromSeq = 0, toSeq = Number.MAX_SAFE_INTEGER): Generator<StoredEvent> {
    yield* custodyTables.iterateEvents(this.#db, fromSeq, toSeq);
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
      const id = custodyTables.insertCheckpoint(this.#db, { size, note, reason, createdAt });
      return { id, size, note, reason, createdAt };
    };
    return transaction(this.#db, run);
  }

  latestCheckpoint(): StoredCheckpoint | undefined {
    return custodyTables.latestCheckpoint(this.#db);
  }

  checkpoints(): StoredCheckpoint[] {
    return custodyTables.allCheckpoints(this.#db);
  }
}

export function parseEvent(bytes: Buffer): CustodyEvent {
  try {
    return JSON.parse(bytes.toString('utf8')) as CustodyEvent;
  } catch (e) {
    throw new HuellaError('FORMAT_INVALID', 'A custody event is not valid JSON.', { cause: e });
  }
}
