import type Database from 'better-sqlite3-multiple-ciphers';
import type { Vault } from '../vault/vault';

/**
 * Prepared statements, cached per database connection: catalogue services run thousands of small statements (the
 * generator, the property test, bulk edits) and preparing costs more than running most of them.
 */
const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export function stmt<P extends unknown[] = unknown[], R = unknown>(vault: Vault, sql: string): Database.Statement<P, R> {
  const db = vault.db;
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let s = cache.get(sql);
  if (!s) {
    s = db.prepare(sql);
    cache.set(sql, s);
  }
  return s as unknown as Database.Statement<P, R>;
}

export function one<R>(vault: Vault, sql: string, ...params: unknown[]): R | undefined {
  return stmt<unknown[], R>(vault, sql).get(...params);
}

export function all<R>(vault: Vault, sql: string, ...params: unknown[]): R[] {
  return stmt<unknown[], R>(vault, sql).all(...params);
}

export function run(vault: Vault, sql: string, ...params: unknown[]): Database.RunResult {
  return stmt(vault, sql).run(...params);
}
