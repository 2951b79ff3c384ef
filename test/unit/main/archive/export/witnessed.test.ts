import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCosignature, addWitness, witnessRequest } from '../../../../../main/archive/witness/documenter';
import { verifierKey } from '../../../../../main/archive/custody/note';
import { exportPacket } from '../../../../../main/archive/export';
import { shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { verifyPacket } from '../../../../../main/archive/packet/verify';
import { cosignRequest } from '../../../../../main/archive/witness/cosign';
import { initWitness } from '../../../../../main/archive/witness/state';
import { huella } from '../../../../helpers/cli';
import { tempDir } from '../../../../helpers/tmp';
import { MECHANISM, makeWorld, type World } from './world';

const TOOLS = path.resolve(import.meta.dirname, '../../../../tools');

function tool(name: string, args: string[]): { status: number; out: string } {
  try {
    return { status: 0, out: execFileSync(process.execPath, [path.join(TOOLS, name), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { status: err.status, out: `${err.stdout}${err.stderr}` };
  }
}

/**
 * A packet carries the cosigned checkpoint that covers its exhibits (custody/witnessed/), and `packet verify
 * --witness KEY` says which exhibits a witness attests and from when; the files check with tools written from the
 * specs (test/tools), so a reviewer needs nothing of Huella's.
 */
describe('packets with witness cosignatures', () => {
  const root = tempDir('huella-witnessed-');
  let w: World;
  let out = '';
  let witnessKey = '';
  let signedAt = 0;

  beforeAll(async () => {
    w = await makeWorld(root);
    await shutdownIngestWorkers();
    const key = initWitness(path.join(root, 'witness'), 'witness.example.org/lawyer');
    witnessKey = key.verifierKey;
    addWitness(w.vault, witnessKey, 'Abogada Ruiz');
    const c = cosignRequest(path.join(root, 'witness'), witnessRequest(w.vault).text, { now: new Date('2026-05-03T09:30:00Z') });
    signedAt = c.timestamp;
    addCosignature(w.vault, c.cosignedCheckpoint, new Date('2026-05-03T10:00:00Z'));
    out = path.join(root, 'packet');
    await exportPacket(w.vault, { mechanismId: MECHANISM, caseId: w.caseId, profile: 'redacted', lang: 'en', answers: w.answers, outPath: out });
  }, 600_000);
  afterAll(() => w?.vault.lock());

  it('the packet carries the cosigned checkpoint, its consistency with custody/checkpoint, and per-event proofs, all in the tag manifest', () => {
    const dir = path.join(out, 'custody', 'witnessed');
    const names = fs.readdirSync(dir).sort();
    expect(names.filter((n) => n.endsWith('.checkpoint'))).toHaveLength(1);
    expect(names.filter((n) => n.endsWith('.consistency'))).toHaveLength(1);
    expect(fs.readdirSync(path.join(dir, 'proofs')).length).toBeGreaterThanOrEqual(4);
    const tagmanifest = fs.readFileSync(path.join(out, 'tagmanifest-sha256.txt'), 'utf8');
    for (const n of names.filter((x) => x !== 'proofs')) expect(tagmanifest).toContain(`custody/witnessed/${n}`);
  });

  it('verifies with --witness: every exhibit existed no later than the cosignature time, attested by the witness', async () => {
    const r = await verifyPacket(out, { witnessKeys: [witnessKey] });
    expect(r.ok, JSON.stringify(r.checks.filter((c) => c.status === 'FAIL'))).toBe(true);
    expect(r.checks.find((c) => c.name === 'witnesses')).toMatchObject({ status: 'PASS' });
    const exhibits = r.witnessed!.filter((e) => e.label.startsWith('E'));
    expect(exhibits.map((e) => e.label)).toEqual(['E001', 'E002', 'E003']);
    for (const e of exhibits) expect(e.attestations).toEqual([{ witness: 'witness.example.org/lawyer', signedAt }]);
    // Without a witness key: reported, not checked, and not a failure.
    const plain = await verifyPacket(out);
    expect(plain.ok).toBe(true);
    expect(plain.checks.find((c) => c.name === 'witnesses')?.reason).toMatch(/not checked \(give --witness KEY\)/);
  });

  it('fails with a precise message when the witness key is wrong', async () => {
    const other = initWitness(path.join(root, 'impostor'), 'witness.example.org/lawyer');
    const r = await verifyPacket(out, { witnessKeys: [other.verifierKey] });
    expect(r.ok).toBe(false);
    const reason = r.checks.find((c) => c.name === 'witnesses')!.reason;
    expect(reason).toContain('the packet carries cosignatures by witness.example.org/lawyer with key ID');
    expect(reason).toContain(`not by the key you gave (key ID ${other.verifierKey.split('+')[1]})`);
    expect(r.witnessed!.every((e) => e.attestations.length === 0)).toBe(true);
  });

  it('fails with a precise message when the cosignature was altered', async () => {
    const copy = path.join(root, 'altered');
    fs.cpSync(out, copy, { recursive: true });
    const dir = path.join(copy, 'custody', 'witnessed');
    const file = path.join(dir, fs.readdirSync(dir).find((n) => n.endsWith('.checkpoint'))!);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.startsWith('— witness.example.org/lawyer '));
    const sig = Buffer.from(lines[i]!.split(' ')[2]!, 'base64');
    sig.writeBigUInt64BE(sig.readBigUInt64BE(4) - 86_400n * 30n, 4); // a month earlier: the time is signed too
    lines[i] = `— witness.example.org/lawyer ${sig.toString('base64')}`;
    fs.writeFileSync(file, lines.join('\n'));
    const r = await verifyPacket(copy, { witnessKeys: [witnessKey] });
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => c.name === 'witnesses')!.reason).toContain('The cosignature by witness witness.example.org/lawyer');
    expect(r.files.find((f) => f.path.startsWith('custody/witnessed/') && f.path.endsWith('.checkpoint'))).toMatchObject({ status: 'FAIL' });
  });

  it('checks with the independent tools written from the specs (what the README tells reviewers)', () => {
    const logKey = verifierKey(w.vault.log.origin, w.vault.log.publicKey);
    const proofs = path.join(out, 'custody', 'witnessed', 'proofs');
    const seq = fs.readdirSync(proofs)[0]!.replace('.tlog-proof', '');
    const inclusion = tool('rfc9162-check.mjs', ['tlog-proof', '--proof-file', path.join(proofs, `${seq}.tlog-proof`), '--leaf-file', path.join(out, 'custody', 'entries', `${seq}.json`), '--verifier-key', logKey]);
    expect(inclusion.status, inclusion.out).toBe(0);
    const cosig = tool('tlog-cosignature-check.mjs', ['--note', path.join(proofs, `${seq}.tlog-proof`), '--log-key', logKey, '--witness-key', witnessKey]);
    expect(cosig.status, cosig.out).toBe(0);
    expect(cosig.out).toContain(`cosignature by witness.example.org/lawyer: valid, time ${signedAt} (2026-05-03T09:30:00.000Z)`);
    const cpFile = fs.readdirSync(path.join(out, 'custody', 'witnessed')).find((n) => n.endsWith('.consistency'))!;
    const size = cpFile.replace('.consistency', '');
    const [head, ...hashes] = fs.readFileSync(path.join(out, 'custody', 'witnessed', cpFile), 'utf8').trim().split('\n');
    const root = (note: string): string => note.split('\n')[2]!;
    const packetCp = fs.readFileSync(path.join(out, 'custody', 'checkpoint'), 'utf8');
    const consistency = tool('rfc9162-check.mjs', [
      'consistency',
      '--old-size', size,
      '--new-size', packetCp.split('\n')[1]!,
      '--old-root-b64', root(fs.readFileSync(path.join(out, 'custody', 'witnessed', `${size}.checkpoint`), 'utf8')),
      '--new-root-b64', root(packetCp),
      '--proof-b64', hashes.join(','),
    ]);
    expect(head).toBe(`old ${size}`);
    expect(consistency.status, consistency.out).toBe(0);
  });

  it('huella packet verify --witness prints the attestation per exhibit', () => {
    const keyFile = path.join(root, 'witness.vkey');
    fs.writeFileSync(keyFile, `${witnessKey}\n`);
    const r = huella(['packet', 'verify', out, '--witness', keyFile]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('E001 (');
    expect(r.stdout).toMatch(/E001 \(it_\w+\) existed in the vault no later than 3 May 2026 \(2026-05-03T09:30:00Z\), attested by witness witness\.example\.org\/lawyer: cosigned checkpoint of size \d+\./);
  }, 300_000);
});
