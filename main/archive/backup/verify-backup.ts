import { parseVaultHeader } from '../vault/header';
import { HuellaError } from '../errors';
import { forEachLimited } from './copy';
import { FolderStorage } from './folder';
import { BACKUP_FILES, GENERATION_FILES, type BackupManifest, type FileEntry, type ObjectRecord } from './format';
import { loadGeneration, MAX_BYTES, readMarker, readObjectsList, type LoadedGeneration } from './generations';
import { backupKeyFingerprint, normalizeFingerprint } from './keys';
import { generationRel, objectRel, type BackupReader } from './storage';

/**
 * `huella backup verify <dir | s3://bucket/prefix>`: checks a backup (a folder or an S3 prefix) WITHOUT the passphrase — every object present and byte-identical to
 * what the signed manifest lists (SHA-256 of the age file), the generation's own files likewise, the database copy
 * still encrypted, the manifest signature valid, the generations chained and signed by one key. It cannot tell
 * whether the key is the right vault's: that is what the printed fingerprint is for (compare it with the one shown
 * at backup time, or pass it as `expectedFingerprint`), and what a full restore with the passphrase settles.
 */

export type BackupCheck =
  | 'backup.marker'
  | 'backup.empty'
  | 'manifest.missing'
  | 'manifest.format'
  | 'manifest.signature'
  | 'manifest.key'
  | 'manifest.chain'
  | 'file.missing'
  | 'file.hash'
  | 'file.format'
  | 'database.plaintext'
  | 'objects.list'
  | 'object.missing'
  | 'object.size'
  | 'object.hash';

export type BackupProblem = {
  readonly check: BackupCheck;
  readonly generation?: number;
  readonly object?: string;
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
};

export type BackupGenerationSummary = {
  readonly generation: number;
  readonly createdAt: string | null;
  readonly objects: number;
  readonly signature: LoadedGeneration['signature'];
  readonly ok: boolean;
};

export type BackupVerifyReport = {
  readonly ok: boolean;
  readonly backupId: string | null;
  readonly keyFingerprint: string | null;
  readonly generations: readonly BackupGenerationSummary[];
  readonly objectsChecked: number;
  readonly bytesHashed: number;
  readonly problems: readonly BackupProblem[];
};

export type BackupVerifyProgress = { readonly done: number; readonly total: number; readonly bytesDone: number; readonly bytesTotal: number };

export type BackupVerifyOptions = {
  /** Check this generation only (default: the latest). */
  readonly generation?: number;
  /** Check every generation. */
  readonly all?: boolean;
  /** The fingerprint noted at backup time: the manifests must be signed by that key. */
  readonly expectedFingerprint?: string;
  /** A public key re-derived from the vault (restore and `--full` use it). */
  readonly expectedKey?: Buffer;
  readonly onProgress?: (p: BackupVerifyProgress) => void;
  readonly signal?: AbortSignal;
};

const SQLITE_PLAINTEXT_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export async function verifyBackup(source: string | BackupReader, options: BackupVerifyOptions = {}): Promise<BackupVerifyReport> {
  const storage = typeof source === 'string' ? new FolderStorage(source) : source;
  try {
    return await verifyStorage(storage, options);
  } finally {
    if (typeof source === 'string') storage.close();
  }
}

type AddProblem = (p: BackupProblem) => void;
type ObjectToCheck = { readonly record: ObjectRecord; readonly generations: number[] };

/** Reads the backup, stage by stage: marker, generations chosen, signing key, each generation's files, the objects. */
async function verifyStorage(storage: BackupReader, options: BackupVerifyOptions): Promise<BackupVerifyReport> {
  const problems: BackupProblem[] = [];
  const add: AddProblem = (p) => {
    problems.push(p);
  };
  const backupId = await readBackupId(storage, add);
  const all = await storage.generations();
  if (all.length === 0) {
    add({ check: 'backup.empty', message: `${storage.location} holds no complete backup generation.` });
    return { ok: false, backupId, keyFingerprint: null, generations: [], objectsChecked: 0, bytesHashed: 0, problems };
  }
  const selected = selectGenerations(all, options);
  const loaded = new Map<number, LoadedGeneration>();
  for (const g of all) loaded.set(g, await loadGeneration(storage, g, options.expectedKey));
  const key = signingKey(loaded, options, add);
  const keyFingerprint = key ? backupKeyFingerprint(key) : null;

  const summaries: BackupGenerationSummary[] = [];
  const objectsToCheck = new Map<string, ObjectToCheck>();
  for (const g of selected) {
    const before = problems.length;
    const checked = await checkGeneration(storage, g, loaded, { backupId, key }, options, add);
    for (const record of checked.objects) {
      const seen = objectsToCheck.get(record.name);
      if (seen) seen.generations.push(g);
      else objectsToCheck.set(record.name, { record, generations: [g] });
    }
    summaries.push({ ...checked.summary, ok: problems.length === before });
  }

  const objectProblemsFrom = problems.length;
  const objects = await checkObjects(storage, [...objectsToCheck.values()], options, add);
  // Objects are checked in parallel: their problems in object order, so a report reads the same every time.
  problems.splice(objectProblemsFrom, problems.length - objectProblemsFrom, ...problems.slice(objectProblemsFrom).sort((a, b) => (a.object! < b.object! ? -1 : a.object! > b.object! ? 1 : 0)));
  return {
    ok: problems.length === 0,
    backupId,
    keyFingerprint,
    generations: summaries.map((s) => (objects.failedGenerations.has(s.generation) ? { ...s, ok: false } : s)),
    objectsChecked: objects.checked,
    bytesHashed: objects.bytesHashed,
    problems,
  };
}

/** The backup id the marker names, or null (and a problem) when there is no readable marker. */
async function readBackupId(storage: BackupReader, add: AddProblem): Promise<string | null> {
  try {
    const marker = await readMarker(storage);
    if (marker) return marker.backupId;
    add({ check: 'backup.marker', message: `${BACKUP_FILES.marker} is missing: ${storage.location} does not hold a Huella backup (or its marker was deleted).` });
  } catch (e) {
    add({ check: 'backup.marker', message: (e as Error).message });
  }
  return null;
}

/** The generations to check: all, the one asked for, or the latest. */
function selectGenerations(all: readonly number[], options: BackupVerifyOptions): number[] {
  if (options.all) return [...all];
  if (options.generation !== undefined) {
    if (!all.includes(options.generation)) throw new HuellaError('NOT_FOUND', `The backup has no generation ${options.generation}; it has ${all.join(', ')}.`);
    return [options.generation];
  }
  return [all.at(-1)!];
}

/** The key: the one the person expects, else the one the newest readable manifest names; checked against the fingerprint given. */
function signingKey(loaded: ReadonlyMap<number, LoadedGeneration>, options: BackupVerifyOptions, add: AddProblem): Buffer | undefined {
  const keys = [...loaded.values()].map((l) => l.signingKey).filter((k): k is Buffer => k !== undefined);
  const key = options.expectedKey ?? keys.at(-1);
  const keyFingerprint = key ? backupKeyFingerprint(key) : null;
  if (options.expectedFingerprint && keyFingerprint && normalizeFingerprint(options.expectedFingerprint) !== keyFingerprint) {
    add({ check: 'manifest.key', message: 'The backup is signed by a different key than the fingerprint you gave: it was not made by your vault, or it was replaced.', expected: normalizeFingerprint(options.expectedFingerprint), found: keyFingerprint });
  }
  return key;
}

/**
 * One generation: its manifest (signature, key, backup set, chain to the generation before), its own files, and the
 * objects it lists (checked later, once for all generations). The generation is ok when this added no problem.
 */
async function checkGeneration(
  storage: BackupReader,
  g: number,
  loaded: ReadonlyMap<number, LoadedGeneration>,
  expected: { readonly backupId: string | null; readonly key: Buffer | undefined },
  options: BackupVerifyOptions,
  add: AddProblem,
): Promise<{ summary: Omit<BackupGenerationSummary, 'ok'>; objects: ObjectRecord[] }> {
  const gen = loaded.get(g)!;
  if (!gen.manifest) {
    add({ check: gen.error?.includes('missing') ? 'manifest.missing' : 'manifest.format', generation: g, message: `Generation ${g}: ${gen.error ?? 'the manifest cannot be read'}.` });
    return { summary: { generation: g, createdAt: null, objects: 0, signature: gen.signature }, objects: [] };
  }
  checkManifest(g, gen, gen.manifest, loaded, expected, add);
  await checkGenerationFiles(storage, g, gen.manifest.files, options, add);
  let list: ObjectRecord[] = [];
  try {
    list = await readObjectsList(storage, gen);
  } catch (e) {
    add({ check: 'objects.list', generation: g, message: `Generation ${g}: ${(e as Error).message}` });
  }
  return { summary: { generation: g, createdAt: gen.manifest.createdAt, objects: list.length, signature: gen.signature }, objects: list };
}

/** A manifest's signature, its key (the backup's), its backup set, and the hash of the manifest it was built on. */
function checkManifest(
  g: number,
  gen: LoadedGeneration,
  manifest: BackupManifest,
  loaded: ReadonlyMap<number, LoadedGeneration>,
  expected: { readonly backupId: string | null; readonly key: Buffer | undefined },
  add: AddProblem,
): void {
  const where = { generation: g };
  const { key, backupId } = expected;
  if (gen.signature !== 'valid') add({ check: gen.signature === 'untrusted-key' ? 'manifest.key' : 'manifest.signature', ...where, message: `Generation ${g}: ${gen.error ?? 'the signature does not verify'}.` });
  if (key && gen.signingKey && !gen.signingKey.equals(key)) add({ check: 'manifest.key', ...where, message: `Generation ${g} is signed by another key than the rest of the backup.`, expected: backupKeyFingerprint(key), found: backupKeyFingerprint(gen.signingKey) });
  if (backupId && manifest.backupId !== backupId) add({ check: 'manifest.format', ...where, message: `Generation ${g} belongs to another backup set (its backup id differs from the folder's).` });
  const prev = manifest.previous;
  if (prev) {
    const p = loaded.get(prev.generation);
    if (p?.manifestSha256 !== undefined && p.manifestSha256 !== prev.manifestSha256) {
      add({ check: 'manifest.chain', ...where, message: `Generation ${g} was built on a generation ${prev.generation} whose manifest has since changed.`, expected: prev.manifestSha256, found: p.manifestSha256 });
    }
  }
}

/** The generation's own files: present, as the manifest lists them, the header a vault header, the database encrypted. */
async function checkGenerationFiles(storage: BackupReader, g: number, listed: BackupManifest['files'], options: BackupVerifyOptions, add: AddProblem): Promise<void> {
  const where = { generation: g };
  const files: [keyof typeof GENERATION_FILES, FileEntry][] = [
    ['header', listed.vaultHeader],
    ['database', listed.database],
    ['custody', listed.custody],
    ['objects', listed.objects],
  ];
  for (const [which, entry] of files) {
    const rel = generationRel(g, GENERATION_FILES[which]);
    const h = await storage.hash(rel, options.signal ? { signal: options.signal } : {});
    if (!h) {
      add({ check: 'file.missing', ...where, message: `Generation ${g}: ${GENERATION_FILES[which]} is missing.` });
      continue;
    }
    if (h.size !== entry.size || h.sha256 !== entry.sha256) {
      add({ check: 'file.hash', ...where, message: `Generation ${g}: ${GENERATION_FILES[which]} is not the file the manifest lists (changed or damaged).`, expected: `${entry.sha256} / ${entry.size} bytes`, found: `${h.sha256} / ${h.size} bytes` });
    }
    if (which === 'header') {
      try {
        parseVaultHeader((await storage.read(rel, MAX_BYTES.header))?.toString('utf8') ?? '');
      } catch (e) {
        add({ check: 'file.format', ...where, message: `Generation ${g}: vault.json is not a vault header (${(e as Error).message})` });
      }
    } else if (which === 'database') {
      if (h.head.equals(SQLITE_PLAINTEXT_MAGIC)) add({ check: 'database.plaintext', ...where, message: `Generation ${g}: archive.db is an UNENCRYPTED SQLite file. Huella never writes one; delete this backup and make a new one.` });
    }
  }
}

/** The objects, each hashed once even when several generations list it; a damaged object fails every generation that lists it. */
async function checkObjects(
  storage: BackupReader,
  entries: readonly ObjectToCheck[],
  options: BackupVerifyOptions,
  add: AddProblem,
): Promise<{ checked: number; bytesHashed: number; failedGenerations: Set<number> }> {
  const bytesTotal = entries.reduce((a, e) => a + e.record.size, 0);
  let bytesHashed = 0;
  let done = 0;
  const failedGenerations = new Set<number>();
  await forEachLimited(entries, storage.parallelism, async ({ record, generations }) => {
    const h = await storage.hash(objectRel(record.name), {
      onBytes: (n) => {
        bytesHashed += n;
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const where = { generation: generations[0]!, object: record.name };
    const fail = (): void => generations.forEach((g) => failedGenerations.add(g));
    if (!h) {
      add({ check: 'object.missing', ...where, message: `Object ${record.name} is missing from the backup.` });
      fail();
    } else if (h.size !== record.size) {
      add({ check: 'object.size', ...where, message: `Object ${record.name} has the wrong size (truncated or damaged).`, expected: String(record.size), found: String(h.size) });
      fail();
    } else if (h.sha256 !== record.sha256) {
      add({ check: 'object.hash', ...where, message: `Object ${record.name} is damaged: its bytes changed since the backup was written.`, expected: record.sha256, found: h.sha256 });
      fail();
    }
    done++;
    if (done % 100 === 0 || done === entries.length) options.onProgress?.({ done, total: entries.length, bytesDone: bytesHashed, bytesTotal });
  }, options.signal);
  return { checked: entries.length, bytesHashed, failedGenerations };
}
