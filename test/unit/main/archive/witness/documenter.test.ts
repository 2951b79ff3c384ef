import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addCosignature, addWitness, cosignedCheckpoints, witnessesOf, witnessRequest } from '../../../../../main/archive/witness/documenter';
import { isHuellaError } from '../../../../../main/archive/errors';
import { createVault, openVault, type Vault } from '../../../../../main/archive/vault/vault';
import { cosignRequest } from '../../../../../main/archive/witness/cosign';
import { initWitness } from '../../../../../main/archive/witness/state';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

function record(vault: Vault, n: number, tag: string): void {
  vault.transaction(() => {
    for (let i = 0; i < n; i++) vault.log.append('case.created', `case_${tag}${i}`, { n: i });
  });
}

async function errorOf(f: () => unknown): Promise<{ code: string; message: string; reason?: unknown } | undefined> {
  try {
    await f();
  } catch (e) {
    return isHuellaError(e) ? { code: e.code, message: e.message, reason: e.details?.reason } : { code: 'not a HuellaError', message: String(e) };
  }
  return undefined;
}

/**
 * A real vault and its custody log, and an offline witness folder. The holder rolls the vault back by restoring an
 * old copy of its folder (what someone who wants to rewrite history would do), then records other events.
 */
describe('witnessing a real vault', () => {
  const root = tempDir();
  const dir = path.join(root, 'vault');
  const copy = path.join(root, 'vault-copy');
  const wdir = path.join(root, 'witness');

  it('request → cosign → add-cosignature; then a rolled-back and differently extended vault is refused as a fork', async () => {
    const { vault } = await createVault(dir, TEST_PASSPHRASE);
    const wkey = initWitness(wdir, 'witness.example.org/lawyer');
    const w = addWitness(vault, wkey.verifierKey, 'Abogada Ruiz');
    expect(w.label).toBe('Abogada Ruiz');
    expect(addWitness(vault, wkey.verifierKey).id).toBe(w.id); // the same key twice is one witness

    record(vault, 3, 'a');
    const req1 = witnessRequest(vault, { witness: 'Abogada Ruiz' });
    expect(req1.oldSize).toBe(0);
    const c1 = cosignRequest(wdir, req1.text, { now: new Date('2026-05-03T09:00:00Z') });
    const added = addCosignature(vault, c1.cosignedCheckpoint, new Date('2026-05-03T10:00:00Z'));
    expect(added.added).toEqual([{ name: 'witness.example.org/lawyer', label: 'Abogada Ruiz', signedAt: c1.timestamp }]);
    expect(addCosignature(vault, c1.signatureLine).alreadyKnown).toBe(1); // the bare line finds its checkpoint too

    // The holder keeps a copy of the vault as it is now.
    vault.lock();
    fs.cpSync(dir, copy, { recursive: true });
    const v = await openVault(dir, { passphrase: TEST_PASSPHRASE });
    record(v, 2, 'b');
    const req2 = witnessRequest(v, { witness: 'Abogada Ruiz' });
    expect(req2.oldSize).toBe(req1.size); // the size this witness last cosigned, from the vault's own records
    const c2 = cosignRequest(wdir, req2.text, { now: new Date('2026-05-04T09:00:00Z') });
    addCosignature(v, c2.cosignedCheckpoint, new Date('2026-05-04T10:00:00Z'));
    expect(witnessesOf(v)[0]!.lastCosigned).toEqual({ size: req2.size, signedAt: c2.timestamp });
    expect(cosignedCheckpoints(v).map((c) => [c.size, c.cosignatures.map((s) => s.label)])).toEqual([
      [req1.size, ['Abogada Ruiz']],
      [req2.size, ['Abogada Ruiz']],
    ]);
    expect([...v.log.events()].map((e) => JSON.parse(e.bytes.toString()).type).filter((t: string) => t === 'checkpoint.cosigned')).toHaveLength(2);
    v.lock();

    // Rollback: the old copy becomes the vault, and different events are recorded, beyond the cosigned size.
    const rolled = await openVault(copy, { passphrase: TEST_PASSPHRASE });
    record(rolled, 4, 'x');
    const forkReq = witnessRequest(rolled, { since: req2.size });
    const fork = await errorOf(() => cosignRequest(wdir, forkReq.text, { now: new Date('2026-05-05T09:00:00Z') }));
    expect(fork?.reason).toBe('fork');
    expect(fork?.message).toContain(`does not extend the checkpoint of size ${req2.size}`);
    // The rolled-back vault's own request starts from the size it remembers: the witness names the size to ask for.
    const stale = await errorOf(() => cosignRequest(wdir, witnessRequest(rolled, { witness: 'Abogada Ruiz' }).text));
    expect(stale?.reason).toBe('old-size');
    // The older checkpoint, handed over again.
    const older = await errorOf(() => cosignRequest(wdir, req1.text));
    expect(older?.reason).toBe('older');
    // A cosignature of the other history cannot be added to this one.
    const wrong = await errorOf(() => addCosignature(rolled, c2.signatureLine));
    expect(wrong?.code).toBe('SIGNATURE_INVALID');
    rolled.lock();
  });
});
