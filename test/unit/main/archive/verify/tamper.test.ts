import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVault } from '../../../../../main/archive/vault/vault';
import { shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { consistencyReport } from '../../../../../main/archive/custody/service';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';
import { checkVaultMutation, databasePageMutations, makePristineVault, rewriteHistory, VAULT_MUTATIONS, vaultJsonMutations, type PristineVault } from '../../../../helpers/tamper/vault';

/**
 * Tamper campaign (issue 4): for each kind of change to a vault on disk or in its database, `verifyVault` (or
 * unlocking) must fail and name the place. Every mutation runs on a fresh copy of one pristine vault. The
 * mutation lists live in test/helpers/tamper/vault.ts, shared with `npm run reliability` (which also runs every
 * database page; here a spread of them).
 */
describe('tamper campaign: verify detects every mutation and names it', () => {
  const root = tempDir();
  let pristine: PristineVault;
  const results: { name: string; detected: boolean }[] = [];
  let n = 0;

  beforeAll(async () => {
    pristine = await makePristineVault(root);
  });
  afterAll(async () => {
    await shutdownIngestWorkers();
    const detected = results.filter((r) => r.detected).length;
    console.log(`tamper campaign: ${detected}/${results.length} mutations detected`);
  });

  for (const m of [...VAULT_MUTATIONS, ...vaultJsonMutations()]) {
    it(m.name, async () => {
      const outcome = await checkVaultMutation(m, pristine, path.join(root, `m${++n}`));
      results.push({ name: m.name, detected: outcome.detected });
      expect(outcome.detected, `the checker answered: ${outcome.answer}`).toBe(true);
    });
  }

  it('database pages changed on disk: the vault refuses to open or verify reports the damage', async () => {
    const pages = Math.floor(pristine.dbBytes / 4096);
    const spread = Array.from({ length: pages - 1 }, (_, i) => i + 1).filter((p, i, all) => i % Math.ceil(all.length / 12) === 0 || p === pages - 1);
    const undetected: string[] = [];
    for (const m of databasePageMutations(spread)) {
      const outcome = await checkVaultMutation(m, pristine, path.join(root, `m${++n}`));
      if (!outcome.detected) undetected.push(`${m.name}: ${outcome.answer}`);
    }
    results.push({ name: `database pages (${spread.length} of ${pages - 1})`, detected: undetected.length === 0 });
    expect(undetected).toEqual([]);
  });

  it('a checkpoint handed out before a rewrite of history no longer verifies as consistent', async () => {
    const dir = path.join(root, 'consistency-after-rewrite');
    fs.cpSync(pristine.dir, dir, { recursive: true });
    const vault = await openVault(dir, { passphrase: TEST_PASSPHRASE });
    try {
      expect(consistencyReport(vault.log, pristine.firstCheckpoint).consistent).toBe(true);
      rewriteHistory(vault, 4);
      const after = consistencyReport(vault.log, pristine.firstCheckpoint);
      expect(after.consistent).toBe(false);
      expect(after.reason).toMatch(/rewritten/);
    } finally {
      vault.lock();
    }
  });
});
