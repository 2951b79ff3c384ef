import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import yazl from 'yazl';
import {
  addCaseItems,
  assignTag,
  createCase,
  createPerson,
  createTestimony,
  recordConsent,
  setPersonRole,
} from '../../../../../main/archive/catalogue';
import { editItem } from '../../../../../main/archive/items/edit';
import { ingestPaths } from '../../../../../main/archive/ingest/ingest';
import { createVault, type Vault } from '../../../../../main/archive/vault/vault';
import type { PacketPlanInput } from '../../../../../shared/model/packet';
import { makeJpegs, RICH_EXIF, richJpegOptions, type MadeFixture } from '../../../../fixtures/photos';
import { TEST_PASSPHRASE } from '../../../../helpers/tmp';

/**
 * A realistic case for packet tests, made by script (nothing binary is committed): three photos with GPS, Exif
 * serials, make/model, XMP, IPTC, MakerNotes, thumbnails (one Orientation 6, one with an MPF preview appended,
 * one progressive), a ZIP that no stripper handles, a victim who withheld her name but allows sharing, a witness
 * who consented to both, a family member without any consent record, an alleged perpetrator, a testimony that
 * names them all (in several spellings), tags with details, and an item title that names the victim.
 */

export const NAMES = {
  victim: 'Ana María Pérez Quintana',
  witness: 'Jorge Luis Quispe',
  family: 'Rosa Elena Mamani',
  perpetrator: 'Comandante Raúl Vega Ortiz',
} as const;

export const PSEUDONYMS = { victim: 'Persona A', witness: 'Testigo B', family: 'Familiar C', perpetrator: 'Agente D' } as const;

export type World = {
  readonly vault: Vault;
  readonly dir: string;
  readonly caseId: string;
  /** Photos in ingest order, with their item ids. */
  readonly photos: readonly { readonly fixture: MadeFixture; readonly itemId: string; readonly orientation: number }[];
  readonly zipItemId: string;
  readonly persons: { readonly victim: string; readonly witness: string; readonly family: string; readonly perpetrator: string };
  readonly victimConsentId: string;
  readonly testimonyId: string;
  readonly answers: Answers;
};

export const MECHANISM = 'sp-communication';

type Answers = NonNullable<PacketPlanInput['answers']>;

export const ANSWERS: Answers = {
  incidentLocality: 'Villa Norte, comisaría 3',
  circumstances: `On 5 March 2024 ${NAMES.victim} was detained at a checkpoint and beaten. Her cousin ana maria perez quintana (same person) was told nothing.`,
  urgency: 'past',
  sourceName: 'Colectivo de Defensoras',
  sourceContact: 'contact through the secure channel agreed with OHCHR',
  victimKnowsStateInformed: true,
  victimKnowsPublicReport: true,
};

async function writeZipFile(file: string): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('list of detainees, draft\n'), 'notes.txt', { mtime: new Date(2024, 2, 5) });
  zip.end();
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(fs.createWriteStream(file)).on('close', resolve).on('error', reject);
  });
}

export async function makeWorld(root: string, name = 'vault'): Promise<World> {
  const dir = path.join(root, `${name}-inputs`);
  fs.mkdirSync(dir, { recursive: true });
  const fixtures = await makeJpegs([
    richJpegOptions(dir, 11, { name: 'IMG_20240305_142210_AnaPerez.jpg' }),
    richJpegOptions(dir, 12, { name: 'IMG_20240305_142300.jpg', mpf: true, exif: { ...RICH_EXIF, orientation: 1 } }),
    richJpegOptions(dir, 13, { name: 'DSC_0042.jpg', progressive: true, icc: 'srgb', exif: { ...RICH_EXIF, orientation: 1 } }),
  ]);
  await writeZipFile(path.join(dir, 'zz-archive.zip'));
  const { vault } = await createVault(path.join(root, name), TEST_PASSPHRASE);
  const report = await ingestPaths(vault, [dir]);
  if (report.ingested !== 4) throw new Error(`ingest: ${JSON.stringify(report.results.map((r) => r.error))}`);
  const idOf = (file: string): string => report.results.find((r) => r.path.endsWith(path.basename(file)))!.itemId!;
  const photos = fixtures.map((f, i) => ({ fixture: f, itemId: idOf(f.path), orientation: i === 0 ? 6 : 1 }));
  const zipItemId = idOf('zz-archive.zip');

  const c = createCase(vault, { title: `Detention of ${NAMES.victim}`, country: 'MX', mechanisms: [MECHANISM] });
  addCaseItems(vault, { caseId: c.id, itemIds: [...photos.map((p) => p.itemId), zipItemId] });
  editItem(vault, { id: photos[0]!.itemId, title: `Injuries of ${NAMES.victim}`, description: 'Bruises on the left arm, photographed the day after release.' });
  editItem(vault, { id: photos[1]!.itemId, title: 'Checkpoint, north gate' });

  const victim = createPerson(vault, { realName: NAMES.victim, pseudonym: PSEUDONYMS.victim, sex: 'female', birthDate: '1990', nationality: 'MX', occupation: 'journalist' });
  const witness = createPerson(vault, { realName: NAMES.witness, pseudonym: PSEUDONYMS.witness });
  const family = createPerson(vault, { realName: NAMES.family, pseudonym: PSEUDONYMS.family });
  const perpetrator = createPerson(vault, { realName: NAMES.perpetrator, pseudonym: PSEUDONYMS.perpetrator, occupation: 'Policía estatal, unidad 7' });
  setPersonRole(vault, { personId: victim.id, caseId: c.id, role: 'victim' });
  setPersonRole(vault, { personId: witness.id, caseId: c.id, role: 'witness' });
  setPersonRole(vault, { personId: family.id, caseId: c.id, role: 'family' });
  setPersonRole(vault, { personId: perpetrator.id, caseId: c.id, role: 'alleged-perpetrator' });
  const consent = recordConsent(vault, { personId: victim.id, mechanism: MECHANISM, discloseName: false, shareMaterial: true, givenAt: '2024-04-01', howRecorded: 'written-signed' });
  recordConsent(vault, { personId: witness.id, mechanism: '*', discloseName: true, shareMaterial: true, givenAt: '2024-04-02', howRecorded: 'oral-recorded' });

  const t = createTestimony(vault, {
    caseId: c.id,
    witnessId: witness.id,
    title: `Statement about ${NAMES.victim}`,
    interviewDate: '2024-03-07',
    place: 'Oaxaca',
    interviewer: 'Equipo de documentación',
    language: 'es',
    text: [
      `Me llamo ${NAMES.witness}. Vi cuando detuvieron a ${NAMES.victim} en el retén.`,
      `Después, ANA MARIA PEREZ QUINTANA gritó; la señora Pérez tenía sangre en el brazo.`,
      `Su madre, ${NAMES.family}, llegó al día siguiente. El ${NAMES.perpetrator} dio la orden.`,
    ].join('\n'),
  });
  assignTag(vault, { targetId: c.id, termId: 'vt.arbitrary-detention' });
  assignTag(vault, { targetId: c.id, termId: 'perp.police' });
  assignTag(vault, { targetId: c.id, termId: 'ip.blunt-trauma', details: { instruments: `a cable, said ${NAMES.victim}`, perpetratorsPresent: [perpetrator.id] } });
  assignTag(vault, { targetId: photos[0]!.itemId, termId: 'ip.blunt-trauma' });
  return {
    vault,
    dir,
    caseId: c.id,
    photos,
    zipItemId,
    persons: { victim: victim.id, witness: witness.id, family: family.id, perpetrator: perpetrator.id },
    victimConsentId: consent.id,
    testimonyId: t.id,
    answers: ANSWERS,
  };
}

/** Every text of a packet folder, DOCX and PDF text included (unzipped, pdftotext), for the name greps. */
export function packetTexts(packetDir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        out.push({ file: p, text: fs.readFileSync(p).toString('latin1') + fs.readFileSync(p).toString('utf8') });
        if (p.endsWith('.pdf')) out.push({ file: `${p} (pdftotext)`, text: execFileSync('pdftotext', ['-enc', 'UTF-8', p, '-']).toString('utf8').normalize('NFKC') });
        if (p.endsWith('.docx')) out.push({ file: `${p} (unzipped)`, text: execFileSync('unzip', ['-p', p]).toString('utf8') });
        out.push({ file: `${p} (name)`, text: p });
      }
    }
  };
  walk(packetDir);
  return out;
}
