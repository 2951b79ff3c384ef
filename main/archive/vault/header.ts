import fs from 'node:fs';
import { z } from 'zod';
import { HuellaError } from '../errors';
import { writeFileAtomic } from '../fs/durable';
import type { Envelope } from './envelope';

/**
 * vault.json: the only plaintext file of a vault. It holds the format version and the sealed envelopes, nothing
 * else: no vault id, no public key, no dates (DESIGN §1 A1: only size and object count may leak).
 */
export const VAULT_FORMAT = 'huella-vault';
export const VAULT_FORMAT_VERSION = 1;

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const kdfSchema = z.discriminatedUnion('alg', [
  z.object({ alg: z.literal('argon2id13'), salt: b64, opslimit: z.number().int().positive(), memlimit: z.number().int().positive() }).strict(),
  z.object({ alg: z.literal('hkdf-sha256'), salt: b64 }).strict(),
]);
const envelopeSchema = z
  .object({ method: z.enum(['passphrase', 'recovery']), kdf: kdfSchema, nonce: b64, kcv: b64, ciphertext: b64, sum: b64.optional() })
  .strict()
  .refine((e) => (e.method === 'passphrase') === (e.kdf.alg === 'argon2id13'), 'method and key derivation do not match');
const headerSchema = z
  .object({ format: z.literal(VAULT_FORMAT), version: z.literal(VAULT_FORMAT_VERSION), envelopes: z.array(envelopeSchema).min(1) })
  .strict();

export type VaultHeader = { readonly format: typeof VAULT_FORMAT; readonly version: number; readonly envelopes: readonly Envelope[] };

export function parseVaultHeader(text: string): VaultHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new HuellaError('VAULT_CORRUPT', 'vault.json is damaged: it is not valid JSON.', { cause: e });
  }
  const obj = raw as { format?: unknown; version?: unknown } | null;
  if (!obj || typeof obj !== 'object' || obj.format !== VAULT_FORMAT) {
    throw new HuellaError('VAULT_CORRUPT', 'This folder does not hold a Huella vault (vault.json has no Huella format marker).');
  }
  if (typeof obj.version === 'number' && obj.version > VAULT_FORMAT_VERSION) {
    throw new HuellaError(
      'VAULT_TOO_NEW',
      `This vault uses format version ${obj.version}, made by a newer version of Huella; this version reads format ${VAULT_FORMAT_VERSION}. Update Huella to open it. Nothing was changed.`,
    );
  }
  const parsed = headerSchema.safeParse(raw);
  if (!parsed.success) {
    throw new HuellaError('VAULT_CORRUPT', `vault.json is damaged: ${parsed.error.issues[0]?.message ?? 'invalid structure'}.`);
  }
  return parsed.data as VaultHeader;
}

export function readVaultHeader(file: string): VaultHeader {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new HuellaError('VAULT_NOT_FOUND', 'No vault here: vault.json is missing.', { cause: e });
    throw new HuellaError('VAULT_CORRUPT', 'vault.json cannot be read.', { cause: e });
  }
  return parseVaultHeader(text);
}

export async function writeVaultHeader(file: string, header: VaultHeader): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(header, null, 2) + '\n');
}
