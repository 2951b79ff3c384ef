import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as C from '../../../../../main/archive/catalogue';
import * as E from '../../../../../main/archive/items/edit';
import { isHuellaError } from '../../../../../main/archive/errors';
import { verifyVault } from '../../../../../main/archive/verify/verify';
import type { Vault } from '../../../../../main/archive/vault/vault';
import { tempDir } from '../../../../helpers/tmp';
import { allEventText, makeItems, newVault, snapshot } from './helpers';

/**
 * Thousands of random catalogue edits, valid and invalid, against a real vault. Invariants:
 *  - every call either succeeds or throws INVALID_INPUT / NOT_FOUND / CONFLICT and then changed nothing at all;
 *  - each success appends exactly the events it should (one per change, one per item linked, none for a no-op);
 *  - afterwards `verifyVault` finds no problem, and the incrementally maintained search index equals one rebuilt
 *    from scratch.
 */

type Op = { readonly kind: string; readonly a: number; readonly b: number; readonly c: number; readonly text: string; readonly invalid: boolean };

const TEXTS = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('Detención arbitraria', 'اِحْتِجاز تعسفي', 'électricité', 'TORTURE', '"NEAR(', 'a OR b', '  '),
);
const KINDS = [
  'case.create',
  'case.update',
  'case.delete',
  'case.addItems',
  'case.removeItems',
  'person.create',
  'person.update',
  'person.delete',
  'person.role',
  'person.unrole',
  'testimony.create',
  'testimony.edit',
  'testimony.delete',
  'testimony.link',
  'consent.record',
  'consent.revoke',
  'tag.assign',
  'tag.remove',
  'link.create',
  'link.remove',
  'item.edit',
  'item.delete',
  'item.restore',
  'item.purge',
  'search',
] as const;
const OP = fc.record({ kind: fc.constantFrom(...KINDS), a: fc.nat(1000), b: fc.nat(1000), c: fc.nat(1000), text: TEXTS, invalid: fc.nat(4).map((x) => x === 0) });

const TERMS = ['ip.electric-shock', 'ip.falanga', 'vt.torture', 'wgad.category-ii', 'perp.police'];
const MECHS = ['*', 'wgad-individual', 'cat-art22', 'sp-communication'];
const ROLES = ['victim', 'witness', 'alleged-perpetrator', 'documenter'] as const;

function at<T>(xs: readonly T[], i: number): T | undefined {
  return xs.length === 0 ? undefined : xs[i % xs.length];
}

type World = {
  vault: Vault;
  items: string[];
  cases: string[];
  persons: string[];
  testimonies: string[];
  consents: string[];
  links: string[];
  tags: { target: string; term: string }[];
  n: number;
};

/** Runs one operation; returns how many custody events it must have appended. Throws what the service throws. */
async function run(w: World, op: Op): Promise<number> {
  const { vault } = w;
  const bad = op.invalid;
  const unique = `${op.text} #${++w.n}`;
  const ghost = (p: string): string => `${p}_${'z'.repeat(10)}`;
  const caseId = bad ? ghost('case') : at(w.cases, op.a);
  const personId = bad ? ghost('per') : at(w.persons, op.a);
  const itemId = at(w.items, op.b);
  switch (op.kind) {
    case 'case.create': {
      const c = C.createCase(vault, { title: bad ? op.text.slice(0, 0) : unique, status: op.c % 7 === 0 ? ('lost' as never) : 'open' });
      w.cases.push(c.id);
      return 1;
    }
    case 'case.update':
      C.updateCase(vault, { id: caseId!, summary: bad ? 'x'.repeat(200_000) : unique });
      return 1;
    case 'case.delete':
      C.deleteCase(vault, { id: caseId! });
      w.cases = w.cases.filter((x) => x !== caseId);
      return 1;
    case 'case.addItems':
      return C.addCaseItems(vault, { caseId: caseId!, itemIds: [itemId!, ...(op.c % 5 === 0 ? [ghost('it')] : [])] }).added;
    case 'case.removeItems':
      return C.removeCaseItems(vault, { caseId: caseId!, itemIds: [itemId!] }).removed;
    case 'person.create': {
      const p = C.createPerson(vault, { realName: unique, pseudonym: bad ? '' : `P${w.n}`, ...(op.c % 3 === 0 ? { birthDate: bad ? '2020-02-30' : '1980-02' } : {}) });
      w.persons.push(p.id);
      return 1;
    }
    case 'person.update':
      C.updatePerson(vault, { id: personId!, notes: unique, ...(op.c % 4 === 0 ? { sex: 'x' as never } : {}) });
      return 1;
    case 'person.delete':
      C.deletePerson(vault, { id: personId! });
      w.persons = w.persons.filter((x) => x !== personId);
      return 1;
    case 'person.role': {
      const before = C.getPerson(vault, personId!).roles.length;
      const after = C.setPersonRole(vault, { personId: personId!, caseId: at(w.cases, op.b)!, role: ROLES[op.c % ROLES.length]! }).roles.length;
      return after - before;
    }
    case 'person.unrole': {
      const before = C.getPerson(vault, personId!).roles.length;
      const after = C.removePersonRole(vault, { personId: personId!, caseId: at(w.cases, op.b)!, role: ROLES[op.c % ROLES.length]! }).roles.length;
      return before - after;
    }
    case 'testimony.create': {
      const t = C.createTestimony(vault, { title: unique, text: op.text, ...(op.c % 2 === 0 && w.persons.length > 0 ? { witnessId: personId! } : {}), ...(op.c % 3 === 0 && w.cases.length > 0 ? { caseId: caseId! } : {}) });
      w.testimonies.push(t.id);
      return 1;
    }
    case 'testimony.edit': {
      const id = bad ? ghost('tes') : at(w.testimonies, op.a)!;
      const cur = C.getTestimony(vault, id);
      const text = op.c % 4 === 0 ? cur.text : `${cur.text} ${op.text}`;
      const r = C.editTestimony(vault, { id, text, ...(op.c % 9 === 0 ? { baseRevision: cur.revision - 1 || 99 } : { baseRevision: cur.revision }) });
      return r.revision - cur.revision;
    }
    case 'testimony.delete': {
      const id = bad ? ghost('tes') : at(w.testimonies, op.a)!;
      C.deleteTestimony(vault, { id });
      w.testimonies = w.testimonies.filter((x) => x !== id);
      return 1;
    }
    case 'testimony.link':
      return C.linkTestimonyItems(vault, { testimonyId: bad ? ghost('tes') : at(w.testimonies, op.a)!, itemIds: [itemId!] }).added;
    case 'consent.record': {
      const c = C.recordConsent(vault, {
        personId: personId!,
        mechanism: bad && op.c % 2 === 0 ? 'interpol' : MECHS[op.c % MECHS.length]!,
        discloseName: op.b % 2 === 0,
        shareMaterial: op.c % 2 === 0,
        givenAt: `2024-0${1 + (op.b % 9)}-1${op.c % 10}`,
        howRecorded: 'oral-witnessed',
        notes: unique,
      });
      w.consents.push(c.id);
      return 1;
    }
    case 'consent.revoke':
      C.revokeConsent(vault, { id: bad ? ghost('con') : at(w.consents, op.a)! });
      return 1;
    case 'tag.assign': {
      const target = at([...w.items, ...w.cases, ...w.testimonies], op.a)!;
      const term = bad ? 'ip.not-a-method' : TERMS[op.c % TERMS.length]!;
      C.assignTag(vault, { targetId: target, termId: term, ...(term.startsWith('ip.') && op.b % 2 === 0 ? { details: { duration: unique, anatomicalSites: op.b % 4 === 0 ? ['elbow'] : ['back'] } } : {}) });
      w.tags.push({ target, term });
      return 1;
    }
    case 'tag.remove': {
      const t = at(w.tags, op.a);
      C.removeTag(vault, { targetId: t?.target ?? ghost('it'), termId: t?.term ?? 'vt.torture' });
      w.tags = w.tags.filter((x) => !(x.target === t!.target && x.term === t!.term));
      return 1;
    }
    case 'link.create': {
      const all = [...w.items, ...w.cases, ...w.persons, ...w.testimonies];
      const l = C.createLink(vault, { fromId: at(all, op.a)!, toId: bad ? ghost('per') : at(all, op.b)!, relation: op.c % 2 === 0 ? 'related' : 'corroborates', note: op.text || undefined });
      w.links.push(l.id);
      return 1;
    }
    case 'link.remove':
      C.removeLink(vault, { id: bad ? ghost('lnk') : at(w.links, op.a)! });
      return 1;
    case 'item.edit':
      E.editItem(vault, { id: itemId!, title: bad ? 't'.repeat(600) : unique });
      return 1;
    case 'item.delete':
      E.deleteItem(vault, { id: itemId!, reason: bad ? '' : unique });
      return 1;
    case 'item.restore':
      E.restoreItem(vault, { id: itemId! });
      return 1;
    case 'item.purge': {
      if (op.c % 10 !== 0) return 0; // rare: each purge destroys an item for good
      const r = await E.purgeItem(vault, { id: itemId! });
      return r.alreadyPurged ? 0 : 1;
    }
    case 'search':
      C.searchCatalogue(vault, { text: op.text, sort: op.c % 2 === 0 ? 'relevance' : 'date-desc', filters: op.b % 3 === 0 ? { tags: [TERMS[op.a % TERMS.length]!] } : {} });
      return 0;
    default:
      throw new Error(`unknown op ${op.kind}`);
  }
}

function indexContent(vault: Vault): string[] {
  return (
    vault.db
      .prepare('SELECT d.doc_type, d.doc_id, d.sort_date, d.sort_name, d.media_type, d.has_gps, d.place, f.title, f.body FROM search_docs d JOIN search_fts f ON f.rowid = d.fts_rowid')
      .all() as Record<string, unknown>[]
  )
    .map((r) => JSON.stringify(r))
    .sort();
}

describe('catalogue under random edits (property)', () => {
  const root = tempDir();

  it('keeps the custody log, the tables and the search index consistent', async () => {
    let totalOps = 0;
    let totalOk = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(OP, { minLength: 700, maxLength: 900 }), async (ops) => {
        const vault = await newVault(root);
        try {
          const w: World = { vault, items: await makeItems(vault, Array.from({ length: 8 }, () => ({}))), cases: [], persons: [], testimonies: [], consents: [], links: [], tags: [], n: 0 };
          const fixed = vault.log.size();
          let expected = 0;
          for (const op of ops) {
            totalOps++;
            const size = vault.log.size();
            const before = op.invalid || op.kind.endsWith('delete') || op.kind.endsWith('revoke') ? snapshot(vault) : undefined;
            let events: number;
            try {
              events = await run(w, op);
            } catch (e) {
              if (!isHuellaError(e) || !['INVALID_INPUT', 'NOT_FOUND', 'CONFLICT'].includes(e.code)) throw e;
              expect(vault.log.size(), `${op.kind} failed (${e.code}) but appended events`).toBe(size);
              if (before) expect(snapshot(vault), `${op.kind} failed (${e.code}) but changed the vault`).toBe(before);
              continue;
            }
            totalOk++;
            expect(vault.log.size() - size, `${op.kind}: events appended`).toBe(events);
            expected += events;
          }
          expect(vault.log.size()).toBe(fixed + expected);
          // Every free text passed in ends with " #<n>": none may appear in a custody event.
          expect(allEventText(vault)).not.toMatch(/ #\d+/);
          const report = await verifyVault(vault, {});
          expect(report.problems).toEqual([]);
          expect(report.ok).toBe(true);
          const incremental = indexContent(vault);
          C.rebuildSearchIndex(vault);
          expect(indexContent(vault)).toEqual(incremental);
        } finally {
          vault.lock();
        }
      }),
      { numRuns: 4, endOnFailure: true },
    );
    // The mix must really exercise both paths.
    expect(totalOps).toBeGreaterThanOrEqual(2800);
    expect(totalOk).toBeGreaterThan(totalOps / 4);
    expect(totalOps - totalOk).toBeGreaterThan(totalOps / 10);
  }, 120_000);
});
