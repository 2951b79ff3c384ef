import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addCaseItems, createCase } from '../../../../../main/archive/catalogue';
import { checkPacket, exportPacket, planPacket } from '../../../../../main/archive/export';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { createVault } from '../../../../../main/archive/vault/vault';
import { hostileDocx } from '../../../../reliability/campaigns/hostile';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

/**
 * A file the stripper refuses (here a DOCX whose entry declares 4 GB: a zip bomb) stops the export with an error
 * that names the item (label, id, details.itemId), so the person knows what to leave out. Before, the message
 * said "this DOCX file" without saying which. Found by the malformed-input reliability campaign.
 */
describe('export: a strip failure names the item', () => {
  const root = tempDir('huella-strip-failure-');
  afterAll(() => shutdownIngestWorkers());

  it('STRIP_FAILED with details.itemId and the label in the message; nothing left at --out', async () => {
    const inputs = path.join(root, 'in');
    fs.mkdirSync(inputs);
    fs.writeFileSync(path.join(inputs, 'a-notes.txt'), 'notes from the interview\n');
    const bomb = hostileDocx().find((h) => h.name === 'entry-declares-4GB')!;
    fs.writeFileSync(path.join(inputs, 'b-report.docx'), bomb.bytes);
    const { vault } = await createVault(path.join(root, 'vault'), TEST_PASSPHRASE);
    try {
      const report = await ingestPaths(vault, [inputs]);
      const docxId = report.results.find((r) => r.path.endsWith('b-report.docx'))!.itemId!;
      const c = createCase(vault, { title: 'Strip failure' });
      addCaseItems(vault, { caseId: c.id, itemIds: report.results.map((r) => r.itemId!) });
      const out = path.join(root, 'packet');
      const err = await exportPacket(vault, { mechanismId: 'sp-communication', caseId: c.id, profile: 'redacted', lang: 'en', outPath: out }).then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string; details?: Record<string, unknown> },
      );
      expect(err?.code).toBe('STRIP_FAILED');
      expect(err?.details?.itemId).toBe(docxId);
      expect(err?.message).toMatch(new RegExp(`^The packet cannot be exported: E00\\d \\(${docxId}\\): .*unsafe archive.*Leave this item out`));
      expect(fs.existsSync(out)).toBe(false);
      // The dry run runs the same item stage: it finds the same problem (the plan alone, which reads no file, cannot).
      const plan = planPacket(vault, { mechanismId: 'sp-communication', caseId: c.id, profile: 'redacted', lang: 'en' });
      expect(plan.canExport).toBe(true);
      const checked = await checkPacket(vault, { mechanismId: 'sp-communication', caseId: c.id, profile: 'redacted', lang: 'en', outPath: out });
      expect(checked.canExport).toBe(false);
      expect(checked.blockers).toEqual([{ code: 'STRIP_FAILED', itemId: docxId, message: expect.stringMatching(/unsafe archive.*Leave this item out/) as unknown as string, problem: { key: 'problem.packet.itemStripFailed', params: { label: expect.stringMatching(/^E00\d$/) as unknown as string } } }]);
      expect(err?.message).toContain(checked.blockers[0]!.message);
      expect(fs.readdirSync(root).filter((n) => n.startsWith('.packet'))).toEqual([]);
    } finally {
      vault.lock();
    }
  });
});
