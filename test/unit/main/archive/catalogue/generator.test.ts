import { describe, expect, it } from 'vitest';
import { listCases, searchCatalogue } from '../../../../../main/archive/catalogue';
import { verifyVault } from '../../../../../main/archive/verify/verify';
import { generateCatalogue } from '../../../../fixtures/catalogue-generator';
import { benchSearch } from '../../../../bench/search';
import { tempDir } from '../../../../helpers/tmp';
import { newVault } from './helpers';

describe('synthetic catalogue generator and search benchmark (smoke)', () => {
  const root = tempDir();

  it('makes a realistic catalogue that verifies: real encrypted objects, signed events, search index', async () => {
    const vault = await newVault(root);
    try {
      const r = await generateCatalogue(vault, { items: 300, casesEvery: 30, testimoniesPerCase: 2, seed: 3, chunk: 100 });
      expect(r).toMatchObject({ items: 300, cases: 10, testimonies: 20 });
      expect(r.persons).toBeGreaterThanOrEqual(20);
      const count = (sql: string): number => (vault.db.prepare(sql).get() as { n: number }).n;
      expect(count('SELECT count(*) AS n FROM items')).toBe(300);
      expect(count('SELECT count(*) AS n FROM case_items')).toBe(300);
      expect(count("SELECT count(*) AS n FROM search_docs WHERE doc_type = 'item'")).toBe(300);
      expect(count('SELECT count(*) AS n FROM items WHERE gps_lat IS NOT NULL')).toBeGreaterThan(10);
      expect(count("SELECT count(*) AS n FROM tag_assignments WHERE target_type = 'item'")).toBeGreaterThan(30);
      expect(listCases(vault)).toHaveLength(10);
      // Content in all four languages is searchable.
      for (const q of ['detencion', 'electricite', 'arrest', 'احتجاز']) expect(searchCatalogue(vault, { text: q }).total, q).toBeGreaterThan(0);
      const report = await verifyVault(vault, {});
      expect(report.problems).toEqual([]);
      expect(report.objects).toBe(300);
    } finally {
      vault.lock();
    }
  });

  it('runs the search benchmark end to end on a small catalogue', async () => {
    const r = await benchSearch({ items: 500, workDir: root, queries: 5 });
    expect(r.items).toBe(500);
    expect(r.queries.length).toBeGreaterThanOrEqual(10);
    for (const q of r.queries) {
      expect(q.p50Ms).toBeGreaterThanOrEqual(0);
      expect(q.p99Ms).toBeGreaterThanOrEqual(q.p50Ms);
    }
    expect(r.queries.some((q) => q.count > 0)).toBe(true);
    expect(r.generateSeconds).toBeGreaterThan(0);
  });
});
