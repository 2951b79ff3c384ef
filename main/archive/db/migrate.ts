import type Database from 'better-sqlite3-multiple-ciphers';
import { HuellaError } from '../errors';
import { MIGRATIONS } from './migrations';

export type Migration = {
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database.Database) => void;
};

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Applies pending numbered migrations, each in its own transaction, tracked in PRAGMA user_version. `target` (the
 * migration tests' harness, test/helpers/migrations.ts) stops at an older version.
 */
export function migrate(db: Database.Database, target = LATEST_SCHEMA_VERSION): void {
  MIGRATIONS.forEach((m, i) => {
    if (m.version !== i + 1) throw new HuellaError('INTERNAL', `migration ${m.name} is out of order`);
  });
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_SCHEMA_VERSION) {
    throw new HuellaError(
      'VAULT_TOO_NEW',
      `This vault's database was written by a newer version of Huella (schema ${current}; this version knows up to ${LATEST_SCHEMA_VERSION}). Update Huella to open it; nothing was changed.`,
    );
  }
  for (const m of MIGRATIONS.slice(current, target)) {
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
