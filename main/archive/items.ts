import type { Readable } from 'node:stream';
import { HuellaError } from './errors';
import type { ExtractedMetadata } from './ingest/metadata';
import type { IngestWarning } from './ingest/ingest';
import type { Vault } from './vault/vault';

/** Read side of items: the rows documenters browse and the bytes they open. */
export type ItemSummary = {
  readonly id: string;
  readonly mediaType: string;
  readonly originalName: string;
  readonly size: number;
  readonly sha256: string;
  readonly ingestedAt: string;
  readonly captureTime?: string;
  readonly hasGps: boolean;
  readonly hasPreview: boolean;
  readonly deleted: boolean;
};

export type ItemDetail = ItemSummary & {
  readonly ingestSeq: number;
  readonly sourceNote?: string;
  readonly metadata: ExtractedMetadata;
  readonly warnings: readonly IngestWarning[];
};

type ItemRow = {
  id: string;
  media_type: string;
  original_name: string;
  size: number;
  sha256: Buffer;
  ingested_at: string;
  capture_time: string | null;
  gps_lat: number | null;
  preview_object: string | null;
  deleted_at: string | null;
  ingest_seq: number;
  source_note: string | null;
  metadata: string;
  warnings: string | null;
  object_name: string;
};

const SELECT = `SELECT i.id, i.media_type, i.original_name, o.size, o.sha256, i.ingested_at, i.capture_time, i.gps_lat, i.preview_object,
  i.deleted_at, i.ingest_seq, i.source_note, i.metadata, i.warnings, i.object_name
  FROM items i JOIN objects o ON o.name = i.object_name`;

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
  return s;
}

export type ListItemsOptions = { readonly includeDeleted?: boolean; readonly limit?: number; readonly offset?: number };

export function listItems(vault: Vault, options: ListItemsOptions = {}): ItemSummary[] {
  const where = options.includeDeleted ? '' : 'WHERE i.deleted_at IS NULL';
  const rows = vault.db
    .prepare<[number, number], ItemRow>(`${SELECT} ${where} ORDER BY i.ingested_at, i.rowid LIMIT ? OFFSET ?`)
    .all(options.limit ?? -1, options.offset ?? 0);
  return rows.map(summary);
}

function row(vault: Vault, id: string): ItemRow {
  const r = vault.db.prepare<[string], ItemRow>(`${SELECT} WHERE i.id = ?`).get(id);
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
