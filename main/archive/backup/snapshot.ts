import fs from 'node:fs';
import { HuellaError } from '../errors';
import type { Vault } from '../vault/vault';
import { inTransaction } from '../db/open';
import { readSnapshot, vacuumInto } from '../db/snapshot';

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

export type SnapshotObject = { readonly name: string; readonly kind: string };

export type DatabaseSnapshot = {
  readonly objects: readonly SnapshotObject[];
  readonly checkpoint: string | null;
  readonly treeSize: number;
  readonly items: number;
};

/** Writes the snapshot to `destFile` (which must not exist) and fsyncs it. */
export function snapshotDatabase(vault: Vault, destFile: string): DatabaseSnapshot {
  if (inTransaction(vault.store)) throw new HuellaError('INTERNAL', 'a database snapshot cannot be taken inside a transaction');
  // A fresh checkpoint first, so the snapshot's latest signed checkpoint covers (nearly) all of its events.
  vault.log.writeCheckpoint('backup');
  try {
    // VACUUM INTO accepts an empty file: creating it first makes the copy owner-only (0600), not the umask's 0644.
    fs.closeSync(fs.openSync(destFile, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o600));
    vacuumInto(vault.store, destFile);
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
  const copy = readSnapshot(vault.store, destFile);
  if (!('objects' in copy)) throw new HuellaError('VAULT_CORRUPT', 'The database copy failed its integrity check; the vault database may be damaged. Run `huella verify`.');
  return { objects: copy.objects, checkpoint: copy.checkpoint, treeSize: copy.treeSize, items: copy.items };
}
