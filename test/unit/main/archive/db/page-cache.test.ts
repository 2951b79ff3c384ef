import crypto from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeDatabase, limitPageCache, openDatabase, pageCacheKib } from '../../../../../main/archive/db/open';
import { INGEST_PAGE_CACHE_KIB } from '../../../../../main/cli/commands/items';
import { tempDir } from '../../../../helpers/tmp';

/** The page cache bound of a connection (issue 19: `huella ingest` keeps its database cache small). */
describe('limitPageCache', () => {
  const dir = tempDir();

  it('bounds the connection\'s page cache, from SQLite\'s larger build default', () => {
    const db = openDatabase(path.join(dir, 'a.db'), crypto.randomBytes(32), { create: true });
    try {
      const before = pageCacheKib(db);
      expect(before).toBeGreaterThan(INGEST_PAGE_CACHE_KIB);
      limitPageCache(db, INGEST_PAGE_CACHE_KIB);
      expect(pageCacheKib(db)).toBe(INGEST_PAGE_CACHE_KIB);
      expect(() => limitPageCache(db, 0)).toThrow(/positive whole number/);
      expect(() => limitPageCache(db, 1.5)).toThrow(/positive whole number/);
      expect(pageCacheKib(db)).toBe(INGEST_PAGE_CACHE_KIB);
    } finally {
      closeDatabase(db);
    }
  });
});
