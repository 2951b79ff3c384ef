import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addCaseItems, createCase } from '../../../../../main/archive/catalogue';
import { checkPacket, exportPacket, planPacket, planPacketChecked } from '../../../../../main/archive/export';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { createVault } from '../../../../../main/archive/vault/vault';
import problemsEs from '../../../../../shared/i18n/problems/es.json';
import { writePhotoFolder } from '../../../../e2e/support/photos';
import { makeJpeg, RICH_EXIF } from '../../../../fixtures/photos';
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

  it('the dry run lists every item that would block, each by name with what was found and what to do, and the export refuses (issue 14)', async () => {
    const { dir, broken } = await writePhotoFolder(path.join(root, 'photos-2'), 1);
    // A photo whose Artist also sits in its image data, where stripping (which keeps the scan data byte for byte)
    // cannot remove it: the re-read finds the original's value in the copy.
    const fx = await makeJpeg({ dir, name: 'artist-in-pixels.jpg', width: 64, height: 48, seed: 7, exif: RICH_EXIF });
    const bytes = fs.readFileSync(fx.path);
    Buffer.from(RICH_EXIF.artist, 'latin1').copy(bytes, bytes.length - 60);
    fs.writeFileSync(fx.path, bytes);
    const { vault } = await createVault(path.join(root, 'vault-2'), TEST_PASSPHRASE);
    try {
      const report = await ingestPaths(vault, [dir]);
      const idOf = (p: string): string => report.results.find((r) => r.path === p)!.itemId!;
      const c = createCase(vault, { title: 'Two blockers' });
      addCaseItems(vault, { caseId: c.id, itemIds: report.results.map((r) => r.itemId!) });
      const input = { mechanismId: 'sp-communication', caseId: c.id, profile: 'redacted', lang: 'en' } as const;
      expect(planPacket(vault, input).canExport).toBe(true);

      const dry = await checkPacket(vault, input);
      expect(dry.canExport).toBe(false);
      const labelOf = (id: string): string => dry.items.find((i) => i.itemId === id)!.label;
      const leaking = idOf(fx.path);
      const truncated = idOf(broken);
      expect(dry.blockers.map((b) => [b.itemId, b.code]).sort()).toEqual([[leaking, 'LEAK_DETECTED'], [truncated, 'STRIP_FAILED']].sort());
      const leak = dry.blockers.find((b) => b.itemId === leaking)!;
      // The field and the value found, where, and the remedy.
      expect(leak.message).toContain(`${labelOf(leaking)} (${leaking})`);
      expect(leak.message).toMatch(new RegExp(`the original's author "${RICH_EXIF.artist}" appears in the copy \\(inside the coded image data, byte \\d+\\)`));
      expect(leak.message).toMatch(/Leave this item out.*--original-only/);
      expect(leak.problem).toEqual({ key: 'problem.packet.itemLeak', params: { label: labelOf(leaking) } });
      expect(dry.blockers.find((b) => b.itemId === truncated)!.message).toContain(`${labelOf(truncated)} (${truncated})`);
      // The app's review says the same, and the export refuses.
      expect((await planPacketChecked(vault, input)).blockers).toEqual(dry.blockers);
      const err = await exportPacket(vault, { ...input, outPath: path.join(root, 'out-2') }).then(
        () => undefined,
        (e: unknown) => e as { code: string },
      );
      expect(err?.code).toMatch(/^(LEAK_DETECTED|STRIP_FAILED)$/);
      expect(fs.existsSync(path.join(root, 'out-2'))).toBe(false);
    } finally {
      vault.lock();
    }
  });
});
