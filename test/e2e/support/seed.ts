import type { TestHost } from '../host/server';
import { importViaApi } from './flows';

export type Seeded = {
  readonly caseId: string;
  readonly witnessId: string;
  readonly testimonyId: string;
  readonly gpsItemId: string;
  readonly itemIds: readonly string[];
};

/**
 * A small, realistic catalogue made through the API (the same dispatch the renderer uses): photos imported, a case
 * with two people and roles, consent recorded, a testimony with two versions, tags with Istanbul Protocol details,
 * links. For the screen tour, which is about how screens look and read, not about how they were filled.
 */
export async function seedCatalogue(host: TestHost, photosDir: string): Promise<Seeded> {
  await importViaApi(host, [photosDir]);
  const items = (await host.call('items.list', { offset: 0, limit: 100, sort: 'name-asc' })).items;
  const gps = items.filter((i) => i.hasGps);
  if (gps.length < 2) throw new Error('the fixture photos should include two with GPS');
  const kase = await host.call('cases.create', {
    title: 'Detention of A. in Istanbul',
    country: 'TR',
    summary: 'Arrested at a demonstration on 5 March 2024; held for three days without access to a lawyer.',
  });
  await host.call('cases.addItems', { caseId: kase.id, itemIds: gps.map((i) => i.id) });
  const witness = await host.call('persons.create', { realName: 'Ayşe Yılmaz', pseudonym: 'Witness A', sex: 'female', nationality: 'TR' });
  const victim = await host.call('persons.create', { realName: 'Mehmet Demir', pseudonym: 'Victim B', sex: 'male', birthDate: '1990' });
  await host.call('persons.setRole', { personId: witness.id, caseId: kase.id, role: 'witness' });
  await host.call('persons.setRole', { personId: victim.id, caseId: kase.id, role: 'victim' });
  await host.call('consent.record', { personId: witness.id, mechanism: '*', discloseName: false, shareMaterial: true, givenAt: '2024-03-10', howRecorded: 'written-signed' });
  const testimony = await host.call('testimonies.create', {
    caseId: kase.id,
    witnessId: witness.id,
    title: 'Interview with Witness A',
    interviewDate: '2024-03-10',
    place: 'Istanbul',
    language: 'tr',
    text: 'They took us to a building near the port.',
  });
  await host.call('testimonies.edit', { id: testimony.id, baseRevision: testimony.revision, text: 'They took us to a building near the port. I heard screams from the next room.' });
  await host.call('testimonies.linkItems', { testimonyId: testimony.id, itemIds: [gps[0]!.id] });
  await host.call('tags.assign', { targetId: gps[0]!.id, termId: 'ip.electric-shock', details: { duration: '20 minutes', frequency: 'twice a day' } });
  await host.call('tags.assign', { targetId: gps[1]!.id, termId: 'ip.suspension', details: { duration: 'about 3 hours' } });
  await host.call('tags.assign', { targetId: kase.id, termId: 'vt.arbitrary-detention' });
  await host.call('tags.assign', { targetId: testimony.id, termId: 'vt.torture' });
  await host.call('links.create', { fromId: gps[0]!.id, toId: testimony.id, relation: 'corroborates' });
  return { caseId: kase.id, witnessId: witness.id, testimonyId: testimony.id, gpsItemId: gps[0]!.id, itemIds: items.map((i) => i.id) };
}
