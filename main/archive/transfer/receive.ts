import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { StagedObject } from '../blobs/store';
import { commitment } from '../custody/commitment';
import { ed25519Verify } from '../custody/ed25519';
import { parseCanonicalJson } from '../custody/jcs';
import { leafHash } from '../custody/merkle';
import { formatMinisignPublicKey, keyIdFromPublicKey, minisignKeyIdHex, minisignVerify } from '../custody/minisign';
import { verifyCheckpoint, type VerifiedCheckpoint } from '../custody/checkpoint';
import { verifyTlogProof } from '../custody/tlog-proof';
import type { CustodyEvent } from '../custody/log';
import { createCase, addCaseItems } from '../catalogue/cases';
import { indexItem } from '../catalogue/search-index';
import {
  insertReceivedItem,
  itemBySha256,
  pinSender,
  pinnedSenderByFingerprint,
  receivedBundle,
  recordReceivedBundle,
  recordReceivedCustody,
  type PinnedSender,
} from '../db/transfers';
import { HuellaError, fromSystemError, msg, type KnownMessage } from '../errors';
import { newItemId } from '../ids';
import type { Vault } from '../vault/vault';
import { contactFingerprint, contactLine, displayFingerprint, fingerprintMatches, fingerprintWords, parseContactCard, vaultContactCard, type ContactCard } from './contact';
import {
  BUNDLE_FILES,
  parseBundleCustody,
  parseBundleManifest,
  parseBundleRecords,
  signatureComment,
  type BundleCustody,
  type BundleEvent,
  type BundleItemRecord,
  type BundleManifest,
  type BundleRecords,
} from './format';

/**
 * `huella receive <vault> <bundle>` (DESIGN §9): everything is checked before anything is stored, and stored in one
 * transaction:
 *   manifest     bundle.json parses, is addressed to THIS vault, and was not received before (replay)
 *   sender       custody.age (readable only by this vault) names the sender's card; bundle.json's minisign
 *                signature verifies under that card's custody key; the key is pinned at first use (shown as a
 *                fingerprint and words to compare) and must match a pinned or expected sender afterwards
 *   files        records.age and custody.age are the files bundle.json lists (size, SHA-256)
 *   log          the sender's checkpoint verifies; every event is canonical, signed by the sender and included in
 *                that checkpoint; the transfer event names this bundle and this vault
 *   records      each item's ingest event is in the log, with its hash, size and commitments (name, metadata), and
 *                the transfer event commits to its hash
 *   objects      every object file is the one bundle.json lists, decrypts with this vault's identity, and its
 *                plaintext has the SHA-256 and size the records (and the sender's signed ingest event) state
 * Then each new original is stored under this vault's own keyed name with an `item.received` event naming the
 * sender's log origin, the seqs and leaf hashes of its ingest and transfer events, and the checkpoint. Content
 * already in the vault is not stored twice (reported as a duplicate).
 */

export type ReceiveOptions = {
  /** Pin a sender this vault has never received from (after the person compared the fingerprint). */
  readonly acceptNewSender?: boolean;
  /** The sender's fingerprint (as printed, or in full): a bundle signed by anyone else is refused. */
  readonly expectSender?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { readonly done: number; readonly total: number; readonly bytesDone: number; readonly bytesTotal: number }) => void;
  readonly now?: Date;
};

export type SenderInfo = {
  readonly fingerprint: string;
  readonly display: string;
  readonly words: readonly string[];
  readonly origin: string;
  readonly newlyPinned: boolean;
};

export type ReceivedItem = {
  readonly itemId: string;
  readonly senderItemId: string;
  readonly status: 'received' | 'duplicate';
  readonly sha256: string;
  readonly size: number;
  readonly eventSeq?: number;
};

export type ReceiveReport = {
  readonly bundleId: string;
  readonly sender: SenderInfo;
  readonly items: readonly ReceivedItem[];
  readonly caseId?: string;
  readonly checkpoint: { readonly size: number; readonly root: string };
};

export async function receiveBundle(vault: Vault, bundleDir: string, options: ReceiveOptions = {}): Promise<ReceiveReport> {
  const dir = path.resolve(bundleDir);
  const { manifest, manifestBytes, signature } = await readManifest(dir);
  checkAddressedHere(vault, manifest);
  checkNotReceived(vault, manifest.bundleId);
  const custodyBytes = await readListedFile(dir, BUNDLE_FILES.custody, manifest.custody);
  const custody = parseBundleCustody(await decryptForVault(vault, custodyBytes, 'custody.age'));
  const sender = parseContactCard(custody.sender);
  await checkSignature(manifest, manifestBytes, signature, sender);
  const pin = checkSender(vault, sender, custody.origin, options);
  const log = verifySenderLog(custody, manifest, sender, contactFingerprint(vaultContactCard(vault)));
  const records = parseBundleRecords(await decryptForVault(vault, await readListedFile(dir, BUNDLE_FILES.records, manifest.records), 'records.age'));
  checkRecords(records, manifest, log);
  const staged = await stageObjects(vault, dir, manifest, records, options);
  try {
    const report = commitReceipt(vault, { manifest, custody, records, log, staged, pin, sender, now: options.now ?? new Date() });
    for (const s of staged.values()) if (s.object) await vault.blobs.publish(s.object.name);
    return report;
  } catch (e) {
    for (const s of staged.values()) if (s.object) await vault.blobs.discard(s.object).catch(() => undefined);
    throw fromSystemError(e, 'recording the received items');
  }
}

// ─── manifest and signature ─────────────────────────────────────────────────────────────────────────────────────

async function readManifest(dir: string): Promise<{ manifest: BundleManifest; manifestBytes: Buffer; signature: Buffer }> {
  const manifestBytes = await readBundleFile(dir, BUNDLE_FILES.manifest, msg('problem.transfer.notABundle'));
  const manifest = parseBundleManifest(manifestBytes);
  const signature = await readBundleFile(
    dir,
    BUNDLE_FILES.signature,
    msg('problem.transfer.unfinished'),
  );
  return { manifest, manifestBytes, signature };
}

async function readBundleFile(dir: string, name: string, missing: KnownMessage): Promise<Buffer> {
  try {
    return await fsp.readFile(path.join(dir, name));
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new HuellaError('PACKET_INVALID', missing);
    throw fromSystemError(e, `reading ${name} of the bundle`);
  }
}

function checkAddressedHere(vault: Vault, manifest: BundleManifest): void {
  const mine = contactFingerprint(vaultContactCard(vault));
  if (manifest.recipient.fingerprint !== mine) {
    throw new HuellaError('INVALID_INPUT', msg('problem.transfer.notForThisVault', { recipient: displayFingerprint(manifest.recipient.fingerprint), mine: displayFingerprint(mine) }), {
      details: { refusal: 'not-for-this-vault' },
    });
  }
}

function checkNotReceived(vault: Vault, bundleId: string): void {
  const earlier = receivedBundle(vault.store, bundleId);
  if (earlier) {
    throw new HuellaError('CONFLICT', msg('problem.transfer.replay', { bundleId, receivedAt: earlier.receivedAt }), {
      details: { bundleId, receivedAt: earlier.receivedAt, refusal: 'replay' },
    });
  }
}

async function readListedFile(dir: string, name: string, entry: { size: number; sha256: string }): Promise<Buffer> {
  const bytes = await readBundleFile(dir, name, msg('problem.transfer.fileMissing', { file: name }));
  if (bytes.length !== entry.size || sha256Hex(bytes) !== entry.sha256) {
    throw new HuellaError('PACKET_INVALID', msg('problem.transfer.fileChanged', { file: name, size: bytes.length, expected: entry.size }), {
      details: { file: name, refusal: 'tampered' },
    });
  }
  return bytes;
}

async function decryptForVault(vault: Vault, bytes: Buffer, what: string): Promise<Buffer> {
  try {
    return await vault.decryptOwnAgeFile(bytes);
  } catch (e) {
    if (e instanceof HuellaError && e.code === 'AGE_NO_IDENTITY_MATCHED') {
      throw new HuellaError('INVALID_INPUT', msg('problem.transfer.notEncryptedHere', { file: what }), { cause: e, details: { refusal: 'not-for-this-vault' } });
    }
    if (e instanceof HuellaError) throw new HuellaError('PACKET_INVALID', `${what} cannot be decrypted: ${e.message}`, { cause: e, details: { file: what } });
    throw e;
  }
}

/**
 * bundle.json must be signed by the custody key the sender's card (inside custody.age) names. custody.age itself is
 * authenticated only through bundle.json's hash of it, which is why its size and hash are checked right after.
 */
async function checkSignature(manifest: BundleManifest, manifestBytes: Buffer, signature: Buffer, sender: ContactCard): Promise<void> {
  const expectedKeyId = minisignKeyIdHex(keyIdFromPublicKey(sender.custodyKey));
  const r = await minisignVerify(formatMinisignPublicKey(sender.custodyKey), signature, manifestBytes);
  if (!r.ok) {
    const text = r.reason === 'KEY_ID_MISMATCH' ? msg('problem.transfer.signedByOtherKey', { keyId: expectedKeyId }) : msg('problem.transfer.signatureInvalid');
    throw new HuellaError('SIGNATURE_INVALID', text, { details: { file: BUNDLE_FILES.signature, refusal: r.reason === 'KEY_ID_MISMATCH' ? 'another-signer' : 'tampered', detail: r.message } });
  }
  if (r.trustedComment !== signatureComment(manifest.bundleId)) {
    throw new HuellaError('SIGNATURE_INVALID', 'The bundle\'s signature was made for another bundle (its trusted comment names another bundle id). Nothing was imported.');
  }
  if (manifest.sender.keyId !== expectedKeyId) {
    throw new HuellaError('SIGNATURE_INVALID', `bundle.json names sender key ${manifest.sender.keyId}, but it is signed by ${expectedKeyId}. Nothing was imported.`);
  }
}

function checkSender(vault: Vault, sender: ContactCard, origin: string, options: ReceiveOptions): { readonly pinned?: PinnedSender; readonly info: SenderInfo } {
  const fingerprint = contactFingerprint(sender);
  const info = { fingerprint, display: displayFingerprint(fingerprint), words: fingerprintWords(fingerprint), origin };
  if (options.expectSender !== undefined && !fingerprintMatches(options.expectSender, fingerprint)) {
    throw new HuellaError('SIGNATURE_INVALID', msg('problem.transfer.unexpectedSender', { sender: info.display, words: info.words.join(' ') }), {
      details: { sender: info.display, refusal: 'another-signer' },
    });
  }
  const pinned = pinnedSenderByFingerprint(vault.store, fingerprint);
  if (pinned) {
    if (pinned.origin !== origin) {
      throw new HuellaError('VERIFY_FAILED', `This sender's key now signs another log (${origin}) than the one pinned on ${pinned.firstSeen}. Nothing was imported.`);
    }
    return { pinned, info: { ...info, newlyPinned: false } };
  }
  if (!options.acceptNewSender) {
    throw new HuellaError('CONSENT_REQUIRED', msg('problem.transfer.newSender', { sender: info.display, words: info.words.join(' ') }), {
      details: { sender: info.display, words: info.words.join(' '), fingerprint, refusal: 'new-sender' },
    });
  }
  return { info: { ...info, newlyPinned: true } };
}

// ─── the sender's log ───────────────────────────────────────────────────────────────────────────────────────────

type VerifiedEvent = { readonly bundled: BundleEvent; readonly bytes: Buffer; readonly event: CustodyEvent; readonly leaf: Buffer };

type VerifiedLog = {
  readonly checkpoint: VerifiedCheckpoint;
  readonly events: ReadonlyMap<number, VerifiedEvent>;
  readonly transfer: VerifiedEvent;
  readonly transferCommitments: ReadonlySet<string>;
};

function verifySenderLog(custody: BundleCustody, manifest: BundleManifest, sender: ContactCard, myFingerprint: string): VerifiedLog {
  if (custody.bundleId !== manifest.bundleId) throw logError('custody.age belongs to another bundle');
  const verifier = { name: custody.origin, publicKey: sender.custodyKey };
  let checkpoint: VerifiedCheckpoint;
  try {
    checkpoint = verifyCheckpoint(custody.checkpoint, verifier);
  } catch (e) {
    throw logError(`the sender's checkpoint does not verify (${(e as Error).message})`);
  }
  const events = new Map<number, VerifiedEvent>();
  for (const b of custody.events) {
    const bytes = Buffer.from(b.event, 'utf8');
    let event: CustodyEvent;
    try {
      event = parseCanonicalJson(bytes) as CustodyEvent;
    } catch {
      throw logError(`event #${b.seq} is not a canonical custody event`);
    }
    if (event.seq !== b.seq) throw logError(`event #${b.seq} says it is #${String(event.seq)}`);
    if (!ed25519Verify(sender.custodyKey, bytes, Buffer.from(b.signature, 'base64'))) throw logError(`event #${b.seq} is not signed by the sender's key`);
    let index: number;
    try {
      const verified = verifyTlogProof(b.proof, bytes, verifier);
      if (verified.checkpoint.text !== checkpoint.text || verified.checkpoint.size !== checkpoint.size) throw new Error('its proof is against another checkpoint');
      index = verified.index;
    } catch (e) {
      throw logError(`event #${b.seq} is not included in the sender's signed log (${(e as Error).message})`);
    }
    if (index !== b.seq) throw logError(`event #${b.seq} is proven at index ${index}`);
    if (events.has(b.seq)) throw logError(`event #${b.seq} appears twice`);
    events.set(b.seq, { bundled: b, bytes, event, leaf: leafHash(bytes) });
  }
  const transfer = events.get(custody.transferSeq);
  if (!transfer || transfer.event.type !== 'items.transferred') throw logError('the sender\'s items.transferred event for this bundle is missing');
  const d = transfer.event.data as { bundle?: unknown; recipient?: unknown; objects?: unknown };
  if (d.bundle !== manifest.bundleId) throw logError('the sender\'s transfer event names another bundle');
  if (d.recipient !== myFingerprint) throw logError('the sender\'s transfer event names another recipient');
  if (!Array.isArray(d.objects) || !d.objects.every((o) => typeof o === 'string')) throw logError('the sender\'s transfer event lists no objects');
  return { checkpoint, events, transfer, transferCommitments: new Set(d.objects as string[]) };
}

function logError(why: string): HuellaError {
  return new HuellaError('VERIFY_FAILED', `The sender's custody records do not verify: ${why}. Nothing was imported.`);
}

// ─── records ────────────────────────────────────────────────────────────────────────────────────────────────────

function checkRecords(records: BundleRecords, manifest: BundleManifest, log: VerifiedLog): void {
  if (records.bundleId !== manifest.bundleId) throw recordError('records.age belongs to another bundle');
  const listed = new Set(manifest.objects.map((o) => o.name));
  const used = new Set<string>();
  if (records.items.length !== log.transferCommitments.size) throw recordError(`it holds ${records.items.length} items but the sender's transfer event lists ${log.transferCommitments.size}`);
  for (const r of records.items) {
    const label = `item ${r.sender.itemId}`;
    if (!listed.has(r.object)) throw recordError(`${label} points to an object bundle.json does not list`);
    if (used.has(r.object)) throw recordError(`two items point to the same object`);
    used.add(r.object);
    const ingest = log.events.get(r.sender.ingestSeq);
    if (!ingest || (ingest.event.type !== 'item.ingested' && ingest.event.type !== 'item.received') || ingest.event.subject !== r.sender.itemId) {
      throw recordError(`${label}: its ingest event #${r.sender.ingestSeq} is not in the sender's records`);
    }
    const d = ingest.event.data as { sha256?: unknown; size?: unknown; nameCommitment?: unknown; metadataCommitment?: unknown };
    if (d.sha256 !== r.sha256 || d.size !== r.size) throw recordError(`${label}: its hash or size differs from the sender's signed ingest event`);
    const salt = Buffer.from(r.commitSalt, 'base64');
    if (d.nameCommitment !== commitment(salt, r.originalName)) throw recordError(`${label}: its file name is not the one the sender's ingest event committed to`);
    if (d.metadataCommitment !== commitment(salt, r.metadata)) throw recordError(`${label}: its metadata is not what the sender's ingest event committed to`);
    if (!log.transferCommitments.has(commitment(Buffer.from(r.transferSalt, 'base64'), r.sha256))) throw recordError(`${label} is not among the items the sender's transfer event lists`);
  }
  if (used.size !== listed.size) throw recordError('bundle.json lists objects that no record describes');
}

function recordError(why: string): HuellaError {
  return new HuellaError('VERIFY_FAILED', `The bundle's records do not match the sender's custody log: ${why}. Nothing was imported.`);
}

// ─── objects ────────────────────────────────────────────────────────────────────────────────────────────────────

type StagedItem = { readonly record: BundleItemRecord; readonly object?: StagedObject; readonly duplicateOf?: string };

async function stageObjects(vault: Vault, dir: string, manifest: BundleManifest, records: BundleRecords, options: ReceiveOptions): Promise<Map<string, StagedItem>> {
  const entries = new Map(manifest.objects.map((o) => [o.name, o]));
  const staged = new Map<string, StagedItem>();
  const bytesTotal = manifest.objects.reduce((a, o) => a + o.size, 0);
  let bytesDone = 0;
  let done = 0;
  try {
    for (const record of records.items) {
      options.signal?.throwIfAborted();
      const existing = itemBySha256(vault.store, Buffer.from(record.sha256, 'hex'));
      const entry = entries.get(record.object)!;
      const file = path.join(dir, BUNDLE_FILES.objects, record.object);
      await checkObjectFile(file, entry);
      if (existing && !existing.purged) {
        staged.set(record.object, { record, duplicateOf: existing.itemId });
      } else {
        const object = await stageOne(vault, file, record, options.signal);
        staged.set(record.object, { record, object });
      }
      bytesDone += entry.size;
      done++;
      options.onProgress?.({ done, total: records.items.length, bytesDone, bytesTotal });
    }
  } catch (e) {
    for (const s of staged.values()) if (s.object) await vault.blobs.discard(s.object).catch(() => undefined);
    if (options.signal?.aborted) throw new HuellaError('CANCELLED', 'Cancelled: nothing was imported.', { cause: e });
    throw e;
  }
  return staged;
}

/** The object file is the one bundle.json lists: same size, same SHA-256 of the ciphertext. */
async function checkObjectFile(file: string, entry: { name: string; size: number; sha256: string }): Promise<void> {
  const h = crypto.createHash('sha256');
  let size = 0;
  try {
    const fh = await fsp.open(file, 'r');
    try {
      for await (const chunk of fh.createReadStream({ highWaterMark: 1024 * 1024, autoClose: false, start: 0 })) {
        h.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
    } finally {
      await fh.close();
    }
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new HuellaError('PACKET_INVALID', msg('problem.transfer.objectMissing', { object: `${entry.name.slice(0, 16)}…` }), { details: { object: entry.name, refusal: 'incomplete' } });
    throw fromSystemError(e, 'reading an object of the bundle');
  }
  if (size !== entry.size) {
    throw new HuellaError('PACKET_INVALID', msg('problem.transfer.objectSize', { object: `${entry.name.slice(0, 16)}…`, size, expected: entry.size }), {
      details: { object: entry.name, refusal: 'tampered' },
    });
  }
  if (h.digest('hex') !== entry.sha256) {
    throw new HuellaError('PACKET_INVALID', msg('problem.transfer.objectChanged', { object: `${entry.name.slice(0, 16)}…` }), {
      details: { object: entry.name, refusal: 'tampered' },
    });
  }
}

async function stageOne(vault: Vault, file: string, record: BundleItemRecord, signal: AbortSignal | undefined): Promise<StagedObject> {
  const fh = await fsp.open(file, 'r');
  let object: StagedObject;
  try {
    object = await vault.blobs.stageReceived(fh, { maxBytes: record.size, ...(signal ? { signal } : {}) });
  } catch (e) {
    if (e instanceof HuellaError && (e.code === 'AGE_INTEGRITY' || e.code === 'AGE_FORMAT' || e.code === 'AGE_NO_IDENTITY_MATCHED' || e.code === 'FILE_TOO_LARGE')) {
      throw new HuellaError('PACKET_INVALID', `Object ${record.object.slice(0, 16)}… does not decrypt as the sender's item ${record.sender.itemId}: ${e.message} Nothing was imported.`, {
        cause: e,
        details: { object: record.object, refusal: 'tampered' },
      });
    }
    throw e;
  } finally {
    await fh.close();
  }
  if (object.sha256.toString('hex') !== record.sha256 || object.size !== record.size) {
    await vault.blobs.discard(object);
    throw new HuellaError('PACKET_INVALID', msg('problem.transfer.objectContent', { object: `${record.object.slice(0, 16)}…`, item: record.sender.itemId }), {
      details: { object: record.object, refusal: 'tampered' },
    });
  }
  return object;
}

// ─── commit ─────────────────────────────────────────────────────────────────────────────────────────────────────

type CommitInput = {
  readonly manifest: BundleManifest;
  readonly custody: BundleCustody;
  readonly records: BundleRecords;
  readonly log: VerifiedLog;
  readonly staged: ReadonlyMap<string, StagedItem>;
  readonly pin: { readonly pinned?: PinnedSender; readonly info: SenderInfo };
  readonly sender: ContactCard;
  readonly now: Date;
};

function commitReceipt(vault: Vault, c: CommitInput): ReceiveReport {
  const receivedAt = c.now.toISOString();
  const root = c.log.checkpoint.rootHash.toString('base64');
  return vault.transaction(() => {
    checkNotReceived(vault, c.manifest.bundleId); // a second receipt that ran in parallel committed first
    if (!c.pin.pinned) pinSender(vault.store, { fingerprint: c.pin.info.fingerprint, card: contactLine(c.sender), publicKey: c.sender.custodyKey, origin: c.custody.origin, firstSeen: receivedAt });
    const items: ReceivedItem[] = [];
    const custodyRows: { itemId: string; json: string }[] = [];
    let lastSeq = -1;
    for (const { record, object, duplicateOf } of c.staged.values()) {
      if (duplicateOf || !object) {
        items.push({ itemId: duplicateOf!, senderItemId: record.sender.itemId, status: 'duplicate', sha256: record.sha256, size: record.size });
        continue;
      }
      const item = receiveItem(vault, c, record, object, { receivedAt, root });
      lastSeq = item.eventSeq!;
      custodyRows.push({ itemId: item.itemId, json: senderCustodyFor(c, record) });
      items.push(item);
    }
    recordReceivedBundle(vault.store, {
      bundleId: c.manifest.bundleId,
      sender: c.pin.info.fingerprint,
      receivedAt,
      items: items.filter((i) => i.status === 'received').length,
      duplicates: items.filter((i) => i.status === 'duplicate').length,
      eventSeq: lastSeq,
    });
    for (const r of custodyRows) recordReceivedCustody(vault.store, r.itemId, c.manifest.bundleId, r.json);
    const caseId = c.records.case ? fileInNewCase(vault, c.records.case, items) : undefined;
    vault.log.writeCheckpoint('receive');
    return {
      bundleId: c.manifest.bundleId,
      sender: c.pin.info,
      items,
      ...(caseId ? { caseId } : {}),
      checkpoint: { size: c.log.checkpoint.size, root },
    };
  });
}

/** One new item: its item.received event (what the sender's log proves about it), its row, its search entry. */
function receiveItem(vault: Vault, c: CommitInput, record: BundleItemRecord, object: StagedObject, at: { readonly receivedAt: string; readonly root: string }): ReceivedItem {
  const itemId = newItemId();
  const ingest = c.log.events.get(record.sender.ingestSeq)!;
  const ev = vault.log.append(
    'item.received',
    itemId,
    {
      sha256: record.sha256,
      size: record.size,
      mediaType: record.mediaType,
      nameCommitment: (ingest.event.data as { nameCommitment: string }).nameCommitment,
      metadataCommitment: (ingest.event.data as { metadataCommitment: string }).metadataCommitment,
      from: {
        origin: c.custody.origin,
        bundle: c.manifest.bundleId,
        sender: c.pin.info.fingerprint,
        itemId: record.sender.itemId,
        ingestSeq: record.sender.ingestSeq,
        ingestLeaf: ingest.leaf.toString('hex'),
        transferSeq: c.log.transfer.event.seq,
        transferLeaf: c.log.transfer.leaf.toString('hex'),
        checkpointSize: c.log.checkpoint.size,
        checkpointRoot: at.root,
      },
    },
    c.now,
  );
  const gps = (record.metadata as { gps?: { lat?: unknown; lon?: unknown } }).gps;
  insertReceivedItem(vault.store, {
    id: itemId,
    objectName: object.name,
    sha256: object.sha256,
    size: object.size,
    mediaType: record.mediaType,
    originalName: record.originalName,
    sourceNote: `received from ${c.pin.info.display}`,
    receivedAt: at.receivedAt,
    eventSeq: ev.seq,
    metadata: JSON.stringify(record.metadata),
    commitSalt: Buffer.from(record.commitSalt, 'base64'),
    captureTime: record.captureTime ?? null,
    gpsLat: typeof gps?.lat === 'number' ? gps.lat : null,
    gpsLon: typeof gps?.lon === 'number' ? gps.lon : null,
    title: record.title ?? null,
    description: record.description ?? null,
    place: record.place ?? null,
  });
  indexItem(vault, itemId);
  return { itemId, senderItemId: record.sender.itemId, status: 'received', sha256: record.sha256, size: record.size, eventSeq: ev.seq };
}

/** The case the sender shared, made anew in this vault, with every item of the bundle (received or already here). */
function fileInNewCase(vault: Vault, shared: NonNullable<BundleRecords['case']>, items: readonly ReceivedItem[]): string {
  const caseId = createCase(vault, { title: shared.title, ...(shared.country ? { country: shared.country } : {}), ...(shared.summary ? { summary: shared.summary } : {}) }).id;
  addCaseItems(vault, { caseId, itemIds: items.map((i) => i.itemId) });
  return caseId;
}

/** The sender's link of the chain for one item, kept so this vault's packets can carry it. */
function senderCustodyFor(c: CommitInput, record: BundleItemRecord): string {
  const relevant = [...c.log.events.values()].filter((e) => e.event.subject === record.sender.itemId || e.event.seq === c.log.transfer.event.seq);
  return JSON.stringify({
    sender: contactLine(c.sender),
    origin: c.custody.origin,
    checkpoint: c.custody.checkpoint,
    itemId: record.sender.itemId,
    ingestSeq: record.sender.ingestSeq,
    transferSeq: c.log.transfer.event.seq,
    transferSalt: record.transferSalt,
    events: relevant.map((e) => e.bundled),
  });
}

function sha256Hex(b: Uint8Array): string {
  return crypto.createHash('sha256').update(b).digest('hex');
}
