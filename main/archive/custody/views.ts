import type { CustodyEventView } from '../../../shared/model/custody';
import { parseCheckpointBody } from './checkpoint';
import { countEventsAbout, eventsAbout, eventsNewestFirst, latestEventOfType } from '../db/custody';
import { parseEvent, type CustodyLog, type StoredEvent } from './log';

export function toEventView(e: StoredEvent): CustodyEventView {
  const ev = parseEvent(e.bytes);
  return { seq: e.seq, time: ev.time, actor: ev.actor, type: ev.type, subject: ev.subject, data: ev.data, canonical: e.bytes.toString('utf8') };
}

/** A page of the custody log, newest first; or every event about one subject (item, case…), oldest first. */
export function eventPage(log: CustodyLog, page: { offset: number; limit: number; subject?: string | undefined }): { total: number; events: CustodyEventView[] } {
  if (page.subject) {
    const rows = eventsAbout(log.db, page.subject, page.limit, page.offset);
    return { total: countEventsAbout(log.db, page.subject), events: rows.map(toEventView) };
  }
  return { total: log.size(), events: eventsNewestFirst(log.db, page.limit, page.offset).map(toEventView) };
}

/** The latest checkpoint, signing a fresh one first if the log has grown since. */
export function currentCheckpoint(log: CustodyLog): { note: string; size: number; root: string; createdAt: string } {
  let cp = log.latestCheckpoint();
  if (!cp || cp.size !== log.size()) cp = log.writeCheckpoint('requested');
  const body = parseCheckpointBody(cp.note.slice(0, cp.note.indexOf('\n\n') + 1));
  return { note: cp.note, size: cp.size, root: body.rootHash.toString('base64'), createdAt: cp.createdAt };
}

/** The newest event of one type, as the app shows events (e.g. the last backup.written). */
export function latestEvent(log: CustodyLog, type: string): CustodyEventView | undefined {
  const e = latestEventOfType(log.db, type);
  return e ? toEventView(e) : undefined;
}
