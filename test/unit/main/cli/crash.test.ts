import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createVault, openVault } from '../../../../main/archive/vault/vault';
import { listItems } from '../../../../main/archive/items/items';
import { verifyVault } from '../../../../main/archive/verify/verify';
import { huellaSpawn } from '../../../helpers/cli';
import { allFiles, tempDir, TEST_PASSPHRASE } from '../../../helpers/tmp';

/**
 * kill -9 during ingest (DESIGN §1 A6): the vault reopens, nothing half-written is visible, tmp/ holds no
 * plaintext, verify passes, and a file is either fully present (byte-identical hash) or absent.
 * The full campaign (≥200 runs, random moments, tagging and export too) is `npm run reliability`.
 */
function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
function safeSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

describe('kill -9 during ingest', () => {
  const root = tempDir();
  const big = path.join(root, 'evidence.bin');
  // Distinctive plaintext: a marker repeated through the file, so any plaintext spill is findable.
  const marker = Buffer.from('HUELLA-PLAINTEXT-MARKER-7f3a9c');
  const block = Buffer.concat([marker, crypto.randomBytes(4096 - marker.length)]);
  fs.writeFileSync(big, Buffer.concat(Array.from({ length: 16 * 1024 }, () => block))); // 64 MiB
  const sha = crypto.createHash('sha256').update(fs.readFileSync(big)).digest('hex');

  type Trigger = { readonly name: string; readonly fire: (tmp: string, stdout: string) => boolean };
  const partAtLeast = (bytes: number) => (tmp: string): boolean =>
    safeList(tmp).some((f) => f.endsWith('.part') && safeSize(path.join(tmp, f)) >= bytes);
  const triggers: Trigger[] = [
    { name: 'while encrypting, 1 MiB in', fire: partAtLeast(1 << 20) },
    { name: 'while encrypting, 40 MiB in', fire: partAtLeast(40 << 20) },
    { name: 'after staging, before the database commit', fire: (tmp) => safeList(tmp).some((f) => f.endsWith('.ready')) },
    { name: 'after the item was reported', fire: (_tmp, out) => out.includes('"status":"ingested"') },
  ];

  for (const trigger of triggers) {
    it(`recovers after a kill ${trigger.name}`, async () => {
      const dir = path.join(root, `vault-${triggers.indexOf(trigger)}`);
      (await createVault(dir, TEST_PASSPHRASE)).vault.lock();
      const child = huellaSpawn(['ingest', dir, big, '--json']);
      const exited = new Promise((r) => child.on('exit', r));
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const tmp = path.join(dir, 'tmp');
      let fired = false;
      const deadline = Date.now() + 60_000;
      while (child.exitCode === null && Date.now() < deadline) {
        if (trigger.fire(tmp, stdout)) {
          child.kill('SIGKILL');
          fired = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      await exited;
      // The moment must actually have been hit (else the test proves nothing on this machine).
      expect(fired).toBe(true);
      const reported = stdout.includes('"status":"ingested"');

      // Before reopening: whatever is in tmp/ is ciphertext only.
      for (const f of allFiles(path.join(dir, 'tmp'))) expect(fs.readFileSync(f).includes(marker)).toBe(false);
      for (const f of allFiles(dir)) expect(fs.readFileSync(f).includes(marker)).toBe(false);

      const vault = await openVault(dir, { passphrase: TEST_PASSPHRASE });
      try {
        expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
        const items = listItems(vault);
        if (reported) expect(items).toHaveLength(1);
        for (const it of items) expect(it.sha256).toBe(sha);
        const report = await verifyVault(vault);
        expect(report.problems).toEqual([]);
      } finally {
        vault.lock();
      }
    });
  }
});
