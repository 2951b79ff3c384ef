import crypto from 'node:crypto';
import { ed25519KeyPairFromSeed } from '../custody/ed25519';
import {
  formatMinisignPublicKey,
  keyIdFromPublicKey,
  minisignKeyIdHex,
  minisignSign,
  minisignVerify,
  type MinisignVerifyResult,
} from '../custody/minisign';

/**
 * The backup-signing key: an Ed25519 key derived from the vault's custody signing seed with HKDF-SHA256 under its
 * own label, so that
 *  - `huella backup verify` can check a manifest's signature WITHOUT the passphrase (the public key sits in the
 *    manifest and in backup-key.pub; its fingerprint is printed at every backup for the person to note and compare);
 *  - a seized backup drive cannot be linked to a submitted packet through keys: packets carry the CUSTODY public key,
 *    and going from one public key to the other needs the secret seed (HKDF is one-way; distinct labels give
 *    independent keys). The custody key itself never appears in clear on the drive.
 *  - with the passphrase, the key is re-derived and must match: a manifest signed by anyone else is rejected.
 * The key is the same for every backup of one vault (one fingerprint to remember). Backups of the same vault are
 * linkable to each other anyway: they hold the same ciphertext files under the same names.
 */
const LABEL = 'huella backup-signing key v1';

export type BackupSigningKey = { readonly seed: Buffer; readonly publicKey: Buffer };

export function deriveBackupSigningKey(custodySigningSeed: Uint8Array): BackupSigningKey {
  const seed = Buffer.from(crypto.hkdfSync('sha256', custodySigningSeed, Buffer.alloc(0), LABEL, 32));
  return { seed, publicKey: ed25519KeyPairFromSeed(seed).publicKey };
}

/** The fingerprint people compare: minisign's key ID of the key (what `minisign -V` prints), in groups of four. */
export function backupKeyFingerprint(publicKey: Uint8Array): string {
  return minisignKeyIdHex(keyIdFromPublicKey(publicKey)).padStart(16, '0').match(/.{4}/g)!.join(' ');
}

/** Accepts a fingerprint as printed, with or without spaces, any case. */
export function normalizeFingerprint(text: string): string {
  const hex = text.replace(/\s+/g, '').toUpperCase();
  return hex.padStart(16, '0').match(/.{4}/g)?.join(' ') ?? hex;
}

export function backupPublicKeyFile(publicKey: Uint8Array): string {
  return formatMinisignPublicKey(publicKey);
}

export async function signManifest(key: BackupSigningKey, manifest: Uint8Array, backupId: string, generation: number): Promise<string> {
  return minisignSign(key.seed, key.publicKey, manifest, {
    trustedComment: `huella backup ${backupId} generation ${generation}`,
    untrustedComment: 'Huella backup manifest signature',
  });
}

export async function verifyManifestSignature(publicKey: Uint8Array, signatureFile: string | Uint8Array, manifest: Uint8Array): Promise<MinisignVerifyResult> {
  return minisignVerify(formatMinisignPublicKey(publicKey), signatureFile, manifest);
}
