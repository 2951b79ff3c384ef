import { connectionOf, type ReadableDb } from './connection';

/**
 * A copy of the whole database for a backup (backup/snapshot.ts says why `VACUUM INTO`), and what that copy holds,
 * read by attaching it to the same connection (an ATTACH without KEY uses the main database's key).
 */

export const SNAPSHOT_SCHEMA = 'huella_backup_snapshot';

/** Writes a consistent, encrypted copy of the database into `destFile` (existing and empty). Throws SQLite's error. */
export function vacuumInto(db: ReadableDb, destFile: string): void {
  connectionOf(db).run('VACUUM INTO ?', destFile);
}

export type SnapshotContents =
  | { readonly problems: readonly string[] }
  | {
      readonly problems: readonly [];
      readonly objects: readonly { readonly name: string; readonly kind: string }[];
      readonly checkpoint: string | null;
      readonly treeSize: number;
      readonly items: number;
    };

/**
 * quick_check of the copy, then (when it passes) the objects it references (not purged, by name), its latest
 * checkpoint note, its number of events and of items. The copy is detached again whatever happens.
 */
export function readSnapshot(db: ReadableDb, file: string): SnapshotContents {
  const c = connectionOf(db);
  c.run(`ATTACH DATABASE ? AS ${SNAPSHOT_SCHEMA}`, file);
  try {
    const problems = c.all<{ quick_check: string }>(`PRAGMA ${SNAPSHOT_SCHEMA}.quick_check`).filter((r) => r.quick_check !== 'ok').map((r) => r.quick_check);
    if (problems.length > 0) return { problems };
    return {
      problems: [],
      objects: c.all(`SELECT name, kind FROM ${SNAPSHOT_SCHEMA}.objects WHERE purged_at IS NULL ORDER BY name`),
      checkpoint: c.one<{ note: string }>(`SELECT note FROM ${SNAPSHOT_SCHEMA}.checkpoints ORDER BY id DESC LIMIT 1`)?.note ?? null,
      treeSize: c.one<{ n: number }>(`SELECT count(*) AS n FROM ${SNAPSHOT_SCHEMA}.events`)!.n,
      items: c.one<{ n: number }>(`SELECT count(*) AS n FROM ${SNAPSHOT_SCHEMA}.items`)!.n,
    };
  } finally {
    c.exec(`DETACH DATABASE ${SNAPSHOT_SCHEMA}`);
  }
}
