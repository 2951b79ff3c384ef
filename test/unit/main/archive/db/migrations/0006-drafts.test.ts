import { describe, expect, it } from 'vitest';
import { deleteDraftRowsOfRecord, readDraftRow, writeDraftRow } from '../../../../../../main/archive/db/drafts';
import { databaseAt, expectRowsKept, seedCatalogue, seedVaultCore, snapshot, storeOf, upgrade } from '../../../../../helpers/migrations';
import { tempDir } from '../../../../../helpers/tmp';

describe('migration 0006-drafts', () => {
  const dir = tempDir();

  it('adds the drafts table to a schema-5 vault holding items and a catalogue, leaving that data as it was; the owner module uses it', () => {
    const db = databaseAt(5, dir);
    try {
      const core = seedVaultCore(db);
      const catalogue = seedCatalogue(db, core);
      db.prepare("INSERT INTO remotes (name, url, created_at) VALUES ('org', 's3://bucket/p', 'now')").run();
      const before = snapshot(db);
      upgrade(db, 6);
      const after = snapshot(db);
      expectRowsKept(before, after);
      expect(after.get('drafts')).toEqual([]);

      const store = storeOf(db);
      const now = '2026-01-01T00:00:00.000Z';
      writeDraftRow(store, { form: 'testimony', recordId: catalogue.testimonyId, data: JSON.stringify({ text: 'Vi cuando lo detuvieron. Más.' }), base: 'r2', savedAt: now });
      expect(readDraftRow(store, 'testimony', catalogue.testimonyId)).toEqual({
        form: 'testimony', recordId: catalogue.testimonyId, data: '{"text":"Vi cuando lo detuvieron. Más."}', base: 'r2', createdAt: now, savedAt: now,
      });
      expect(deleteDraftRowsOfRecord(store, catalogue.testimonyId)).toBe(1);
    } finally {
      db.close();
    }
  });
});
