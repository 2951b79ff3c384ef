import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '../custody/jcs';
import { ed25519Verify } from '../custody/ed25519';
import { emptyRoot, leafHash, nodeHash, treeRoot, verifyConsistency } from '../custody/merkle';
import { parseCheckpointBody } from '../custody/checkpoint';
import { openNote } from '../custody/note';
import { CUSTODY_EVENT_TYPES } from '../custody/event-types';
import { EVENT_VERSION, GENESIS_PREV, type CustodyEvent } from '../custody/log';
import { eventCount, iterateEvents, iterateMerkleNodes } from '../db/custody';
import { itemIngestRecords } from '../db/items';
import { allObjects } from '../db/objects';
import { databaseIntegrityProblems } from '../db/open';
import { HuellaError } from '../errors';
import { envelopeDamage } from '../vault/envelope';
import { readVaultHeader } from '../vault/header';
import { VAULT_FILES, type Vault } from '../vault/vault';
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
const EVENT_KEYS = ['actor', 'data', 'prev', 'seq', 'subject', 'time', 'type', 'v'];

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
  for (const message of headerProblems(vault.dir)) add({ check: 'vault.header', message });
  const databaseProblems = databaseIntegrityProblems(vault.store);
  for (const msg of databaseProblems) add({ check: 'database.integrity', message: `Database integrity check: ${msg}` });
  if (databaseProblems.length > 0) {
    // Nothing read from a damaged database can be trusted (or even read): report that and stop here.
    return { ok: false, problems, events: 0, checkpoints: 0, objects: 0, bytesHashed: 0, root: '' };
  }

  const publicKey = vault.log.publicKey;
  if (options.expectedPublicKey && !options.expectedPublicKey.equals(publicKey)) {
    add({ check: 'external.key', message: 'The vault signs with a different key than the one you expected.', expected: options.expectedPublicKey.toString('base64'), found: publicKey.toString('base64') });
  }

  // 1. Events: sequence, canonical form, chain, stored hash, signature, field shape.
  const total = eventCount(vault.store);
  const leaves: Buffer[] = [];
  const expectations = new Map<string, ObjectExpectation>(); // sha256 hex → expectation (originals + derived)
  const purged = new Set<string>();
  const itemEvents = new Map<string, number>(); // item id → seq of item.ingested
  let prevHash = GENESIS_PREV;
  let expectedSeq = 0;
  const rows = iterateEvents(vault.store);
  for (const row of rows) {
    if (options.signal?.aborted) throw new HuellaError('CANCELLED', 'Verification cancelled.');
    if (row.seq !== expectedSeq) {
      add({ check: 'event.sequence', event: row.seq, message: `Custody log has a gap or reordering: expected event #${expectedSeq}, found #${row.seq}.`, expected: String(expectedSeq), found: String(row.seq) });
      expectedSeq = row.seq;
    }
    const actualHash = crypto.createHash('sha256').update(row.bytes).digest();
    leaves.push(leafHash(row.bytes));
    if (!actualHash.equals(row.hash)) {
      add({ check: 'event.hash', event: row.seq, message: `Event #${row.seq}: stored hash does not match its bytes.`, expected: hex(actualHash), found: hex(row.hash) });
    }
    if (!ed25519Verify(publicKey, row.bytes, row.signature)) {
      add({ check: 'event.signature', event: row.seq, message: `Event #${row.seq}: the signature is not valid for the vault's key (the event was altered or signed by another key).` });
    }
    let ev: CustodyEvent | undefined;
    try {
      ev = JSON.parse(row.bytes.toString('utf8')) as CustodyEvent;
    } catch {
      add({ check: 'event.json', event: row.seq, message: `Event #${row.seq} is not valid JSON.` });
    }
    if (ev) {
      let canonical: string | undefined;
      try {
        canonical = canonicalJson(ev);
      } catch {
        canonical = undefined;
      }
      if (canonical !== row.bytes.toString('utf8')) {
        add({ check: 'event.canonical', event: row.seq, message: `Event #${row.seq} is not in canonical (RFC 8785) form.` });
      }
      const keys = Object.keys(ev).sort();
      if (keys.join(',') !== EVENT_KEYS.join(',') || ev.v !== EVENT_VERSION || typeof ev.time !== 'string' || typeof ev.data !== 'object' || ev.data === null) {
        add({ check: 'event.fields', event: row.seq, message: `Event #${row.seq} does not have the fields of a version-${EVENT_VERSION} custody event.`, found: keys.join(',') });
      }
      if (ev.seq !== row.seq) {
        add({ check: 'event.sequence', event: row.seq, message: `Event stored as #${row.seq} says it is #${String(ev.seq)}.`, expected: String(row.seq), found: String(ev.seq) });
      }
      if (ev.prev !== prevHash) {
        add({ check: 'event.chain', event: row.seq, message: `Event #${row.seq} does not link to the event before it (hash chain broken: an event was changed, removed or reordered).`, expected: prevHash, found: String(ev.prev) });
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
      collectExpectations(ev, expectations, purged, itemEvents);
    }
    prevHash = actualHash.toString('hex');
    expectedSeq++;
    if (expectedSeq % 1000 === 0) progress({ phase: 'events', done: expectedSeq, total, bytesDone: 0, bytesTotal: 0 });
  }
  progress({ phase: 'events', done: leaves.length, total, bytesDone: 0, bytesTotal: 0 });

  // 2. Tree: every stored node of a complete subtree must equal the recomputed one.
  progress({ phase: 'tree', done: 0, total: 1, bytesDone: 0, bytesTotal: 0 });
  const levels: Buffer[][] = [leaves];
  while (levels[levels.length - 1]!.length > 1) {
    const below = levels[levels.length - 1]!;
    const above: Buffer[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) above.push(nodeHash(below[i]!, below[i + 1]!));
    levels.push(above);
  }
  const storedNodes = iterateMerkleNodes(vault.store);
  let nodesSeen = 0;
  for (const n of storedNodes) {
    nodesSeen++;
    const expected = levels[n.level]?.[n.idx];
    if (!expected) {
      add({ check: 'merkle.node', message: `Merkle node (level ${n.level}, index ${n.idx}) covers events that do not exist.` });
    } else if (!expected.equals(n.hash)) {
      add({ check: 'merkle.node', event: n.level === 0 ? n.idx : undefined, message: `Merkle node (level ${n.level}, index ${n.idx}) does not match the events it covers.`, expected: expected.toString('base64'), found: n.hash.toString('base64') } as VerifyProblem);
    }
  }
  const completeNodes = levels.reduce((a, l) => a + l.length, 0);
  if (nodesSeen !== completeNodes) {
    add({ check: 'merkle.node', message: `The stored Merkle tree has ${nodesSeen} nodes; the log needs ${completeNodes}.`, expected: String(completeNodes), found: String(nodesSeen) });
  }
  // The recomputed levels hold every complete subtree, so a root at any size costs O(log n) reads.
  const recomputed = { getNode: (level: number, index: number) => levels[level]?.[index], putNode: () => undefined };
  const rootAt = (size: number): Buffer => (size === 0 ? emptyRoot() : treeRoot(recomputed, size));
  const currentRoot = rootAt(leaves.length);

  // 3. Checkpoints: signature, origin, and consistency with the recomputed tree (the root at their size must match).
  const verifier = { name: vault.log.origin, publicKey };
  const checkOne = (note: string, label: string, id: number | undefined, external: boolean): void => {
    const checkName = external ? 'external.checkpoint' : undefined;
    let body;
    try {
      const opened = openNote(note, verifier);
      body = parseCheckpointBody(opened.text);
    } catch (e) {
      add({ check: checkName ?? 'checkpoint.signature', ...(id !== undefined ? { checkpoint: id } : {}), message: `${label}: ${(e as Error).message}` });
      return;
    }
    if (body.origin !== vault.log.origin) {
      add({ check: checkName ?? 'checkpoint.origin', ...(id !== undefined ? { checkpoint: id } : {}), message: `${label} is for another log.`, expected: vault.log.origin, found: body.origin });
      return;
    }
    if (body.size > leaves.length) {
      add({ check: checkName ?? 'checkpoint.size', ...(id !== undefined ? { checkpoint: id } : {}), message: `${label} covers ${body.size} events but the log has only ${leaves.length}: events were removed (history rolled back).`, expected: `≥ ${body.size}`, found: String(leaves.length) });
      return;
    }
    const root = rootAt(body.size);
    if (!root.equals(body.rootHash)) {
      add({ check: checkName ?? 'checkpoint.consistency', ...(id !== undefined ? { checkpoint: id } : {}), message: `${label} (size ${body.size}) is not consistent with the current log: the first ${body.size} events are not the ones it signed (history was rewritten).`, expected: Buffer.from(body.rootHash).toString('base64'), found: root.toString('base64') });
      return;
    }
    if (body.size > 0 && body.size < leaves.length) {
      // Exercise the proof path too: what a reviewer holding only this checkpoint would check.
      const proof = vault.log.consistencyProof(body.size, leaves.length);
      if (!verifyConsistency(body.size, leaves.length, Buffer.from(body.rootHash), currentRoot, proof)) {
        add({ check: checkName ?? 'checkpoint.consistency', ...(id !== undefined ? { checkpoint: id } : {}), message: `${label}: the consistency proof from size ${body.size} to ${leaves.length} does not verify (stored tree is damaged).` });
      }
    }
  };
  const stored = vault.log.checkpoints();
  stored.forEach((c, i) => {
    checkOne(c.note, `Checkpoint ${c.id} (${c.reason}, ${c.createdAt})`, c.id, false);
    if (i % 100 === 0) progress({ phase: 'checkpoints', done: i, total: stored.length, bytesDone: 0, bytesTotal: 0 });
  });
  (options.externalCheckpoints ?? []).forEach((note, i) => checkOne(note, `Checkpoint you supplied (#${i + 1})`, undefined, true));

  // 4. Items and objects: every item has its ingest event; every object's bytes hash to what the signed log says.
  const items = itemIngestRecords(vault.store);
  for (const it of items) {
    const seq = itemEvents.get(it.id);
    if (seq === undefined) {
      add({ check: 'item.event', item: it.id, message: `Item ${it.id} has no item.ingested (or item.received) event in the custody log.` });
    } else if (seq !== it.ingestSeq) {
      add({ check: 'item.event', item: it.id, event: seq, message: `Item ${it.id} points at event #${it.ingestSeq} but was ingested in event #${seq}.`, expected: String(seq), found: String(it.ingestSeq) });
    }
  }
  const objects = allObjects(vault.store);
  const byName = new Map(objects.map((o) => [o.name, o]));
  const toHash: { name: string; exp: ObjectExpectation }[] = [];
  for (const [sha, exp] of expectations) {
    if (purged.has(sha)) continue;
    const name = vault.blobs.objectName(Buffer.from(sha, 'hex'));
    const row = byName.get(name);
    if (!row) {
      add({ check: 'object.row', event: exp.event, item: exp.item, object: name, message: `Event #${exp.event} (${exp.kind} of ${exp.item}) names content that the vault no longer lists.`, expected: sha });
      continue;
    }
    if (row.sha256.toString('hex') !== sha || row.size !== exp.size) {
      add({ check: 'object.row', event: exp.event, item: exp.item, object: name, message: `The database row of object ${name.slice(0, 12)}… disagrees with event #${exp.event}.`, expected: `${sha} / ${exp.size} bytes`, found: `${row.sha256.toString('hex')} / ${row.size} bytes` });
    }
    toHash.push({ name, exp });
  }
  for (const o of objects) {
    if (o.purgedAt) continue;
    if (vault.blobs.objectName(o.sha256) !== o.name) {
      add({ check: 'object.name', object: o.name, message: `Object ${o.name.slice(0, 12)}… is filed under a name that does not match its recorded hash.` });
    }
    if (!expectations.has(o.sha256.toString('hex'))) {
      add({ check: 'object.orphan', object: o.name, message: `Object ${o.name.slice(0, 12)}… is listed in the database but no custody event records it.` });
    }
  }
  let bytesHashed = 0;
  if (!options.skipObjects) {
    const bytesTotal = toHash.reduce((a, t) => a + t.exp.size, 0);
    let done = 0;
    for (const { name, exp } of toHash) {
      if (options.signal?.aborted) throw new HuellaError('CANCELLED', 'Verification cancelled.');
      const r = await hashObject(vault, name, (n) => {
        bytesHashed += n;
        progress({ phase: 'objects', done, total: toHash.length, bytesDone: bytesHashed, bytesTotal });
      });
      const where = { event: exp.event, item: exp.item, object: name };
      if (r.kind === 'missing') add({ check: 'object.missing', ...where, message: `The encrypted file of ${exp.kind} ${exp.item} (object ${name.slice(0, 12)}…) is missing.` });
      else if (r.kind === 'error') add({ check: 'object.decrypt', ...where, message: `The encrypted file of ${exp.kind} ${exp.item} (object ${name.slice(0, 12)}…) cannot be decrypted: ${r.message}` });
      else {
        if (r.sha256 !== exp.sha256) add({ check: 'object.hash', ...where, message: `The content of ${exp.kind} ${exp.item} (object ${name.slice(0, 12)}…) is not what event #${exp.event} recorded.`, expected: exp.sha256, found: r.sha256 });
        if (r.size !== exp.size) add({ check: 'object.size', ...where, message: `The size of ${exp.kind} ${exp.item} differs from event #${exp.event}.`, expected: String(exp.size), found: String(r.size) });
      }
      done++;
    }
    progress({ phase: 'objects', done, total: toHash.length, bytesDone: bytesHashed, bytesTotal });
    // Blob files that no database row knows (would be leftovers or planted files).
    const known = new Set(objects.filter((o) => !o.purgedAt).map((o) => o.name));
    for (const file of await listBlobFiles(vault.blobs.blobsDir)) {
      if (!known.has(file)) add({ check: 'object.orphan', object: file, message: `blobs/ holds a file (${file.slice(0, 12)}…) that the vault does not list.` });
    }
  }

  return {
    ok: problems.length === 0,
    problems,
    events: leaves.length,
    checkpoints: stored.length,
    objects: toHash.length,
    bytesHashed,
    root: currentRoot.toString('base64'),
  };
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

type HashResult = { kind: 'ok'; sha256: string; size: number } | { kind: 'missing' } | { kind: 'error'; message: string };

async function hashObject(vault: Vault, name: string, onBytes: (n: number) => void): Promise<HashResult> {
  try {
    await fsp.access(vault.blobs.pathOf(name));
  } catch {
    return { kind: 'missing' };
  }
  const hash = crypto.createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of vault.blobs.openPlaintext(name)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
      onBytes((chunk as Buffer).length);
    }
  } catch (e) {
    return { kind: 'error', message: e instanceof HuellaError ? e.message : 'unreadable' };
  }
  return { kind: 'ok', sha256: hash.digest('hex'), size };
}

async function listBlobFiles(blobsDir: string): Promise<string[]> {
  const out: string[] = [];
  let dirs: string[];
  try {
    dirs = await fsp.readdir(blobsDir);
  } catch {
    return out;
  }
  for (const d of dirs) {
    let files: string[];
    try {
      files = await fsp.readdir(path.join(blobsDir, d));
    } catch {
      out.push(d);
      continue;
    }
    for (const f of files) out.push(f);
  }
  return out;
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
