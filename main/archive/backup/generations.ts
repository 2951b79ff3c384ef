import { decodeBase64Strict } from '../custody/base64';
import { HuellaError } from '../errors';
import { sha256Hex } from './copy';
import { BACKUP_FILES, GENERATION_FILES, generationDirName, parseManifest, parseMarker, parseObjectsList, type BackupManifest, type BackupMarker, type ObjectRecord } from './format';
import { verifyManifestSignature } from './keys';
import { generationRel, type BackupReader } from './storage';

/** Reading a backup, wherever it is stored: marker, manifests and their signatures, object lists. Shared by backup, verify, restore. */

/** Upper bounds of the small files read whole (a larger one is damaged or hostile). */
export const MAX_BYTES = {
  marker: 4096,
  manifest: 1024 * 1024,
  signature: 4096,
  header: 1024 * 1024,
  custody: 16 * 1024 * 1024,
  /** objects.tsv: ~150 bytes per object. */
  objects: 512 * 1024 * 1024,
} as const;

export async function readMarker(storage: BackupReader): Promise<BackupMarker | undefined> {
  const bytes = await storage.read(BACKUP_FILES.marker, MAX_BYTES.marker);
  return bytes === undefined ? undefined : parseMarker(bytes.toString('utf8'));
}

export type SignatureState = 'valid' | 'missing' | 'invalid' | 'untrusted-key';

export type LoadedGeneration = {
  readonly generation: number;
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
export async function loadGeneration(storage: BackupReader, generation: number, expectedKey?: Buffer): Promise<LoadedGeneration> {
  const bytes = await storage.read(generationRel(generation, GENERATION_FILES.manifest), MAX_BYTES.manifest);
  if (bytes === undefined) return { generation, signature: 'missing', error: 'manifest.json is missing' };
  let manifest: BackupManifest;
  try {
    manifest = parseManifest(bytes);
  } catch (e) {
    return { generation, signature: 'invalid', error: (e as Error).message };
  }
  const manifestSha256 = sha256Hex(bytes);
  const base = { generation, manifest, manifestSha256 };
  if (manifest.generation !== generation) return { ...base, signature: 'invalid', error: `manifest.json says generation ${manifest.generation} but sits in folder ${generationDirName(generation)}` };
  const named = decodeBase64Strict(manifest.signingKey, 'The manifest signing key', 32);
  if (expectedKey && !expectedKey.equals(named)) return { ...base, signature: 'untrusted-key', signingKey: named, error: 'the manifest names a signing key that is not this vault\'s backup key' };
  const sig = await storage.read(generationRel(generation, GENERATION_FILES.signature), MAX_BYTES.signature);
  if (sig === undefined) return { ...base, signature: 'missing', signingKey: named, error: 'manifest.json.minisig (the signature) is missing' };
  const r = await verifyManifestSignature(named, sig, bytes);
  if (!r.ok) return { ...base, signature: 'invalid', signingKey: named, error: r.message };
  const expectedComment = `huella backup ${manifest.backupId} generation ${generation}`;
  if (r.trustedComment !== expectedComment) return { ...base, signature: 'invalid', signingKey: named, error: 'the signature\'s trusted comment names another backup or generation' };
  return { ...base, signature: 'valid', signingKey: named };
}

/** objects.tsv of a generation, checked against the manifest's size and hash; throws FORMAT_INVALID. */
export async function readObjectsList(storage: BackupReader, gen: LoadedGeneration): Promise<ObjectRecord[]> {
  if (!gen.manifest) throw new HuellaError('FORMAT_INVALID', 'No manifest: the object list cannot be trusted.');
  const entry = gen.manifest.files.objects;
  const bytes = await storage.read(generationRel(gen.generation, GENERATION_FILES.objects), MAX_BYTES.objects);
  if (bytes === undefined) throw new HuellaError('FORMAT_INVALID', 'objects.tsv is missing.');
  if (bytes.length !== entry.size || sha256Hex(bytes) !== entry.sha256) throw new HuellaError('FORMAT_INVALID', 'objects.tsv does not match the manifest (it was changed or damaged).');
  const list = parseObjectsList(bytes.toString('utf8'));
  if (list.length !== entry.count || list.reduce((a, o) => a + o.size, 0) !== entry.bytes) {
    throw new HuellaError('FORMAT_INVALID', 'objects.tsv does not hold the number of objects or bytes that the manifest states.');
  }
  return list;
}
