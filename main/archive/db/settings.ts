import { reader, writer, type ReadableDb, type WritableDb } from './connection';

/** `settings`: the vault's key/value preferences (the custody actor, …). Values are text; callers parse them. */

export function getSetting(db: ReadableDb, key: string): string | undefined {
  return reader(db).one<{ value: string }>('SELECT value FROM settings WHERE key = ?', key)?.value;
}

export function setSetting(db: WritableDb, key: string, value: string): void {
  writer(db).run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, value);
}
