import fsp from 'node:fs/promises';
import path from 'node:path';
import { decodeBase64Strict } from '../custody/base64';
import { HuellaError } from '../errors';
import { sha256Hex } from './copy';
import {
  BACKUP_FILES,
  GENERATION_FILES,
  generationDirName,
  parseGenerationDirName,
  parseManifest,
  parseMarker,
  parseObjectsList,
  type BackupManifest,
  type BackupMarker,
  type ObjectRecord,
} from './format';
import { verifyManifestSignature } from './keys';

/** Reading a backup folder: marker, generations, manifests and their signatures. Shared by backup, verify, restore. */

export function generationDir(backupDir: string, generation: number): string {
  return path.join(backupDir, BACKUP_FILES.generations, generationDirName(generation));
}

export function backupObjectPath(backupDir: string, name: string): string {
  if (!/^[0-9a-f]{64}$/.test(name)) throw new HuellaError('INTERNAL', 'invalid object name');
  return path.join(backupDir, BACKUP_FILES.blobs, name.slice(0, 2), name);
}

async function readOptional(file: string): Promise<Buffer | undefined> {
  try {
    return await fsp.readFile(file);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    throw new HuellaError('FILE_UNREADABLE', `Cannot read ${path.basename(file)} in the backup folder.`, { cause: e });
  }
}

export async function readMarker(backupDir: string): Promise<BackupMarker | undefined> {
  const bytes = await readOptional(path.join(backupDir, BACKUP_FILES.marker));
  return bytes === undefined ? undefined : parseMarker(bytes.toString('utf8'));
}

/** Complete generations (folders renamed into place), ascending. Partial runs (dot-prefixed) are not listed. */
export async function listGenerations(backupDir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await fsp.readdir(path.join(backupDir, BACKUP_FILES.generations));
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return [];
    throw new HuellaError('FILE_UNREADABLE', 'Cannot list the generations of the backup folder.', { cause: e });
  }
  return names.map(parseGenerationDirName).filter((g): g is number => g !== undefined).sort((a, b) => a - b);
}

export type SignatureState = 'valid' | 'missing' | 'invalid' | 'untrusted-key';

export type LoadedGeneration = {
  readonly generation: number;
  readonly dir: string;
  /** Undefined when manifest.json is missing or cannot be parsed (see `error`). */
  readonly manifest?: BackupManifest;
  readonly manifestSha256?: string;
  readonly signature: SignatureState;
  readonly signingKey?: Buffer;
  readonly error?: string;
};

/**
 * Loads a generation's manifest and checks its signature with the key the manifest names, or — when
 * `expectedKey` is given (re-derived from the vault, or supplied by the person) — with that key only.
 */
export async function loadGeneration(backupDir: string, generation: number, expectedKey?: Buffer): Promise<LoadedGeneration> {
  const dir = generationDir(backupDir, generation);
  const bytes = await readOptional(path.join(dir, GENERATION_FILES.manifest));
  if (bytes === undefined) return { generation, dir, signature: 'missing', error: 'manifest.json is missing' };
  let manifest: BackupManifest;
  try {
    manifest = parseManifest(bytes);
  } catch (e) {
    return { generation, dir, signature: 'invalid', error: (e as Error).message };
  }
  const manifestSha256 = sha256Hex(bytes);
  const base = { generation, dir, manifest, manifestSha256 };
  if (manifest.generation !== generation) return { ...base, signature: 'invalid', error: `manifest.json says generation ${manifest.generation} but sits in folder ${generationDirName(generation)}` };
  const named = decodeBase64Strict(manifest.signingKey, 'The manifest signing key', 32);
  if (expectedKey && !expectedKey.equals(named)) return { ...base, signature: 'untrusted-key', signingKey: named, error: 'the manifest names a signing key that is not this vault\'s backup key' };
  const sig = await readOptional(path.join(dir, GENERATION_FILES.signature));
  if (sig === undefined) return { ...base, signature: 'missing', signingKey: named, error: 'manifest.json.minisig (the signature) is missing' };
  const r = await verifyManifestSignature(named, sig, bytes);
  if (!r.ok) return { ...base, signature: 'invalid', signingKey: named, error: r.message };
  const expectedComment = `huella backup ${manifest.backupId} generation ${generation}`;
  if (r.trustedComment !== expectedComment) return { ...base, signature: 'invalid', signingKey: named, error: 'the signature\'s trusted comment names another backup or generation' };
  return { ...base, signature: 'valid', signingKey: named };
}

/** objects.tsv of a generation, checked against the manifest's size and hash; throws FORMAT_INVALID. */
export async function readObjectsList(gen: LoadedGeneration): Promise<ObjectRecord[]> {
  if (!gen.manifest) throw new HuellaError('FORMAT_INVALID', 'No manifest: the object list cannot be trusted.');
  const bytes = await readOptional(path.join(gen.dir, GENERATION_FILES.objects));
  if (bytes === undefined) throw new HuellaError('FORMAT_INVALID', 'objects.tsv is missing.');
  const entry = gen.manifest.files.objects;
  if (bytes.length !== entry.size || sha256Hex(bytes) !== entry.sha256) throw new HuellaError('FORMAT_INVALID', 'objects.tsv does not match the manifest (it was changed or damaged).');
  const list = parseObjectsList(bytes.toString('utf8'));
  if (list.length !== entry.count || list.reduce((a, o) => a + o.size, 0) !== entry.bytes) {
    throw new HuellaError('FORMAT_INVALID', 'objects.tsv does not hold the number of objects or bytes that the manifest states.');
  }
  return list;
}
