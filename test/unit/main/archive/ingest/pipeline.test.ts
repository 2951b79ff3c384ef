import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { createVault } from '../../../../../main/archive/vault/vault';
import { verifyVault } from '../../../../../main/archive/verify/verify';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

/**
 * Ingest as a pipeline (issue 19): files prepared ahead, recorded in groups (one transaction, one publish round).
 * The report must still be in file order, a duplicate inside one group must be found as a duplicate, every
 * reported object must be in blobs/ (published, not left in tmp/), and the vault must verify.
 */
describe('ingest pipeline and grouped commits', () => {
  const root = tempDir();
  afterAll(async () => {
    await shutdownIngestWorkers();
  });

  it('reports every file in order, finds a duplicate inside a group, publishes every object, verifies', async () => {
    const inputs = path.join(root, 'in');
    fs.mkdirSync(inputs);
    const names: string[] = [];
    for (let i = 0; i < 40; i++) {
      const name = `f${String(i).padStart(3, '0')}.txt`;
      names.push(name);
      // f005 and f007 have the same bytes: the second is a duplicate of the first, recorded in the same group.
      const body = i === 7 ? 'same bytes\n' : i === 5 ? 'same bytes\n' : `${i}\n${crypto.randomBytes(100 + i * 300).toString('hex')}\n`;
      fs.writeFileSync(path.join(inputs, name), body);
    }
    const { vault } = await createVault(path.join(root, 'vault'), TEST_PASSPHRASE);
    try {
      const seen: string[] = [];
      const report = await ingestPaths(vault, [inputs], { onFile: (r) => seen.push(path.basename(r.path)) });
      expect(seen).toEqual(names);
      expect(report.results.map((r) => r.status)).toEqual(names.map((_, i) => (i === 7 ? 'duplicate' : 'ingested')));
      expect(report.results[7]!.itemId).toBe(report.results[5]!.itemId);
      expect(report.ingested).toBe(39);
      for (const r of report.results) {
        const name = vault.blobs.objectName(Buffer.from(r.sha256!, 'hex'));
        expect(fs.existsSync(vault.blobs.pathOf(name)), r.path).toBe(true);
      }
      expect(fs.readdirSync(path.join(root, 'vault', 'tmp'))).toEqual([]);
      const v = await verifyVault(vault);
      expect(v.problems).toEqual([]);
      expect(v.objects).toBe(39);
    } finally {
      vault.lock();
    }
  });
});
