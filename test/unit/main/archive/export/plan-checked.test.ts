import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addCaseItems, createCase } from '../../../../../main/archive/catalogue';
import { checkPacket, exportPacket, planPacket, planPacketChecked } from '../../../../../main/archive/export';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { createVault } from '../../../../../main/archive/vault/vault';
import problemsEs from '../../../../../shared/i18n/problems/es.json';
import { writePhotoFolder } from '../../../../e2e/support/photos';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

/**
 * Issue 13: the review said "Nothing blocks the export" for a truncated JPEG that the export then refused. The plan
 * the app shows (packets.plan → planPacketChecked) runs the export's own per-file checks: the broken file is a
 * blocker naming its exhibit, with a sentence for the person (a Message key) saying to remove it from the packet;
 * without it the plan is clear and the export succeeds.
 */
describe('packets.plan runs the export’s per-file checks', () => {
  const root = tempDir('huella-plan-checked-');
  afterAll(() => shutdownIngestWorkers());

  it('a truncated JPEG blocks the plan as it blocks the export, named by exhibit; without it nothing blocks', async () => {
    const { dir, broken } = await writePhotoFolder(path.join(root, 'photos'), 2);
    const { vault } = await createVault(path.join(root, 'vault'), TEST_PASSPHRASE);
    try {
      const report = await ingestPaths(vault, [dir]);
      const brokenId = report.results.find((r) => r.path === broken)!.itemId!;
      const ids = report.results.map((r) => r.itemId!);
      const c = createCase(vault, { title: 'Broken file' });
      addCaseItems(vault, { caseId: c.id, itemIds: ids });
      const input = { mechanismId: 'sp-communication', caseId: c.id, profile: 'redacted', lang: 'es' } as const;

      // The plan alone reads no file: it cannot see the problem.
      expect(planPacket(vault, input).canExport).toBe(true);
      const plan = await planPacketChecked(vault, input);
      const label = plan.items.find((i) => i.itemId === brokenId)!.label;
      expect(plan.canExport).toBe(false);
      expect(plan.blockers).toEqual([
        { code: 'STRIP_FAILED', itemId: brokenId, message: expect.stringContaining(`${label} (${brokenId})`) as unknown as string, problem: { key: 'problem.packet.itemStripFailed', params: { label } } },
      ]);
      expect(problemsEs.packet.itemStripFailed).toContain('Quite {{label}} del paquete');
      // The same blocker as the dry run's, and the export refuses for the same reason.
      const dry = await checkPacket(vault, input);
      expect(dry.blockers).toEqual(plan.blockers);
      const err = await exportPacket(vault, { ...input, outPath: path.join(root, 'out') }).then(
        () => undefined,
        (e: unknown) => e as { code: string },
      );
      expect(err?.code).toBe('STRIP_FAILED');

      // Asked again (the wizard asks on every change, answered from the kept results): the same answer.
      const again = await planPacketChecked(vault, input);
      expect(again.blockers).toEqual(plan.blockers);

      // Without the broken file: nothing blocks, and the export succeeds.
      const rest = ids.filter((id) => id !== brokenId);
      const clean = await planPacketChecked(vault, { ...input, itemIds: rest });
      expect(clean.blockers).toEqual([]);
      expect(clean.canExport).toBe(true);
      await exportPacket(vault, { ...input, itemIds: rest, outPath: path.join(root, 'out2') });
      expect(fs.existsSync(path.join(root, 'out2', 'bagit.txt'))).toBe(true);
    } finally {
      vault.lock();
    }
  });
});
