import { describe, expect, it } from 'vitest';
import { columnsOf, databaseAt, expectRowsKept, indexesOf, seedCatalogue, seedVaultCore, snapshot, upgrade } from '../../../../../helpers/migrations';
import { tempDir } from '../../../../../helpers/tmp';

describe('migration 0003-catalogue-search', () => {
  const dir = tempDir();

  it('on a schema-2 vault with a catalogue: keeps every catalogue and custody row, adds event_salts, rebuilds search_docs', () => {
    const db = databaseAt(2, dir);
    try {
      const core = seedVaultCore(db);
      seedCatalogue(db, core);
      // Schema 2's index rows (the code of version 2 never wrote them; a vault that had some loses only the index).
      db.prepare("INSERT INTO search_fts (doc_type, doc_id, title, body) VALUES ('item', ?, 'foto', 'dos agentes')").run(core.itemIds[0]);
      db.prepare("INSERT INTO search_docs (doc_type, doc_id, fts_rowid) VALUES ('item', ?, 1)").run(core.itemIds[0]);
      const before = snapshot(db);
      upgrade(db, 3);
      const after = snapshot(db);
      expectRowsKept(before, after, { except: ['search_docs'] });
      expect(after.get('event_salts')).toEqual([]);
      // search_docs has its new shape (filter and sort keys); the index is empty until the next rebuild.
      expect(columnsOf(db, 'search_docs')).toEqual(['fts_rowid', 'doc_type', 'doc_id', 'sort_date', 'sort_name', 'media_type', 'has_gps', 'place']);
      expect(after.get('search_docs')).toEqual([]);
      expect(db.prepare('SELECT count(*) AS n FROM search_fts').get()).toEqual({ n: 0 });
      expect(indexesOf(db, 'tag_assignments')).toContain('tag_assignments_active');
      expect(indexesOf(db, 'testimonies')).toContain('testimonies_witness');
      // An event salt must name an existing event; titles rank above bodies.
      db.prepare('INSERT INTO event_salts (seq, salt) VALUES (1, ?)').run(Buffer.alloc(16, 7));
      expect(() => db.prepare('INSERT INTO event_salts (seq, salt) VALUES (99, ?)').run(Buffer.alloc(16))).toThrow(/FOREIGN KEY/);
      expect(db.prepare("SELECT v FROM search_fts_config WHERE k = 'rank'").get()).toEqual({ v: 'bm25(0.0, 0.0, 10.0, 1.0)' });
    } finally {
      db.close();
    }
  });
});
