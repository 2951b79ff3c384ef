import type { RunResult } from '../db/connection';
import { catalogueAll, catalogueOne, catalogueRun } from '../db/catalogue';
import type { Vault } from '../vault/vault';

/**
 * The catalogue services' queries, run on the vault's one statement cache (db/connection.ts) through
 * db/catalogue.ts: catalogue services run thousands of small statements (the generator, the property test, bulk
 * edits) and preparing costs more than running most of them. Issue 18 moves these statements into table modules.
 */

export function one<R>(vault: Vault, sql: string, ...params: unknown[]): R | undefined {
  return catalogueOne<R>(vault.store, sql, ...params);
}

export function all<R>(vault: Vault, sql: string, ...params: unknown[]): R[] {
  return catalogueAll<R>(vault.store, sql, ...params);
}

export function run(vault: Vault, sql: string, ...params: unknown[]): RunResult {
  return catalogueRun(vault.store, sql, ...params);
}
