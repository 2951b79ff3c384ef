import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../../../main/archive/db/migrations';
import { migration0007 } from '../../../../../main/archive/db/migrations/0007-witnesses';
import { insertCosignature, insertWitness, lastCosignedSize, listCosignatures, listWitnesses, cosignaturesUpTo, witnessByVerifierKey } from '../../../../../main/archive/db/witnesses';

/** A database at the schema before migration 0007, holding checkpoints (what 0007 must keep and refer to). */
function databaseBefore0007(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  const index = MIGRATIONS.indexOf(migration0007);
  for (const m of MIGRATIONS.slice(0, index)) {
    m.up(db);
    db.pragma(`user_version = ${m.version}`);
  }
  const add = db.prepare('INSERT INTO checkpoints (size, note, reason, created_at) VALUES (?, ?, ?, ?)');
  add.run(3, 'cp3\n', 'ingest', '2026-05-01T00:00:00Z');
  add.run(5, 'cp5\n', 'ingest', '2026-05-02T00:00:00Z');
  return db;
}

describe('migration 0007-witnesses', () => {
  it('adds witnesses and cosignatures to a database holding checkpoints, keeping them', () => {
    const db = databaseBefore0007();
    db.transaction(() => migration0007.up(db))();
    expect(db.prepare('SELECT count(*) AS n FROM checkpoints').get()).toEqual({ n: 2 });
    const w = insertWitness(db, { name: 'w.example/1', verifierKey: 'w.example/1+00000000+BAAA', label: 'Lawyer', addedAt: '2026-05-03T00:00:00Z' });
    expect(witnessByVerifierKey(db, 'w.example/1+00000000+BAAA')).toEqual(w);
    expect(insertCosignature(db, { checkpointId: 1, witnessId: w.id, signedAt: 100, line: '— w.example/1 AAAA', addedAt: 'x' })).toBe(true);
    expect(insertCosignature(db, { checkpointId: 1, witnessId: w.id, signedAt: 100, line: '— w.example/1 AAAA', addedAt: 'y' })).toBe(false);
    insertCosignature(db, { checkpointId: 2, witnessId: w.id, signedAt: 200, line: '— w.example/1 BBBB', addedAt: 'x' });
    expect(lastCosignedSize(db, w.id)).toBe(5);
    expect(listCosignatures(db).map((c) => [c.checkpointSize, c.signedAt, c.checkpointNote])).toEqual([
      [3, 100, 'cp3\n'],
      [5, 200, 'cp5\n'],
    ]);
    expect(cosignaturesUpTo(db, 4).map((c) => c.checkpointSize)).toEqual([3]);
    expect(listWitnesses(db)).toHaveLength(1);
    // A cosignature must belong to a kept checkpoint and a known witness.
    expect(() => insertCosignature(db, { checkpointId: 99, witnessId: w.id, signedAt: 1, line: 'l', addedAt: 'x' })).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
