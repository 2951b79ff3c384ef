import type { Readable } from 'node:stream';
import { HuellaError } from '../errors';
import type { ExtractedMetadata, IngestWarning, ItemDetail, ItemSummary } from '../../../shared/model/items';
import type { Vault } from '../vault/vault';
import { itemRow, itemRowsInIngestOrder, libraryPage, type ItemListFilters, type ItemRow, type ItemSortKey } from '../db/items';

/** Read side of items: the rows documenters browse and the bytes they open. */
export type { ItemDetail, ItemSummary };

function summary(r: ItemRow): ItemSummary {
  const s: { -readonly [K in keyof ItemSummary]: ItemSummary[K] } = {
    id: r.id,
    mediaType: r.media_type,
    originalName: r.original_name,
    size: r.size,
    sha256: r.sha256.toString('hex'),
    ingestedAt: r.ingested_at,
    hasGps: r.gps_lat !== null,
    hasPreview: r.preview_object !== null,
    deleted: r.deleted_at !== null,
  };
  if (r.capture_time) s.captureTime = r.capture_time;
  if (r.title) s.title = r.title;
  if (r.preview_object === null && r.preview_state === 'pending') s.previewPending = true;
  return s;
}

export type ListItemsOptions = { readonly includeDeleted?: boolean; readonly limit?: number; readonly offset?: number };

export function listItems(vault: Vault, options: ListItemsOptions = {}): ItemSummary[] {
  return itemRowsInIngestOrder(vault.store, options.includeDeleted ?? false, options.limit ?? -1, options.offset ?? 0).map(summary);
}

function row(vault: Vault, id: string): ItemRow {
  const r = itemRow(vault.store, id);
  if (!r) throw new HuellaError('NOT_FOUND', `No item with id ${id} in this vault.`);
  return r;
}

export function getItem(vault: Vault, id: string): ItemDetail {
  const r = row(vault, id);
  const d: { -readonly [K in keyof ItemDetail]: ItemDetail[K] } = {
    ...summary(r),
    ingestSeq: r.ingest_seq,
    metadata: JSON.parse(r.metadata) as ExtractedMetadata,
    warnings: r.warnings ? (JSON.parse(r.warnings) as IngestWarning[]) : [],
  };
  if (r.source_note) d.sourceNote = r.source_note;
  if (r.description) d.description = r.description;
  if (r.place) d.place = r.place;
  return d;
}

/** The original bytes, decrypted as a stream. */
export function openItemContent(vault: Vault, id: string): Readable {
  return vault.blobs.openPlaintext(row(vault, id).object_name);
}

/** The re-encoded preview (WebP), or undefined when none was made. */
export async function readItemPreview(vault: Vault, id: string): Promise<Buffer | undefined> {
  const r = row(vault, id);
  return r.preview_object ? vault.blobs.readPlaintext(r.preview_object, 8 * 1024 * 1024) : undefined;
}

export function itemObjectName(vault: Vault, id: string): string {
  return row(vault, id).object_name;
}

export type { ItemListFilters, ItemSortKey };

/** A page of items for the library view, with the total for the virtualised list. */
export function listItemsPage(vault: Vault, page: { offset: number; limit: number; sort: ItemSortKey; filters?: ItemListFilters | undefined }): { total: number; offset: number; items: ItemSummary[] } {
  const { total, rows } = libraryPage(vault.store, page);
  return { total, offset: page.offset, items: rows.map(summary) };
}
