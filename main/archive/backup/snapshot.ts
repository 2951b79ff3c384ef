import fs from 'node:fs';
import { HuellaError } from '../errors';
import type { Vault } from '../vault/vault';

/**
 * A consistent, still-encrypted copy of archive.db while the app (or another process) keeps writing.
 *
 * Why not better-sqlite3's `db.backup()` (SQLite's online backup API): SQLite3 Multiple Ciphers refuses it for an
 * encrypted source and a keyless destination ("backup is not supported with incompatible source and target
 * databases"; tested in snapshot.test.ts), and better-sqlite3 offers no way to key the destination connection.
 * `VACUUM INTO` is the supported way here: it reads the source inside ONE read transaction (in WAL mode a snapshot
 * that concurrent writers do not disturb, so the copy is never torn) and writes the copy encrypted with the same
 * cipher and key (tested: a plain SQLite open fails, a keyed open passes integrity_check). It also drops free pages,
 * so the copy is as small as the data.
 *
 * The snapshot is then attached to the same connection (an ATTACH without KEY uses the main database's key) to read
 * exactly which objects THIS snapshot references and its latest checkpoint, and to run quick_check on it.
 */

export const SNAPSHOT_SCHEMA = 'huella_backup_snapshot';

export type SnapshotObject = { readonly name: string; readonly kind: string };

export type DatabaseSnapshot = {
  readonly objects: readonly SnapshotObject[];
  readonly checkpoint: string | null;
  readonly treeSize: number;
  readonly items: number;
};

/** Writes the snapshot to `destFile` (which must not exist) and fsyncs it. */
export function snapshotDatabase(vault: Vault, destFile: string): DatabaseSnapshot {
  const db = vault.db;
  if (db.inTransaction) throw new HuellaError('INTERNAL', 'a database snapshot cannot be taken inside a transaction');
  // A fresh checkpoint first, so the snapshot's latest signed checkpoint covers (nearly) all of its events.
  vault.log.writeCheckpoint('backup');
  try {
    // VACUUM INTO accepts an empty file: creating it first makes the copy owner-only (0600), not the umask's 0644.
    fs.closeSync(fs.openSync(destFile, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o600));
    db.prepare('VACUUM INTO ?').run(destFile);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_FULL') throw new HuellaError('DISK_FULL', 'The backup drive is full: the database copy could not be written. The previous backup is unchanged.', { cause: e });
    throw new HuellaError('INTERNAL', 'The database copy could not be written to the backup folder. The previous backup is unchanged.', { cause: e });
  }
  const fd = fs.openSync(destFile, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  db.prepare(`ATTACH DATABASE ? AS ${SNAPSHOT_SCHEMA}`).run(destFile);
  try {
    const problems = (db.prepare(`PRAGMA ${SNAPSHOT_SCHEMA}.quick_check`).all() as { quick_check: string }[]).filter((r) => r.quick_check !== 'ok');
    if (problems.length > 0) throw new HuellaError('VAULT_CORRUPT', 'The database copy failed its integrity check; the vault database may be damaged. Run `huella verify`.');
    const objects = db
      .prepare<[], SnapshotObject>(`SELECT name, kind FROM ${SNAPSHOT_SCHEMA}.objects WHERE purged_at IS NULL ORDER BY name`)
      .all();
    const checkpoint = db.prepare<[], { note: string }>(`SELECT note FROM ${SNAPSHOT_SCHEMA}.checkpoints ORDER BY id DESC LIMIT 1`).get()?.note ?? null;
    const treeSize = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${SNAPSHOT_SCHEMA}.events`).get()!.n;
    const items = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${SNAPSHOT_SCHEMA}.items`).get()!.n;
    return { objects, checkpoint, treeSize, items };
  } finally {
    db.exec(`DETACH DATABASE ${SNAPSHOT_SCHEMA}`);
  }
}
