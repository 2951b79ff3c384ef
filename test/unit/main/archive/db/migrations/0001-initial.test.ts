import { describe, expect, it } from 'vitest';
import { columnsOf, databaseAt, seedVaultCore, snapshot, upgrade } from '../../../../../helpers/migrations';
import { tempDir } from '../../../../../helpers/tmp';

/** 0001 runs on the empty database that createVault makes (version 0: nothing to keep). */
describe('migration 0001-initial', () => {
  const dir = tempDir();

  it('turns an empty database into the vault core, which then holds a vault\'s rows', () => {
    const db = databaseAt(0, dir);
    try {
      expect(snapshot(db).size).toBe(0);
      upgrade(db, 1);
      for (const t of ['settings', 'objects', 'items', 'events', 'merkle_nodes', 'checkpoints']) expect(columnsOf(db, t).length).toBeGreaterThan(0);
      const seed = seedVaultCore(db);
      const rows = snapshot(db);
      expect(rows.get('items')).toHaveLength(seed.itemIds.length);
      expect(rows.get('events')).toHaveLength(seed.events);
      // The object kinds are a closed set; an item must point at an object that exists.
      expect(() => db.prepare("INSERT INTO objects (name, sha256, size, kind, created_at) VALUES ('x', x'00', 1, 'thumbnail', 'now')").run()).toThrow(/CHECK/);
      expect(() =>
        db.prepare("INSERT INTO items (id, object_name, media_type, original_name, ingested_at, ingest_seq, metadata, commit_salt) VALUES ('it_x', 'missing', 'a/b', 'n', 'now', 9, '{}', x'00')").run(),
      ).toThrow(/FOREIGN KEY/);
    } finally {
      db.close();
    }
  });
});
