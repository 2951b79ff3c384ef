import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { HuellaError } from '../errors';
import { Connection, connectionOf, handleOf, type ReadableDb, type WritableDb } from './connection';
import { migrate } from './migrate';

/** SQLCipher's key pragma argument for a raw key (x'…': the 32 bytes are the key itself, no passphrase derivation). */
function rawKeyArgument(keyHex: string): string {
  return `"x'${keyHex}'"`;
}

/** The statement that opens archive.db in an upstream SQLCipher 4 shell, given its key (what `huella db-key` prints). */
export function shellKeyStatement(keyHex: string): string {
  return `PRAGMA key = ${rawKeyArgument(keyHex)};`;
}

export type { ReadableDb, WritableDb } from './connection';

/**
 * Opens archive.db as a SQLCipher 4 database with a raw 32-byte key (DESIGN §3). The pragma order is part of the
 * format: cipher='sqlcipher', legacy=4, then the key; another order writes a file upstream SQLCipher cannot read.
 */
export function openDatabase(file: string, key: Uint8Array, options: { readonly create: boolean }): WritableDb {
  if (key.length !== 32) throw new HuellaError('INTERNAL', 'database key must be 32 bytes');
  let db: Database.Database;
  try {
    if (options.create) createOwnerOnly(file);
    db = new Database(file, { fileMustExist: !options.create });
  } catch (e) {
    throw new HuellaError('VAULT_CORRUPT', 'The vault database (archive.db) is missing or cannot be opened.', { cause: e });
  }
  try {
    db.pragma("cipher='sqlcipher'");
    db.pragma('legacy=4');
    db.pragma(`key=${rawKeyArgument(Buffer.from(key).toString('hex'))}`);
    // The first read proves the key: with a wrong key or a damaged file SQLite reports SQLITE_NOTADB here.
    db.prepare('SELECT count(*) AS n FROM sqlite_master').get();
  } catch (e) {
    db.close();
    throw diskError(file, e) ?? new HuellaError('VAULT_CORRUPT', 'The vault database (archive.db) cannot be decrypted with this vault\'s key: the file is damaged or was replaced.', { cause: e });
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Temporary tables and sort spills must never reach disk in plaintext.
    db.pragma('temp_store = MEMORY');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    ownerOnly(file);
  } catch (e) {
    db.close();
    if (e instanceof HuellaError) throw e;
    throw diskError(file, e) ?? new HuellaError('VAULT_CORRUPT', 'The vault database is damaged: it could not be prepared for use.', { cause: e });
  }
  return handleOf(new Connection(db));
}

/**
 * Closes the connection after folding the write-ahead log into archive.db (a failed checkpoint is harmless: the
 * WAL, encrypted too, is replayed on the next open). Closing twice is a no-op.
 */
export function closeDatabase(db: ReadableDb): void {
  const c = connectionOf(db);
  if (!c.isOpen) return;
  try {
    c.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // see above
  }
  c.close();
}

/**
 * Runs `fn` in an IMMEDIATE transaction (a savepoint when nested). A full disk rolls it back and is DISK_FULL.
 * Every table module's writes, and the custody event that records them, run inside one of these.
 */
export function transaction<T>(db: WritableDb, fn: () => T): T {
  return connectionOf(db).transaction(fn);
}

export function inTransaction(db: ReadableDb): boolean {
  return connectionOf(db).inTransaction;
}

/**
 * archive.db and its -wal/-shm files are readable by their owner only (0600), like every other file of the vault.
 * SQLite creates a new database with the process umask (0644 usually) and gives -wal/-shm the database file's mode,
 * so a new database file is created 0600 before SQLite opens it. The file is encrypted, but other local accounts
 * have no business reading even its size changes.
 */
function createOwnerOnly(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o600));
  } catch (e) {
    if ((e as { code?: string }).code !== 'EEXIST') throw e;
  }
}

/** Vaults made before the files were created 0600 are corrected on open (the -wal/-shm files exist once opened in WAL mode). */
function ownerOnly(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((fs.statSync(f).mode & 0o077) !== 0) fs.chmodSync(f, 0o600);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
    }
  }
}

/** Below this much free space an I/O error while opening is the full disk, not damage. */
const NEARLY_FULL_BYTES = 1024 * 1024;

/**
 * A full disk makes the first read fail too: SQLite cannot grow its -shm/-wal files (SQLITE_IOERR_SHMSIZE,
 * SQLITE_FULL). Saying "damaged or replaced" then would frighten a person into thinking the evidence is gone, so
 * an I/O error is reported as what it is: the disk is full, or the disk failed to read or write.
 */
function diskError(file: string, e: unknown): HuellaError | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !(code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR'))) return undefined;
  let free: number | undefined;
  try {
    const st = fs.statfsSync(path.dirname(file));
    free = st.bavail * st.bsize;
  } catch {
    free = undefined;
  }
  if (code === 'SQLITE_FULL' || (free !== undefined && free < NEARLY_FULL_BYTES)) {
    return new HuellaError('DISK_FULL', 'Disk full: the vault cannot be opened until there is some free space on its disk (its database needs room for working files). Nothing in the vault was lost. Free some space and try again.', { cause: e });
  }
  return new HuellaError('VAULT_CORRUPT', `The vault database (archive.db) could not be read: the disk reported an input/output error (${code}). The disk may be failing or was disconnected; nothing was changed.`, { cause: e });
}

/**
 * Bounds this connection's page cache to `kib` KiB (PRAGMA cache_size = -kib; SQLite's build default here is 16 MB).
 * The pages held are decrypted ones; a smaller cache costs a decryption of each page read again. For a one-shot
 * batch (the CLI's import, issue 19: peak memory with previews ≤ 200 MB) whose hot pages are the tails of its indexes.
 */
export function limitPageCache(db: ReadableDb, kib: number): void {
  if (!Number.isInteger(kib) || kib <= 0) throw new HuellaError('INTERNAL', `page cache size must be a positive whole number of KiB, not ${kib}`);
  connectionOf(db).pragma(`cache_size = -${kib}`);
}

/**
 * Lets this connection's write-ahead log grow to `pages` pages before SQLite folds it into archive.db (PRAGMA
 * wal_autocheckpoint; SQLite's default is 1,000). For a one-shot batch (the CLI's import, issue 19): each checkpoint
 * decrypts and re-encrypts every page it copies (SQLCipher) and fsyncs archive.db, and an import rewrites the same
 * index pages group after group, so a small log copies them again and again. Durability is unchanged: a commit is
 * durable once its frames are in the log (synchronous = FULL), wherever the checkpoint happens; closeDatabase folds the
 * log and truncates it, and an interrupted batch's log is replayed on the next open.
 */
export function spaceCheckpoints(db: ReadableDb, pages: number): void {
  if (!Number.isInteger(pages) || pages <= 0) throw new HuellaError('INTERNAL', `checkpoint spacing must be a positive whole number of pages, not ${pages}`);
  connectionOf(db).pragma(`wal_autocheckpoint = ${pages}`);
}

/** The log size (pages) at which SQLite checkpoints (spaceCheckpoints; 1,000 until set). */
export function checkpointSpacing(db: ReadableDb): number {
  return connectionOf(db).pragma('wal_autocheckpoint', { simple: true }) as number;
}

/** The page cache bound in KiB (limitPageCache; SQLite's build default until set). */
export function pageCacheKib(db: ReadableDb): number {
  const v = connectionOf(db).pragma('cache_size', { simple: true }) as number;
  return v < 0 ? -v : (v * (connectionOf(db).pragma('page_size', { simple: true }) as number)) / 1024;
}

/** PRAGMA quick_check: used by verify. Returns the problems found (empty when the database is sound). */
export function databaseIntegrityProblems(db: ReadableDb): string[] {
  try {
    const rows = connectionOf(db).all<{ quick_check: string }>('PRAGMA quick_check');
    return rows.map((r) => r.quick_check).filter((s) => s !== 'ok');
  } catch (e) {
    // SQLCipher authenticates every page (HMAC): a changed page makes the read fail with SQLITE_CORRUPT.
    const code = (e as { code?: string }).code ?? 'error';
    return [`a database page failed authentication or is malformed (${code}): archive.db was damaged or altered on disk`];
  }
}
