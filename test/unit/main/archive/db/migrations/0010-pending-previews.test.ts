import { describe, expect, it } from 'vitest';
import { columnsOf, databaseAt, expectRowsKept, indexesOf, seedCatalogue, seedChats, seedVaultCore, seedWitnesses, snapshot, storeOf, upgrade } from '../../../../../helpers/migrations';
import { tempDir } from '../../../../../helpers/tmp';
import { countPendingPreviews, markPreviewFailed, pendingPreviews } from '../../../../../../main/archive/db/items';

describe('migration 0010-pending-previews', () => {
  const dir = tempDir();

  it('on a schema-9 vault: adds preview_state (NULL for every existing item: nothing is made again), changes no row', () => {
    const db = databaseAt(9, dir);
    try {
      const core = seedVaultCore(db);
      seedCatalogue(db, core);
      seedWitnesses(db);
      seedChats(db, core);
      const before = snapshot(db);
      upgrade(db, 10);
      expect(columnsOf(db, 'items')).toContain('preview_state');
      expect(indexesOf(db, 'items')).toContain('items_preview_pending');
      const after = snapshot(db);
      expectRowsKept(before, after, { except: ['items'] });
      const states = db.prepare('SELECT preview_state FROM items').all() as { preview_state: string | null }[];
      expect(states.map((s) => s.preview_state)).toEqual([null, null]);
      const store = storeOf(db);
      expect(countPendingPreviews(store)).toBe(0);
      // The owner module's reads and writes work on the new shape; the CHECK refuses another state.
      db.prepare("UPDATE items SET preview_state = 'pending', deleted_at = NULL WHERE id = ?").run(core.itemIds[1]);
      expect(pendingPreviews(store, 10).map((p) => p.id)).toEqual([core.itemIds[1]]);
      markPreviewFailed(store, core.itemIds[1]!, { code: 'PREVIEW_FAILED', message: 'x' });
      expect(countPendingPreviews(store)).toBe(0);
      expect(() => db.prepare("UPDATE items SET preview_state = 'maybe'").run()).toThrow(/CHECK/);
    } finally {
      db.close();
    }
  });
});
