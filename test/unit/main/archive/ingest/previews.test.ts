import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { createVault, openVault } from '../../../../../main/archive/vault/vault';
import { ingestPaths, makePendingPreviews, shutdownIngestWorkers, type IngestProgress } from '../../../../../main/archive/ingest/ingest';
import { getItem, readItemPreview } from '../../../../../main/archive/items/items';
import { countPendingPreviews } from '../../../../../main/archive/db/items';
import { verifyVault } from '../../../../../main/archive/verify/verify';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';
import { writeGpsPhoto } from '../../../../helpers/photos';

/** Phase 2 of an import: previews made after the originals are safe (issue 19). */
describe('previews after the originals (phase 2)', () => {
  const root = tempDir();
  afterAll(async () => {
    await shutdownIngestWorkers();
  });

  it('originals are reported before any preview; previews left pending by a quit are made on the next open, from the stored objects', async () => {
    const photos = path.join(root, 'a');
    for (let i = 0; i < 6; i++) await writeGpsPhoto(photos, `p${i}.jpg`, i + 1);
    const dir = path.join(root, 'vault-a');
    let vault = (await createVault(dir, TEST_PASSPHRASE)).vault;
    const phases: IngestProgress['phase'][] = [];
    const report = await ingestPaths(vault, [photos], { waitPreviews: false, onProgress: (p) => phases.push(p.phase) });
    expect(report.ingested).toBe(6);
    expect(phases).not.toContain('previews');
    const ids = report.results.map((r) => r.itemId!);
    for (const id of ids) expect(await readItemPreview(vault, id)).toBeUndefined();
    expect(countPendingPreviews(vault.store)).toBe(6);
    vault.lock(); // the app quits (or is killed) between the phases
    fs.rmSync(photos, { recursive: true }); // the card was removed: the previews come from the stored originals

    vault = await openVault(dir, { passphrase: TEST_PASSPHRASE });
    try {
      expect(countPendingPreviews(vault.store)).toBe(6);
      const seen: number[] = [];
      const made = await makePendingPreviews(vault, { onProgress: (p) => seen.push(p.done) });
      expect(made).toMatchObject({ total: 6, done: 6, made: 6, failed: 0, pending: 0, cancelled: false });
      expect(seen[0]).toBe(0);
      expect(seen.at(-1)).toBe(6);
      for (const id of ids) {
        const preview = (await readItemPreview(vault, id))!;
        expect(preview).toBeDefined();
        const meta = await sharp(preview).metadata();
        expect(meta.format).toBe('webp');
        expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(512);
      }
      expect(countPendingPreviews(vault.store)).toBe(0);
      expect(made.checkpointSize).toBe(vault.log.size());
      expect((await verifyVault(vault)).problems).toEqual([]);
      // Nothing is made twice.
      expect(await makePendingPreviews(vault)).toMatchObject({ total: 0, done: 0, made: 0 });
    } finally {
      vault.lock();
    }
  });

  it('an import cancelled during phase 2 keeps its originals; the next import makes the rest with its own', async () => {
    const a = path.join(root, 'b1');
    const b = path.join(root, 'b2');
    for (let i = 0; i < 40; i++) await writeGpsPhoto(a, `a${i}.jpg`, 100 + i);
    await writeGpsPhoto(b, 'b.jpg', 999);
    const vault = (await createVault(path.join(root, 'vault-b'), TEST_PASSPHRASE)).vault;
    try {
      const ctl = new AbortController();
      const first = await ingestPaths(vault, [a], {
        signal: ctl.signal,
        onProgress: (p) => {
          if (p.phase === 'previews' && (p.previewsDone ?? 0) > 0) ctl.abort();
        },
      });
      expect(first.ingested).toBe(40);
      expect(first.cancelled).toBe(false); // every original is in; only previews were stopped
      const left = countPendingPreviews(vault.store);
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThan(40);
      const progress: IngestProgress[] = [];
      const second = await ingestPaths(vault, [b], { onProgress: (p) => progress.push(p) });
      expect(second.ingested).toBe(1);
      const prev = progress.filter((p) => p.phase === 'previews');
      expect(prev[0]).toMatchObject({ previewsTotal: left + 1, previewsDone: 0, filesDone: 1 });
      expect(prev.at(-1)).toMatchObject({ previewsTotal: left + 1, previewsDone: left + 1 });
      expect(progress.at(-1)!.phase).toBe('done');
      for (const r of [...first.results, ...second.results]) expect(await readItemPreview(vault, r.itemId!)).toBeDefined();
      expect((await verifyVault(vault)).problems).toEqual([]);
    } finally {
      vault.lock();
    }
  });

  it('two runs at once (the app at unlock, and an import) make each preview once', async () => {
    const dir = path.join(root, 'd');
    for (let i = 0; i < 8; i++) await writeGpsPhoto(dir, `d${i}.jpg`, 300 + i);
    const vault = (await createVault(path.join(root, 'vault-d'), TEST_PASSPHRASE)).vault;
    try {
      expect((await ingestPaths(vault, [dir], { waitPreviews: false })).ingested).toBe(8);
      const size = vault.log.size();
      const [r1, r2] = await Promise.all([makePendingPreviews(vault), makePendingPreviews(vault)]);
      expect(r1).toMatchObject({ total: 8, made: 8 });
      expect(r2).toMatchObject({ total: 0, made: 0 });
      // 8 item.derived events and one checkpoint's worth: nothing recorded twice.
      expect(vault.log.size()).toBe(size + 8);
      expect((await verifyVault(vault)).problems).toEqual([]);
    } finally {
      vault.lock();
    }
  });

  it('a file no preview can be made of is marked once, with a warning, and not retried', async () => {
    const dir = path.join(root, 'c');
    const good = await writeGpsPhoto(dir, 'good.jpg', 7);
    fs.writeFileSync(path.join(dir, 'truncated.jpg'), fs.readFileSync(good.file).subarray(0, 700));
    const vault = (await createVault(path.join(root, 'vault-c'), TEST_PASSPHRASE)).vault;
    try {
      const report = await ingestPaths(vault, [dir]);
      const bad = report.results.find((r) => r.path.endsWith('truncated.jpg'))!;
      expect(bad.status).toBe('ingested');
      expect(bad.warnings.filter((w) => w.code === 'PREVIEW_FAILED')).toHaveLength(1);
      expect(await readItemPreview(vault, bad.itemId!)).toBeUndefined();
      const item = getItem(vault, bad.itemId!)!;
      expect(item.warnings.filter((w) => w.code === 'PREVIEW_FAILED')).toHaveLength(1);
      expect(countPendingPreviews(vault.store)).toBe(0);
      const again = await makePendingPreviews(vault);
      expect(again).toMatchObject({ total: 0, done: 0, failed: 0 });
      expect(getItem(vault, bad.itemId!)!.warnings.filter((w) => w.code === 'PREVIEW_FAILED')).toHaveLength(1);
      const goodItem = report.results.find((r) => r.path.endsWith('good.jpg'))!;
      expect(await readItemPreview(vault, goodItem.itemId!)).toBeDefined();
    } finally {
      vault.lock();
    }
  });
});
