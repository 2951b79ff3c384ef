import { reader, writer, type ReadableDb, type SqlValue, type WritableDb } from './connection';

/**
 * `items`: one row per piece of evidence, pointing at its original's object (db/objects.ts) and at the custody
 * event that recorded its ingest. Descriptions, metadata and GPS live here (encrypted with the database), never in
 * events.
 */

/** The sequence number of the item's item.ingested event, or undefined when there is no such item. */
export function itemIngestSeq(db: ReadableDb, itemId: string): number | undefined {
  return reader(db).one<{ ingest_seq: number }>('SELECT ingest_seq FROM items WHERE id = ?', itemId)?.ingest_seq;
}

/** Every item with its original's hash and size, for verify (items whose content was purged included). */
export function itemIngestRecords(db: ReadableDb): { id: string; ingestSeq: number; objectName: string; sha256: Buffer; size: number }[] {
  return reader(db).all('SELECT i.id, i.ingest_seq AS ingestSeq, i.object_name AS objectName, o.sha256, o.size FROM items i JOIN objects o ON o.name = i.object_name');
}

/** An item joined with its original's object row, as the library and the item view read it. */
export type ItemRow = {
  readonly id: string;
  readonly media_type: string;
  readonly original_name: string;
  readonly size: number;
  readonly sha256: Buffer;
  readonly ingested_at: string;
  readonly capture_time: string | null;
  readonly gps_lat: number | null;
  readonly preview_object: string | null;
  /** 'pending': made after the batch's originals (issue 19); 'failed': none can be made; NULL otherwise. */
  readonly preview_state: 'pending' | 'failed' | null;
  readonly deleted_at: string | null;
  readonly ingest_seq: number;
  readonly source_note: string | null;
  readonly metadata: string;
  readonly warnings: string | null;
  readonly object_name: string;
  readonly title: string | null;
  readonly description: string | null;
  readonly place: string | null;
};

const ITEM_COLUMNS = `i.id, i.media_type, i.original_name, o.size, o.sha256, i.ingested_at, i.capture_time, i.gps_lat, i.preview_object,
  i.preview_state, i.deleted_at, i.ingest_seq, i.source_note, i.metadata, i.warnings, i.object_name, i.title, i.description, i.place
  FROM items i JOIN objects o ON o.name = i.object_name`;

export function itemRow(db: ReadableDb, id: string): ItemRow | undefined {
  return reader(db).one(`SELECT ${ITEM_COLUMNS} WHERE i.id = ?`, id);
}

/** Items in ingest order (`limit` -1: all), deleted ones only when asked. */
export function itemRowsInIngestOrder(db: ReadableDb, includeDeleted: boolean, limit: number, offset: number): ItemRow[] {
  return includeDeleted
    ? reader(db).all(`SELECT ${ITEM_COLUMNS} ORDER BY i.ingested_at, i.rowid LIMIT ? OFFSET ?`, limit, offset)
    : reader(db).all(`SELECT ${ITEM_COLUMNS} WHERE i.deleted_at IS NULL ORDER BY i.ingested_at, i.rowid LIMIT ? OFFSET ?`, limit, offset);
}

export function itemExists(db: ReadableDb, id: string): boolean {
  return reader(db).one('SELECT 1 FROM items WHERE id = ?', id) !== undefined;
}

export type ItemSortKey = 'ingested-desc' | 'ingested-asc' | 'captured-desc' | 'captured-asc' | 'name-asc' | 'size-desc';
export type ItemListFilters = {
  readonly mediaTypePrefix?: string | undefined;
  readonly caseId?: string | undefined;
  readonly tag?: string | undefined;
  readonly hasGps?: boolean | undefined;
  readonly includeDeleted?: boolean | undefined;
  readonly dateFrom?: string | undefined;
  readonly dateTo?: string | undefined;
};

const ORDER: Record<ItemSortKey, string> = {
  'ingested-desc': 'i.ingested_at DESC, i.rowid DESC',
  'ingested-asc': 'i.ingested_at ASC, i.rowid ASC',
  'captured-desc': 'coalesce(i.capture_time, i.ingested_at) DESC, i.rowid DESC',
  'captured-asc': 'coalesce(i.capture_time, i.ingested_at) ASC, i.rowid ASC',
  'name-asc': 'i.original_name COLLATE NOCASE ASC, i.rowid ASC',
  'size-desc': 'i.size DESC, i.rowid DESC',
};

/** [live items only, deleted included] index for each sort of the plain library view (migration 0004). */
const PLAIN_INDEX: Record<ItemSortKey, readonly [string, string]> = {
  'ingested-desc': ['items_live_ingested', 'items_ingested_at'],
  'ingested-asc': ['items_live_ingested', 'items_ingested_at'],
  'captured-desc': ['items_live_captured', 'items_captured_any'],
  'captured-asc': ['items_live_captured', 'items_captured_any'],
  'name-asc': ['items_live_name', 'items_name_any'],
  'size-desc': ['items_live_size', 'items_size_any'],
};

/** The WHERE clause of a library view, from fixed fragments; the filter values are bound parameters. */
function libraryFilter(f: ItemListFilters): { where: string[]; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (!f.includeDeleted) where.push('i.deleted_at IS NULL');
  if (f.mediaTypePrefix) {
    where.push("i.media_type LIKE ? ESCAPE '\\'");
    params.push(f.mediaTypePrefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%');
  }
  if (f.hasGps !== undefined) where.push(f.hasGps ? 'i.gps_lat IS NOT NULL' : 'i.gps_lat IS NULL');
  if (f.caseId) {
    where.push('EXISTS (SELECT 1 FROM case_items ci WHERE ci.item_id = i.id AND ci.case_id = ?)');
    params.push(f.caseId);
  }
  if (f.tag) {
    where.push("EXISTS (SELECT 1 FROM tag_assignments t WHERE t.target_type = 'item' AND t.target_id = i.id AND t.term_id = ? AND t.removed_at IS NULL)");
    params.push(f.tag);
  }
  if (f.dateFrom) {
    where.push('coalesce(i.capture_time, i.ingested_at) >= ?');
    params.push(f.dateFrom);
  }
  if (f.dateTo) {
    where.push('coalesce(i.capture_time, i.ingested_at) <= ?');
    params.push(f.dateTo.length === 10 ? `${f.dateTo}T23:59:59.999` : f.dateTo);
  }
  return { where, params };
}

/** A page of the library view in its sort order, with the number of items that match the filters. */
export function libraryPage(db: ReadableDb, page: { offset: number; limit: number; sort: ItemSortKey; filters?: ItemListFilters | undefined }): { total: number; rows: ItemRow[] } {
  const f = page.filters ?? {};
  const { where, params } = libraryFilter(f);
  const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  // The plain library view (no filter but "deleted or not") walks one index in sort order and counts over an index:
  // named explicitly, because with or without ANALYZE statistics SQLite sometimes prefers scanning the item rows
  // (large: they hold the metadata) — measured 4–7 ms per page at 100k items this way, 100–600 ms otherwise.
  // Filtered views scan the covering index items_filter (filter columns + sort keys) and sort the matches; the
  // sort key is written so that it cannot drive the scan (`+`).
  const plain = where.length === (f.includeDeleted ? 0 : 1);
  const sortIndex = plain ? PLAIN_INDEX[page.sort][f.includeDeleted ? 1 : 0] : undefined;
  const countIndex = f.includeDeleted ? 'items_ingested_at' : 'items_live_ingested';
  const r = reader(db);
  const total = r.one<{ n: number }>(`SELECT count(*) AS n FROM items i INDEXED BY ${plain ? countIndex : 'items_filter'} ${whereSql}`, ...params)!.n;
  // Row ids first, over the indexes alone (the skipped rows of a deep page are never joined), then the page itself.
  const from = `items i INDEXED BY ${sortIndex ?? 'items_filter'}`;
  const orderSql = plain ? ORDER[page.sort] : `+${ORDER[page.sort]}`;
  const ids = r.all<{ rowid: number }>(`SELECT i.rowid AS rowid FROM ${from} ${whereSql} ORDER BY ${orderSql} LIMIT ? OFFSET ?`, ...params, page.limit, page.offset).map((x) => x.rowid);
  if (ids.length === 0) return { total, rows: [] };
  // The IN list has one placeholder per row id of the page: the SQL depends only on the page size.
  const byRowid = r.all<ItemRow & { rid: number }>(`SELECT i.rowid AS rid, ${ITEM_COLUMNS} WHERE i.rowid IN (${ids.map(() => '?').join(',')})`, ...ids);
  const order = new Map(ids.map((id, i) => [id, i]));
  byRowid.sort((a, b) => order.get(a.rid)! - order.get(b.rid)!);
  return { total, rows: byRowid };
}

/** The live cases and testimonies that include an item, by title (the item view's context). */
export function itemContextRows(db: ReadableDb, itemId: string): { cases: { id: string; title: string }[]; testimonies: { id: string; title: string }[] } {
  const r = reader(db);
  return {
    cases: r.all('SELECT c.id, c.title FROM case_items ci JOIN cases c ON c.id = ci.case_id WHERE ci.item_id = ? AND c.deleted_at IS NULL ORDER BY c.title COLLATE NOCASE, c.id', itemId),
    testimonies: r.all('SELECT t.id, t.title FROM testimony_items ti JOIN testimonies t ON t.id = ti.testimony_id WHERE ti.item_id = ? AND t.deleted_at IS NULL ORDER BY t.title COLLATE NOCASE, t.id', itemId),
  };
}

/** The live item whose original is this object, or a purged one (its content destroyed on purpose). */
export function itemByObject(db: ReadableDb, objectName: string): { id: string; purgedAt: string | null } | undefined {
  return reader(db).one('SELECT i.id, o.purged_at AS purgedAt FROM items i JOIN objects o ON o.name = i.object_name WHERE i.object_name = ?', objectName);
}

/** The evidence fields ingest writes, in column order. */
export type IngestedItemFields = {
  readonly mediaType: string;
  readonly originalName: string;
  readonly sourceNote: string | null;
  readonly ingestedAt: string;
  readonly ingestSeq: number;
  readonly metadata: string;
  readonly commitSalt: Buffer;
  readonly captureTime: string | null;
  readonly gpsLat: number | null;
  readonly gpsLon: number | null;
  readonly warnings: string | null;
  readonly size: number;
  /** Its preview is made after the batch's originals are safe (makePendingPreviews): marked 'pending' until then. */
  readonly previewPending?: boolean;
};

function ingestedValues(f: IngestedItemFields): SqlValue[] {
  return [f.mediaType, f.originalName, f.sourceNote, f.ingestedAt, f.ingestSeq, f.metadata, f.commitSalt, f.captureTime, f.gpsLat, f.gpsLon, f.warnings, f.size, f.previewPending ? 'pending' : null];
}

export function insertIngestedItem(db: WritableDb, id: string, objectName: string, f: IngestedItemFields): void {
  writer(db).run(
    `INSERT INTO items (media_type, original_name, source_note, ingested_at, ingest_seq, metadata, commit_salt,
       capture_time, gps_lat, gps_lon, warnings, size, preview_state, id, object_name)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ...ingestedValues(f), id, objectName,
  );
}

/** A purged item ingested again: same row (cases, testimonies and consent records keep pointing at it), fresh evidence fields. */
export function reviveIngestedItem(db: WritableDb, id: string, f: IngestedItemFields): void {
  writer(db).run(
    `UPDATE items SET media_type = ?, original_name = ?, source_note = ?, ingested_at = ?, ingest_seq = ?, metadata = ?, commit_salt = ?,
       capture_time = ?, gps_lat = ?, gps_lon = ?, warnings = ?, size = ?, preview_state = ?, preview_object = NULL, deleted_at = NULL WHERE id = ?`,
    ...ingestedValues(f), id,
  );
}

export function setItemPreview(db: WritableDb, itemId: string, objectName: string): void {
  writer(db).run('UPDATE items SET preview_object = ?, preview_state = NULL WHERE id = ?', objectName, itemId);
}

/** An item whose preview is still to be made (phase 2 of an import), with what is needed to make it. */
export type PendingPreview = { readonly id: string; readonly objectName: string; readonly mediaType: string; readonly sha256: Buffer; readonly size: number };

/** Up to `limit` items still waiting for a preview, oldest first, after `afterRowid` (paging); live originals only. */
export function pendingPreviews(db: ReadableDb, limit: number, afterRowid = 0): (PendingPreview & { readonly rowid: number })[] {
  return reader(db).all(
    `SELECT i.rowid AS rowid, i.id AS id, i.object_name AS objectName, i.media_type AS mediaType, o.sha256 AS sha256, o.size AS size
       FROM items i INDEXED BY items_preview_pending JOIN objects o ON o.name = i.object_name
      WHERE i.preview_state = 'pending' AND i.rowid > ? AND i.deleted_at IS NULL AND o.purged_at IS NULL
      ORDER BY i.rowid LIMIT ?`,
    afterRowid, limit,
  );
}

/** How many items are still waiting for a preview. */
export function countPendingPreviews(db: ReadableDb): number {
  return reader(db).one<{ n: number }>(
    `SELECT count(*) AS n FROM items i INDEXED BY items_preview_pending JOIN objects o ON o.name = i.object_name
      WHERE i.preview_state = 'pending' AND i.deleted_at IS NULL AND o.purged_at IS NULL`,
  )!.n;
}

/** A file no preview can be made of: marked once, never retried; `warning` joins the item's warnings (as at ingest). */
export function markPreviewFailed(db: WritableDb, itemId: string, warning: { readonly code: string; readonly message: string }): void {
  const row = reader(db).one<{ warnings: string | null }>(`SELECT warnings FROM items WHERE id = ? AND preview_state = 'pending'`, itemId);
  if (!row) return;
  const warnings = [...((row.warnings ? JSON.parse(row.warnings) : []) as unknown[]), warning];
  writer(db).run(`UPDATE items SET preview_state = 'failed', warnings = ? WHERE id = ?`, JSON.stringify(warnings), itemId);
}

/** Every item's original and preview object names, one row at a time (restore maps objects to the items that need them). */
export function iterateItemObjects(db: ReadableDb): IterableIterator<{ id: string; objectName: string; previewObject: string | null }> {
  return reader(db).iterate('SELECT id, object_name AS objectName, preview_object AS previewObject FROM items');
}

/** When the item was deleted (null: live), or undefined when there is no such item. */
export function itemDeletedAt(db: ReadableDb, id: string): string | null | undefined {
  return reader(db).one<{ deletedAt: string | null }>('SELECT deleted_at AS deletedAt FROM items WHERE id = ?', id)?.deletedAt;
}

/** What editing, deleting, restoring and purging an item look at. */
export type ItemEditState = {
  readonly deleted_at: string | null;
  readonly title: string | null;
  readonly description: string | null;
  readonly place: string | null;
  readonly object_name: string;
  readonly preview_object: string | null;
};

export function itemEditState(db: ReadableDb, id: string): ItemEditState | undefined {
  return reader(db).one('SELECT deleted_at, title, description, place, object_name, preview_object FROM items WHERE id = ?', id);
}

/** The documenter's description of an item (null: none). */
export function setItemDescription(db: WritableDb, id: string, d: { readonly title: string | null; readonly description: string | null; readonly place: string | null }): void {
  writer(db).run('UPDATE items SET title = ?, description = ?, place = ? WHERE id = ?', d.title, d.description, d.place, id);
}

/** Tombstones the item (a date) or restores it (null). */
export function setItemDeletedAt(db: WritableDb, id: string, deletedAt: string | null): void {
  if (deletedAt === null) writer(db).run('UPDATE items SET deleted_at = NULL WHERE id = ?', id);
  else writer(db).run('UPDATE items SET deleted_at = ? WHERE id = ?', deletedAt, id);
}

/** Whether another item than `exceptItemId` uses this preview object. */
export function previewSharedByOther(db: ReadableDb, previewObject: string, exceptItemId: string): boolean {
  return reader(db).one('SELECT 1 FROM items WHERE preview_object = ? AND id <> ?', previewObject, exceptItemId) !== undefined;
}

/** A purged item keeps its row as a tombstone scrubbed of name, metadata, GPS, descriptions and preview. */
export function scrubPurgedItem(db: WritableDb, id: string): void {
  writer(db).run(
    `UPDATE items SET original_name = '', title = NULL, description = NULL, place = NULL, source_note = NULL, metadata = '{}',
           capture_time = NULL, gps_lat = NULL, gps_lon = NULL, preview_object = NULL, warnings = NULL WHERE id = ?`,
    id,
  );
}
