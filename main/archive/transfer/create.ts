import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ageEncryptBuffer } from '../blobs/age';
import { commitment, newCommitmentSalt } from '../custody/commitment';
import { minisignSign } from '../custody/minisign';
import { keyIdFromPublicKey, minisignKeyIdHex } from '../custody/minisign';
import { formatTlogProof } from '../custody/tlog-proof';
import { caseItemIds, itemForTransfer, eventSeqsForSubjects, eventTypesForSubject, recordSentBundle, type ItemForTransfer } from '../db/transfers';
import type { TransferPlanView } from '../../../shared/model/transfer';
import { HuellaError, fromSystemError } from '../errors';
import { fsyncDir } from '../fs/durable';
import { getCase } from '../catalogue/cases';
import { vaultIdFromBytes } from '../vault/secrets';
import type { Vault } from '../vault/vault';
import { contactFingerprint, contactLine, type ContactCard } from './contact';
import {
  BUNDLE_CUSTODY_FORMAT,
  BUNDLE_FILES,
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  BUNDLE_RECORDS_FORMAT,
  serializeBundleManifest,
  signatureComment,
  type BundleCaseRecord,
  type BundleCustody,
  type BundleItemRecord,
  type BundleManifest,
  type BundleObjectEntry,
} from './format';

/**
 * Making a transfer bundle (format.ts) for one recipient: the chosen items' originals re-wrapped to the recipient,
 * their catalogue records and the sender's custody events with proofs, each encrypted to the recipient; the sender's
 * log records `items.transferred`. Built in a hidden sibling folder and renamed into place when complete and signed,
 * so `out` holds a whole bundle or nothing.
 *
 * The items.transferred event travels in the sender's later packets, so it holds no list of plain hashes (that
 * would reveal every other item of the bundle to a packet's reader): per item a salted commitment to its SHA-256,
 * whose salt the recipient gets in records.age. The recipient checks its own items against it, and either side can
 * open one commitment for one exhibit without revealing the rest.
 */

export type CreateBundleInput = {
  readonly recipient: ContactCard;
  readonly caseId?: string;
  readonly itemIds?: readonly string[];
};

export type BundleProgress = { readonly done: number; readonly total: number; readonly bytesDone: number; readonly bytesTotal: number };

export type CreateBundleOptions = {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: BundleProgress) => void;
  readonly now?: Date;
  /**
   * 'copy' (a folder bundle, the default): every object written whole. 'reference' (the vault's S3 outbox only):
   * objects/ stays empty and OUTBOX_REFS lists, per object, its new age header and the stored object whose payload
   * follows it; push streams header ‖ payload from the blob store, so a 1 GiB original is read, not copied.
   */
  readonly objects?: 'copy' | 'reference';
};

/** In an outbox bundle made with objects: 'reference', the headers and stored objects of its objects (not part of the bundle format). */
export const OUTBOX_REFS = 'outbox-refs.json';
export const OUTBOX_REFS_FORMAT = 'huella-outbox-refs';
export type OutboxRef = { readonly name: string; readonly vaultObject: string; readonly header: string; readonly payloadOffset: number; readonly size: number };

export type CreateBundleReport = {
  readonly bundleId: string;
  readonly dir: string;
  readonly recipientFingerprint: string;
  readonly items: number;
  readonly bytes: number;
  readonly createdAt: string;
  readonly transferSeq: number;
  /** What left, for the person to review: per item the id, its title or file name, size. */
  readonly shared: readonly { readonly itemId: string; readonly label: string; readonly size: number }[];
  readonly case?: string;
};

export async function createBundle(vault: Vault, out: string, input: CreateBundleInput, options: CreateBundleOptions = {}): Promise<CreateBundleReport> {
  const dest = path.resolve(out);
  await assertAbsent(dest);
  const items = selectItems(vault, input);
  const caseRecord = input.caseId ? caseRecordOf(vault, input.caseId) : undefined;
  const bundleId = vaultIdFromBytes(crypto.randomBytes(16));
  const createdAt = (options.now ?? new Date()).toISOString();
  const building = path.join(path.dirname(dest), `.${path.basename(dest)}.partial-${crypto.randomBytes(4).toString('hex')}`);
  try {
    await fsp.mkdir(path.join(building, BUNDLE_FILES.objects), { recursive: true, mode: 0o700 });
    const objects = await writeObjects(vault, building, items, input.recipient, options);
    if (options.objects === 'reference') {
      const refs = [...objects.values()].map((o) => o.ref!);
      await writeSmall(building, OUTBOX_REFS, jsonBytes({ format: OUTBOX_REFS_FORMAT, version: 1, objects: refs }));
    }
    const records = itemRecords(items, objects);
    const transfer = recordTransfer(vault, bundleId, input.recipient, records, createdAt);
    const custody = custodyFile(vault, bundleId, items, transfer.seq);
    const recordsFile = await writeSmall(building, BUNDLE_FILES.records, await ageEncryptBuffer(jsonBytes({ format: BUNDLE_RECORDS_FORMAT, version: BUNDLE_FORMAT_VERSION, bundleId, ...(caseRecord ? { case: caseRecord } : {}), items: records.map((r) => r.record) }), [input.recipient.ageRecipient]));
    const custodyOut = await writeSmall(building, BUNDLE_FILES.custody, await ageEncryptBuffer(jsonBytes(custody), [input.recipient.ageRecipient]));
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      version: BUNDLE_FORMAT_VERSION,
      bundleId,
      createdAt,
      sender: { keyId: minisignKeyIdHex(keyIdFromPublicKey(vault.log.publicKey)) },
      recipient: { fingerprint: contactFingerprint(input.recipient) },
      records: recordsFile,
      custody: custodyOut,
      objects: [...objects.values()].map((o) => o.entry).sort((a, b) => (a.name < b.name ? -1 : 1)),
    };
    const manifestBytes = serializeBundleManifest(manifest);
    await writeSmall(building, BUNDLE_FILES.manifest, manifestBytes);
    const signature = await minisignSign(vault.signingSeed, vault.log.publicKey, manifestBytes, { trustedComment: signatureComment(bundleId), untrustedComment: 'Huella transfer bundle signature' });
    await writeSmall(building, BUNDLE_FILES.signature, signature); // last: a bundle without it is unfinished
    await fsyncDir(path.join(building, BUNDLE_FILES.objects));
    await fsyncDir(building);
    await fsp.rename(building, dest);
    await fsyncDir(path.dirname(dest));
    const bytes = manifest.objects.reduce((a, o) => a + o.size, 0) + recordsFile.size + custodyOut.size + manifestBytes.length + Buffer.byteLength(signature);
    return {
      bundleId,
      dir: dest,
      recipientFingerprint: manifest.recipient.fingerprint,
      items: items.length,
      bytes,
      createdAt,
      transferSeq: transfer.seq,
      shared: items.map((it) => ({ itemId: it.id, label: it.title ?? it.originalName, size: it.size })),
      ...(input.caseId ? { case: input.caseId } : {}),
    };
  } catch (e) {
    await fsp.rm(building, { recursive: true, force: true }).catch(() => undefined);
    if (options.signal?.aborted) throw new HuellaError('CANCELLED', 'Cancelled: no bundle was written.', { cause: e });
    throw fromSystemError(e, 'writing the transfer bundle');
  }
}

/**
 * What a bundle for `input` would carry, for the person to review before anything is written or sent: the
 * contract's TransferPlanView (each item's catalogue fields that travel besides hash, size, media type and original
 * name; its custody event types in log order, each travelling with its inclusion proof), with the recipient's
 * fingerprint only (the IPC handler adds its words).
 */
export type BundlePlan = Omit<TransferPlanView, 'recipient'> & { readonly recipientFingerprint: string };

/** The same selection as createBundle, read only: nothing is written, nothing recorded. */
export function planBundle(vault: Vault, input: CreateBundleInput): BundlePlan {
  const items = selectItems(vault, input);
  const c = input.caseId ? getCase(vault, input.caseId) : undefined;
  return {
    recipientFingerprint: contactFingerprint(input.recipient),
    ...(c ? { case: { id: c.id, title: c.title, ...(c.country ? { country: c.country } : {}), hasSummary: Boolean(c.summary) } } : {}),
    items: items.map((it) => ({
      itemId: it.id,
      label: it.title ?? it.originalName,
      size: it.size,
      mediaType: it.mediaType,
      fields: [
        ...(it.title ? (['title'] as const) : []),
        ...(it.description ? (['description'] as const) : []),
        ...(it.place ? (['place'] as const) : []),
        ...(it.captureTime ? (['captureTime'] as const) : []),
        ...(it.metadata && it.metadata !== '{}' ? (['metadata'] as const) : []),
      ],
      events: eventTypesForSubject(vault.store, it.id),
    })),
    bytes: items.reduce((a, it) => a + it.size, 0),
  };
}

async function assertAbsent(dest: string): Promise<void> {
  try {
    await fsp.lstat(dest);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return;
    throw fromSystemError(e, 'checking the bundle folder');
  }
  throw new HuellaError('INVALID_INPUT', 'Something already exists at that path; a bundle is always written to a new folder.');
}

/** The items to share: a case's live items and/or listed items, each once, none removed or purged. */
function selectItems(vault: Vault, input: CreateBundleInput): ItemForTransfer[] {
  const ids = new Set<string>();
  if (input.caseId) {
    getCase(vault, input.caseId); // NOT_FOUND if there is no such case
    for (const id of caseItemIds(vault.store, input.caseId)) ids.add(id);
  }
  for (const id of input.itemIds ?? []) ids.add(id);
  if (ids.size === 0) throw new HuellaError('INVALID_INPUT', 'Nothing to share: choose a case with items, or items.');
  return [...ids].map((id) => {
    const it = itemForTransfer(vault.store, id);
    if (!it) throw new HuellaError('NOT_FOUND', `No item with id ${id} in this vault.`);
    if (it.deleted || it.purged) throw new HuellaError('INVALID_INPUT', `Item ${id} was removed from the vault; restore it before sharing it.`);
    return it;
  });
}

function caseRecordOf(vault: Vault, caseId: string): BundleCaseRecord {
  const c = getCase(vault, caseId);
  return { title: c.title, ...(c.country ? { country: c.country } : {}), ...(c.summary ? { summary: c.summary } : {}) };
}

type WrittenObject = { readonly entry: BundleObjectEntry; readonly ref?: OutboxRef };

async function writeObjects(vault: Vault, building: string, items: readonly ItemForTransfer[], recipient: ContactCard, options: CreateBundleOptions): Promise<Map<string, WrittenObject>> {
  const context = Buffer.concat([recipient.ageRecipient, recipient.custodyKey]);
  const out = new Map<string, WrittenObject>();
  const bytesTotal = items.reduce((a, it) => a + it.size, 0);
  let bytesDone = 0;
  let done = 0;
  for (const it of items) {
    options.signal?.throwIfAborted();
    const name = vault.blobs.contextObjectName(it.sha256, context);
    const io = {
      ...(options.signal ? { signal: options.signal } : {}),
      onBytes: (n: number) => {
        bytesDone += n;
        options.onProgress?.({ done, total: items.length, bytesDone, bytesTotal });
      },
    };
    if (options.objects === 'reference') {
      const r = await vault.blobs.rewrappedHeader(it.objectName, [recipient.ageRecipient], io);
      out.set(it.id, { entry: { name, size: r.size, sha256: r.sha256 }, ref: { name, vaultObject: it.objectName, header: r.header.toString('base64'), payloadOffset: r.payloadOffset, size: r.size } });
    } else {
      const written = await vault.blobs.writeRewrapped(it.objectName, [recipient.ageRecipient], path.join(building, BUNDLE_FILES.objects, name), io);
      out.set(it.id, { entry: { name, ...written } });
    }
    done++;
    options.onProgress?.({ done, total: items.length, bytesDone, bytesTotal });
  }
  return out;
}

type ItemRecordWithSalt = { readonly record: BundleItemRecord; readonly commitment: string };

function itemRecords(items: readonly ItemForTransfer[], objects: Map<string, WrittenObject>): ItemRecordWithSalt[] {
  return items.map((it) => {
    const transferSalt = newCommitmentSalt();
    const sha256 = it.sha256.toString('hex');
    const record: BundleItemRecord = {
      object: objects.get(it.id)!.entry.name,
      sha256,
      size: it.size,
      mediaType: it.mediaType,
      originalName: it.originalName,
      metadata: JSON.parse(it.metadata) as Record<string, unknown>,
      commitSalt: it.commitSalt.toString('base64'),
      transferSalt: transferSalt.toString('base64'),
      ingestedAt: it.ingestedAt,
      ...(it.captureTime ? { captureTime: it.captureTime } : {}),
      ...(it.title ? { title: it.title } : {}),
      ...(it.description ? { description: it.description } : {}),
      ...(it.place ? { place: it.place } : {}),
      sender: { itemId: it.id, ingestSeq: it.ingestSeq },
    };
    return { record, commitment: commitment(transferSalt, sha256) };
  });
}

/** The sender's log records the transfer; the table of sent bundles too, in the same transaction. */
function recordTransfer(vault: Vault, bundleId: string, recipient: ContactCard, records: readonly ItemRecordWithSalt[], createdAt: string): { seq: number } {
  const fingerprint = contactFingerprint(recipient);
  return vault.transaction(() => {
    const ev = vault.log.append('items.transferred', null, {
      bundle: bundleId,
      recipient: fingerprint,
      items: records.length,
      objects: records.map((r) => r.commitment).sort(),
    });
    recordSentBundle(vault.store, { bundleId, recipient: fingerprint, createdAt, items: records.length, eventSeq: ev.seq });
    return { seq: ev.seq };
  });
}

/** custody.age: every event about the shared items and the transfer event, each with its proof against one checkpoint. */
function custodyFile(vault: Vault, bundleId: string, items: readonly ItemForTransfer[], transferSeq: number): BundleCustody {
  const checkpoint = vault.log.writeCheckpoint('transfer');
  const seqs = [...eventSeqsForSubjects(vault.store, items.map((it) => it.id)), transferSeq].sort((a, b) => a - b);
  const events = [...new Set(seqs)].map((seq) => {
    const ev = vault.log.event(seq);
    if (!ev) throw new HuellaError('INTERNAL', `custody event ${seq} vanished while making a bundle`);
    return {
      seq,
      event: ev.bytes.toString('utf8'),
      signature: ev.signature.toString('base64'),
      proof: formatTlogProof({ index: seq, proof: vault.log.inclusionProof(seq, checkpoint.size), checkpoint: checkpoint.note }),
    };
  });
  return {
    format: BUNDLE_CUSTODY_FORMAT,
    version: BUNDLE_FORMAT_VERSION,
    bundleId,
    sender: contactLine({ ageRecipient: vault.blobs.recipientPublicKey, custodyKey: vault.log.publicKey }),
    origin: vault.log.origin,
    checkpoint: checkpoint.note,
    transferSeq,
    events,
  };
}

async function writeSmall(dir: string, name: string, data: Uint8Array | string): Promise<{ size: number; sha256: string }> {
  const fh = await fsp.open(path.join(dir, name), 'wx', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return { size: bytes.length, sha256: crypto.createHash('sha256').update(bytes).digest('hex') };
}

/** The two encrypted files are plain JSON: records hold metadata with fractional numbers (GPS), which custody JSON may not. */
function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
