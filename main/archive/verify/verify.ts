import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { canonicalJson } from '../custody/jcs';
import { leafHash, verifyConsistency } from '../custody/merkle';
import { parseCheckpointBody } from '../custody/checkpoint';
import { openNote } from '../custody/note';
import { CUSTODY_EVENT_TYPES } from '../custody/event-types';
import { CHAINED_EVENT_VERSION, EVENT_VERSION, GENESIS_PREV, type CustodyEvent, type CustodyLog, type StoredCheckpoint } from '../custody/log';
import { eventCount, eventsAfter, iterateEvents, type EventRow } from '../db/custody';
import { itemIngestRecords } from '../db/items';
import { liveObjectNamesBetween, liveObjectSizes, objectRow, objectRowsAfter } from '../db/objects';
import { databaseIntegrityProblems } from '../db/open';
import { HuellaError } from '../errors';
import { envelopeDamage } from '../vault/envelope';
import { readVaultHeader } from '../vault/header';
import { VAULT_FILES, type Vault } from '../vault/vault';
import { verifySignatures } from '../blobs/crypto';
import type { ObjectHash } from '../blobs/crypto-protocol';
import { ObjectHashes, type HashProgress, type ObjectJob } from './object-hashes';
import { CompactRange, TreeCheck } from './tree-check';
import type { VerifyCheck, VerifyProblem, VerifyProgress, VerifyReport } from '../../../shared/model/custody';

/**
 * `huella verify` (DESIGN §5): recomputes everything from the bytes and names each problem precisely — which
 * event, object, checkpoint or item, which check, what was expected and what was found. Nothing here trusts a
 * stored derived value (hashes, Merkle nodes) without recomputing it.
 */

export type { VerifyCheck, VerifyProblem, VerifyProgress, VerifyReport };

export type VerifyOptions = {
  readonly onProgress?: (p: VerifyProgress) => void;
  readonly signal?: AbortSignal;
  /** A public key obtained out of band (e.g. from a trusted person): the log must be signed by it. */
  readonly expectedPublicKey?: Buffer;
  /** Checkpoints handed out earlier (signed-note text): each must be consistent with the current log. */
  readonly externalCheckpoints?: readonly string[];
  /** Skip re-hashing blob contents (fast structural check). */
  readonly skipObjects?: boolean;
};

type ObjectExpectation = { readonly sha256: string; readonly size: number; readonly event: number; readonly item: string; readonly kind: string };

const KNOWN_TYPES = new Set<string>(CUSTODY_EVENT_TYPES);
/** The fields of each event version, sorted: version 1 (older vaults) is hash-chained by `prev`, version 2 is not. */
const EVENT_KEYS: ReadonlyMap<unknown, string> = new Map([
  [CHAINED_EVENT_VERSION, ['actor', 'data', 'prev', 'seq', 'subject', 'time', 'type', 'v'].join(',')],
  [EVENT_VERSION, ['actor', 'data', 'seq', 'subject', 'time', 'type', 'v'].join(',')],
]);

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export async function verifyVault(vault: Vault, options: VerifyOptions = {}): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const add = (p: VerifyProblem): void => {
    problems.push(p);
  };
  const progress = options.onProgress ?? (() => undefined);

  progress({ phase: 'database', done: 0, total: 1, bytesDone: 0, bytesTotal: 0 });
  // The objects are decrypted and hashed on the crypto threads from the start, while the database's integrity check
  // (~0.2 s at 5,000 objects, serial) and then the log, tree and checkpoints are checked here; section 4 compares the
  // results with what the log records. The list is read before the integrity check: if the check fails, the hashes
  // are dropped unreported (nothing read from a damaged database is trusted), and if the list cannot be read it is
  // read again once the check has passed. In name order: the order of blobs/ on disk. The first tasks start the
  // crypto threads; a caller that can start them earlier does (the CLI, before the unlock: warmCryptoWorkers).
  const hashes = new ObjectHashes(vault, VERIFY_TUNING, options.signal);
  /** Starts hashing `jobs` if listed; whether they were (the list itself is not kept here). */
  const hashAll = (jobs: readonly ObjectJob[] | undefined): boolean => {
    if (jobs && !options.skipObjects) hashes.start(jobs);
    return jobs !== undefined;
  };
  try {
    const listedEarly = hashAll(objectsBeforeIntegrityCheck(vault));
    for (const message of headerProblems(vault.dir)) add({ check: 'vault.header', message });
    const databaseProblems = databaseIntegrityProblems(vault.store);
    for (const msg of databaseProblems) add({ check: 'database.integrity', message: `Database integrity check: ${msg}` });
    if (databaseProblems.length > 0) {
      // Nothing read from a damaged database can be trusted (or even read): report that and stop here. The object
      // tasks already on the crypto threads are cancelled (finally: hashes.stop()), not left to finish.
      return { ok: false, problems, events: 0, checkpoints: 0, objects: 0, bytesHashed: 0, root: '' };
    }
    if (!listedEarly) hashAll(liveObjectSizes(vault.store));
    return await verifyFromDatabase(vault, options, problems, hashes);
  } finally {
    hashes.stop();
  }
}

/** The live objects to hash, read before the database is known to be sound: undefined if they cannot be read. */
function objectsBeforeIntegrityCheck(vault: Vault): ObjectJob[] | undefined {
  try {
    return liveObjectSizes(vault.store);
  } catch {
    return undefined;
  }
}

type Add = (p: VerifyProblem) => void;
type Progress = (p: VerifyProgress) => void;

/**
 * A crypto thread gets its next object task only when this thread handles the end of its last one (workers/pool.ts),
 * so a long run of checks here (a page of 2,048 events: ~70 ms) left both threads idle once their tasks ended. The
 * checks below give the event loop a turn (`if (turns.due) await turns.take()`) every VERIFY_TUNING.turnMs.
 */
class Turns {
  #since = performance.now();

  get due(): boolean {
    return performance.now() - this.#since >= VERIFY_TUNING.turnMs;
  }

  async take(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#since = performance.now();
  }
}

/** The stages, each a section of DESIGN's verify: 1 events, 2 tree, 3 checkpoints, 4 items and objects. */
async function verifyFromDatabase(vault: Vault, options: VerifyOptions, problems: VerifyProblem[], hashes: ObjectHashes): Promise<VerifyReport> {
  const add: Add = (p) => {
    problems.push(p);
  };
  const progress: Progress = options.onProgress ?? (() => undefined);
  const publicKey = vault.log.publicKey;
  if (options.expectedPublicKey && !options.expectedPublicKey.equals(publicKey)) {
    add({ check: 'external.key', message: 'The vault signs with a different key than the one you expected.', expected: options.expectedPublicKey.toString('base64'), found: publicKey.toString('base64') });
  }
  const stored = vault.log.checkpoints();
  const external = options.externalCheckpoints ?? [];
  const treeCheck = new TreeCheck(vault.store, [...stored.map((c) => c.note), ...external].flatMap(checkpointSize));
  const turns = new Turns();
  const log = await checkEvents(vault, publicKey, treeCheck, options.signal, add, progress, turns);
  const tree = checkTree(vault, treeCheck, add, progress);
  const checkpoints = checkCheckpoints(vault, publicKey, stored, treeCheck.size, tree, external, add, progress);
  await checkItemEvents(vault, log.itemEvents, add, turns);
  const toHash = await checkObjectRows(vault, log, add, turns);
  const bytesHashed = options.skipObjects ? 0 : await checkObjectBytes(vault, hashes, toHash, add, progress);
  return {
    ok: problems.length === 0,
    problems,
    events: treeCheck.size,
    checkpoints,
    objects: toHash.length,
    bytesHashed,
    root: tree.currentRoot.toString('base64'),
  };
}

/**
 * 1. Events: sequence, canonical form, chain, stored hash, signature, field shape. Read page by page; a page's
 * signatures are checked in one batch on a crypto worker while the page before it is checked here.
 */
async function checkEvents(vault: Vault, publicKey: Buffer, tree: TreeCheck, signal: AbortSignal | undefined, add: Add, progress: Progress, turns: Turns): Promise<EventLogState> {
  const total = eventCount(vault.store);
  const log: EventLogState = { tree, expectations: new Map(), purged: new Set(), itemEvents: new Map(), prevHash: GENESIS_PREV, expectedSeq: 0 };
  let pending: { rows: EventRow[]; valid: Promise<readonly boolean[]> } | undefined;
  let afterSeq = -1;
  for (;;) {
    if (signal?.aborted) throw new HuellaError('CANCELLED', 'Verification cancelled.');
    const rows = eventsAfter(vault.store, afterSeq, VERIFY_TUNING.eventPage);
    const next = rows.length > 0 ? { rows, valid: checkSignatures(vault.log, rows) } : undefined;
    if (pending) {
      const valid = await pending.valid;
      for (const [i, row] of pending.rows.entries()) {
        if (turns.due) await turns.take();
        checkEvent(row, valid[i]!, publicKey, log, add);
      }
      progress({ phase: 'events', done: log.expectedSeq, total, bytesDone: 0, bytesTotal: 0 });
    }
    if (!next) break;
    pending = next;
    afterSeq = rows.at(-1)!.seq;
  }
  progress({ phase: 'events', done: tree.size, total, bytesDone: 0, bytesTotal: 0 });
  return log;
}

/** The tree recomputed from the leaves: the root at any size, and the root now. */
type RecomputedTree = { readonly rootAt: (size: number) => Buffer; readonly currentRoot: Buffer };

/**
 * The tree size a checkpoint's note names (its second line), read without checking anything else: the recomputed
 * tree keeps its root at each such size as the leaves stream by (section 3 checks the note itself).
 */
function checkpointSize(note: string): number[] {
  const line = note.split('\n', 2)[1];
  return line !== undefined && /^(0|[1-9][0-9]{0,15})$/.test(line) ? [Number(line)] : [];
}

/**
 * 2. Tree: every stored node of a complete subtree must equal the recomputed one (compared as the events went by,
 * tree-check.ts). A root at a size no checkpoint named (none, in practice) is recomputed from the events.
 */
function checkTree(vault: Vault, tree: TreeCheck, add: Add, progress: Progress): RecomputedTree {
  progress({ phase: 'tree', done: 0, total: 1, bytesDone: 0, bytesTotal: 0 });
  tree.problems().forEach(add);
  const rootAt = (size: number): Buffer => tree.rootAt(size) ?? rootFromEvents(vault, size);
  return { rootAt, currentRoot: tree.root() };
}

/** The root of the first `size` events as stored, recomputed leaf by leaf. */
function rootFromEvents(vault: Vault, size: number): Buffer {
  const range = new CompactRange();
  for (const row of iterateEvents(vault.store)) {
    if (range.size === size) break;
    range.add(leafHash(row.bytes));
  }
  return range.root();
}

/** 3. Checkpoints, stored and supplied: signature, origin, and consistency with the recomputed tree. Returns how many are stored. */
function checkCheckpoints(vault: Vault, publicKey: Buffer, stored: readonly StoredCheckpoint[], logSize: number, tree: RecomputedTree, external: readonly string[], add: Add, progress: Progress): number {
  const verifier = { name: vault.log.origin, publicKey };
  stored.forEach((c, i) => {
    checkCheckpoint(vault, verifier, logSize, tree, { note: c.note, label: `Checkpoint ${c.id} (${c.reason}, ${c.createdAt})`, id: c.id, external: false }, add);
    if (i % 100 === 0) progress({ phase: 'checkpoints', done: i, total: stored.length, bytesDone: 0, bytesTotal: 0 });
  });
  external.forEach((note, i) => checkCheckpoint(vault, verifier, logSize, tree, { note, label: `Checkpoint you supplied (#${i + 1})`, id: undefined, external: true }, add));
  return stored.length;
}

type CheckpointToCheck = { readonly note: string; readonly label: string; readonly id: number | undefined; readonly external: boolean };

/** One checkpoint: signature, origin, size, the root at its size; below the log's size, the consistency proof a reviewer would check. */
function checkCheckpoint(vault: Vault, verifier: { name: string; publicKey: Buffer }, logSize: number, tree: RecomputedTree, c: CheckpointToCheck, add: Add): void {
  const checkName = c.external ? 'external.checkpoint' : undefined;
  const at = c.id !== undefined ? { checkpoint: c.id } : {};
  const label = c.label;
  let body;
  try {
    body = parseCheckpointBody(openNote(c.note, verifier).text);
  } catch (e) {
    add({ check: checkName ?? 'checkpoint.signature', ...at, message: `${label}: ${(e as Error).message}` });
    return;
  }
  if (body.origin !== vault.log.origin) {
    add({ check: checkName ?? 'checkpoint.origin', ...at, message: `${label} is for another log.`, expected: vault.log.origin, found: body.origin });
    return;
  }
  if (body.size > logSize) {
    add({ check: checkName ?? 'checkpoint.size', ...at, message: `${label} covers ${body.size} events but the log has only ${logSize}: events were removed (history rolled back).`, expected: `≥ ${body.size}`, found: String(logSize) });
    return;
  }
  const root = tree.rootAt(body.size);
  if (!root.equals(body.rootHash)) {
    add({ check: checkName ?? 'checkpoint.consistency', ...at, message: `${label} (size ${body.size}) is not consistent with the current log: the first ${body.size} events are not the ones it signed (history was rewritten).`, expected: Buffer.from(body.rootHash).toString('base64'), found: root.toString('base64') });
    return;
  }
  if (body.size > 0 && body.size < logSize) {
    // Exercise the proof path too: what a reviewer holding only this checkpoint would check.
    const proof = vault.log.consistencyProof(body.size, logSize);
    if (!verifyConsistency(body.size, logSize, Buffer.from(body.rootHash), tree.currentRoot, proof)) {
      add({ check: checkName ?? 'checkpoint.consistency', ...at, message: `${label}: the consistency proof from size ${body.size} to ${logSize} does not verify (stored tree is damaged).` });
    }
  }
}

/** 4a. Every item has its ingest (or receipt) event, and points at it. */
async function checkItemEvents(vault: Vault, itemEvents: ReadonlyMap<string, number>, add: Add, turns: Turns): Promise<void> {
  for (const it of itemIngestRecords(vault.store)) {
    if (turns.due) await turns.take();
    const seq = itemEvents.get(it.id);
    if (seq === undefined) {
      add({ check: 'item.event', item: it.id, message: `Item ${it.id} has no item.ingested (or item.received) event in the custody log.` });
    } else if (seq !== it.ingestSeq) {
      add({ check: 'item.event', item: it.id, event: seq, message: `Item ${it.id} points at event #${it.ingestSeq} but was ingested in event #${seq}.`, expected: String(seq), found: String(it.ingestSeq) });
    }
  }
}

/** What section 4b keeps of the row of an object the log expects: the row its hash names. */
type ExpectedRow = { readonly name: string; readonly sha256: string; readonly size: number; readonly purged: boolean };

/**
 * 4b. Object rows against what the log records (in log order), then rows no event records; returns the objects to
 * hash. One scan of the rows, a page at a time, recomputes each row's name from its recorded hash (one HMAC a row):
 * a row whose name is the one its hash gives is the row of that content (names are unique), kept only if the log
 * expects it. An object the log expects without such a row (none, unless rows were altered) is looked up by the name
 * its hash gives, alone. The scan's own findings come after those of the log's objects, as before.
 */
async function checkObjectRows(vault: Vault, log: EventLogState, add: Add, turns: Turns): Promise<ToHash[]> {
  const rows = new Map<string, ExpectedRow>(); // sha256 hex → its row, for the objects the log expects
  const rowProblems = await scanObjectRows(vault, log.expectations, rows, turns);
  const toHash: ToHash[] = [];
  for (const [sha, exp] of log.expectations) {
    if (log.purged.has(sha)) continue;
    if (turns.due) await turns.take();
    const row = rows.get(sha) ?? expectedRowByName(vault, sha);
    if (!row) {
      add({ check: 'object.row', event: exp.event, item: exp.item, object: vault.blobs.objectName(Buffer.from(sha, 'hex')), message: `Event #${exp.event} (${exp.kind} of ${exp.item}) names content that the vault no longer lists.`, expected: sha });
      continue;
    }
    const name = row.name;
    if (row.sha256 !== sha || row.size !== exp.size) {
      add({ check: 'object.row', event: exp.event, item: exp.item, object: name, message: `The database row of object ${name.slice(0, 12)}… disagrees with event #${exp.event}.`, expected: `${sha} / ${exp.size} bytes`, found: `${row.sha256} / ${row.size} bytes` });
    }
    toHash.push({ name, exp, purgedRow: row.purged });
  }
  rowProblems.forEach(add);
  return toHash;
}

/** The row named as the content `sha` (hex) is, whatever hash it records; undefined if there is none. */
function expectedRowByName(vault: Vault, sha: string): ExpectedRow | undefined {
  const name = vault.blobs.objectName(Buffer.from(sha, 'hex'));
  const row = objectRow(vault.store, name);
  return row && { name, sha256: row.sha256.toString('hex'), size: row.size, purged: row.purgedAt !== null };
}

/**
 * Every object row, a page at a time: into `rows`, the row of each content the log expects (its name is the one its
 * hash gives); returned, the problems of live rows: a name that is not its hash's, content that no event records.
 */
async function scanObjectRows(vault: Vault, expectations: ReadonlyMap<string, ObjectExpectation>, rows: Map<string, ExpectedRow>, turns: Turns): Promise<VerifyProblem[]> {
  const problems: VerifyProblem[] = [];
  for (let page = objectRowsAfter(vault.store, Number.MIN_SAFE_INTEGER, ROW_PAGE); page.length > 0; page = page.length < ROW_PAGE ? [] : objectRowsAfter(vault.store, page.at(-1)!.row, ROW_PAGE)) {
    for (const o of page) {
      if (turns.due) await turns.take();
      const sha = o.sha256.toString('hex');
      const expected = expectations.has(sha);
      if (o.purgedAt && !expected) continue;
      const named = vault.blobs.objectName(o.sha256) === o.name;
      if (named && expected) rows.set(sha, { name: o.name, sha256: sha, size: o.size, purged: o.purgedAt !== null });
      if (o.purgedAt) continue;
      if (!named) problems.push({ check: 'object.name', object: o.name, message: `Object ${o.name.slice(0, 12)}… is filed under a name that does not match its recorded hash.` });
      if (!expected) problems.push({ check: 'object.orphan', object: o.name, message: `Object ${o.name.slice(0, 12)}… is listed in the database but no custody event records it.` });
    }
  }
  return problems;
}

/** 4c. Every expected object's bytes (hashed on the workers since the start) against the log, then blob files no row knows. Returns the bytes hashed. */
async function checkObjectBytes(vault: Vault, hashes: ObjectHashes, toHash: readonly ToHash[], add: Add, progress: Progress): Promise<number> {
  let bytesHashed = 0;
  const bytesTotal = toHash.reduce((a, t) => a + t.exp.size, 0);
  // Expected objects that were not started above (a row marked purged that the log still expects).
  const late = toHash.filter((t) => t.purgedRow);
  if (late.length > 0) hashes.start(late.map((t) => ({ name: t.name, size: t.exp.size })));
  const report = (h: HashProgress): void => progress({ phase: 'objects', done: Math.min(h.objects, toHash.length), total: toHash.length, bytesDone: Math.min(h.bytes, bytesTotal), bytesTotal });
  report(hashes.progress(report));
  // blobs/ is listed while the workers hash, not after the last object; its findings are reported after theirs.
  const unknownFiles = unknownBlobFiles(vault);
  unknownFiles.catch(() => undefined); // awaited below, where a failure is thrown
  await hashes.finish();
  // In log order, as the log records them.
  for (const { name, exp } of toHash) {
    const r = hashes.result(name)!;
    if (r.kind === 'ok') bytesHashed += r.size;
    objectProblems(name, exp, r).forEach(add);
  }
  progress({ phase: 'objects', done: toHash.length, total: toHash.length, bytesDone: bytesHashed, bytesTotal });
  // Blob files that no live database row knows (would be leftovers or planted files).
  for (const file of await unknownFiles) add({ check: 'object.orphan', object: file, message: `blobs/ holds a file (${file.slice(0, 12)}…) that the vault does not list.` });
  return bytesHashed;
}

/** What the event pages build up: the Merkle tree (checked as it grows), the objects the log records, and where the chain stands. */
type EventLogState = {
  readonly tree: TreeCheck;
  readonly expectations: Map<string, ObjectExpectation>; // sha256 hex → expectation (originals + derived)
  readonly purged: Set<string>;
  readonly itemEvents: Map<string, number>; // item id → seq of item.ingested
  prevHash: string;
  expectedSeq: number;
};

/**
 * eventPage: events per page of the log (its signatures one batch, split over the workers); localSignatures: below
 * this many events a page's signatures are checked here (starting a worker would cost more); objectTaskFiles,
 * objectTaskBytes: a worker task holds up to this many objects or bytes (few messages, yet every core busy until the
 * end); turnMs: the longest run of checks on this thread between two turns of its event loop (class Turns). Tests
 * lower them to exercise paging and the workers on a small vault.
 */
export const VERIFY_TUNING = { eventPage: 2048, localSignatures: 64, objectTaskFiles: 64, objectTaskBytes: 16 * 1024 * 1024, turnMs: 10 };

/**
 * `valid[i]` for `rows[i]` under the log's key (CustodyLog.checkSignatures: the vault holds the signing seed, so its
 * own signatures are checked by re-signing, any other in full): a page is split over the crypto workers (each part
 * checked here instead if its worker fails, so a check is never lost); a short page is checked here.
 */
async function checkSignatures(log: CustodyLog, rows: readonly EventRow[]): Promise<readonly boolean[]> {
  const here = (part: readonly EventRow[]): boolean[] => log.checkSignatures(part.map((r) => r.bytes), part.map((r) => r.signature));
  if (rows.length < VERIFY_TUNING.localSignatures) return here(rows);
  const size = Math.ceil(rows.length / Math.max(1, os.availableParallelism()));
  const parts: EventRow[][] = [];
  for (let i = 0; i < rows.length; i += size) parts.push(rows.slice(i, i + size));
  const valid = await Promise.all(parts.map((part) => log.withSeedCopy((seed) => verifySignatures(log.publicKey, part.map((r) => r.bytes), part.map((r) => r.signature), seed)).catch(() => here(part))));
  return valid.flat();
}

/** One event's checks, in log order: sequence, stored hash, signature (`signatureValid`), JSON, fields, chain. */
function checkEvent(row: EventRow, signatureValid: boolean, publicKey: Buffer, log: EventLogState, add: (p: VerifyProblem) => void): void {
  if (row.seq !== log.expectedSeq) {
    add({ check: 'event.sequence', event: row.seq, message: `Custody log has a gap or reordering: expected event #${log.expectedSeq}, found #${row.seq}.`, expected: String(log.expectedSeq), found: String(row.seq) });
    log.expectedSeq = row.seq;
  }
  const actualHash = crypto.hash('sha256', row.bytes, 'buffer');
  log.tree.add(leafHash(row.bytes));
  if (!actualHash.equals(row.hash)) {
    add({ check: 'event.hash', event: row.seq, message: `Event #${row.seq}: stored hash does not match its bytes.`, expected: hex(actualHash), found: hex(row.hash) });
  }
  if (!signatureValid) {
    add({ check: 'event.signature', event: row.seq, message: `Event #${row.seq}: the signature is not valid for the vault's key (the event was altered or signed by another key).` });
  }
  const text = row.bytes.toString('utf8');
  let ev: CustodyEvent | undefined;
  try {
    ev = JSON.parse(text) as CustodyEvent;
  } catch {
    add({ check: 'event.json', event: row.seq, message: `Event #${row.seq} is not valid JSON.` });
  }
  if (ev) checkEventContent(row, text, ev, publicKey, log, add);
  log.prevHash = actualHash.toString('hex');
  log.expectedSeq++;
}

/** `text`: the event's bytes as UTF-8 text (what was parsed into `ev`). */
function checkEventContent(row: EventRow, text: string, ev: CustodyEvent, publicKey: Buffer, log: EventLogState, add: (p: VerifyProblem) => void): void {
  let canonical: string | undefined;
  try {
    canonical = canonicalJson(ev);
  } catch {
    canonical = undefined;
  }
  if (canonical !== text) {
    add({ check: 'event.canonical', event: row.seq, message: `Event #${row.seq} is not in canonical (RFC 8785) form.` });
  }
  const keys = Object.keys(ev).sort();
  if (keys.join(',') !== EVENT_KEYS.get(ev.v) || typeof ev.time !== 'string' || typeof ev.data !== 'object' || ev.data === null) {
    const version = EVENT_KEYS.has(ev.v) ? String(ev.v) : `${CHAINED_EVENT_VERSION} or ${EVENT_VERSION}`;
    add({ check: 'event.fields', event: row.seq, message: `Event #${row.seq} does not have the fields of a version-${version} custody event.`, found: `v=${String(ev.v)}: ${keys.join(',')}` });
  }
  if (ev.seq !== row.seq) {
    add({ check: 'event.sequence', event: row.seq, message: `Event stored as #${row.seq} says it is #${String(ev.seq)}.`, expected: String(row.seq), found: String(ev.seq) });
  }
  // Version-1 events name the hash of the event before them (whatever its version); version-2 events do not, and
  // a change to one shows in its signature, its leaf in the Merkle tree and every checkpoint that covers it.
  if (ev.v === CHAINED_EVENT_VERSION && ev.prev !== log.prevHash) {
    add({ check: 'event.chain', event: row.seq, message: `Event #${row.seq} does not link to the event before it (hash chain broken: an event was changed, removed or reordered).`, expected: log.prevHash, found: String(ev.prev) });
  }
  if (!KNOWN_TYPES.has(ev.type)) {
    add({ check: 'event.type', event: row.seq, message: `Event #${row.seq} has an unknown type '${String(ev.type)}'.` });
  }
  if (row.seq === 0) {
    const declared = typeof ev.data?.publicKey === 'string' ? ev.data.publicKey : '';
    if (ev.type !== 'vault.created' || declared !== publicKey.toString('base64')) {
      add({ check: 'genesis.key', event: 0, message: 'The first event does not declare the key that signs this log (the signing key was swapped, or the log does not start at vault creation).', expected: publicKey.toString('base64'), found: declared || String(ev.type) });
    }
  }
  collectExpectations(ev, log.expectations, log.purged, log.itemEvents);
}

function collectExpectations(ev: CustodyEvent, out: Map<string, ObjectExpectation>, purged: Set<string>, itemEvents: Map<string, number>): void {
  const d = ev.data as Record<string, unknown>;
  // item.received (a transfer from another vault, DESIGN §9) is an item's origin event just as item.ingested is.
  if ((ev.type === 'item.ingested' || ev.type === 'item.received') && typeof d.sha256 === 'string' && typeof d.size === 'number' && ev.subject) {
    itemEvents.set(ev.subject, ev.seq);
    purged.delete(d.sha256); // content ingested again after a purge is expected again
    out.set(d.sha256, { sha256: d.sha256, size: d.size, event: ev.seq, item: ev.subject, kind: 'original' });
  } else if (ev.type === 'item.derived' && d.kind === 'packet-copy') {
    // A packet copy left the vault (it lives in the packet, checked by `packet verify`); the vault never stores it.
  } else if (ev.type === 'item.derived' && typeof d.sha256 === 'string' && typeof d.size === 'number' && ev.subject) {
    purged.delete(d.sha256);
    if (!out.has(d.sha256)) out.set(d.sha256, { sha256: d.sha256, size: d.size, event: ev.seq, item: ev.subject, kind: String(d.kind ?? 'derived') });
  } else if (ev.type === 'item.purged' && Array.isArray(d.sha256s)) {
    for (const s of d.sha256s) if (typeof s === 'string') purged.add(s);
  }
}

/** purgedRow: the row is marked purged, so the object was not among those hashed from the start. */
type ToHash = { readonly name: string; readonly exp: ObjectExpectation; readonly purgedRow: boolean };

function objectProblems(name: string, exp: ObjectExpectation, r: ObjectHash): VerifyProblem[] {
  const where = { event: exp.event, item: exp.item, object: name };
  if (r.kind === 'missing') return [{ check: 'object.missing', ...where, message: `The encrypted file of ${exp.kind} ${exp.item} (object ${name.slice(0, 12)}…) is missing.` }];
  if (r.kind === 'error') return [{ check: 'object.decrypt', ...where, message: `The encrypted file of ${exp.kind} ${exp.item} (object ${name.slice(0, 12)}…) cannot be decrypted: ${r.message}` }];
  const out: VerifyProblem[] = [];
  if (r.sha256 !== exp.sha256) out.push({ check: 'object.hash', ...where, message: `The content of ${exp.kind} ${exp.item} (object ${name.slice(0, 12)}…) is not what event #${exp.event} recorded.`, expected: exp.sha256, found: r.sha256 });
  if (r.size !== exp.size) out.push({ check: 'object.size', ...where, message: `The size of ${exp.kind} ${exp.item} differs from event #${exp.event}.`, expected: String(exp.size), found: String(r.size) });
  return out;
}

/** Object rows read per page by the scans of section 4. */
const ROW_PAGE = 1000;

/**
 * Each file in blobs/ (in the order the folders list them) that names no live object row. A shard folder's files are
 * checked against the live names of that shard (its two-character prefix) only; anything else is looked up alone.
 */
async function unknownBlobFiles(vault: Vault): Promise<string[]> {
  const unknown: string[] = [];
  const onUnknown = (file: string): void => void unknown.push(file);
  const blobsDir = vault.blobs.blobsDir;
  const known = (name: string): boolean => objectRow(vault.store, name)?.purgedAt === null;
  let dirs: string[];
  try {
    dirs = await fsp.readdir(blobsDir);
  } catch {
    return unknown;
  }
  for (const d of dirs) {
    let files: string[];
    try {
      files = await fsp.readdir(path.join(blobsDir, d));
    } catch {
      if (!known(d)) onUnknown(d);
      continue;
    }
    const shard = /^[0-9a-f]{2}$/.test(d) ? new Set(liveObjectNamesBetween(vault.store, d, d[0]! + String.fromCharCode(d.charCodeAt(1) + 1))) : undefined;
    for (const f of files) {
      if (!(shard && f.startsWith(d) ? shard.has(f) : known(f))) onUnknown(f);
    }
  }
  return unknown;
}

/**
 * vault.json as it is now on disk (the vault was opened with it, but it may have been damaged since, and an unlock
 * checks only the envelope it uses): both envelopes present and intact, so the other unlock method still works.
 */
function headerProblems(vaultDir: string): string[] {
  let header;
  try {
    header = readVaultHeader(path.join(vaultDir, VAULT_FILES.header));
  } catch (e) {
    return [e instanceof HuellaError ? e.message : 'vault.json cannot be read.'];
  }
  const out: string[] = [];
  for (const method of ['passphrase', 'recovery'] as const) {
    const env = header.envelopes.find((e) => e.method === method);
    if (!env) out.push(`vault.json has no ${method} envelope: the vault can no longer be opened with the ${method === 'passphrase' ? 'passphrase' : 'recovery key'}.`);
    else {
      const damage = envelopeDamage(env);
      if (damage) out.push(damage);
    }
  }
  return out;
}
