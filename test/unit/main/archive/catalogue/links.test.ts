import { beforeAll, describe, expect, it } from 'vitest';
import { createCase, createLink, createPerson, createTestimony, listLinks, removeLink } from '../../../../../main/archive/catalogue';
import type { Vault } from '../../../../../main/archive/vault/vault';
import { tempDir } from '../../../../helpers/tmp';
import { eventsOf, expectNoPlaintext, expectRefused, makeItems, newVault } from './helpers';

describe('links', () => {
  const root = tempDir();
  let vault: Vault;
  let other: Vault;
  beforeAll(async () => {
    vault = await newVault(root);
    other = await newVault(root);
  });

  it('links any two objects with one link.created event; the note is committed, never in clear', async () => {
    const [item] = await makeItems(vault, [{}]);
    const tes = createTestimony(vault, { title: 'T' });
    const events = await eventsOf(vault, () => {
      const l = createLink(vault, { fromId: item!, toId: tes.id, relation: 'depicts', note: 'la cicatriz del tobillo izquierdo' });
      expect(l).toMatchObject({ fromType: 'item', fromId: item, toType: 'testimony', toId: tes.id, relation: 'depicts' });
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'link.created', subject: item, data: { fromType: 'item', toType: 'testimony', toId: tes.id, relation: 'depicts', fields: ['note'] } });
    expectNoPlaintext(vault, ['cicatriz', 'tobillo']);
    expect(listLinks(vault, tes.id)).toHaveLength(1);
    expect(listLinks(vault, item!)).toHaveLength(1);
  });

  it('refuses bad links and changes nothing; removes with one link.removed event', async () => {
    const c = createCase(vault, { title: 'C' });
    const p = createPerson(vault, { realName: 'R', pseudonym: 'P' });
    const stranger = createPerson(other, { realName: 'S', pseudonym: 'S' });
    await expectRefused(vault, () => createLink(vault, { fromId: c.id, toId: c.id, relation: 'related' }), 'INVALID_INPUT', 'toId');
    await expectRefused(vault, () => createLink(vault, { fromId: c.id, toId: stranger.id, relation: 'related' }), 'NOT_FOUND', 'toId');
    await expectRefused(vault, () => createLink(vault, { fromId: 'xyz_0000000000', toId: p.id, relation: 'related' }), 'INVALID_INPUT', 'fromId');
    await expectRefused(vault, () => createLink(vault, { fromId: c.id, toId: p.id, relation: 'loves' as never }), 'INVALID_INPUT', 'relation');
    const l = createLink(vault, { fromId: p.id, toId: c.id, relation: 'source-of' });
    await expectRefused(vault, () => createLink(vault, { fromId: p.id, toId: c.id, relation: 'source-of' }), 'CONFLICT', 'relation');
    const events = await eventsOf(vault, () => removeLink(vault, { id: l.id }));
    expect(events.map((e) => [e.type, e.subject, e.data.linkId])).toEqual([['link.removed', p.id, l.id]]);
    expect(listLinks(vault, c.id)).toEqual([]);
    await expectRefused(vault, () => removeLink(vault, { id: l.id }), 'CONFLICT', 'id');
    await expectRefused(vault, () => removeLink(vault, { id: 'lnk_zzzzzzzzzz' }), 'NOT_FOUND', 'id');
  });
});
