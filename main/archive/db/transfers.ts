import type { Db } from './open';

/**
 * Owner of the transfer tables (migration 0005): pinned senders, bundles received and sent, the sender's custody
 * material per received item, S3 remotes. Also the two writes of a received item into objects/items, kept here
 * with the rest of a receipt's SQL until the items table has its own owner module.
 */

export type PinnedSender = { readonly fingerprint: string; readonly card: string; readonly publicKey: Buffer; readonly origin: string; readonly firstSeen: string };

export function pinnedSenderByFingerprint(db: Db, fingerprint: string): PinnedSender | undefined {
  const r = db
    .prepare<[string], { fingerprint: string; card: string; public_key: Buffer; origin: string; first_seen: string }>(
      'SELECT fingerprint, card, public_key, origin, first_seen FROM transfer_senders WHERE fingerprint = ?',
    )
    .get(fingerprint);
  return r ? { fingerprint: r.fingerprint, card: r.card, publicKey: r.public_key, origin: r.origin, firstSeen: r.first_seen } : undefined;
}

export function pinnedSenderByKey(db: Db, publicKey: Uint8Array): PinnedSender | undefined {
  const r = db.prepare<[Uint8Array], { fingerprint: string }>('SELECT fingerprint FROM transfer_senders WHERE public_key = ?').get(publicKey);
  return r ? pinnedSenderByFingerprint(db, r.fingerprint) : undefined;
}

export function listPinnedSenders(db: Db): PinnedSender[] {
  return db
    .prepare<[], { fingerprint: string }>('SELECT fingerprint FROM transfer_senders ORDER BY first_seen')
    .all()
    .map((r) => pinnedSenderByFingerprint(db, r.fingerprint)!);
}

export function pinSender(db: Db, s: PinnedSender): void {
  db.prepare('INSERT INTO transfer_senders (fingerprint, card, public_key, origin, first_seen) VALUES (?, ?, ?, ?, ?)').run(s.fingerprint, s.card, s.publicKey, s.origin, s.firstSeen);
}

export type ReceivedBundle = { readonly bundleId: string; readonly sender: string; readonly receivedAt: string; readonly items: number; readonly duplicates: number; readonly eventSeq: number };

export function receivedBundle(db: Db, bundleId: string): ReceivedBundle | undefined {
  const r = db
    .prepare<[string], { bundle_id: string; sender: string; received_at: string; items: number; duplicates: number; event_seq: number }>(
      'SELECT bundle_id, sender, received_at, items, duplicates, event_seq FROM transfers_received WHERE bundle_id = ?',
    )
    .get(bundleId);
  return r ? { bundleId: r.bundle_id, sender: r.sender, receivedAt: r.received_at, items: r.items, duplicates: r.duplicates, eventSeq: r.event_seq } : undefined;
}

export function recordReceivedBundle(db: Db, b: ReceivedBundle): void {
  db.prepare('INSERT INTO transfers_received (bundle_id, sender, received_at, items, duplicates, event_seq) VALUES (?, ?, ?, ?, ?, ?)').run(
    b.bundleId,
    b.sender,
    b.receivedAt,
    b.items,
    b.duplicates,
    b.eventSeq,
  );
}

export function recordReceivedCustody(db: Db, itemId: string, bundleId: string, custodyJson: string): void {
  db.prepare('INSERT INTO received_custody (item_id, bundle_id, custody) VALUES (?, ?, ?)').run(itemId, bundleId, custodyJson);
}

export function receivedCustodyOf(db: Db, itemId: string): string | undefined {
  return db.prepare<[string], { custody: string }>('SELECT custody FROM received_custody WHERE item_id = ?').get(itemId)?.custody;
}

export type SentBundle = { readonly bundleId: string; readonly recipient: string; readonly createdAt: string; readonly items: number; readonly eventSeq: number };

export function recordSentBundle(db: Db, b: SentBundle): void {
  db.prepare('INSERT INTO transfers_sent (bundle_id, recipient, created_at, items, event_seq) VALUES (?, ?, ?, ?, ?)').run(b.bundleId, b.recipient, b.createdAt, b.items, b.eventSeq);
}

export function sentBundle(db: Db, bundleId: string): SentBundle | undefined {
  const r = db
    .prepare<[string], { bundle_id: string; recipient: string; created_at: string; items: number; event_seq: number }>(
      'SELECT bundle_id, recipient, created_at, items, event_seq FROM transfers_sent WHERE bundle_id = ?',
    )
    .get(bundleId);
  return r ? { bundleId: r.bundle_id, recipient: r.recipient, createdAt: r.created_at, items: r.items, eventSeq: r.event_seq } : undefined;
}

/** What a bundle needs of one item of the sender's vault. */
export type ItemForTransfer = {
  readonly id: string;
  readonly objectName: string;
  readonly sha256: Buffer;
  readonly size: number;
  readonly mediaType: string;
  readonly originalName: string;
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

export function itemForTransfer(db: Db, itemId: string): ItemForTransfer | undefined {
  const r = db
    .prepare<
      [string],
      {
        id: string;
        object_name: string;
        sha256: Buffer;
        size: number;
        media_type: string;
        original_name: string;
        metadata: string;
        commit_salt: Buffer;
        ingested_at: string;
        ingest_seq: number;
        capture_time: string | null;
        title: string | null;
        description: string | null;
        place: string | null;
        deleted_at: string | null;
        purged_at: string | null;
      }
    >(
      `SELECT i.id, i.object_name, o.sha256, o.size, i.media_type, i.original_name, i.metadata, i.commit_salt, i.ingested_at, i.ingest_seq,
              i.capture_time, i.title, i.description, i.place, i.deleted_at, o.purged_at
         FROM items i JOIN objects o ON o.name = i.object_name WHERE i.id = ?`,
    )
    .get(itemId);
  if (!r) return undefined;
  return {
    id: r.id,
    objectName: r.object_name,
    sha256: r.sha256,
    size: r.size,
    mediaType: r.media_type,
    originalName: r.original_name,
    metadata: r.metadata,
    commitSalt: r.commit_salt,
    ingestedAt: r.ingested_at,
    ingestSeq: r.ingest_seq,
    captureTime: r.capture_time,
    title: r.title,
    description: r.description,
    place: r.place,
    deleted: r.deleted_at !== null,
    purged: r.purged_at !== null,
  };
}

/** The live items of a case, in the order they were linked. */
export function caseItemIds(db: Db, caseId: string): string[] {
  return db
    .prepare<[string], { item_id: string }>('SELECT ci.item_id FROM case_items ci JOIN items i ON i.id = ci.item_id WHERE ci.case_id = ? AND i.deleted_at IS NULL ORDER BY ci.added_at, ci.item_id')
    .all(caseId)
    .map((r) => r.item_id);
}

/** Seqs of every custody event about these subjects (items), ascending. */
export function eventSeqsForSubjects(db: Db, subjects: readonly string[]): number[] {
  const stmt = db.prepare<[string], { seq: number }>('SELECT seq FROM events WHERE subject = ? ORDER BY seq');
  const seqs = new Set<number>();
  for (const s of subjects) for (const r of stmt.all(s)) seqs.add(r.seq);
  return [...seqs].sort((a, b) => a - b);
}

/** The item holding an object with this plain SHA-256, if any (live or not), and whether its object was purged. */
export function itemBySha256(db: Db, sha256: Uint8Array): { readonly itemId: string; readonly purged: boolean } | undefined {
  const r = db
    .prepare<[Uint8Array], { id: string; purged_at: string | null }>('SELECT i.id, o.purged_at FROM objects o JOIN items i ON i.object_name = o.name WHERE o.sha256 = ?')
    .get(sha256);
  return r ? { itemId: r.id, purged: r.purged_at !== null } : undefined;
}

export type ReceivedItemRow = {
  readonly id: string;
  readonly objectName: string;
  readonly sha256: Buffer;
  readonly size: number;
  readonly mediaType: string;
  readonly originalName: string;
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
export function insertReceivedItem(db: Db, r: ReceivedItemRow): void {
  db.prepare('INSERT INTO objects (name, sha256, size, kind, created_at) VALUES (?, ?, ?, ?, ?)').run(r.objectName, r.sha256, r.size, 'original', r.receivedAt);
  db.prepare(
    `INSERT INTO items (id, object_name, media_type, original_name, source_note, ingested_at, ingest_seq, metadata, commit_salt,
       capture_time, gps_lat, gps_lon, size, title, description, place)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
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

export function addRemote(db: Db, r: Remote): void {
  db.prepare('INSERT INTO remotes (name, url, endpoint, region, allow_http, retention_days, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    r.name,
    r.url,
    r.endpoint,
    r.region,
    r.allowHttp ? 1 : 0,
    r.retentionDays,
    r.createdAt,
  );
}

export function getRemote(db: Db, name: string): Remote | undefined {
  const r = db.prepare<[string], RemoteRow>('SELECT * FROM remotes WHERE name = ?').get(name);
  return r ? toRemote(r) : undefined;
}

export function listRemotes(db: Db): Remote[] {
  return db.prepare<[], RemoteRow>('SELECT * FROM remotes ORDER BY name').all().map(toRemote);
}

export function removeRemote(db: Db, name: string): boolean {
  return db.prepare('DELETE FROM remotes WHERE name = ?').run(name).changes > 0;
}
