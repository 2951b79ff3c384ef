import { reader, writer, type ReadableDb, type WritableDb } from './connection';

/**
 * Owner of the transfer tables (migration 0005): pinned senders, bundles received and sent, the sender's custody
 * material per received item, S3 remotes. Also the two writes of a received item into objects/items, kept here
 * with the rest of a receipt's SQL until the items table has its own owner module.
 */

export type PinnedSender = { readonly fingerprint: string; readonly card: string; readonly publicKey: Buffer; readonly origin: string; readonly firstSeen: string };

export function pinnedSenderByFingerprint(db: ReadableDb, fingerprint: string): PinnedSender | undefined {
  return reader(db).one<PinnedSender>(
    'SELECT fingerprint, card, public_key AS publicKey, origin, first_seen AS firstSeen FROM transfer_senders WHERE fingerprint = ?',
    fingerprint,
  );
}

export function pinnedSenderByKey(db: ReadableDb, publicKey: Uint8Array): PinnedSender | undefined {
  const r = reader(db).one<{ fingerprint: string }>('SELECT fingerprint FROM transfer_senders WHERE public_key = ?', publicKey);
  return r ? pinnedSenderByFingerprint(db, r.fingerprint) : undefined;
}

export function listPinnedSenders(db: ReadableDb): PinnedSender[] {
  return reader(db)
    .all<{ fingerprint: string }>('SELECT fingerprint FROM transfer_senders ORDER BY first_seen')
    .map((r) => pinnedSenderByFingerprint(db, r.fingerprint)!);
}

export function pinSender(db: WritableDb, s: PinnedSender): void {
  writer(db).run('INSERT INTO transfer_senders (fingerprint, card, public_key, origin, first_seen) VALUES (?, ?, ?, ?, ?)', s.fingerprint, s.card, s.publicKey, s.origin, s.firstSeen);
}

export type ReceivedBundle = { readonly bundleId: string; readonly sender: string; readonly receivedAt: string; readonly items: number; readonly duplicates: number; readonly eventSeq: number };

export function receivedBundle(db: ReadableDb, bundleId: string): ReceivedBundle | undefined {
  return reader(db).one<ReceivedBundle>(
    'SELECT bundle_id AS bundleId, sender, received_at AS receivedAt, items, duplicates, event_seq AS eventSeq FROM transfers_received WHERE bundle_id = ?',
    bundleId,
  );
}

export function recordReceivedBundle(db: WritableDb, b: ReceivedBundle): void {
  writer(db).run(
    'INSERT INTO transfers_received (bundle_id, sender, received_at, items, duplicates, event_seq) VALUES (?, ?, ?, ?, ?, ?)',
    b.bundleId,
    b.sender,
    b.receivedAt,
    b.items,
    b.duplicates,
    b.eventSeq,
  );
}

export function recordReceivedCustody(db: WritableDb, itemId: string, bundleId: string, custodyJson: string): void {
  writer(db).run('INSERT INTO received_custody (item_id, bundle_id, custody) VALUES (?, ?, ?)', itemId, bundleId, custodyJson);
}

export function receivedCustodyOf(db: ReadableDb, itemId: string): string | undefined {
  return reader(db).one<{ custody: string }>('SELECT custody FROM received_custody WHERE item_id = ?', itemId)?.custody;
}

export type SentBundle = { readonly bundleId: string; readonly recipient: string; readonly createdAt: string; readonly items: number; readonly eventSeq: number };

export function recordSentBundle(db: WritableDb, b: SentBundle): void {
  writer(db).run('INSERT INTO transfers_sent (bundle_id, recipient, created_at, items, event_seq) VALUES (?, ?, ?, ?, ?)', b.bundleId, b.recipient, b.createdAt, b.items, b.eventSeq);
}

export function sentBundle(db: ReadableDb, bundleId: string): SentBundle | undefined {
  return reader(db).one<SentBundle>(
    'SELECT bundle_id AS bundleId, recipient, created_at AS createdAt, items, event_seq AS eventSeq FROM transfers_sent WHERE bundle_id = ?',
    bundleId,
  );
}

/** An item with its stored object: what a sent and a received item both carry. */
type ItemObject = {
  readonly id: string;
  readonly objectName: string;
  readonly sha256: Buffer;
  readonly size: number;
  readonly mediaType: string;
  readonly originalName: string;
};

/** What a bundle needs of one item of the sender's vault. */
export type ItemForTransfer = ItemObject & {
  readonly metadata: string;
  readonly commitSalt: Buffer;
  readonly ingestedAt: string;
  readonly ingestSeq: number;
  readonly captureTime: string | null;
  readonly title: string | null;
  readonly description: string | null;
  readonly place: string | null;
  readonly deleted: boolean;
  readonly purged: boolean;
};

export function itemForTransfer(db: ReadableDb, itemId: string): ItemForTransfer | undefined {
  const r = reader(db).one<Omit<ItemForTransfer, 'deleted' | 'purged'> & { deletedAt: string | null; purgedAt: string | null }>(
    `SELECT i.id, i.object_name AS objectName, o.sha256, o.size, i.media_type AS mediaType, i.original_name AS originalName, i.metadata,
            i.commit_salt AS commitSalt, i.ingested_at AS ingestedAt, i.ingest_seq AS ingestSeq, i.capture_time AS captureTime, i.title,
            i.description, i.place, i.deleted_at AS deletedAt, o.purged_at AS purgedAt
       FROM items i JOIN objects o ON o.name = i.object_name WHERE i.id = ?`,
    itemId,
  );
  if (!r) return undefined;
  const { deletedAt, purgedAt, ...rest } = r;
  return { ...rest, deleted: deletedAt !== null, purged: purgedAt !== null };
}

/** The live items of a case, in the order they were linked. */
export function caseItemIds(db: ReadableDb, caseId: string): string[] {
  return reader(db)
    .all<{ item_id: string }>('SELECT ci.item_id FROM case_items ci JOIN items i ON i.id = ci.item_id WHERE ci.case_id = ? AND i.deleted_at IS NULL ORDER BY ci.added_at, ci.item_id', caseId)
    .map((r) => r.item_id);
}

/** Seqs of every custody event about these subjects (items), ascending. */
export function eventSeqsForSubjects(db: ReadableDb, subjects: readonly string[]): number[] {
  const seqs = new Set<number>();
  for (const s of subjects) for (const r of reader(db).all<{ seq: number }>('SELECT seq FROM events WHERE subject = ? ORDER BY seq', s)) seqs.add(r.seq);
  return [...seqs].sort((a, b) => a - b);
}

/** The type of every custody event about one subject (an item), in log order: what a bundle carries of its custody. */
export function eventTypesForSubject(db: ReadableDb, subject: string): string[] {
  return reader(db)
    .all<{ type: string }>('SELECT type FROM events WHERE subject = ? ORDER BY seq', subject)
    .map((r) => r.type);
}

/** The item holding an object with this plain SHA-256, if any (live or not), and whether its object was purged. */
export function itemBySha256(db: ReadableDb, sha256: Uint8Array): { readonly itemId: string; readonly purged: boolean } | undefined {
  const r = reader(db).one<{ id: string; purged_at: string | null }>('SELECT i.id, o.purged_at FROM objects o JOIN items i ON i.object_name = o.name WHERE o.sha256 = ?', sha256);
  return r ? { itemId: r.id, purged: r.purged_at !== null } : undefined;
}

export type ReceivedItemRow = ItemObject & {
  readonly sourceNote: string;
  readonly receivedAt: string;
  readonly eventSeq: number;
  readonly metadata: string;
  readonly commitSalt: Buffer;
  readonly captureTime: string | null;
  readonly gpsLat: number | null;
  readonly gpsLon: number | null;
  readonly title: string | null;
  readonly description: string | null;
  readonly place: string | null;
};

/** A received original: its object row and its item row (the receipt event is its ingest_seq). */
export function insertReceivedItem(db: WritableDb, r: ReceivedItemRow): void {
  writer(db).run('INSERT INTO objects (name, sha256, size, kind, created_at) VALUES (?, ?, ?, ?, ?)', r.objectName, r.sha256, r.size, 'original', r.receivedAt);
  writer(db).run(
    `INSERT INTO items (id, object_name, media_type, original_name, source_note, ingested_at, ingest_seq, metadata, commit_salt,
       capture_time, gps_lat, gps_lon, size, title, description, place)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    r.id,
    r.objectName,
    r.mediaType,
    r.originalName,
    r.sourceNote,
    r.receivedAt,
    r.eventSeq,
    r.metadata,
    r.commitSalt,
    r.captureTime,
    r.gpsLat,
    r.gpsLon,
    r.size,
    r.title,
    r.description,
    r.place,
  );
}

export type Remote = {
  readonly name: string;
  readonly url: string;
  readonly endpoint: string | null;
  readonly region: string | null;
  readonly allowHttp: boolean;
  readonly retentionDays: number | null;
  readonly createdAt: string;
};

type RemoteRow = { name: string; url: string; endpoint: string | null; region: string | null; allow_http: number; retention_days: number | null; created_at: string };

function toRemote(r: RemoteRow): Remote {
  return { name: r.name, url: r.url, endpoint: r.endpoint, region: r.region, allowHttp: r.allow_http === 1, retentionDays: r.retention_days, createdAt: r.created_at };
}

export function addRemote(db: WritableDb, r: Remote): void {
  writer(db).run(
    'INSERT INTO remotes (name, url, endpoint, region, allow_http, retention_days, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    r.name,
    r.url,
    r.endpoint,
    r.region,
    r.allowHttp ? 1 : 0,
    r.retentionDays,
    r.createdAt,
  );
}

export function getRemote(db: ReadableDb, name: string): Remote | undefined {
  const r = reader(db).one<RemoteRow>('SELECT * FROM remotes WHERE name = ?', name);
  return r ? toRemote(r) : undefined;
}

export function listRemotes(db: ReadableDb): Remote[] {
  return reader(db).all<RemoteRow>('SELECT * FROM remotes ORDER BY name').map(toRemote);
}

export function removeRemote(db: WritableDb, name: string): boolean {
  return writer(db).run('DELETE FROM remotes WHERE name = ?', name).changes > 0;
}
