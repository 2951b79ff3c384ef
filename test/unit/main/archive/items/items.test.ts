import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVault, type Vault } from '../../../../../main/archive/vault/vault';
import { listItemsPage, type ItemListFilters, type ItemSortKey } from '../../../../../main/archive/items/items';
import { deleteItem } from '../../../../../main/archive/items/edit';
import { generateCatalogue, seededRandom } from '../../../../fixtures/catalogue-generator';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

/**
 * listItemsPage picks indexes by hand (INDEXED BY) and fetches row ids first: check every sort × filter against an
 * order computed here in JavaScript from the raw rows, at several offsets.
 */
type Raw = { rowid: number; id: string; media_type: string; original_name: string; ingested_at: string; capture_time: string | null; gps_lat: number | null; deleted_at: string | null; size: number };

const SORTS: readonly ItemSortKey[] = ['ingested-desc', 'ingested-asc', 'captured-desc', 'captured-asc', 'name-asc', 'size-desc'];

function expected(rows: readonly Raw[], sort: ItemSortKey, f: ItemListFilters): string[] {
  const kept = rows.filter(
    (r) =>
      (f.includeDeleted || r.deleted_at === null) &&
      (!f.mediaTypePrefix || r.media_type.startsWith(f.mediaTypePrefix)) &&
      (f.hasGps === undefined || (r.gps_lat !== null) === f.hasGps) &&
      (!f.dateFrom || (r.capture_time ?? r.ingested_at) >= f.dateFrom),
  );
  const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);
  const captured = (r: Raw): string => r.capture_time ?? r.ingested_at;
  const by: Record<ItemSortKey, (a: Raw, b: Raw) => number> = {
    'ingested-desc': (a, b) => cmp(b.ingested_at, a.ingested_at) || b.rowid - a.rowid,
    'ingested-asc': (a, b) => cmp(a.ingested_at, b.ingested_at) || a.rowid - b.rowid,
    'captured-desc': (a, b) => cmp(captured(b), captured(a)) || b.rowid - a.rowid,
    'captured-asc': (a, b) => cmp(captured(a), captured(b)) || a.rowid - b.rowid,
    'name-asc': (a, b) => cmp(a.original_name.toLowerCase(), b.original_name.toLowerCase()) || a.rowid - b.rowid,
    'size-desc': (a, b) => b.size - a.size || b.rowid - a.rowid,
  };
  return [...kept].sort(by[sort]).map((r) => r.id);
}

describe('listItemsPage', () => {
  const root = tempDir();
  let vault: Vault;
  let rows: Raw[];

  beforeAll(async () => {
    vault = (await createVault(path.join(root, 'v'), TEST_PASSPHRASE)).vault;
    await generateCatalogue(vault, { items: 600, seed: 3 });
    const rnd = seededRandom(9);
    const ids = (vault.db.prepare('SELECT id FROM items').all() as { id: string }[]).map((r) => r.id);
    for (const id of ids) if (rnd() < 0.1) deleteItem(vault, { id, reason: 'test' });
    rows = vault.db.prepare('SELECT rowid, id, media_type, original_name, ingested_at, capture_time, gps_lat, deleted_at, size FROM items').all() as Raw[];
  });
  afterAll(() => vault?.lock());

  const filterSets: readonly ItemListFilters[] = [{}, { includeDeleted: true }, { mediaTypePrefix: 'image/' }, { hasGps: true }, { hasGps: false, includeDeleted: true }, { dateFrom: '2020-01-01' }];

  for (const sort of SORTS) {
    for (const filters of filterSets) {
      it(`${sort} ${JSON.stringify(filters)}`, () => {
        const want = expected(rows, sort, filters);
        // Each filter must select a real, partial subset, or the comparison proves little.
        expect(want.length).toBeGreaterThan(40);
        expect(want.length).toBeLessThan(rows.length + (filters.includeDeleted && Object.keys(filters).length === 1 ? 1 : 0));
        for (const offset of [0, 7, 250, Math.max(0, want.length - 5)]) {
          const page = listItemsPage(vault, { offset, limit: 40, sort, filters });
          expect(page.total).toBe(want.length);
          expect(page.items.map((i) => i.id)).toEqual(want.slice(offset, offset + 40));
        }
      });
    }
  }
});
