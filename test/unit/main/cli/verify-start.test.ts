import { describe, expect, it, vi } from 'vitest';
import type * as cryptoThreads from '../../../../main/archive/blobs/crypto';
import { makeOut } from '../../../../main/cli/io';

// What `huella verify` does first, in order: the crypto threads are started, then the vault is unlocked (stopped there).
const order = vi.hoisted(() => [] as string[]);
vi.mock('../../../../main/archive/blobs/crypto', async (importOriginal) => ({
  ...(await importOriginal<typeof cryptoThreads>()),
  warmCryptoWorkers: () => order.push('crypto threads started'),
}));
vi.mock('../../../../main/cli/unlock', () => ({
  withVault: () => {
    order.push('vault unlocked');
    return Promise.reject(new Error('stopped after the unlock'));
  },
}));

const { verifyCommand } = await import('../../../../main/cli/commands/custody');

describe('huella verify start-up', () => {
  // The key derivation takes ~1 s with the real parameters and a crypto thread ~0.1 s to boot: they overlap.
  it('starts the crypto threads before it unlocks the vault', async () => {
    await expect(verifyCommand.run(['/no/such/vault'], {}, makeOut(true))).rejects.toThrow('stopped after the unlock');
    expect(order).toEqual(['crypto threads started', 'vault unlocked']);
  });
});
