import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../../../shared/api';
import { countPendingPreviews } from '../../../../main/archive/db/items';
import { ingestPaths, shutdownIngestWorkers } from '../../../../main/archive/ingest/ingest';
import { readItemPreview } from '../../../../main/archive/items/items';
import { createVault, openVault, type Vault } from '../../../../main/archive/vault/vault';
import { verifyVault } from '../../../../main/archive/verify/verify';
import { createHandlers } from '../../../../main/ipc/handlers';
import { tempDir, TEST_PASSPHRASE } from '../../../helpers/tmp';
import { writeGpsPhoto } from '../../../helpers/photos';
import { testSession, type Emitted } from '../../../helpers/session-host';

/**
 * The previews' phase interrupted (issue 19 item 2) resumes in the app by itself: vault.unlock starts a background
 * run that makes every preview left pending, from the stored originals, and announces each stored group
 * (items.previewsMade). A lock stops that run; what it did not make is made at the next unlock, nothing twice.
 */
const host = (): ReturnType<typeof testSession> => testSession();

const announced = (emitted: readonly Emitted[]): string[] => emitted.filter((e) => e.event === 'items.previewsMade').flatMap((e) => [...(e.payload as ApiEvents['items.previewsMade']).itemIds]);

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function withPreview(vault: Vault, ids: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const id of ids) if (await readItemPreview(vault, id)) out.push(id);
  return out;
}

describe('unlock resumes an interrupted previews phase in the background', () => {
  const root = tempDir();
  afterAll(async () => {
    await shutdownIngestWorkers();
  });

  it('an import stopped during its previews: unlock makes the rest from the stored originals, announced, each once', async () => {
    const photos = path.join(root, 'a');
    for (let i = 0; i < 40; i++) await writeGpsPhoto(photos, `a${i}.jpg`, 200 + i);
    const dir = path.join(root, 'vault-a');
    const first = (await createVault(dir, TEST_PASSPHRASE)).vault;
    const ctl = new AbortController();
    // The previews' phase is stopped after its first group (the app quit, or the import was cancelled then).
    const report = await ingestPaths(first, [photos], { signal: ctl.signal, onPreviewsMade: () => ctl.abort() });
    expect(report.ingested).toBe(40);
    const ids = report.results.map((r) => r.itemId!);
    const madeBefore = await withPreview(first, ids);
    const left = countPendingPreviews(first.store);
    expect(madeBefore.length).toBeGreaterThan(0);
    expect(left).toBe(40 - madeBefore.length);
    expect(left).toBeGreaterThan(0);
    const logBefore = first.log.size();
    first.lock();
    fs.rmSync(photos, { recursive: true }); // the card was removed: only the stored originals are left

    const { session, emitted } = host();
    const handlers = createHandlers(session);
    await handlers['vault.unlock']({ path: dir, passphrase: TEST_PASSPHRASE });
    const vault = session.requireVault();
    await until('the background run to announce every pending preview', () => announced(emitted).length >= left);
    await until('the background run to finish', () => countPendingPreviews(vault.store) === 0);

    // Exactly the pending ones were made and announced, none of those made before, and nothing twice.
    const pendingIds = ids.filter((id) => !madeBefore.includes(id));
    expect([...announced(emitted)].sort()).toEqual([...pendingIds].sort());
    expect((await withPreview(vault, ids)).length).toBe(40);
    for (const id of pendingIds.slice(0, 3)) {
      const meta = await sharp((await readItemPreview(vault, id))!).metadata();
      expect(meta.format).toBe('webp');
      expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(512);
    }
    // One item.derived event per preview made now, and a clean verify (the run's checkpoint written).
    expect(vault.log.size() - logBefore).toBe(left);
    await until('the checkpoint after the run', async () => (await verifyVault(vault)).problems.length === 0, 10_000);
    session.lock('user');
  }, 120_000);

  it('a lock stops the background run; the next unlock makes what is left, nothing twice', async () => {
    const photos = path.join(root, 'b');
    for (let i = 0; i < 70; i++) await writeGpsPhoto(photos, `b${i}.jpg`, 400 + i);
    const dir = path.join(root, 'vault-b');
    const first = (await createVault(dir, TEST_PASSPHRASE)).vault;
    const report = await ingestPaths(first, [photos], { waitPreviews: false });
    expect(report.ingested).toBe(70);
    const ids = report.results.map((r) => r.itemId!);
    expect(countPendingPreviews(first.store)).toBe(70);
    first.lock();

    const one = host();
    // Locked as soon as the first group is stored: the run stops there.
    let locked = false;
    const emit = one.session.emit;
    (one.session as { emit: typeof emit }).emit = (event, payload) => {
      emit(event, payload);
      if (event === 'items.previewsMade' && !locked) {
        locked = true;
        queueMicrotask(() => one.session.lock('idle'));
      }
    };
    await createHandlers(one.session)['vault.unlock']({ path: dir, passphrase: TEST_PASSPHRASE });
    await until('the first group', () => locked);
    const firstRun = announced(one.emitted);
    expect(firstRun.length).toBeGreaterThan(0);
    expect(firstRun.length).toBeLessThan(70);

    // Give a run that did not stop the time to go on (it must not: the vault is locked).
    await new Promise((r) => setTimeout(r, 1500));
    const check = await openVault(dir, { passphrase: TEST_PASSPHRASE });
    const leftAfterLock = countPendingPreviews(check.store);
    expect(leftAfterLock).toBe(70 - firstRun.length);
    check.lock();

    const two = host();
    await createHandlers(two.session)['vault.unlock']({ path: dir, passphrase: TEST_PASSPHRASE });
    const vault = two.session.requireVault();
    await until('the second run to finish', () => countPendingPreviews(vault.store) === 0 && announced(two.emitted).length >= leftAfterLock);
    const secondRun = announced(two.emitted);
    expect(secondRun.filter((id) => firstRun.includes(id))).toEqual([]);
    expect([...firstRun, ...secondRun].sort()).toEqual([...ids].sort());
    expect((await withPreview(vault, ids)).length).toBe(70);
    await until('a clean verify', async () => (await verifyVault(vault)).problems.length === 0, 10_000);
    two.session.lock('user');
  }, 180_000);
});
