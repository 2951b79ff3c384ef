// Shared by the transfer journeys (folder and S3): the lawyer completes a received case for the WGAD and exports
// the packet; a reviewer checks it with the standard tools, over the packet's log AND every sender's log in it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { updateCase } from '../../../../../main/archive/catalogue/cases';
import { recordConsent } from '../../../../../main/archive/catalogue/consent';
import { createPerson, setPersonRole } from '../../../../../main/archive/catalogue/persons';
import { assignTag } from '../../../../../main/archive/catalogue/tags';
import { exportPacket, planPacket } from '../../../../../main/archive/export';
import type { Vault } from '../../../../../main/archive/vault/vault';

const REPO = path.resolve(import.meta.dirname, '../../../../..');
const RFC9162 = path.join(REPO, 'test/tools/rfc9162-check.mjs');
const BAGIT = path.join(REPO, 'test/tools/bagit-python/validate.py');
export const WGAD = 'wgad-individual';

export async function exportWgadPacket(lawyer: Vault, caseId: string, outPath: string): Promise<void> {
  updateCase(lawyer, { id: caseId, mechanisms: [WGAD] });
  const victim = createPerson(lawyer, { realName: 'Josefina Ramírez Olmedo', pseudonym: 'Persona A' });
  setPersonRole(lawyer, { personId: victim.id, caseId, role: 'victim' });
  recordConsent(lawyer, { personId: victim.id, mechanism: WGAD, discloseName: false, shareMaterial: true, givenAt: '2024-04-01', howRecorded: 'written-signed' });
  assignTag(lawyer, { targetId: caseId, termId: 'wgad.category-i' });
  assignTag(lawyer, { targetId: caseId, termId: 'place.police-station' });
  const input = {
    mechanismId: WGAD,
    caseId,
    profile: 'redacted' as const,
    lang: 'es' as const,
    answers: {
      familyName: 'A',
      firstName: 'Persona',
      arrestDate: '2024-03-05',
      arrestPlace: 'Retén norte',
      circumstances: 'Detenida en el retén norte el 5 de marzo de 2024, sin orden judicial.',
      arbitrarinessReasons: 'No se presentó orden ni se informó de los cargos.',
      domesticSteps: 'Habeas corpus presentado el 6 de marzo, sin respuesta.',
      submitterName: 'Colectivo de Defensoras',
      submitterContact: 'canal seguro acordado',
      submissionDate: '2024-04-10',
      personInformed: true,
    },
  };
  const plan = planPacket(lawyer, input);
  if (plan.blockers.length > 0) throw new Error(`the WGAD packet is blocked: ${JSON.stringify(plan.blockers)}`);
  await exportPacket(lawyer, { ...input, outPath });
}

function run(cmd: string, args: readonly string[], cwd?: string): { code: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.error) return { code: -1, out: `${cmd} could not run (${r.error.message}); install it (scripts/test-tools.txt)` };
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Every failure of minisign, sha256sum, the LoC BagIt validator and the RFC 9162 checker on the packet ([] if none). */
export function reviewerToolsPass(packet: string): string[] {
  const failures: string[] = [];
  const check = (what: string, r: { code: number | null; out: string }): void => {
    if (r.code !== 0) failures.push(`${what}: ${r.out.slice(0, 400)}`);
  };
  check('minisign', run('minisign', ['-Vm', 'tagmanifest-sha256.txt', '-p', 'custody/public-key'], packet));
  check('sha256sum manifest', run('sha256sum', ['-c', 'manifest-sha256.txt'], packet));
  check('sha256sum tagmanifest', run('sha256sum', ['-c', 'tagmanifest-sha256.txt'], packet));
  check('bagit', run('python3', [BAGIT, packet]));
  const senders = fs.existsSync(path.join(packet, 'custody/senders')) ? fs.readdirSync(path.join(packet, 'custody/senders')).map((d) => `custody/senders/${d}`) : [];
  if (senders.length === 0) failures.push('the packet carries no sender log');
  for (const dir of ['custody', ...senders]) {
    const verifierKey = fs.readFileSync(path.join(packet, dir, 'verifier-key'), 'utf8').trim();
    for (const p of fs.readdirSync(path.join(packet, dir, 'proofs'))) {
      const seq = p.replace('.tlog-proof', '');
      check(`rfc9162 ${dir} #${seq}`, run(process.execPath, [RFC9162, 'tlog-proof', '--proof-file', `${dir}/proofs/${p}`, '--leaf-file', `${dir}/entries/${seq}.json`, '--verifier-key', verifierKey], packet));
    }
  }
  return failures;
}
