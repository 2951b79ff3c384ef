import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * The repository's own ESLint configuration, run on snippets placed (by file name only) in the folders the rules
 * distinguish: the rules must be switched on there, and fire or stay quiet as main/archive/README.md says.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
let eslint: ESLint;
// The first lint loads typescript-eslint: seconds on a loaded machine.
vi.setConfig({ testTimeout: 30_000 });

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

async function ruleHits(relPath: string, code: string, rule: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, relPath) });
  expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === rule).map((m) => m.message);
}

describe('huella/sql-in-db-only', () => {
  const rule = 'huella/sql-in-db-only';

  it('fires on .prepare( , .pragma( and a SQL .exec( outside main/archive/db', async () => {
    const code = [
      'declare const db: { prepare(s: string): unknown; pragma(s: string): unknown; exec(s: string): unknown };',
      "db.prepare('SELECT id FROM items WHERE id = ?');",
      "db.pragma('user_version');",
      "db.exec('DELETE FROM items');",
      'db.exec(`UPDATE items SET title = NULL`);',
      '',
    ].join('\n');
    for (const where of ['main/archive/catalogue/x.ts', 'main/archive/items/x.ts', 'main/ipc/x.ts', 'main/cli/commands/x.ts', 'main/electron/x.ts']) {
      const hits = await ruleHits(where, code, rule);
      expect(hits, where).toHaveLength(4);
      expect(hits[0]).toMatch(/\.prepare\( runs SQL directly: add a named function to a table module in main\/archive\/db/);
    }
  });

  it('fires on importing the SQLite driver or the connection outside main/archive/db; a type import of the handles is fine', async () => {
    const code = [
      "import Database from 'better-sqlite3-multiple-ciphers';",
      "import { rawDatabase } from '../db/connection';",
      "import type { WritableDb } from '../db/connection';",
      'export const x = [Database, rawDatabase] as unknown as WritableDb;',
      '',
    ].join('\n');
    const hits = await ruleHits('main/archive/catalogue/x.ts', code, rule);
    expect(hits).toEqual([
      "the SQLite driver ('better-sqlite3-multiple-ciphers') is used only in main/archive/db",
      'main/archive/db/connection is imported only inside main/archive/db (type imports of the handles excepted)',
    ]);
  });

  it('fires on SQL text handed to any helper outside main/archive/db (how one/all/run leaked statements), not on sentences', async () => {
    const code = [
      'declare function run(v: unknown, sql: string, ...p: unknown[]): unknown;',
      'declare const c: { all(sql: string, ...p: unknown[]): unknown; log(s: string): void };',
      "run(null, 'UPDATE cases SET updated_at = ? WHERE id = ?', 1, 2);",
      'c.all(`SELECT c.*, ${1} AS n FROM cases c`);',
      "c.log('Select a file from the list, then Delete from the vault');",
      "c.log(JSON.stringify({ pragma: 'PRAGMA key = x' }));",
      '',
    ].join('\n');
    const hits = await ruleHits('main/archive/catalogue/x.ts', code, rule);
    expect(hits).toEqual([
      'SQL text passed to run(: statements live in a table module in main/archive/db; call its named function with vault.store',
      'SQL text passed to .all(: statements live in a table module in main/archive/db; call its named function with vault.store',
    ]);
    expect(await ruleHits('main/cli/commands/x.ts', code, rule)).toHaveLength(2);
    expect(await ruleHits('main/archive/db/cases.ts', code, rule)).toEqual([]);
    expect(await ruleHits('test/fixtures/x.ts', code, rule)).toEqual([]);
  });

  it('stays quiet inside main/archive/db, in tests, and on RegExp .exec(', async () => {
    const sql = "declare const db: { prepare(s: string): unknown };\ndb.prepare('SELECT 1');\n";
    expect(await ruleHits('main/archive/db/items.ts', sql, rule)).toEqual([]);
    expect(await ruleHits('test/unit/main/archive/x.test.ts', sql, rule)).toEqual([]);
    expect(await ruleHits('main/archive/catalogue/x.ts', "export const m = /a(b)/.exec('ab');\nexport const n = /x/.exec(`select`);\n", rule)).toEqual([]);
  });
});

describe('huella/layering', () => {
  it('fires when main/archive imports electron or the IPC layer, and the renderer imports main', async () => {
    expect(await ruleHits('main/archive/items/x.ts', "import { app } from 'electron';\nexport const a = app;\n", 'huella/layering')).toHaveLength(1);
    expect(await ruleHits('main/archive/items/x.ts', "import { x } from '../../ipc/handlers';\nexport const a = x;\n", 'huella/layering')).toHaveLength(1);
    expect(await ruleHits('renderer/src/x.ts', "import { x } from '../../main/archive/items/items';\nexport const a = x;\n", 'huella/layering')).toHaveLength(1);
    expect(await ruleHits('main/ipc/x.ts', "import { x } from '../archive/items/items';\nexport const a = x;\n", 'huella/layering')).toEqual([]);
  });
});
