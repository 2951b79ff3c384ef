import fs from 'node:fs';
import path from 'node:path';
import { addCaseItems, assignTag, createCase, createPerson, recordConsent, setPersonRole } from '../../main/archive/catalogue';
import { formatMinisignPublicKey } from '../../main/archive/custody/minisign';
import { exportPacket } from '../../main/archive/export';
import { openVault } from '../../main/archive/vault/vault';
import { BENCH_PASSPHRASE } from './ingest-large';
import { median, timed, timeShell } from './lib';
import { huellaCli } from './vault-verify';

/**
 * `huella packet verify <packet> --key KEY` (the CLI a reviewer runs: both manifests, the signature, every
 * inclusion proof, the custody records of every file) next to what a reviewer can do with standard tools on the same
 * packet: `sha256sum -c manifest-sha256.txt` and `minisign -Vm tagmanifest-sha256.txt -p KEY`. The packet is a
 * redacted export (real export code, stripped photos) of `items` photos from the batch vault.
 */
export type PacketVerifyResult = {
  readonly runs: number;
  readonly items: number;
  readonly payloadBytes: number;
  readonly huellaSeconds: number;
  readonly sha256sumMinisignSeconds: number;
};

const MECHANISM = 'sp-communication';

/** The answers the catalogue cannot give for this mechanism (a plausible case; the packet content is not what we measure). */
const ANSWERS = {
  incidentLocality: 'Villa Norte, comisaría 3',
  incidentDate: '2024-03-05',
  circumstances: 'Detained at a checkpoint and beaten; photographs of the injuries and of the place.',
  urgency: 'past',
  sourceName: 'Colectivo de Defensoras',
  sourceContact: 'contact through the secure channel agreed with OHCHR',
  victimKnowsStateInformed: true,
  victimKnowsPublicReport: true,
};

/** A case with the first `items` items of the vault, a consenting victim, and a redacted packet folder of it. */
export async function exportBenchPacket(vaultDir: string, items: number, packetDir: string, keyFile: string): Promise<void> {
  const vault = await openVault(vaultDir, { passphrase: BENCH_PASSPHRASE });
  try {
    const ids = (vault.db.prepare('SELECT id FROM items WHERE deleted_at IS NULL ORDER BY id LIMIT ?').all(items) as { id: string }[]).map((r) => r.id);
    if (ids.length < items) throw new Error(`the vault has ${ids.length} items, the packet needs ${items}`);
    const c = createCase(vault, { title: 'Detention at the north checkpoint', country: 'MX', mechanisms: [MECHANISM] });
    addCaseItems(vault, { caseId: c.id, itemIds: ids });
    const victim = createPerson(vault, { realName: 'Ana María Pérez Quintana', pseudonym: 'Persona A', sex: 'female', nationality: 'MX' });
    setPersonRole(vault, { personId: victim.id, caseId: c.id, role: 'victim' });
    recordConsent(vault, { personId: victim.id, mechanism: MECHANISM, discloseName: false, shareMaterial: true, givenAt: '2024-04-01', howRecorded: 'written-signed' });
    assignTag(vault, { targetId: c.id, termId: 'vt.arbitrary-detention' });
    assignTag(vault, { targetId: c.id, termId: 'perp.police' });
    await exportPacket(vault, { mechanismId: MECHANISM, caseId: c.id, profile: 'redacted', lang: 'en', answers: ANSWERS, testimonyIds: [], outPath: packetDir });
    fs.writeFileSync(keyFile, formatMinisignPublicKey(vault.log.publicKey));
  } finally {
    vault.lock();
  }
}

export async function benchPacketVerify(opts: { vaultDir: string; items: number; runs: number; workDir: string }): Promise<PacketVerifyResult> {
  const packetDir = path.join(opts.workDir, 'packet');
  const keyFile = path.join(opts.workDir, 'vault.pub');
  fs.rmSync(packetDir, { recursive: true, force: true });
  await exportBenchPacket(opts.vaultDir, opts.items, packetDir, keyFile);
  const ours: number[] = [];
  const ref: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    const run = await timed(() => JSON.parse(huellaCli(['packet', 'verify', packetDir, '--key', keyFile, '--json'])) as { ok: boolean });
    if (!run.value.ok) throw new Error(`huella packet verify failed on the benchmark packet: ${JSON.stringify(run.value).slice(0, 2000)}`);
    ours.push(run.seconds);
    ref.push(timeShell(`cd ${packetDir} && sha256sum --quiet -c manifest-sha256.txt && minisign -q -Vm tagmanifest-sha256.txt -p ${keyFile}`));
  }
  const payloadBytes = fs
    .readFileSync(path.join(packetDir, 'bag-info.txt'), 'utf8')
    .match(/^Payload-Oxum: (\d+)\./m)?.[1];
  return { runs: opts.runs, items: opts.items, payloadBytes: Number(payloadBytes), huellaSeconds: median(ours), sha256sumMinisignSeconds: median(ref) };
}
