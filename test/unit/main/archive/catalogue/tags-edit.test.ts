import { beforeAll, describe, expect, it, vi } from 'vitest';
import { assignTag, commitment, createPerson, editTagDetails, eventSalt, listTags, searchCatalogue } from '../../../../../main/archive/catalogue';
import type * as TagsDb from '../../../../../main/archive/db/tags';
import type { Vault } from '../../../../../main/archive/vault/vault';
import { tempDir } from '../../../../helpers/tmp';
import { eventsOf, expectNoPlaintext, expectRefused, makeItems, newVault, snapshot } from './helpers';

// A failure between the two writes of an edit (the new assignment in, the old one not yet removed): the test makes
// the removal throw, as a crash or a full disk would at that moment.
const failRemoval = { on: false };
vi.mock('../../../../../main/archive/db/tags', async (importOriginal) => {
  const real = await importOriginal<typeof TagsDb>();
  return {
    ...real,
    markTagRemoved: (...args: Parameters<typeof real.markTagRemoved>) => {
      if (failRemoval.on) throw new Error('simulated failure between the two writes');
      real.markTagRemoved(...args);
    },
  };
});

/** Issue 13: a tag's details are edited with one call, in one transaction. */
describe("tags: editing an assignment's details", () => {
  const root = tempDir();
  let vault: Vault;
  let item: string;
  beforeAll(async () => {
    vault = await newVault(root);
    item = (await makeItems(vault, [{}]))[0]!;
  });

  it('replaces the details: the new assignment assigned, the old one removed, both custody events, details never in clear', async () => {
    const first = assignTag(vault, { targetId: item!, termId: 'ip.falanga', details: { anatomicalSites: ['feet-soles'], duration: 'dos horas' } });
    let edited: ReturnType<typeof editTagDetails> | undefined;
    const events = await eventsOf(vault, () => {
      edited = editTagDetails(vault, { targetId: item!, assignmentId: first.id, details: { anatomicalSites: ['back', 'feet-soles'], duration: 'toda la noche', frequency: '' } });
    });
    expect(edited!.changed).toBe(true);
    expect(edited!.assignment).toMatchObject({ termId: 'ip.falanga', targetId: item, details: { anatomicalSites: ['back', 'feet-soles'], duration: 'toda la noche' } });
    expect(edited!.assignment.id).not.toBe(first.id);
    expect(listTags(vault, item!).map((t) => [t.id, t.details])).toEqual([[edited!.assignment.id, { anatomicalSites: ['back', 'feet-soles'], duration: 'toda la noche' }]]);
    expect(events.map((e) => e.type)).toEqual(['tag.assigned', 'tag.removed']);
    expect(events[0]).toMatchObject({ subject: item, data: { assignmentId: edited!.assignment.id, termId: 'ip.falanga', fields: ['details'] } });
    expect(events[1]).toMatchObject({ subject: item, data: { termId: 'ip.falanga', assignmentIds: [first.id] } });
    expect(commitment(eventSalt(vault, events[0]!.seq)!, { details: edited!.assignment.details as never })).toBe(events[0]!.data.commitment);
    expectNoPlaintext(vault, ['toda la noche', 'dos horas']);
    // Search follows the new details, not the old ones.
    expect(searchCatalogue(vault, { text: 'noche' }).hits.map((h) => h.id)).toEqual([item]);
    expect(searchCatalogue(vault, { text: 'dos horas' }).hits.map((h) => h.id)).toEqual([]);
  });

  it('changes nothing and records no event when the details are the same (order of keys and choices aside)', async () => {
    const [current] = listTags(vault, item!);
    const before = snapshot(vault);
    const events = await eventsOf(vault, () => {
      const r = editTagDetails(vault, { targetId: item!, assignmentId: current!.id, details: { duration: 'toda la noche', anatomicalSites: ['feet-soles', 'back'] } });
      expect(r).toEqual({ assignment: current, changed: false });
    });
    expect(events).toEqual([]);
    expect(snapshot(vault)).toBe(before);
  });

  it('clears the details with an empty set', () => {
    const [current] = listTags(vault, item!);
    const r = editTagDetails(vault, { targetId: item!, assignmentId: current!.id, details: {} });
    expect(r.changed).toBe(true);
    expect(listTags(vault, item!).map((t) => [t.termId, t.details])).toEqual([['ip.falanga', {}]]);
    editTagDetails(vault, { targetId: item!, assignmentId: r.assignment.id, details: { duration: 'toda la noche' } });
  });

  it('refuses bad details, an unknown or removed assignment, another target, and a duplicate, changing nothing', async () => {
    const [current] = listTags(vault, item!);
    const [other] = await makeItems(vault, [{}]);
    const stranger = createPerson(vault, { realName: 'X', pseudonym: 'X' });
    const id = current!.id;
    await expectRefused(vault, () => editTagDetails(vault, { targetId: item!, assignmentId: id, details: { anatomicalSites: ['elbow'] } }), 'INVALID_INPUT', 'details.anatomicalSites.0');
    await expectRefused(vault, () => editTagDetails(vault, { targetId: item!, assignmentId: id, details: { colour: 'red' } }), 'INVALID_INPUT', 'details.colour');
    await expectRefused(vault, () => editTagDetails(vault, { targetId: item!, assignmentId: id, details: { perpetratorsPresent: ['per_zzzzzzzzzz'] } }), 'NOT_FOUND', 'details.perpetratorsPresent.0');
    await expectRefused(vault, () => editTagDetails(vault, { targetId: item!, assignmentId: 'tag_zzzzzzzzzz', details: {} }), 'NOT_FOUND', 'assignmentId');
    await expectRefused(vault, () => editTagDetails(vault, { targetId: other!, assignmentId: id, details: {} }), 'NOT_FOUND', 'assignmentId');
    await expectRefused(vault, () => editTagDetails(vault, { targetId: stranger.id, assignmentId: id, details: {} }), 'INVALID_INPUT', 'targetId');
    // A removed (replaced) assignment cannot be edited again.
    const replaced = editTagDetails(vault, { targetId: item!, assignmentId: id, details: { duration: 'una hora' } });
    await expectRefused(vault, () => editTagDetails(vault, { targetId: item!, assignmentId: id, details: { duration: 'dos' } }), 'NOT_FOUND', 'assignmentId');
    // Details that another active assignment of the method already has: a conflict, not a second copy.
    assignTag(vault, { targetId: item!, termId: 'ip.falanga', details: { duration: 'diez minutos' } });
    await expectRefused(vault, () => editTagDetails(vault, { targetId: item!, assignmentId: replaced.assignment.id, details: { duration: 'diez minutos' } }), 'CONFLICT', 'details');
  });

  it('a failure between the two writes leaves the old assignment as it was: nothing assigned, removed or logged', async () => {
    const [current] = listTags(vault, item!);
    const before = snapshot(vault);
    const size = vault.log.size();
    failRemoval.on = true;
    try {
      expect(() => editTagDetails(vault, { targetId: item!, assignmentId: current!.id, details: { duration: 'tres días' } })).toThrow(/simulated failure/);
    } finally {
      failRemoval.on = false;
    }
    expect(snapshot(vault)).toBe(before);
    expect(vault.log.size()).toBe(size);
    expect(listTags(vault, item!)[0]).toEqual(current);
    // The log still works after the rolled-back edit.
    const r = editTagDetails(vault, { targetId: item!, assignmentId: current!.id, details: { duration: 'tres días' } });
    expect(r.changed).toBe(true);
    expect(listTags(vault, item!).find((t) => t.id === r.assignment.id)?.details).toEqual({ duration: 'tres días' });
  });
});
