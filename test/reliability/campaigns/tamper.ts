import fs from 'node:fs';
import path from 'node:path';
import { exportPacket, verifyPacket } from '../../../main/archive/export';
import { shutdownIngestWorkers } from '../../../main/archive/ingest/ingest';
import type { PacketVerifyReport } from '../../../shared/model/packet';
import { answeredPrecisely, bagEntries, verifyPacketAnswer, failures, packetMutations, zipMutations, zipOf, type PacketAnswer } from '../../helpers/tamper/packet';
import { checkVaultMutation, databasePageMutations, makePristineVault, VAULT_MUTATIONS, vaultJsonMutations, type VaultMutation } from '../../helpers/tamper/vault';
import { MECHANISM, makeWorld } from '../../unit/main/archive/export/world';
import { seededRandom, type Campaign } from '../lib';

/**
 * Tamper campaign (issue 9, DESIGN §1 A4): systematic mutations of every on-disk component of a vault (vault.json
 * fields, every database page, blobs, custody events, checkpoints) and of a packet, as a folder and as a zip
 * (every payload file, manifest and tagmanifest line, items.json field, proof, event, the checkpoint, the keys,
 * the signature, zip entries). Each is applied to a fresh copy and given to the real checker (verifyVault after
 * unlocking; verifyPacket), and counts as detected only if the answer names the right file, event, object or
 * check. Quick mode checks a seeded sample of the database pages and of the generated packet mutations.
 */

type Tried = { readonly name: string; readonly detected: boolean; readonly answer: string };

export const run: Campaign = async ({ seed, quick, workDir, log }) => {
  const rnd = seededRandom(seed);
  const tried: Tried[] = [];
  const problems: string[] = [];
  let n = 0;
  const fresh = (): string => path.join(workDir, 'copies', String(++n));
  fs.mkdirSync(path.join(workDir, 'copies'));

  // Vault.
  const pristine = await makePristineVault(path.join(workDir, 'vault'));
  const pageCount = Math.floor(pristine.dbBytes / 4096);
  const allPages = Array.from({ length: pageCount - 1 }, (_, i) => i + 1); // page 0 holds the salt: covered by unlocking
  const pages = quick ? allPages.filter(() => rnd() < 0.2).slice(0, 8) : allPages;
  const vaultMutations: VaultMutation[] = [...VAULT_MUTATIONS, ...vaultJsonMutations(), ...databasePageMutations(pages)];
  for (const m of vaultMutations) {
    const dir = fresh();
    const r = await checkVaultMutation(m, pristine, dir);
    tried.push({ name: `vault: ${m.name}`, ...r });
    fs.rmSync(dir, { recursive: true, force: true });
  }
  log(`tamper: vault ${tried.filter((t) => t.detected).length}/${tried.length} detected (${pages.length} of ${allPages.length} database pages)`);

  // Packet, as a folder and as a zip.
  const world = await makeWorld(path.join(workDir, 'world'));
  const original = path.join(workDir, 'packet');
  try {
    await shutdownIngestWorkers();
    await exportPacket(world.vault, { mechanismId: MECHANISM, caseId: world.caseId, profile: 'redacted', lang: 'en', answers: world.answers, outPath: original });
  } finally {
    world.vault.lock();
  }
  const key = fs.readFileSync(path.join(original, 'custody/public-key'), 'utf8');
  const zipped = async (dir: string, file: string): Promise<string> => {
    await zipOf(bagEntries(dir, 'packet'), file);
    return file;
  };
  // Baselines: an untouched packet passes in both forms, so every failure below is the tampering.
  for (const form of ['folder', 'zip'] as const) {
    const target = form === 'zip' ? await zipped(original, path.join(workDir, 'pristine.zip')) : original;
    const r = await verifyPacket(target, { key });
    if (!r.ok) problems.push(`the untouched packet (${form}) does not verify: ${failures(r)}`);
  }
  const record = (name: string, r: PacketVerifyReport, expect: PacketAnswer | readonly PacketAnswer[]): void => {
    tried.push({ name, detected: answeredPrecisely(r, expect), answer: r.ok ? 'verify passed' : failures(r).slice(0, 400) });
  };
  const beforePacket = tried.length;
  const mutations = packetMutations(original, quick ? { sample: () => rnd() < 0.06 } : {});
  for (const m of mutations) {
    const dir = fresh();
    fs.cpSync(original, dir, { recursive: true });
    await m.apply(dir);
    record(`packet folder: ${m.name}`, await verifyPacketAnswer(dir, key), m.expect);
    if (!m.folderOnly && (!quick || rnd() < 0.3)) {
      const file = await zipped(dir, `${dir}.zip`);
      record(`packet zip: ${m.name}`, await verifyPacketAnswer(file, key), m.expect);
      fs.rmSync(file, { force: true });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  for (const z of zipMutations()) {
    const file = `${fresh()}.zip`;
    await z.make(file, original);
    record(`packet zip entries: ${z.name}`, await verifyPacketAnswer(file, key), z.expect(original));
    fs.rmSync(file, { force: true });
  }
  log(`tamper: packet ${tried.slice(beforePacket).filter((t) => t.detected).length}/${tried.length - beforePacket} detected`);

  const undetected = tried.filter((t) => !t.detected);
  const failuresOut = [...problems, ...undetected.map((t) => `seed ${seed}: undetected or imprecise — ${t.name} → ${t.answer}`)];
  const detected = tried.length - undetected.length;
  return {
    name: 'tamper',
    total: tried.length,
    passed: detected,
    failures: failuresOut,
    summary: `tamper: ${detected}/${tried.length} detected${undetected.length > 0 ? ` (${undetected.length} undetected or imprecise)` : ''}`,
    details: { seed, databasePages: { checked: pages.length, of: allPages.length }, undetected: undetected.map((t) => t.name) },
  };
};
