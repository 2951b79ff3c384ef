import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionOf } from '../../../../../main/archive/db/connection';
import { checkpointSpacing, closeDatabase, openDatabase, spaceCheckpoints, transaction } from '../../../../../main/archive/db/open';
import { INGEST_CHECKPOINT_PAGES } from '../../../../../main/cli/commands/items';
import { tempDir } from '../../../../helpers/tmp';

/**
 * spaceCheckpoints (issue 19: `huella ingest` lets archive.db's write-ahead log grow before SQLite folds it in). The
 * log must really grow past SQLite's 1,000 pages, every commit must be readable before and after the fold, the log
 * must be folded and emptied at close, and a connection closed without folding (a crash) must lose no commit.
 */
const PAGE = 4096;
const FRAME = PAGE + 24;
const key = crypto.randomBytes(32);

/** `commits` transactions of one 64 KiB row each (~17 pages of log per commit: the row's overflow pages and the table's). */
function fill(db: ReturnType<typeof openDatabase>, from: number, commits: number): void {
  const c = connectionOf(db);
  for (let i = from; i < from + commits; i++) transaction(db, () => c.run('INSERT INTO bulk (id, body) VALUES (?, ?)', i, crypto.randomBytes(64 * 1024)));
}

function rows(db: ReturnType<typeof openDatabase>): number {
  return connectionOf(db).one<{ n: number }>('SELECT count(*) AS n FROM bulk')!.n;
}

const walPages = (file: string): number => (fs.existsSync(`${file}-wal`) ? Math.floor(fs.statSync(`${file}-wal`).size / FRAME) : 0);

describe('spaceCheckpoints', () => {
  const dir = tempDir();

  it('is SQLite\'s 1,000 pages until set; set, the log grows past it; closing folds and empties it, every commit kept', () => {
    const plain = path.join(dir, 'plain.db');
    const spaced = path.join(dir, 'spaced.db');
    for (const [file, spacing] of [
      [plain, undefined],
      [spaced, 4000],
    ] as const) {
      const db = openDatabase(file, key, { create: true });
      connectionOf(db).exec('CREATE TABLE bulk (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
      expect(checkpointSpacing(db)).toBe(1000);
      if (spacing !== undefined) {
        spaceCheckpoints(db, spacing);
        expect(checkpointSpacing(db)).toBe(spacing);
      }
      fill(db, 0, 150);
      expect(rows(db)).toBe(150);
      if (spacing === undefined) expect(walPages(file)).toBeLessThan(1300); // folded at ~1,000 pages, then the log is reused from its start
      else expect(walPages(file)).toBeGreaterThan(2000); // not folded yet
      closeDatabase(db);
      expect(walPages(file)).toBe(0);
      const again = openDatabase(file, key, { create: false });
      expect(rows(again)).toBe(150);
      expect(checkpointSpacing(again)).toBe(1000); // a setting of the connection, not of the file
      closeDatabase(again);
    }
  });

  it('a connection that ends without folding its log (a crash) loses no commit: the next open replays it', () => {
    const file = path.join(dir, 'crash.db');
    const db = openDatabase(file, key, { create: true });
    connectionOf(db).exec('CREATE TABLE bulk (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
    spaceCheckpoints(db, INGEST_CHECKPOINT_PAGES);
    fill(db, 0, 120);
    expect(walPages(file)).toBeGreaterThan(1500);
    // Closed by the driver alone: no wal_checkpoint(TRUNCATE) as closeDatabase does. SQLite would fold the log at a
    // clean close, so the log file is copied first and put back, as a killed process leaves it.
    const wal = fs.readFileSync(`${file}-wal`);
    const main = fs.readFileSync(file);
    connectionOf(db).close();
    fs.writeFileSync(file, main);
    fs.writeFileSync(`${file}-wal`, wal);
    fs.rmSync(`${file}-shm`, { force: true });
    const again = openDatabase(file, key, { create: false });
    expect(rows(again)).toBe(120);
    closeDatabase(again);
  });

  it('refuses a spacing that is not a positive whole number of pages', () => {
    const db = openDatabase(path.join(dir, 'bad.db'), key, { create: true });
    try {
      expect(() => spaceCheckpoints(db, 0)).toThrow(/positive whole number/);
      expect(() => spaceCheckpoints(db, 2.5)).toThrow(/positive whole number/);
      expect(checkpointSpacing(db)).toBe(1000);
      expect(INGEST_CHECKPOINT_PAGES).toBeGreaterThan(1000);
    } finally {
      closeDatabase(db);
    }
  });
});
