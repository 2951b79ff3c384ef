import type Database from 'better-sqlite3-multiple-ciphers';
import { fromSystemError } from '../errors';

/**
 * The one place a SQLite connection is used directly. Everything outside main/archive/db holds a connection only
 * as an opaque handle, `ReadableDb` or `WritableDb`, and passes it to the table modules of this folder
 * (`db/custody.ts`, `db/items.ts`, …), which unwrap it with `reader()` / `writer()`. The lint rule
 * `huella/sql-in-db-only` keeps `.prepare(`, `.exec(` and `.pragma(` and imports of this file inside this folder
 * (tests excepted: they play the attacker who edits the file).
 *
 * Statements are prepared once per connection: the cache below is keyed by the SQL text, and table modules pass
 * constant strings (V8 keeps the hash of a literal, so a lookup costs a pointer compare), or SQL built from a
 * bounded set of fixed fragments (the library and search queries), never values.
 *
 * The two handle types are Signal Desktop's ReadableDB/WritableDB: a function that takes a `ReadableDb` promises
 * not to write, so a caller holding only a read connection (a backup snapshot) cannot call a writer.
 */

declare const readableBrand: unique symbol;
declare const writableBrand: unique symbol;

/** A connection the table modules may read from. Opaque outside main/archive/db. */
export type ReadableDb = { readonly [readableBrand]: true };
/** A connection the table modules may read from and write to. Opaque outside main/archive/db. */
export type WritableDb = ReadableDb & { readonly [writableBrand]: true };

export type SqlValue = string | number | bigint | Buffer | Uint8Array | null;
/** Positional values, or one object of named values for `@name` parameters. */
export type SqlParam = SqlValue | Readonly<Record<string, SqlValue>>;
export type RunResult = Database.RunResult;

export type Reader = {
  /** The first row, or undefined. */
  one<R>(sql: string, ...params: readonly SqlParam[]): R | undefined;
  all<R>(sql: string, ...params: readonly SqlParam[]): R[];
  /** Rows one at a time (a scan over every event or object must not hold them all in memory). */
  iterate<R>(sql: string, ...params: readonly SqlParam[]): IterableIterator<R>;
  readonly inTransaction: boolean;
};

export type Writer = Reader & {
  run(sql: string, ...params: readonly SqlParam[]): RunResult;
  /** Runs `fn` in an IMMEDIATE transaction, or as a savepoint inside the current one. */
  transaction<T>(fn: () => T): T;
};

export class Connection implements Writer {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** The prepared statement for `sql`, prepared on first use on this connection. */
  statement(sql: string): Database.Statement {
    let s = this.#statements.get(sql);
    if (s === undefined) {
      s = this.#db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }

  one<R>(sql: string, ...params: readonly SqlParam[]): R | undefined {
    return this.statement(sql).get(...params) as R | undefined;
  }

  all<R>(sql: string, ...params: readonly SqlParam[]): R[] {
    return this.statement(sql).all(...params) as R[];
  }

  iterate<R>(sql: string, ...params: readonly SqlParam[]): IterableIterator<R> {
    let s = this.statement(sql);
    // A statement that is still iterating cannot start again: a nested scan of the same SQL gets its own.
    if (s.busy) s = this.#db.prepare(sql);
    return s.iterate(...params) as IterableIterator<R>;
  }

  run(sql: string, ...params: readonly SqlParam[]): RunResult {
    return this.statement(sql).run(...params);
  }

  get inTransaction(): boolean {
    return this.#db.inTransaction;
  }

  /**
   * IMMEDIATE, so writers never deadlock on a lock upgrade; nested calls become savepoints (better-sqlite3). A
   * full disk (SQLITE_FULL) rolls the transaction back and is reported as DISK_FULL, not as an unexpected error.
   */
  transaction<T>(fn: () => T): T {
    try {
      return this.#db.transaction(fn).immediate();
    } catch (e) {
      if ((e as { code?: unknown } | null)?.code === 'SQLITE_FULL') throw fromSystemError(e, 'saving the change');
      throw e;
    }
  }

  /** Schema statements and multi-statement scripts (migrations). */
  exec(sql: string): void {
    this.#db.exec(sql);
  }

  pragma(source: string, options?: { readonly simple: boolean }): unknown {
    return options ? this.#db.pragma(source, options) : this.#db.pragma(source);
  }

  /** The better-sqlite3 object, for migrations and open/close. */
  get raw(): Database.Database {
    return this.#db;
  }

  get isOpen(): boolean {
    return this.#db.open;
  }

  close(): void {
    this.#statements.clear();
    this.#db.close();
  }
}

/** Wraps an open database as the handle the rest of the code carries. */
export function handleOf(connection: Connection): WritableDb {
  return connection as unknown as WritableDb;
}

/** The connection behind a handle, for the table modules of this folder. */
export function connectionOf(db: ReadableDb): Connection {
  return db as unknown as Connection;
}

/** For functions that only read. */
export function reader(db: ReadableDb): Reader {
  return db as unknown as Connection;
}

/** For functions that write. */
export function writer(db: WritableDb): Writer {
  return db as unknown as Connection;
}

/**
 * The better-sqlite3 object behind a handle: for tests only (the tamper and crash campaigns edit the file as an
 * attacker would). The lint rule forbids importing this file outside main/archive/db and test/.
 */
export function rawDatabase(db: ReadableDb): Database.Database {
  return connectionOf(db).raw;
}
