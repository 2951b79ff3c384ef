import type { Vault } from '../archive/vault/vault';
import type { ParsedValues } from './command';
import { unlockFrom } from './io';

/** Opens the vault named on the command line with the secret from flags/env/prompt, runs `fn`, always locks. */
export async function withVault<T>(dir: string, values: ParsedValues, fn: (vault: Vault) => Promise<T>): Promise<T> {
  const unlock = await unlockFrom({
    'passphrase-file': typeof values['passphrase-file'] === 'string' ? values['passphrase-file'] : undefined,
    'recovery-key-file': typeof values['recovery-key-file'] === 'string' ? values['recovery-key-file'] : undefined,
  });
  // Loaded on use: SQLCipher and libsodium are needed only by commands that open a vault.
  const { openVault } = await import('../archive/vault/vault');
  const vault = await openVault(dir, unlock);
  try {
    return await fn(vault);
  } finally {
    vault.lock();
  }
}
