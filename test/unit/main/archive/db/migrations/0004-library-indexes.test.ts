import { describe, expect, it } from 'vitest';
import { databaseAt, expectRowsKept, indexesOf, seedCatalogue, seedVaultCore, snapshot, upgrade } from '../../../../../helpers/migrations';
import { tempDir } from '../../../../../helpers/tmp';

describe('migration 0004-library-indexes', () => {
  const dir = tempDir();

  it('on a schema-3 vault: copies each item\'s size from its object, adds the library indexes, changes nothing else', () => {
    const db = databaseAt(3, dir);
    try {
      const core = seedVaultCore(db);
      seedCatalogue(db, core);
      db.prepare('INSERT INTO event_salts (seq, salt) VALUES (4, ?)').run(Buffer.alloc(16, 1));
      const before = snapshot(db);
      upgrade(db, 4);
      expectRowsKept(before, snapshot(db), { except: ['items'] });
      const sizes = db.prepare('SELECT i.id, i.size, o.size AS objectSize FROM items i JOIN objects o ON o.name = i.object_name ORDER BY i.id').all() as { id: string; size: number; objectSize: number }[];
      expect(sizes.map((r) => r.size)).toEqual([1234, 98765]);
      for (const r of sizes) expect(r.size).toBe(r.objectSize);
      expect(indexesOf(db, 'items')).toEqual(
        expect.arrayContaining(['items_live_size', 'items_size_any', 'items_live_ingested', 'items_live_captured', 'items_live_name', 'items_captured_any', 'items_name_any', 'items_live_id', 'items_filter']),
      );
      // The plain library view of live items is served by the partial index (one live item of two here).
      const plan = db.prepare('EXPLAIN QUERY PLAN SELECT rowid FROM items INDEXED BY items_live_ingested WHERE deleted_at IS NULL ORDER BY ingested_at').all() as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toContain('items_live_ingested');
      expect(db.prepare('SELECT count(*) AS n FROM items INDEXED BY items_live_ingested WHERE deleted_at IS NULL').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });
});
