import { beforeAll, describe, expect, it, vi } from 'vitest';
import { assignTag, commitment, createCase, createPerson, createTestimony, eventSalt, listTags, removeTag, searchCatalogue } from '../../../../../main/archive/catalogue';
import type { Vault } from '../../../../../main/archive/vault/vault';
import type * as Taxonomy from '../../../../../shared/taxonomy';
import { tempDir } from '../../../../helpers/tmp';
import { eventsOf, expectNoPlaintext, expectRefused, makeItems, newVault } from './helpers';

// Retirement is data that does not exist yet in the shipped taxonomies: the tests retire a real term through the
// public resolveTerm API, exactly as a later taxonomy version would.
const retired = new Map<string, string>();
vi.mock('../../../../../shared/taxonomy', async (importOriginal) => {
  const real = await importOriginal<typeof Taxonomy>();
  return {
    ...real,
    resolveTerm: (id: string) => {
      const r = real.resolveTerm(id);
      if (!r || !retired.has(id)) return r;
      return { ...r, retired: true, replacement: real.resolveTerm(retired.get(id)!)!.term };
    },
  };
});

describe('tags', () => {
  const root = tempDir();
  let vault: Vault;
  let other: Vault;
  let items: string[];
  beforeAll(async () => {
    vault = await newVault(root);
    other = await newVault(root);
    items = await makeItems(vault, [{}, {}, {}, {}]);
  });

  it('assigns a term with one tag.assigned event; details are validated and committed, never in clear', async () => {
    const perp = createPerson(vault, { realName: 'Comandante Ruiz', pseudonym: 'Perpetrador 1' });
    const details = { duration: 'unas tres horas', anatomicalSites: ['feet-soles', 'back'], instruments: 'cable de la picana', perpetratorsPresent: [perp.id] };
    let tagId = '';
    const events = await eventsOf(vault, () => {
      const t = assignTag(vault, { targetId: items[0]!, termId: 'ip.electric-shock', details });
      tagId = t.id;
      expect(t).toMatchObject({ termId: 'ip.electric-shock', targetType: 'item', assignedBy: 'owner', retired: false, details: { ...details, anatomicalSites: ['back', 'feet-soles'] } });
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'tag.assigned',
      subject: items[0],
      data: { assignmentId: tagId, targetType: 'item', termId: 'ip.electric-shock', taxonomy: 'istanbul-protocol-methods', taxonomyVersion: 1, fields: ['details'] },
    });
    const stored = listTags(vault, items[0]!)[0]!;
    expect(commitment(eventSalt(vault, events[0]!.seq)!, { details: stored.details as never })).toBe(events[0]!.data.commitment);
    expectNoPlaintext(vault, ['tres horas', 'picana', 'Ruiz']);
  });

  it('makes the item findable by the term label in all four languages and by detail text', () => {
    for (const q of ['choques electricos', 'décharges électriques', 'Electric shocks', 'الصدمات الكهربائية', 'picana']) {
      expect(searchCatalogue(vault, { text: q }).hits.map((h) => h.id), q).toContain(items[0]);
    }
  });

  it('refuses unknown terms, bad targets and bad details, changing nothing', async () => {
    const stranger = createPerson(other, { realName: 'S', pseudonym: 'S' });
    const t = items[1]!;
    await expectRefused(vault, () => assignTag(vault, { targetId: t, termId: 'ip.made-up-method' }), 'INVALID_INPUT', 'termId');
    await expectRefused(vault, () => assignTag(vault, { targetId: t, termId: 'Torture!' }), 'INVALID_INPUT', 'termId');
    await expectRefused(vault, () => assignTag(vault, { targetId: 'it_zzzzzzzzzz', termId: 'vt.torture' }), 'NOT_FOUND', 'targetId');
    await expectRefused(vault, () => assignTag(vault, { targetId: stranger.id, termId: 'vt.torture' }), 'INVALID_INPUT', 'targetId');
    await expectRefused(vault, () => assignTag(vault, { targetId: t, termId: 'vt.torture', details: { duration: '2h' } }), 'INVALID_INPUT', 'details.duration');
    await expectRefused(vault, () => assignTag(vault, { targetId: t, termId: 'ip.falanga', details: { colour: 'red' } }), 'INVALID_INPUT', 'details.colour');
    await expectRefused(vault, () => assignTag(vault, { targetId: t, termId: 'ip.falanga', details: { anatomicalSites: ['elbow'] } }), 'INVALID_INPUT', 'details.anatomicalSites.0');
    await expectRefused(vault, () => assignTag(vault, { targetId: t, termId: 'ip.falanga', details: { anatomicalSites: 'feet-soles' } }), 'INVALID_INPUT', 'details.anatomicalSites');
    await expectRefused(vault, () => assignTag(vault, { targetId: t, termId: 'ip.falanga', details: { duration: ['x'] } }), 'INVALID_INPUT', 'details.duration');
    await expectRefused(vault, () => assignTag(vault, { targetId: t, termId: 'ip.falanga', details: { duration: 'x'.repeat(2001) } }), 'INVALID_INPUT', 'details.duration');
    await expectRefused(vault, () => assignTag(vault, { targetId: t, termId: 'ip.falanga', details: { perpetratorsPresent: [stranger.id] } }), 'NOT_FOUND', 'details.perpetratorsPresent.0');
    assignTag(vault, { targetId: t, termId: 'ip.falanga', details: { frequency: 'diaria' } });
    await expectRefused(vault, () => assignTag(vault, { targetId: t, termId: 'ip.falanga', details: { frequency: 'diaria' } }), 'CONFLICT', 'termId');
    // The same method again with other details (another session, another site) is a second assignment.
    assignTag(vault, { targetId: t, termId: 'ip.falanga', details: { frequency: 'semanal' } });
    expect(listTags(vault, t).filter((x) => x.termId === 'ip.falanga')).toHaveLength(2);
  });

  it('tags testimonies and cases too, and untags with one tag.removed event', async () => {
    const c = createCase(vault, { title: 'Caso etiquetado' });
    const tes = createTestimony(vault, { title: 'T', caseId: c.id });
    assignTag(vault, { targetId: c.id, termId: 'wgad.category-ii' });
    assignTag(vault, { targetId: tes.id, termId: 'ip.threats' });
    expect(searchCatalogue(vault, { filters: { tags: ['wgad.category-ii'] } }).hits.map((h) => h.id)).toEqual([c.id]);
    const t = items[1]!;
    const events = await eventsOf(vault, () => expect(removeTag(vault, { targetId: t, termId: 'ip.falanga' })).toEqual({ removed: 2 }));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'tag.removed', subject: t, data: { targetType: 'item', termId: 'ip.falanga' } });
    expect((events[0]!.data.assignmentIds as string[]).length).toBe(2);
    expect(listTags(vault, t)).toEqual([]);
    await expectRefused(vault, () => removeTag(vault, { targetId: t, termId: 'ip.falanga' }), 'NOT_FOUND', 'termId');
    await expectRefused(vault, () => removeTag(vault, { targetId: 'tes_zzzzzzzzzz', termId: 'ip.threats' }), 'NOT_FOUND', 'targetId');
  });

  it('refuses new assignments of a retired term; existing ones stay valid, listed, removable and found by the successor', async () => {
    const [a, b] = [items[2]!, items[3]!];
    assignTag(vault, { targetId: a, termId: 'ip.suspension' });
    retired.set('ip.suspension', 'ip.positional-torture');
    try {
      await expectRefused(vault, () => assignTag(vault, { targetId: b, termId: 'ip.suspension' }), 'INVALID_INPUT', 'termId');
      expect(() => assignTag(vault, { targetId: b, termId: 'ip.suspension' })).toThrow(/use ip\.positional-torture instead/);
      expect(listTags(vault, a)).toMatchObject([{ termId: 'ip.suspension', retired: true }]);
      expect(searchCatalogue(vault, { filters: { tags: ['ip.positional-torture'] } }).hits.map((h) => h.id)).toEqual([a]);
      // Group terms match their sub-terms.
      expect(searchCatalogue(vault, { filters: { tags: ['ip.physical-methods'], docTypes: ['item'] } }).hits.map((h) => h.id).sort()).toEqual([items[0]!, a].sort());
      expect(removeTag(vault, { targetId: a, termId: 'ip.suspension' })).toEqual({ removed: 1 });
    } finally {
      retired.clear();
    }
  });
});
