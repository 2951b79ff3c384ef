import crypto from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { expect } from 'vitest';
import { Connection, handleOf, type WritableDb } from '../../main/archive/db/connection';
import { migrate } from '../../main/archive/db/migrate';
import { MIGRATIONS } from '../../main/archive/db/migrations';

/**
 * The migration harness: every migration NNNN is tested on a database of version NNNN-1 that holds data
 * (test/unit/main/archive/db/migrations/NNNN-*.test.ts; a test fails when a migration has none).
 *
 *   const db = databaseAt(3);                  // migrations 1..3 applied, encrypted and keyed like a vault's
 *   seedVaultCore(db); seedCatalogue(db);      // rows as the code of that version wrote them (add your own)
 *   const before = snapshot(db);
 *   upgrade(db, 4);                            // the migration under test, as open() runs it (in a transaction)
 *   expectRowsKept(before, snapshot(db), { except: ['items'] });  // nothing else lost or changed
 *   itemIngestSeq(storeOf(db), id);            // and the owner module reads and writes the new shape
 *
 * Seed rows are written with SQL of the old schema on purpose: the table modules only know today's schema. A
 * migration that adds a table also extends a seed function here, so the next migration is tested with it full.
 */

export type MigrationDb = Database.Database;

/** A SQLCipher database in a temp file, keyed and configured as db/open.ts does, at schema `version`. */
export function databaseAt(version: number, dir: string): MigrationDb {
  const db = new Database(path.join(dir, `v${version}-${crypto.randomBytes(4).toString('hex')}.db`));
  db.pragma("cipher='sqlcipher'");
  db.pragma('legacy=4');
  db.pragma(`key="x'${crypto.randomBytes(32).toString('hex')}'"`);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db, version);
  expect(db.pragma('user_version', { simple: true })).toBe(version);
  return db;
}

/** Runs the migrations up to `version` (as open() does) and checks that the schema is then at `version`. */
export function upgrade(db: MigrationDb, version: number): void {
  migrate(db, version);
  expect(db.pragma('user_version', { simple: true })).toBe(version);
  expect(db.pragma('foreign_key_check')).toEqual([]);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
}

/** The handle the table modules take, over the same connection: after upgrade(), check the owner module reads the rows. */
export function storeOf(db: MigrationDb): WritableDb {
  return handleOf(new Connection(db));
}

export function migrationNamed(name: string): (typeof MIGRATIONS)[number] {
  const m = MIGRATIONS.find((x) => x.name === name);
  if (!m) throw new Error(`no migration ${name}`);
  return m;
}

export type Snapshot = ReadonlyMap<string, readonly string[]>;

/** Every row of every ordinary table (FTS shadow tables excluded), as JSON lines in a stable order. */
export function snapshot(db: MigrationDb): Snapshot {
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_fts%' ORDER BY name")
    .all()
    .map((t) => t.name);
  const out = new Map<string, string[]>();
  for (const t of tables) {
    const rows = db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[];
    out.set(t, rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (isBufferJson(v) ? Buffer.from(v.data).toString('hex') : v))).sort());
  }
  return out;
}

function isBufferJson(v: unknown): v is { type: 'Buffer'; data: number[] } {
  return typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data);
}

/**
 * Every table of `before` still holds exactly its rows after the migration, except the tables the migration
 * changes on purpose (`except`, checked by the test itself) and those it drops (`dropped`).
 */
export function expectRowsKept(before: Snapshot, after: Snapshot, options: { readonly except?: readonly string[]; readonly dropped?: readonly string[] } = {}): void {
  for (const [table, rows] of before) {
    if (options.dropped?.includes(table)) {
      expect(after.has(table), `table ${table} should be gone`).toBe(false);
      continue;
    }
    if (options.except?.includes(table)) continue;
    expect(after.get(table), `rows of ${table}`).toEqual(rows);
  }
}

export function columnsOf(db: MigrationDb, table: string): string[] {
  return (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
}

export function indexesOf(db: MigrationDb, table: string): string[] {
  return (db.prepare(`PRAGMA index_list("${table}")`).all() as { name: string }[]).map((i) => i.name).sort();
}

const hash = (s: string): Buffer => crypto.createHash('sha256').update(s).digest();

export type CoreSeed = { readonly itemIds: readonly string[]; readonly objectNames: readonly string[]; readonly events: number };

/**
 * Schema 1 data as a vault of that version held it: a setting, three objects (two originals, one preview), two
 * items (one with GPS, one deleted), five signed-looking events with their Merkle leaves, a checkpoint.
 */
export function seedVaultCore(db: MigrationDb): CoreSeed {
  const objectNames = ['a1', 'b2', 'c3'].map((s) => hash(`name ${s}`).toString('hex'));
  const insertObject = db.prepare('INSERT INTO objects (name, sha256, size, kind, created_at) VALUES (?, ?, ?, ?, ?)');
  insertObject.run(objectNames[0], hash('content 1'), 1234, 'original', '2024-05-01T10:00:00.000Z');
  insertObject.run(objectNames[1], hash('content 2'), 98765, 'original', '2024-05-01T10:01:00.000Z');
  insertObject.run(objectNames[2], hash('preview 1'), 4321, 'preview', '2024-05-01T10:00:01.000Z');
  const itemIds = ['it_migration0000000001', 'it_migration0000000002'];
  const insertItem = db.prepare(
    `INSERT INTO items (id, object_name, media_type, original_name, source_note, ingested_at, ingest_seq, metadata, commit_salt,
       capture_time, gps_lat, gps_lon, preview_object, warnings, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  insertItem.run(itemIds[0], objectNames[0], 'image/jpeg', 'detención 1.jpg', 'from the phone of W4', '2024-05-01T10:00:00.000Z', 1,
    JSON.stringify({ make: 'Canon', captureTime: '2024-04-30T08:15:00', gps: { lat: 4.61, lon: -74.08 } }), crypto.randomBytes(16),
    '2024-04-30T08:15:00', 4.61, -74.08, objectNames[2], null, null);
  insertItem.run(itemIds[1], objectNames[1], 'application/pdf', 'informe.pdf', null, '2024-05-01T10:01:00.000Z', 3, '{}', crypto.randomBytes(16),
    null, null, null, null, JSON.stringify([{ code: 'PARSER_FAILED', message: 'x' }]), '2024-05-02T09:00:00.000Z');
  const insertEvent = db.prepare('INSERT INTO events (seq, type, subject, bytes, signature, hash) VALUES (?, ?, ?, ?, ?, ?)');
  const types = ['vault.created', 'item.ingested', 'item.derived', 'item.ingested', 'item.deleted'];
  const subjects = [null, itemIds[0], itemIds[0], itemIds[1], itemIds[1]];
  types.forEach((type, seq) => {
    const bytes = Buffer.from(JSON.stringify({ v: 1, seq, type, subject: subjects[seq] }));
    insertEvent.run(seq, type, subjects[seq] ?? null, bytes, crypto.randomBytes(64), hash(bytes.toString()));
    db.prepare('INSERT INTO merkle_nodes (level, idx, hash) VALUES (0, ?, ?)').run(seq, hash(`leaf ${seq}`));
  });
  db.prepare('INSERT INTO checkpoints (size, note, reason, created_at) VALUES (?, ?, ?, ?)').run(5, 'huella/v\n5\nroot\n\n— sig\n', 'test', '2024-05-02T09:00:01.000Z');
  db.prepare("INSERT INTO settings (key, value) VALUES ('actor', 'documenter 2')").run();
  return { itemIds, objectNames, events: types.length };
}

export type CatalogueSeed = { readonly caseId: string; readonly personIds: readonly string[]; readonly testimonyId: string };

/** Schema 2 catalogue data over seedVaultCore's items: a case with both items and two people, a testimony with two revisions, consent, tags, a link. */
export function seedCatalogue(db: MigrationDb, core: CoreSeed): CatalogueSeed {
  const caseId = 'case_migration000000001';
  const personIds = ['per_migration00000001', 'per_migration00000002'];
  const testimonyId = 'tes_migration00000001';
  const t0 = '2024-05-03T12:00:00.000Z';
  db.prepare('INSERT INTO cases (id, title, country, status, summary, notes, mechanisms, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    caseId, 'Detención arbitraria de M.', 'CO', 'open', 'Resumen', null, '["wgad-individual"]', t0, t0);
  for (const itemId of core.itemIds) db.prepare('INSERT INTO case_items (case_id, item_id, added_at) VALUES (?, ?, ?)').run(caseId, itemId, t0);
  const insertPerson = db.prepare('INSERT INTO persons (id, real_name, pseudonym, sex, birth_date, nationality, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  insertPerson.run(personIds[0], 'María Pérez', 'Víctima 1', 'female', '1990', 'CO', t0, t0);
  insertPerson.run(personIds[1], 'محمد علي', 'Testigo 4', 'male', null, null, t0, t0);
  db.prepare('INSERT INTO case_persons (case_id, person_id, role, added_at) VALUES (?, ?, ?, ?)').run(caseId, personIds[0], 'victim', t0);
  db.prepare('INSERT INTO case_persons (case_id, person_id, role, added_at) VALUES (?, ?, ?, ?)').run(caseId, personIds[1], 'witness', t0);
  db.prepare('INSERT INTO testimonies (id, case_id, witness_id, title, interview_date, text, revision, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    testimonyId, caseId, personIds[1], 'Entrevista', '2024-05-03', 'Vi cuando lo detuvieron.', 2, t0, t0);
  const insertRevision = db.prepare('INSERT INTO testimony_revisions (testimony_id, revision, fields, text, saved_at, event_seq) VALUES (?, ?, ?, ?, ?, ?)');
  insertRevision.run(testimonyId, 1, JSON.stringify({ title: 'Entrevista' }), 'Vi', t0, 3);
  insertRevision.run(testimonyId, 2, JSON.stringify({ title: 'Entrevista' }), 'Vi cuando lo detuvieron.', t0, 4);
  db.prepare('INSERT INTO testimony_items (testimony_id, item_id, added_at) VALUES (?, ?, ?)').run(testimonyId, core.itemIds[0], t0);
  db.prepare(
    'INSERT INTO consents (id, person_id, mechanism, disclose_name, share_material, given_at, how_recorded, evidence_item, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run('con_migration00000001', personIds[0], 'wgad-individual', 1, 1, '2024-05-03', 'written-signed', core.itemIds[0], t0);
  db.prepare('INSERT INTO tag_assignments (id, target_type, target_id, term_id, details, assigned_by, assigned_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    'tag_migration00000001', 'item', core.itemIds[0], 'ip:beating', JSON.stringify({ site: 'back' }), 'owner', t0);
  db.prepare('INSERT INTO links (id, from_type, from_id, to_type, to_id, relation, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    'lnk_migration00000001', 'item', core.itemIds[0], 'testimony', testimonyId, 'corroborates', t0);
  db.prepare('UPDATE items SET title = ?, description = ? WHERE id = ?').run('Foto de la detención', 'Dos agentes', core.itemIds[0]);
  return { caseId, personIds, testimonyId };
}

/** Schema 7 rows: a witness and its cosignature of seedVaultCore's checkpoint (for migrations after 0007-witnesses). */
export function seedWitnesses(db: MigrationDb): void {
  db.prepare('INSERT INTO witnesses (id, name, verifier_key, label, added_at) VALUES (?, ?, ?, ?, ?)').run(1, 'witness.example/w1', 'witness.example/w1+8d66cf3f+BAAA', 'Abogada', '2024-05-03T12:00:00.000Z');
  const checkpoint = db.prepare('SELECT id FROM checkpoints ORDER BY id LIMIT 1').get() as { id: number };
  db.prepare('INSERT INTO cosignatures (checkpoint_id, witness_id, signed_at, line, added_at) VALUES (?, ?, ?, ?, ?)').run(checkpoint.id, 1, 1714737600, '— witness.example/w1 jWbPPw==', '2024-05-03T12:00:00.000Z');
}

/** Schema 8 rows: a chat (seedVaultCore's first item as its text) whose second message names the second item (for migrations after 0008-chats). */
export function seedChats(db: MigrationDb, core: CoreSeed): void {
  db.prepare('INSERT INTO chats (item_id, format, title, imported_at, event_seq, commit_salt) VALUES (?, ?, ?, ?, ?, ?)').run(core.itemIds[0], 'whatsapp-ios', null, '2024-05-03T12:00:00.000Z', 2, Buffer.alloc(16, 3));
  const insertMessage = db.prepare('INSERT INTO chat_messages (chat_item, seq, sent_at, sender, text, attachment_name, attachment_item) VALUES (?, ?, ?, ?, ?, ?, ?)');
  insertMessage.run(core.itemIds[0], 0, '2024-03-05T17:20:00', 'Lucía', 'Llegaron', null, null);
  insertMessage.run(core.itemIds[0], 1, '2024-03-05T17:22:10', 'Nahuel', '<attached: informe.pdf>', 'informe.pdf', core.itemIds[1]);
}
