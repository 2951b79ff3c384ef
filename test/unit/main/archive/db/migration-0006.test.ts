import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { readDraftRow, writeDraftRow } from '../../../../../main/archive/db/drafts';
import { migrate } from '../../../../../main/archive/db/migrate';
import { MIGRATIONS } from '../../../../../main/archive/db/migrations';

/** Migration 0006 (drafts) on a database of the previous version that holds data. */
describe('migration 0006-drafts', () => {
  it('adds the drafts table to a version-5 database with catalogue data, leaving that data as it was', () => {
    const db = new Database(':memory:');
    const index = MIGRATIONS.findIndex((m) => m.name === '0006-drafts');
    expect(index).toBeGreaterThan(0);
    for (const m of MIGRATIONS.slice(0, index)) {
      db.transaction(() => {
        m.up(db);
        db.pragma(`user_version = ${m.version}`);
      })();
    }
    const now = '2026-01-01T00:00:00.000Z';
    db.exec(`
      INSERT INTO cases (id, title, country, created_at, updated_at) VALUES ('case_aaaaaaaaaa', 'Detention of A.', 'TR', '${now}', '${now}');
      INSERT INTO persons (id, real_name, pseudonym, created_at, updated_at) VALUES ('per_aaaaaaaaaa', 'Ayşe Yılmaz', 'Witness A', '${now}', '${now}');
      INSERT INTO testimonies (id, case_id, witness_id, title, text, created_at, updated_at) VALUES ('tes_aaaaaaaaaa', 'case_aaaaaaaaaa', 'per_aaaaaaaaaa', 'Interview', 'They took us.', '${now}', '${now}');
    `);
    const before = db.prepare('SELECT * FROM cases, persons, testimonies').all();

    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT * FROM cases, persons, testimonies').all()).toEqual(before);
    expect(db.prepare('SELECT count(*) AS n FROM drafts').get()).toEqual({ n: 0 });

    writeDraftRow(db, { form: 'testimony', recordId: 'tes_aaaaaaaaaa', data: JSON.stringify({ text: 'They took us. More.' }), base: 'r1', savedAt: now });
    expect(readDraftRow(db, 'testimony', 'tes_aaaaaaaaaa')).toEqual({ form: 'testimony', recordId: 'tes_aaaaaaaaaa', data: '{"text":"They took us. More."}', base: 'r1', createdAt: now, savedAt: now });
    db.close();
  });
});
