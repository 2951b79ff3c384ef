import { describe, expect, it } from 'vitest';
import {
  cosignaturesUpTo,
  insertCosignature,
  insertWitness,
  lastCosignedSize,
  listCosignatures,
  listWitnesses,
  witnessByVerifierKey,
} from '../../../../../../main/archive/db/witnesses';
import { databaseAt, expectRowsKept, seedCatalogue, seedVaultCore, seedWitnesses, snapshot, storeOf, upgrade } from '../../../../../helpers/migrations';
import { tempDir } from '../../../../../helpers/tmp';

describe('migration 0007-witnesses', () => {
  const dir = tempDir();

  it('adds witnesses and cosignatures to a schema-6 vault holding a log, checkpoints and a catalogue, leaving that data as it was; the owner module uses them', () => {
    const db = databaseAt(6, dir);
    try {
      const core = seedVaultCore(db);
      seedCatalogue(db, core);
      db.prepare("INSERT INTO drafts (form, record_id, data, base, created_at, saved_at) VALUES ('testimony', 'new', '{}', NULL, 'now', 'now')").run();
      db.prepare('INSERT INTO checkpoints (size, note, reason, created_at) VALUES (?, ?, ?, ?)').run(7, 'huella/v\n7\nroot\n\n— sig\n', 'test', '2024-05-03T09:00:00.000Z');
      const before = snapshot(db);
      upgrade(db, 7);
      const after = snapshot(db);
      expectRowsKept(before, after);
      expect(after.get('witnesses')).toEqual([]);
      expect(after.get('cosignatures')).toEqual([]);

      const store = storeOf(db);
      const checkpoints = db.prepare('SELECT id, size FROM checkpoints ORDER BY size').all() as { id: number; size: number }[];
      const w = insertWitness(store, { name: 'w.example/1', verifierKey: 'w.example/1+00000000+BAAA', label: 'Lawyer', addedAt: '2026-05-03T00:00:00Z' });
      expect(witnessByVerifierKey(store, 'w.example/1+00000000+BAAA')).toEqual(w);
      expect(insertCosignature(store, { checkpointId: checkpoints[0]!.id, witnessId: w.id, signedAt: 100, line: '— w.example/1 AAAA', addedAt: 'x' })).toBe(true);
      expect(insertCosignature(store, { checkpointId: checkpoints[0]!.id, witnessId: w.id, signedAt: 100, line: '— w.example/1 AAAA', addedAt: 'y' })).toBe(false);
      insertCosignature(store, { checkpointId: checkpoints[1]!.id, witnessId: w.id, signedAt: 200, line: '— w.example/1 BBBB', addedAt: 'x' });
      expect(lastCosignedSize(store, w.id)).toBe(7);
      expect(listCosignatures(store).map((c) => [c.checkpointSize, c.signedAt])).toEqual([
        [5, 100],
        [7, 200],
      ]);
      expect(cosignaturesUpTo(store, 6).map((c) => c.checkpointSize)).toEqual([5]);
      expect(listWitnesses(store)).toHaveLength(1);
      // A cosignature belongs to a kept checkpoint and a known witness.
      expect(() => insertCosignature(store, { checkpointId: 999, witnessId: w.id, signedAt: 1, line: 'l', addedAt: 'x' })).toThrow(/FOREIGN KEY/);
    } finally {
      db.close();
    }
  });

  it('seedWitnesses fills the new tables for the tests of later migrations', () => {
    const db = databaseAt(7, dir);
    try {
      seedVaultCore(db);
      seedWitnesses(db);
      expect(lastCosignedSize(storeOf(db), 1)).toBe(5);
    } finally {
      db.close();
    }
  });
});
