import type { CustodyEventView } from '../../../shared/model/custody';
import { parseCheckpointBody } from './checkpoint';
import { parseEvent, type StoredEvent } from './log';
import type { Vault } from '../vault/vault';

export function toEventView(e: StoredEvent): CustodyEventView {
  const ev = parseEvent(e.bytes);
  return { seq: e.seq, time: ev.time, actor: ev.actor, type: ev.type, subject: ev.subject, data: ev.data, canonical: e.bytes.toString('utf8') };
}

/** A page of the custody log, newest first; or every event about one subject (item, case…), oldest first. */
export function eventPage(vault: Vault, page: { offset: number; limit: number; subject?: string | undefined }): { total: number; events: CustodyEventView[] } {
  if (page.subject) {
    const rows = vault.db
      .prepare<[string, number, number], StoredEvent>('SELECT seq, bytes, signature, hash FROM events WHERE subject = ? ORDER BY seq LIMIT ? OFFSET ?')
      .all(page.subject, page.limit, page.offset);
    const total = (vault.db.prepare('SELECT count(*) AS n FROM events WHERE subject = ?').get(page.subject) as { n: number }).n;
    return { total, events: rows.map(toEventView) };
  }
  const rows = vault.db
    .prepare<[number, number], StoredEvent>('SELECT seq, bytes, signature, hash FROM events ORDER BY seq DESC LIMIT ? OFFSET ?')
    .all(page.limit, page.offset);
  return { total: vault.log.size(), events: rows.map(toEventView) };
}

/** The latest checkpoint, signing a fresh one first if the log has grown since. */
export function currentCheckpoint(vault: Vault): { note: string; size: number; root: string; createdAt: string } {
  let cp = vault.log.latestCheckpoint();
  if (!cp || cp.size !== vault.log.size()) cp = vault.log.writeCheckpoint('requested');
  const body = parseCheckpointBody(cp.note.slice(0, cp.note.indexOf('\n\n') + 1));
  return { note: cp.note, size: cp.size, root: body.rootHash.toString('base64'), createdAt: cp.createdAt };
}
