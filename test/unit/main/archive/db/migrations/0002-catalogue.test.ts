import { describe, expect, it } from 'vitest';
import { columnsOf, databaseAt, expectRowsKept, seedCatalogue, seedVaultCore, snapshot, upgrade } from '../../../../../helpers/migrations';
import { tempDir } from '../../../../../helpers/tmp';

describe('migration 0002-catalogue', () => {
  const dir = tempDir();

  it('adds the catalogue to a schema-1 vault holding items and events, and loses or changes none of them', () => {
    const db = databaseAt(1, dir);
    try {
      const core = seedVaultCore(db);
      const before = snapshot(db);
      upgrade(db, 2);
      const after = snapshot(db);
      expectRowsKept(before, after, { except: ['items'] });
      // items gained three description columns, empty on every existing row; nothing else of the rows changed.
      expect(columnsOf(db, 'items')).toEqual(expect.arrayContaining(['title', 'description', 'place']));
      const items = db.prepare('SELECT * FROM items ORDER BY id').all() as Record<string, unknown>[];
      expect(items.map((r) => [r.title, r.description, r.place])).toEqual([[null, null, null], [null, null, null]]);
      const strip = (json: string): string => {
        const { title: _t, description: _d, place: _p, ...rest } = JSON.parse(json) as Record<string, unknown>;
        return JSON.stringify(rest);
      };
      expect(after.get('items')!.map(strip)).toEqual(before.get('items')!.map(strip));
      // The new tables are empty and accept the catalogue of those items (foreign keys to items included).
      for (const t of ['cases', 'case_items', 'persons', 'case_persons', 'testimonies', 'testimony_revisions', 'testimony_items', 'consents', 'tag_assignments', 'links', 'search_docs']) {
        expect(after.get(t), t).toEqual([]);
      }
      seedCatalogue(db, core);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(() => db.prepare("INSERT INTO case_items (case_id, item_id, added_at) VALUES ('case_migration000000001', 'it_missing', 'now')").run()).toThrow(/FOREIGN KEY/);
    } finally {
      db.close();
    }
  });
});
