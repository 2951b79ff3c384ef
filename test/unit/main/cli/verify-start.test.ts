import { describe, expect, it, vi } from 'vitest';
import type * as cryptoThreads from '../../../../main/archive/blobs/crypto';
import type * as dbOpen from '../../../../main/archive/db/open';
import { makeOut } from '../../../../main/cli/io';

// What `huella verify` does first, in order: the crypto threads are started, then the vault is unlocked, then its
// page cache bounded before the verification runs.
const order = vi.hoisted(() => ({ steps: [] as string[], unlock: false }));
vi.mock('../../../../main/archive/blobs/crypto', async (importOriginal) => ({
  ...(await importOriginal<typeof cryptoThreads>()),
  warmCryptoWorkers: () => order.steps.push('crypto threads started'),
}));
vi.mock('../../../../main/archive/db/open', async (importOriginal) => ({
  ...(await importOriginal<typeof dbOpen>()),
  limitPageCache: (_db: unknown, kib: number) => order.steps.push(`page cache ${kib} KiB`),
}));
vi.mock('../../../../main/archive/verify/verify', () => ({
  verifyVault: () => {
    order.steps.push('verified');
    return Promise.resolve({ ok: true, problems: [], events: 0, checkpoints: 0, objects: 0, bytesHashed: 0, root: '' });
  },
}));
vi.mock('../../../../main/archive/verify/record-verification', () => ({ recordVerification: () => undefined }));
vi.mock('../../../../main/cli/unlock', () => ({
  withVault: (_dir: string, _values: unknown, fn: (vault: unknown) => Promise<unknown>) => {
    order.steps.push('vault unlocked');
    return order.unlock ? fn({ store: {} }) : Promise.reject(new Error('stopped after the unlock'));
  },
}));

const { verifyCommand, VERIFY_PAGE_CACHE_KIB } = await import('../../../../main/cli/commands/custody');

describe('huella verify start-up', () => {
  // The key derivation takes ~1 s with the real parameters and a crypto thread ~0.1 s to boot: they overlap.
  it('starts the crypto threads before it unlocks the vault', async () => {
    order.steps.length = 0;
    order.unlock = false;
    await expect(verifyCommand.run(['/no/such/vault'], {}, makeOut(true))).rejects.toThrow('stopped after the unlock');
    expect(order.steps).toEqual(['crypto threads started', 'vault unlocked']);
  });

  // Issue 19: peak RSS ≤ 200 MB whatever the size. 20,000 objects: 169-171 MB with 4 MB, 170-185 MB with SQLite's 16 MB.
  it('bounds the database page cache before it verifies', async () => {
    order.steps.length = 0;
    order.unlock = true;
    await verifyCommand.run(['/some/vault'], {}, makeOut(true));
    expect(VERIFY_PAGE_CACHE_KIB).toBeLessThanOrEqual(4096);
    expect(order.steps).toEqual(['crypto threads started', 'vault unlocked', `page cache ${VERIFY_PAGE_CACHE_KIB} KiB`, 'verified']);
  });
});
