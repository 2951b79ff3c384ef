import { reader, type ReadableDb } from './connection';

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
