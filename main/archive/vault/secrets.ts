import crypto from 'node:crypto';
import { base32 } from '@scure/base';
import { HuellaError } from '../errors';
import { generateX25519Secret } from '../blobs/age-keys';

/**
 * The vault's random secrets (DESIGN §3), generated once and sealed in every envelope of vault.json.
 * The vault id lives here too, not in plaintext: it appears in packet checkpoints (`huella/<vault id>`), so a
 * plaintext copy on disk would let whoever seizes the laptop match it to a submitted packet.
 */
export type VaultSecrets = {
  readonly vaultId: string;
  readonly dbKey: Buffer;
  readonly blobSecret: Buffer;
  readonly nameKey: Buffer;
  readonly signingSeed: Buffer;
};

const SECRETS_VERSION = 1;
const LAYOUT = { version: 0, vaultId: 1, dbKey: 17, blobSecret: 49, nameKey: 81, signingSeed: 113, end: 145 } as const;

export function vaultIdFromBytes(bytes: Uint8Array): string {
  return base32.encode(bytes).replace(/=+$/, '').toLowerCase();
}

export function generateSecrets(): VaultSecrets {
  return {
    vaultId: vaultIdFromBytes(crypto.randomBytes(16)),
    dbKey: crypto.randomBytes(32),
    blobSecret: generateX25519Secret(),
    nameKey: crypto.randomBytes(32),
    signingSeed: crypto.randomBytes(32),
  };
}

export function serializeSecrets(s: VaultSecrets): Buffer {
  const out = Buffer.alloc(LAYOUT.end);
  out[LAYOUT.version] = SECRETS_VERSION;
  const id = Buffer.from(base32.decode(s.vaultId.toUpperCase() + '======'));
  id.copy(out, LAYOUT.vaultId);
  s.dbKey.copy(out, LAYOUT.dbKey);
  s.blobSecret.copy(out, LAYOUT.blobSecret);
  s.nameKey.copy(out, LAYOUT.nameKey);
  s.signingSeed.copy(out, LAYOUT.signingSeed);
  return out;
}

export function deserializeSecrets(b: Uint8Array): VaultSecrets {
  if (b.length !== LAYOUT.end || b[LAYOUT.version] !== SECRETS_VERSION) {
    throw new HuellaError('VAULT_CORRUPT', 'The vault secrets decrypted but have an unknown layout.');
  }
  const buf = Buffer.from(b);
  return {
    vaultId: vaultIdFromBytes(buf.subarray(LAYOUT.vaultId, LAYOUT.dbKey)),
    dbKey: Buffer.from(buf.subarray(LAYOUT.dbKey, LAYOUT.blobSecret)),
    blobSecret: Buffer.from(buf.subarray(LAYOUT.blobSecret, LAYOUT.nameKey)),
    nameKey: Buffer.from(buf.subarray(LAYOUT.nameKey, LAYOUT.signingSeed)),
    signingSeed: Buffer.from(buf.subarray(LAYOUT.signingSeed, LAYOUT.end)),
  };
}

/** Best effort in JS (DESIGN §1 A2): overwrite the buffers we own. Strings and copies inside libraries remain. */
export function zeroSecrets(s: VaultSecrets): void {
  s.dbKey.fill(0);
  s.blobSecret.fill(0);
  s.nameKey.fill(0);
  s.signingSeed.fill(0);
}
