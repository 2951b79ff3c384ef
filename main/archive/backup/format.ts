import { z } from 'zod';
import { canonicalBytes } from '../custody/jcs';
import { HuellaError } from '../errors';

/**
 * The backup folder, format version 1 (a contract: a change needs a version bump and a reader for the old one).
 *
 *   <backup>/
 *     huella-backup.json          marker: {"backupId", "format":"huella-backup", "version":1}
 *     backup-key.pub              the backup-signing public key, minisign format (for `minisign -V`)
 *     blobs/ab/<name>             the vault's age files, same names and layout as in the vault, shared by all generations
 *     generations/000001/ …       one folder per backup run, never changed once renamed into place:
 *       manifest.json             canonical JSON (RFC 8785), below
 *       manifest.json.minisig     minisign signature of manifest.json by the backup-signing key
 *       vault.json                the vault header at that time (envelopes only: no id, key or date)
 *       archive.db                SQLCipher snapshot (same key as the vault's database; unreadable without it)
 *       custody.age               age file to the vault's own recipient: latest checkpoint, tree size, vault id
 *       objects.tsv               "<name>\t<file size>\t<sha256 of the age file>\n" per object, sorted by name
 *     tmp/                        files being copied (removed at the start of the next run)
 *
 * What a seized drive shows (DESIGN §1 A1): the same as the vault — object names (keyed HMACs, meaningless without
 * the vault's name key), ciphertext sizes and count, the backup times — plus SHA-256 values of CIPHERTEXT files,
 * which anyone can compute from the files beside them. Nothing in clear matches a submitted packet: no plain content
 * hash, no vault id, no custody public key, no checkpoint or root hash (those are inside custody.age).
 */

export const BACKUP_FORMAT = 'huella-backup';
export const BACKUP_MANIFEST_FORMAT = 'huella-backup-manifest';
export const BACKUP_CUSTODY_FORMAT = 'huella-backup-custody';
export const BACKUP_FORMAT_VERSION = 1;

export const BACKUP_FILES = {
  marker: 'huella-backup.json',
  publicKey: 'backup-key.pub',
  blobs: 'blobs',
  generations: 'generations',
  tmp: 'tmp',
  lock: '.lock',
} as const;

export const GENERATION_FILES = {
  manifest: 'manifest.json',
  signature: 'manifest.json.minisig',
  header: 'vault.json',
  database: 'archive.db',
  custody: 'custody.age',
  objects: 'objects.tsv',
} as const;

const HEX64 = /^[0-9a-f]{64}$/;
const GENERATION_DIR = /^[0-9]{6}$/;

export function generationDirName(generation: number): string {
  return String(generation).padStart(6, '0');
}

/** The generation number of a folder name under generations/, or undefined for anything else (partial runs). */
export function parseGenerationDirName(name: string): number | undefined {
  return GENERATION_DIR.test(name) ? Number(name) : undefined;
}

export type BackupMarker = { readonly format: typeof BACKUP_FORMAT; readonly version: number; readonly backupId: string };

const markerSchema = z.object({ format: z.literal(BACKUP_FORMAT), version: z.number().int().positive(), backupId: z.string().regex(/^[a-z2-7]{26}$/) }).strict();

export function parseMarker(text: string): BackupMarker {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new HuellaError('FORMAT_INVALID', `${BACKUP_FILES.marker} is damaged: it is not valid JSON.`, { cause: e });
  }
  const parsed = markerSchema.safeParse(raw);
  if (!parsed.success) throw new HuellaError('FORMAT_INVALID', `${BACKUP_FILES.marker} does not describe a Huella backup.`);
  if (parsed.data.version > BACKUP_FORMAT_VERSION) {
    throw new HuellaError('VAULT_TOO_NEW', `This backup uses format version ${parsed.data.version}; this version of Huella reads version ${BACKUP_FORMAT_VERSION}. Update Huella.`);
  }
  return parsed.data as BackupMarker;
}

export function formatMarker(backupId: string): string {
  return `${JSON.stringify({ format: BACKUP_FORMAT, version: BACKUP_FORMAT_VERSION, backupId })}\n`;
}

export type FileEntry = { readonly size: number; readonly sha256: string };
export type ObjectsEntry = FileEntry & { readonly count: number; readonly bytes: number };

export type BackupManifest = {
  readonly format: typeof BACKUP_MANIFEST_FORMAT;
  readonly version: number;
  readonly backupId: string;
  readonly generation: number;
  readonly createdAt: string;
  /** The generation this run built on (its manifest's SHA-256), so generations form a hash chain. */
  readonly previous: { readonly generation: number; readonly manifestSha256: string } | null;
  /** The backup-signing Ed25519 public key, base64 (NOT the custody key: see keys.ts). */
  readonly signingKey: string;
  readonly files: {
    readonly vaultHeader: FileEntry;
    readonly database: FileEntry;
    readonly custody: FileEntry;
    readonly objects: ObjectsEntry;
  };
  /** Objects the database lists but the vault no longer had when this backup ran (already lost there). */
  readonly missingAtSource: number;
};

const fileEntry = z.object({ size: z.number().int().nonnegative(), sha256: z.string().regex(HEX64) }).strict();
const manifestSchema = z
  .object({
    format: z.literal(BACKUP_MANIFEST_FORMAT),
    version: z.literal(BACKUP_FORMAT_VERSION),
    backupId: z.string().regex(/^[a-z2-7]{26}$/),
    generation: z.number().int().positive(),
    createdAt: z.string().min(1).max(40),
    previous: z.object({ generation: z.number().int().positive(), manifestSha256: z.string().regex(HEX64) }).strict().nullable(),
    signingKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
    files: z
      .object({
        vaultHeader: fileEntry,
        database: fileEntry,
        custody: fileEntry,
        objects: fileEntry.extend({ count: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() }).strict(),
      })
      .strict(),
    missingAtSource: z.number().int().nonnegative(),
  })
  .strict();

export function serializeManifest(m: BackupManifest): Buffer {
  return canonicalBytes(m);
}

export function parseManifest(bytes: Uint8Array): BackupManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw new HuellaError('FORMAT_INVALID', 'The backup manifest is damaged: it is not valid JSON.', { cause: e });
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HuellaError('FORMAT_INVALID', `The backup manifest is damaged: ${issue ? `${issue.path.join('.') || 'manifest'}: ${issue.message}` : 'invalid structure'}.`);
  }
  return parsed.data as BackupManifest;
}

export type ObjectRecord = { readonly name: string; readonly size: number; readonly sha256: string };

export function formatObjectsList(objects: readonly ObjectRecord[]): string {
  return [...objects]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((o) => `${o.name}\t${o.size}\t${o.sha256}\n`)
    .join('');
}

/** Parses objects.tsv strictly (sorted, unique, well-formed lines); throws FORMAT_INVALID naming the line. */
export function parseObjectsList(text: string): ObjectRecord[] {
  const out: ObjectRecord[] = [];
  if (text.length === 0) return out;
  if (!text.endsWith('\n')) throw new HuellaError('FORMAT_INVALID', 'The object list is truncated (no final newline).');
  const lines = text.slice(0, -1).split('\n');
  let last = '';
  lines.forEach((line, i) => {
    const [name, size, sha256, ...rest] = line.split('\t');
    if (rest.length > 0 || !name || !HEX64.test(name) || !size || !/^(0|[1-9][0-9]*)$/.test(size) || !sha256 || !HEX64.test(sha256)) {
      throw new HuellaError('FORMAT_INVALID', `The object list is damaged at line ${i + 1}.`);
    }
    if (name <= last) throw new HuellaError('FORMAT_INVALID', `The object list is not sorted or repeats an object at line ${i + 1}.`);
    last = name;
    out.push({ name, size: Number(size), sha256 });
  });
  return out;
}

/** What custody.age holds (encrypted to the vault's own age recipient). */
export type BackupCustodyRecord = {
  readonly format: typeof BACKUP_CUSTODY_FORMAT;
  readonly version: number;
  readonly vaultId: string;
  readonly backupId: string;
  readonly generation: number;
  /** The latest signed checkpoint inside the database snapshot (signed-note text), if any. */
  readonly checkpoint: string | null;
  readonly treeSize: number;
  readonly items: number;
  readonly objects: number;
};

const custodySchema = z
  .object({
    format: z.literal(BACKUP_CUSTODY_FORMAT),
    version: z.literal(BACKUP_FORMAT_VERSION),
    vaultId: z.string().min(1),
    backupId: z.string().min(1),
    generation: z.number().int().positive(),
    checkpoint: z.string().nullable(),
    treeSize: z.number().int().nonnegative(),
    items: z.number().int().nonnegative(),
    objects: z.number().int().nonnegative(),
  })
  .strict();

export function parseCustodyRecord(bytes: Uint8Array): BackupCustodyRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw new HuellaError('FORMAT_INVALID', 'The backup custody record is not valid JSON.', { cause: e });
  }
  const parsed = custodySchema.safeParse(raw);
  if (!parsed.success) throw new HuellaError('FORMAT_INVALID', 'The backup custody record has an unknown structure.');
  return parsed.data as BackupCustodyRecord;
}
