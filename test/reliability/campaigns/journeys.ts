import fs from 'node:fs';
import path from 'node:path';
import { DOC_PEOPLE, makeDocx, makePdf } from '../../fixtures/documents';
import { makeJpegs, RICH_EXIF, richJpegOptions, type MadeFixture } from '../../fixtures/photos';
import { writeGpsPhoto } from '../../helpers/photos';
import { seededRandom } from '../lib';
import { describeRun, jsonObjects, type RunOutcome } from './cli-run';

/**
 * The CLI journeys a documenter goes through, end to end (init → ingest → catalogue → testimony → search → verify →
 * checkpoint → packet → packet verify → backup → restore), with identifying inputs: photos with Exif GPS, camera
 * serials and names, a PDF and a DOCX with authors, and a testimony naming people. The no-network campaign runs each
 * step under strace; the plaintext campaign searches the vault and TMPDIR afterwards. `run` is how a step is run.
 */
export type StepRunner = (step: string, args: readonly string[], input?: string) => Promise<RunOutcome>;

export type JourneyInputs = {
  readonly dir: string;
  readonly sources: readonly MadeSource[];
  readonly testimonyText: string;
  readonly names: readonly string[];
};

export type MadeSource = { readonly path: string; readonly values: readonly string[] };

export const WITNESS = { realName: 'Florencia Ayelén Huanca', pseudonym: 'Testigo Q' } as const;
export const VICTIM_NAME = 'Maximiliano Ortúzar Pillco';

/**
 * Makes the identifying inputs (scripted, nothing binary committed). `bulkBytes` adds a file of seeded random bytes
 * of that size (a recording-sized file streams through many chunks, where a plaintext spill would hide).
 */
export async function makeJourneyInputs(dir: string, seed: number, bulkBytes = 0): Promise<JourneyInputs> {
  const evidence = path.join(dir, 'evidence');
  fs.mkdirSync(evidence, { recursive: true });
  const rich = await makeJpegs([richJpegOptions(evidence, seed, { name: `IMG_${seed}_Quispe_checkpoint.jpg`, width: 480, height: 360 })]);
  const simple = await writeGpsPhoto(evidence, `DSC_${seed}_detention_north_gate.jpg`, seed);
  const pdf = await makePdf({ dir: evidence, name: `informe_${seed}_medico_forense.pdf`, photo: true, incremental: true });
  const docx = await makeDocx({ dir: evidence, name: `declaracion_${seed}_borrador.docx`, photo: true });
  const gpsText = (n: number): string => n.toFixed(4);
  const sources: MadeSource[] = [
    ...rich.map((f: MadeFixture) => ({ path: f.path, values: [...f.originalValues, RICH_EXIF.make, RICH_EXIF.model, RICH_EXIF.serial] })),
    { path: simple.file, values: [simple.make, simple.model, simple.serial, simple.artist, gpsText(simple.gps.lat), gpsText(simple.gps.lon)] },
    { path: pdf.path, values: [...pdf.originalValues, DOC_PEOPLE.author] },
    { path: docx.path, values: [...docx.originalValues, DOC_PEOPLE.author, DOC_PEOPLE.company] },
  ];
  if (bulkBytes > 0) {
    const bulk = path.join(evidence, `grabacion_${seed}_entrevista.bin`);
    const rnd = seededRandom(seed);
    const bytes = Buffer.alloc(bulkBytes);
    for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE(Math.floor(rnd() * 2 ** 32), i);
    fs.writeFileSync(bulk, bytes);
    sources.push({ path: bulk, values: [] });
  }
  const testimonyText = [
    `Me llamo ${WITNESS.realName}. El 5 de marzo vi cuando se llevaron a ${VICTIM_NAME} del retén de la ruta 40.`,
    'Lo subieron a una camioneta blanca sin placas; dos agentes lo golpearon con las culatas.',
    `Su hermana, Clotilde Yupanqui Sarmiento, lo buscó en la comisaría tercera al día siguiente.`,
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'testimony.txt'), testimonyText);
  return { dir, sources, testimonyText, names: [WITNESS.realName, VICTIM_NAME, 'Clotilde Yupanqui Sarmiento'] };
}

export type JourneyResult = { readonly steps: number; readonly failures: readonly string[]; readonly vaultDir: string; readonly restoredDir: string };

function firstJson(r: RunOutcome): Record<string, unknown> | undefined {
  return jsonObjects(r.lines)[0]?.value;
}

/** Runs every journey step; each must exit 0. Failures name the step. */
export async function runJourneys(work: string, inputs: JourneyInputs, run: StepRunner): Promise<JourneyResult> {
  const failures: string[] = [];
  let steps = 0;
  const vaultDir = path.join(work, 'vault');
  const restoredDir = path.join(work, 'restored');
  const step = async (name: string, args: readonly string[], input?: string): Promise<Record<string, unknown> | undefined> => {
    steps++;
    const r = await run(name, args, input);
    if (r.code !== 0) {
      failures.push(describeRun(`journey step '${name}'`, r));
      return undefined;
    }
    return firstJson(r) ?? {};
  };

  await step('init', ['init', vaultDir, '--json']);
  const ingestRun = await run('ingest', ['ingest', vaultDir, path.join(inputs.dir, 'evidence'), '--json']);
  steps++;
  const itemIds = jsonObjects(ingestRun.lines)
    .map((o) => o.value)
    .filter((v) => v.status === 'ingested')
    .map((v) => String(v.itemId));
  if (ingestRun.code !== 0 || itemIds.length !== inputs.sources.length) {
    failures.push(`${describeRun("journey step 'ingest'", ingestRun)}; ${itemIds.length}/${inputs.sources.length} ingested`);
  }
  const caseRecord = await step('case create', ['case', 'create', vaultDir, '--title', `Detención de ${VICTIM_NAME}`, '--country', 'AR', '--mechanism', 'sp-communication', '--json']);
  const caseId = String(caseRecord?.id ?? 'missing-case');
  await step('case add-items', ['case', 'add-items', vaultDir, caseId, ...itemIds, '--json']);
  if (itemIds[0]) await step('tag', ['tag', vaultDir, itemIds[0], 'ip.blunt-trauma', 'vt.arbitrary-detention', '--json']);
  const person = await step('person create', ['person', 'create', vaultDir, '--real-name', WITNESS.realName, '--pseudonym', WITNESS.pseudonym, '--json']);
  const personId = String(person?.id ?? 'missing-person');
  await step('person role', ['person', 'role', vaultDir, personId, caseId, 'witness', '--json']);
  await step('consent record', ['consent', 'record', vaultDir, personId, '*', '--disclose-name', 'no', '--share-material', 'yes', '--given', '2024-04-01', '--how', 'written-signed', '--json']);
  await step('testimony create', ['testimony', 'create', vaultDir, '--title', `Declaración sobre ${VICTIM_NAME}`, '--case', caseId, '--witness', personId, '--date', '2024-03-07', '--place', 'Jujuy', '--text-file', path.join(inputs.dir, 'testimony.txt'), '--json']);
  await step('search', ['search', vaultDir, 'camioneta', '--json']);
  await step('verify', ['verify', vaultDir, '--json']);
  await step('log checkpoint', ['log', 'checkpoint', vaultDir]);
  const packet = path.join(work, 'packet');
  await step('export', ['export', vaultDir, '--mechanism', 'sp-communication', '--case', caseId, '--profile', 'redacted', '--out', packet, '--json']);
  await step('packet verify', ['packet', 'verify', packet, '--json']);
  const backupDir = path.join(work, 'backup');
  await step('backup', ['backup', vaultDir, backupDir, '--json']);
  await step('restore', ['restore', backupDir, restoredDir, '--json']);
  await step('verify restored', ['verify', restoredDir, '--json']);
  return { steps, failures, vaultDir, restoredDir };
}
