import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addCaseItems,
  assignTag,
  createCase,
  createPerson,
  createTestimony,
  recordConsent,
  searchCatalogue,
  setPersonRole,
} from '../../../../../main/archive/catalogue';
import { isHuellaError } from '../../../../../main/archive/errors';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import type { Vault } from '../../../../../main/archive/vault/vault';
import type { SearchQuery } from '../../../../../shared/model/catalogue';
import { writeGpsPhoto } from '../../../../helpers/photos';
import { tempDir } from '../../../../helpers/tmp';
import { makeItems, newVault } from './helpers';

const GPS = { lat: 19.43, lon: -99.13 };

describe('search', () => {
  const root = tempDir();
  let vault: Vault;
  const id: Record<string, string> = {};
  const ids = (q: SearchQuery): string[] => searchCatalogue(vault, q).hits.map((h) => h.id);
  const sorted = (q: SearchQuery): string[] => ids(q).sort();
  const names = (...keys: string[]): string[] => keys.map((k) => id[k]!).sort();

  beforeAll(async () => {
    vault = await newVault(root);
    const [a, b, c, d, e] = await makeItems(vault, [
      { title: 'Detención en la plaza', mediaType: 'image/jpeg', metadata: { captureTime: '2023-05-01T10:00:00', gps: GPS, make: 'samsung' }, place: 'Ciudad de México' },
      { description: 'Marques d’électricité sur les pieds', mediaType: 'video/mp4', metadata: { captureTime: '2022-01-15T23:59:59Z' }, place: 'Douala' },
      { title: 'TORTURE in custody report', mediaType: 'application/pdf', originalName: 'report_final.pdf' },
      { title: 'صورة الاِحْتِجاز في حلب', mediaType: 'image/png', place: 'حلب', metadata: { captureTime: '2021-03-03T08:00:00' } },
      { title: 'احتجاز تعسفي', mediaType: 'image/jpeg', metadata: { captureTime: '2024-07-07T07:07:07' } },
    ]);
    Object.assign(id, { a, b, c, d, e });
    const case1 = createCase(vault, { title: 'Caso Uno' });
    const case2 = createCase(vault, { title: 'Caso Dos' });
    id.case1 = case1.id;
    id.case2 = case2.id;
    addCaseItems(vault, { caseId: case1.id, itemIds: [a!, b!] });
    addCaseItems(vault, { caseId: case2.id, itemIds: [c!] });
    const victim = createPerson(vault, { realName: 'Lucía Paz', pseudonym: 'Víctima U' });
    const perp = createPerson(vault, { realName: 'El Sargento', pseudonym: 'Perp U' });
    const refuser = createPerson(vault, { realName: 'Mateo Ríos', pseudonym: 'Víctima D' });
    id.victim = victim.id;
    id.perp = perp.id;
    setPersonRole(vault, { personId: victim.id, caseId: case1.id, role: 'victim' });
    setPersonRole(vault, { personId: perp.id, caseId: case1.id, role: 'alleged-perpetrator' });
    setPersonRole(vault, { personId: refuser.id, caseId: case2.id, role: 'victim' });
    recordConsent(vault, { personId: victim.id, mechanism: '*', discloseName: true, shareMaterial: true, givenAt: '2024-01-01', howRecorded: 'written-signed' });
    recordConsent(vault, { personId: refuser.id, mechanism: 'cat-art22', discloseName: false, shareMaterial: false, givenAt: '2024-01-01', howRecorded: 'oral-recorded' });
    id.tes = createTestimony(vault, { caseId: case1.id, witnessId: victim.id, title: 'Témoignage de Víctima U', place: 'Douala', text: "Ils m'ont infligé des chocs à l'électricité.\n\nTout a commencé le matin." }).id;
    id.tesAr = createTestimony(vault, { title: 'شهادة', text: 'تم الاحتجاز في مركز الشرطة لمدة أسبوع.' }).id;
    assignTag(vault, { targetId: a!, termId: 'ip.electric-shock' });
    assignTag(vault, { targetId: c!, termId: 'vt.torture' });
  });

  it('folds accents and case: "detencion" finds "Detención", "TORTURE" finds "torture", "electricite" finds "électricité"', () => {
    expect(ids({ text: 'detencion' })).toEqual([id.a]);
    expect(ids({ text: 'DETENCIÓN' })).toEqual([id.a]);
    expect(ids({ text: 'torture' })).toEqual([id.c]);
    expect(sorted({ text: 'electricite' })).toEqual(names('b', 'tes'));
    expect(sorted({ text: 'Électricité' })).toEqual(names('b', 'tes'));
  });

  it('finds Arabic with and without diacritics and alef variants', () => {
    const expected = names('d', 'e', 'tesAr');
    expect(sorted({ text: 'احتجاز' })).toEqual(expected);
    expect(sorted({ text: 'اِحْتِجاز' })).toEqual(expected);
    // The article is folded too: "الاحتجاز" and "احتجاز" find each other ("للاحتجاز" as well).
    expect(sorted({ text: 'الاحتجاز' })).toEqual(expected);
    expect(sorted({ text: 'للاحتجاز' })).toEqual(expected);
    const hit = searchCatalogue(vault, { text: 'احتجاز', filters: { docTypes: ['testimony'] } }).hits[0]!;
    expect(hit.snippet.slice(...hit.highlights[0]!)).toBe('الاحتجاز');
    expect(sorted({ text: 'حلب' })).toEqual(names('d'));
  });

  it('finds by file name, metadata, place, case title and prefix of the last word', () => {
    expect(ids({ text: 'report_final' })).toEqual([id.c]);
    expect(ids({ text: 'samsung' })).toEqual([id.a]);
    expect(sorted({ text: 'douala' })).toEqual(names('b', 'tes'));
    expect(sorted({ text: 'caso uno', filters: { docTypes: ['item'] } })).toEqual(names('a', 'b'));
    expect(ids({ text: 'deten' })).toEqual([id.a]);
    expect(ids({ text: 'deten ' })).toEqual([]); // a trailing space ends the word: no prefix match
  });

  it('returns snippets in the original spelling with the match highlighted', () => {
    const hit = searchCatalogue(vault, { text: 'electricite', filters: { docTypes: ['testimony'] } }).hits[0]!;
    expect(hit.title).toBe('Témoignage de Víctima U');
    expect(hit.snippet).toContain("chocs à l'électricité");
    const [s, e] = hit.highlights[0]!;
    expect(hit.snippet.slice(s, e)).toBe('électricité');
    const item = searchCatalogue(vault, { text: 'detencion' }).hits[0]!;
    expect(item).toMatchObject({ docType: 'item', title: 'Detención en la plaza', mediaType: 'image/jpeg', hasGps: true, captureTime: '2023-05-01T10:00:00' });
  });

  it('filters: each one includes what matches and excludes what does not', () => {
    const items = (filters: SearchQuery['filters']): string[] => sorted({ filters: { ...filters, docTypes: ['item'] } });
    expect(sorted({ filters: { caseId: id.case1 } })).toEqual(names('a', 'b', 'case1', 'tes', 'victim', 'perp'));
    expect(items({ caseId: id.case2 })).toEqual(names('c'));
    expect(items({ mediaType: 'image/' })).toEqual(names('a', 'd', 'e'));
    expect(items({ mediaType: 'video/mp4' })).toEqual(names('b'));
    expect(items({ tags: ['ip.electric-shock'] })).toEqual(names('a'));
    expect(sorted({ filters: { tags: ['vt.torture'] } })).toEqual(names('c'));
    expect(items({ tags: ['ip.electric-shock', 'vt.torture'] })).toEqual([]);
    expect(items({ dateFrom: '2023-01-01', dateTo: '2023-12-31' })).toEqual(names('a'));
    expect(items({ dateTo: '2022-01-15' })).toEqual(names('b', 'd')); // the whole day, whatever the time-zone suffix
    expect(items({ dateTo: '2022-01-14' })).toEqual(names('d'));
    // No capture time: the ingest time counts (today), so c is after 2024-08-01 and e (captured 2024-07-07) is not.
    expect(items({ dateFrom: '2024-08-01' })).toEqual(names('c'));
    expect(items({ place: 'mexico' })).toEqual(names('a'));
    expect(items({ place: 'حل' })).toEqual(names('d'));
    expect(items({ hasGps: true })).toEqual(names('a'));
    expect(items({ hasGps: false })).toEqual(names('b', 'c', 'd', 'e'));
    expect(items({ consentState: 'granted' })).toEqual(names('a', 'b'));
    expect(items({ consentState: 'refused', consentMechanism: 'cat-art22' })).toEqual(names('c'));
    expect(items({ consentState: 'refused', consentMechanism: 'wgad-individual' })).toEqual([]);
    // The alleged perpetrator has no consent record, but perpetrators are not asked: case 1 does not match 'none'.
    expect(items({ consentState: 'none', consentMechanism: 'wgad-individual' })).toEqual(names('c'));
    // Item-only filters restrict every query to items.
    expect(sorted({ text: 'douala', filters: { place: 'douala' } })).toEqual(names('b'));
    expect(sorted({ text: 'douala', filters: { docTypes: ['testimony'] } })).toEqual(names('tes'));
    expect(sorted({ text: 'electricite', filters: { caseId: id.case1, hasGps: false } })).toEqual(names('b'));
  });

  it('combines filters as AND, whichever of them drives the query (property)', () => {
    type Filters = NonNullable<SearchQuery['filters']>;
    const choices: Filters[] = [
      { caseId: id.case1 },
      { caseId: id.case2 },
      { tags: ['ip.electric-shock'] },
      { tags: ['vt.torture'] },
      { mediaType: 'image/' },
      { hasGps: true },
      { hasGps: false },
      { dateFrom: '2022-01-01' },
      { dateTo: '2023-06-30' },
      { place: 'a' },
      { consentState: 'granted' },
      { consentState: 'none', consentMechanism: 'cat-art22' },
      { docTypes: ['item', 'testimony'] },
    ];
    const texts = ['', 'detencion', 'a', 'caso', 'electricite'];
    fc.assert(
      fc.property(fc.subarray(choices, { minLength: 1, maxLength: 4 }).filter((ps) => new Set(ps.flatMap(Object.keys)).size === ps.flatMap(Object.keys).length), fc.constantFrom(...texts), fc.constantFrom('relevance', 'date-asc', 'name'), (parts, text, sort) => {
        const merged = Object.assign({}, ...parts) as Filters;
        const combined = new Set(ids({ text, filters: merged, sort: sort as never, limit: 500 }));
        let expected: Set<string> | undefined;
        for (const p of parts) {
          const one = new Set(ids({ text, filters: p, limit: 500 }));
          expected = expected ? new Set([...expected].filter((x) => one.has(x))) : one;
        }
        // Item-only filters narrow to items, which an item-only filter in another part would also do.
        expect([...combined].sort()).toEqual([...expected!].filter((x) => Object.keys(merged).some((k) => ['mediaType', 'hasGps', 'dateFrom', 'dateTo', 'place', 'consentState'].includes(k)) ? x.startsWith('it_') : true).sort());
        expect(searchCatalogue(vault, { text, filters: merged }).total).toBe(combined.size);
      }),
      { numRuns: 300 },
    );
  });

  it('pages and sorts stably, with the total on every page', async () => {
    const many = await makeItems(
      vault,
      Array.from({ length: 30 }, (_, i) => ({ title: `Lote ${String.fromCharCode(97 + ((i * 7) % 26))}${i}`, metadata: { captureTime: `2020-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00` } })),
    );
    for (const sort of ['date-asc', 'date-desc', 'name', 'relevance'] as const) {
      const all = ids({ text: 'lote', sort, limit: 500 });
      expect(all.sort()).toEqual([...many].sort());
      const paged: string[] = [];
      for (let offset = 0; offset < 30; offset += 7) {
        const r = searchCatalogue(vault, { text: 'lote', sort, offset, limit: 7 });
        expect(r.total).toBe(30);
        expect(r.offset).toBe(offset);
        paged.push(...r.hits.map((h) => h.id));
      }
      expect(paged).toEqual(ids({ text: 'lote', sort, limit: 500 }));
      expect(new Set(paged).size).toBe(30);
    }
    const byDate = searchCatalogue(vault, { text: 'lote', sort: 'date-asc', limit: 500 }).hits.map((h) => h.captureTime!);
    expect(byDate).toEqual([...byDate].sort());
    expect(ids({ text: 'lote', sort: 'date-desc', limit: 500 })).toEqual(ids({ text: 'lote', sort: 'date-asc', limit: 500 }).reverse());
    const byName = searchCatalogue(vault, { text: 'lote', sort: 'name', limit: 500 }).hits.map((h) => h.title.toLowerCase());
    expect(byName).toEqual([...byName].sort());
    expect(searchCatalogue(vault, { text: 'lote', offset: 1000 })).toEqual({ total: 30, offset: 1000, hits: [] });
  });

  it('ranks title matches above body matches', async () => {
    const [inTitle, inBody] = await makeItems(vault, [{ title: 'Zafarrancho' }, { title: 'otra cosa', description: 'hubo un zafarrancho y muchas otras palabras que diluyen la relevancia del texto' }]);
    expect(ids({ text: 'zafarrancho' })).toEqual([inTitle, inBody]);
  });

  it('treats hostile queries as words: results or a clear INVALID_INPUT, never a raw SQLite error', () => {
    const hostile = ['"', '*', 'NEAR(', 'a OR', 'x'.repeat(10_000), '"unbalanced', 'title:detencion', '-detencion', 'AND', '(((', '\u0000', 'bad \ud800', '^foo', 'foo*bar', "'; DROP TABLE items; --", 'NOT a', '{title body}: x', 'a'.repeat(300), 'a b c d e f g h i j k l m n o p q r'];
    for (const text of hostile) {
      try {
        const r = searchCatalogue(vault, { text });
        expect(r.total).toBeGreaterThanOrEqual(0);
      } catch (e) {
        expect(isHuellaError(e, 'INVALID_INPUT'), `${JSON.stringify(text.slice(0, 20))}: ${String(e)}`).toBe(true);
        expect((e as Error).message).not.toMatch(/fts5|sqlite|syntax/i);
      }
    }
    expect(ids({ text: 'title:detencion' })).toEqual(ids({ text: 'title detencion' }));
    expect(ids({ text: 'detencion OR torture' })).toEqual([]); // OR is a word here, not an operator
    expect(ids({ text: '-detencion' })).toEqual([id.a]);
    expect(() => searchCatalogue(vault, { text: 'x'.repeat(10_000) })).toThrow(/too long/i);
    expect(() => searchCatalogue(vault, { text: '*' })).toThrow(/no letters or digits/);
    expect(() => searchCatalogue(vault, { limit: 501 })).toThrow(/limit: Too large/);
    expect(() => searchCatalogue(vault, { offset: -1 })).toThrow(/offset/);
    expect(() => searchCatalogue(vault, { filters: { tags: ['ip.nope'] } })).toThrow(/filters\.tags\.0/);
    expect(() => searchCatalogue(vault, { filters: { caseId: 'case_zzzzzzzzzz' } })).toThrow(/filters\.caseId/);
    expect(() => searchCatalogue(vault, { filters: { mediaType: "image/' OR 1=1" } })).toThrow(/mediaType/);
    expect(searchCatalogue(vault, { filters: { place: '100%_\\' } }).total).toBe(0);
  });

  it('indexes items at ingest (the one hook in ingest.ts)', async () => {
    const photo = await writeGpsPhoto(path.join(root, 'in'), 'evidencia-unica.jpg', 3);
    const report = await ingestPaths(vault, [photo.file]);
    const itemId = report.results[0]!.itemId!;
    expect(ids({ text: 'evidencia unica' })).toEqual([itemId]);
    expect(ids({ text: 'testcam model 3' })).toEqual([itemId]);
    expect(ids({ text: 'Photographer', filters: { hasGps: true, mediaType: 'image/jpeg' } })).toEqual([itemId]);
  });

  afterAll(async () => {
    await shutdownIngestWorkers();
  });
});
