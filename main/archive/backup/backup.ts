import fsp from 'node:fs/promises';
import path from 'node:path';
import { ageEncryptBuffer } from '../blobs/age';
import { canonicalBytes } from '../custody/jcs';
import { HuellaError, fromSystemError } from '../errors';
import { VAULT_FILES, type Vault } from '../vault/vault';
import { forEachLimited, hashFile, writeNewFile, type CopyResult } from './copy';
import { FolderStorage } from './folder';
import {
  BACKUP_CUSTODY_FORMAT,
  BACKUP_FORMAT_VERSION,
  BACKUP_MANIFEST_FORMAT,
  GENERATION_FILES,
  formatObjectsList,
  serializeManifest,
  type BackupCustodyRecord,
  type BackupManifest,
  type ObjectRecord,
} from './format';
import { loadGeneration, readObjectsList, type LoadedGeneration } from './generations';
import { backupKeyFingerprint, backupPublicKeyFile, deriveBackupSigningKey, signManifest, type BackupSigningKey } from './keys';
import { snapshotDatabase, type DatabaseSnapshot } from './snapshot';
import { objectRel, type BackupStorage, type BackupWriter } from './storage';

/**
 * `huella backup <vault> <dir | s3://bucket/prefix>`: copies the vault's ciphertext to a backup, incrementally. The
 * backup is a folder (a USB drive) or a prefix of an S3 bucket, behind the one interface of storage.ts; this file is
 * the same for both.
 *
 * Generations: each run adds generations/NNNNNN/ with its own database snapshot, header copy, object list and signed
 * manifest; the age files in blobs/ are shared (content-addressed, immutable). Older generations stay restorable,
 * so a vault that was damaged or altered before the latest backup can be rolled back to a known-good state. The
 * cost: one database snapshot per kept generation (the database is small next to the blobs; measured in the
 * report), and the blobs of items purged since the oldest kept generation stay in the backup until that generation
 * is pruned (`keep`, default 7: a purge leaves the backup after at most 7 more backups).
 *
 * Incremental: an object already in the backup is reused when the previous generation's signed object list names it
 * and the stored copy still has that size (a stat, or one look at a listing; no read): a second run over an
 * unchanged vault writes only the new database snapshot and a few small files. `rehash` also re-reads every reused
 * copy and stores again any that changed; `huella backup verify` is the full check.
 *
 * Crash safety: an object becomes visible in the backup only whole (folder: tmp/ then rename; S3: an upload
 * completes or nothing appears), and a generation only when complete and signed (folder: a rename; S3: the
 * signature uploaded last). An interrupted run leaves the previous generations untouched and valid; the next run
 * removes its leftovers, and on S3 does not send again an object the interrupted run already stored whole.
 *
 * Consistency while the vault is in use: the database snapshot is one read transaction (snapshot.ts), and only the
 * objects THAT snapshot lists are copied. Ingest commits an object's row before moving its file from
 * tmp/<name>.ready to blobs/ (store.ts), so a listed object may still be in tmp/: it is read from there.
 */

export type BackupProgress = {
  readonly phase: 'database' | 'objects' | 'finishing';
  readonly done: number;
  readonly total: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
};

export type BackupOptions = {
  readonly onProgress?: (p: BackupProgress) => void;
  readonly signal?: AbortSignal;
  /** Generations to keep (the new one included). Default 7. */
  readonly keep?: number;
  /** Re-read every reused object and store it again if it differs from the previous signed list. */
  readonly rehash?: boolean;
  /** Parallel object copies. Default: what the storage suggests (4). */
  readonly concurrency?: number;
  readonly now?: Date;
};

export type BackupReport = {
  /** Where the backup is: the folder's path or the s3:// address. */
  readonly backupDir: string;
  readonly backupId: string;
  readonly generation: number;
  readonly createdAt: string;
  readonly keyFingerprint: string;
  readonly firstBackup: boolean;
  readonly objects: {
    readonly total: number;
    readonly copied: number;
    readonly reused: number;
    readonly bytesCopied: number;
    readonly totalBytes: number;
    /** Object names the database lists but the vault did not have (already lost in the vault; run `huella verify`). */
    readonly missingAtSource: readonly string[];
  };
  readonly database: { readonly bytes: number };
  /** vault.json, custody.age, objects.tsv, manifest, signature, marker and key file written by this run. */
  readonly metadataBytes: number;
  /** Every byte this run wrote to the backup. */
  readonly bytesWritten: number;
  /** Size of this generation: its objects plus its own files. */
  readonly totalBytes: number;
  readonly pruned: { readonly generations: readonly number[]; readonly objects: number; readonly bytes: number };
  readonly seconds: number;
};

export const DEFAULT_KEEP_GENERATIONS = 7;

export async function backupVault(vault: Vault, target: string | BackupStorage, options: BackupOptions = {}): Promise<BackupReport> {
  const started = performance.now();
  const keep = options.keep ?? DEFAULT_KEEP_GENERATIONS;
  if (!Number.isInteger(keep) || keep < 1) throw new HuellaError('INVALID_INPUT', 'The number of generations to keep must be a whole number of at least 1.');
  const storage = typeof target === 'string' ? new FolderStorage(target) : target;
  const progress = options.onProgress ?? (() => undefined);
  const writer = await storage.openForBackup(path.resolve(vault.dir));
  const key = deriveBackupSigningKey(vault.signingSeed);
  let staged: string | undefined;
  try {
    const { generation, previous, known } = await findPrevious(storage, key.publicKey);
    const createdAt = (options.now ?? new Date()).toISOString();
    staged = await writer.stageGeneration(generation);

    progress({ phase: 'database', done: 0, total: 1, bytesDone: 0, bytesTotal: 0 });
    const snap = await stageSnapshot(vault, staged);
    progress({ phase: 'database', done: 1, total: 1, bytesDone: snap.database.size, bytesTotal: snap.database.size });

    const objects = await storeObjects(vault, storage, writer, snap.snapshot, known, options);

    progress({ phase: 'finishing', done: 0, total: 1, bytesDone: 0, bytesTotal: 0 });
    const sealed = await sealGeneration(vault, key, staged, { backupId: writer.backupId, generation, createdAt, previous, snapshot: snap.snapshot, objects, header: snap.header, database: snap.database });
    await writer.commitGeneration(generation, staged);
    staged = undefined;

    const keyFileBytes = await writer.writeKeyFile(backupPublicKeyFile(key.publicKey));
    const keyFingerprint = backupKeyFingerprint(key.publicKey);
    const metadataBytes = writer.markerBytes + snap.header.size + sealed.bytes + keyFileBytes;
    const bytesWritten = objects.bytesCopied + snap.database.size + metadataBytes;
    vault.transaction(() =>
      vault.log.append('backup.written', null, {
        backupId: writer.backupId,
        generation,
        objects: objects.records.length,
        objectsCopied: objects.copied,
        bytesWritten,
        missingAtSource: objects.missingAtSource.length,
        keyFingerprint,
      }),
    );

    const pruned = await pruneGenerations(storage, writer, key.publicKey, keep);
    return backupReport({ location: storage.location, backupId: writer.backupId, generation, createdAt, keyFingerprint, firstBackup: previous === undefined, objects, snap, sealedBytes: sealed.bytes, metadataBytes, bytesWritten, pruned, started });
  } catch (e) {
    if (staged) await writer.discardGeneration(staged).catch(() => undefined);
    if (options.signal?.aborted) throw new HuellaError('CANCELLED', 'Backup cancelled. The previous backup there is unchanged.', { cause: e });
    throw fromSystemError(e, 'writing the backup');
  } finally {
    key.seed.fill(0);
    await writer.close();
    if (typeof target === 'string') storage.close();
  }
}

/** The report of a written generation: what was copied or reused, and the bytes written and held. */
function backupReport(g: {
  readonly location: string;
  readonly backupId: string;
  readonly generation: number;
  readonly createdAt: string;
  readonly keyFingerprint: string;
  readonly firstBackup: boolean;
  readonly objects: Awaited<ReturnType<typeof storeObjects>>;
  readonly snap: Awaited<ReturnType<typeof stageSnapshot>>;
  readonly sealedBytes: number;
  readonly metadataBytes: number;
  readonly bytesWritten: number;
  readonly pruned: BackupReport['pruned'];
  readonly started: number;
}): BackupReport {
  const { objects, snap } = g;
  const objectBytes = objects.records.reduce((a, o) => a + o.size, 0);
  return {
    backupDir: g.location,
    backupId: g.backupId,
    generation: g.generation,
    createdAt: g.createdAt,
    keyFingerprint: g.keyFingerprint,
    firstBackup: g.firstBackup,
    objects: {
      total: objects.records.length + objects.missingAtSource.length,
      copied: objects.copied,
      reused: objects.reused,
      bytesCopied: objects.bytesCopied,
      totalBytes: objectBytes,
      missingAtSource: [...objects.missingAtSource].sort(),
    },
    database: { bytes: snap.database.size },
    metadataBytes: g.metadataBytes,
    bytesWritten: g.bytesWritten,
    totalBytes: objectBytes + snap.database.size + snap.header.size + g.sealedBytes,
    pruned: g.pruned,
    seconds: (performance.now() - g.started) / 1000,
  };
}

type Previous = { readonly generation: number; readonly previous: LoadedGeneration | undefined; readonly known: ReadonlyMap<string, ObjectRecord> };

/** What the previous runs left, trusted only if signed by THIS vault's backup key; the number of the new generation. */
async function findPrevious(storage: BackupStorage, publicKey: Buffer): Promise<Previous> {
  const generations = await storage.generations();
  let previous: LoadedGeneration | undefined;
  let foreign = false;
  for (const g of [...generations].reverse()) {
    const loaded = await loadGeneration(storage, g, publicKey);
    if (loaded.signature === 'untrusted-key') foreign = true;
    if (loaded.signature === 'valid') {
      previous = loaded;
      break;
    }
  }
  if (foreign && previous === undefined) {
    throw new HuellaError('CONFLICT', 'This backup holds the backup of another vault (its manifests are signed by a different key). Choose another folder or prefix for this vault.');
  }
  const known = new Map<string, ObjectRecord>();
  if (previous) {
    try {
      for (const o of await readObjectsList(storage, previous)) known.set(o.name, o);
    } catch {
      // An unreadable list only costs a full copy.
    }
  }
  return { generation: (generations.at(-1) ?? 0) + 1, previous, known };
}

type StagedSnapshot = { readonly header: CopyResult; readonly database: CopyResult; readonly snapshot: DatabaseSnapshot };

/** The vault header and a consistent, still-encrypted database snapshot, written into the staged generation. */
async function stageSnapshot(vault: Vault, staged: string): Promise<StagedSnapshot> {
  const header = await writeNewFile(path.join(staged, GENERATION_FILES.header), await fsp.readFile(path.join(vault.dir, VAULT_FILES.header)));
  const dbFile = path.join(staged, GENERATION_FILES.database);
  const snapshot = snapshotDatabase(vault, dbFile);
  const database = (await hashFile(dbFile))!;
  return { header, database, snapshot };
}

type StoredObjects = {
  readonly records: readonly ObjectRecord[];
  readonly copied: number;
  readonly reused: number;
  readonly bytesCopied: number;
  readonly missingAtSource: readonly string[];
};

/** Every object the snapshot lists: reused when the previous signed list names it and the copy is there, else stored. */
async function storeObjects(vault: Vault, storage: BackupStorage, writer: BackupWriter, snapshot: DatabaseSnapshot, known: ReadonlyMap<string, ObjectRecord>, options: BackupOptions): Promise<StoredObjects> {
  const records: ObjectRecord[] = [];
  const missingAtSource: string[] = [];
  let copied = 0;
  let reused = 0;
  let bytesCopied = 0;
  let done = 0;
  const total = snapshot.objects.length;
  const report = (): void => options.onProgress?.({ phase: 'objects', done, total, bytesDone: bytesCopied, bytesTotal: 0 });
  await forEachLimited(
    snapshot.objects,
    options.concurrency ?? storage.parallelism,
    async ({ name }) => {
      const prior = known.get(name);
      if (prior && (await writer.objectSize(name)) === prior.size) {
        const same = !options.rehash || (await storage.hash(objectRel(name), options.signal ? { signal: options.signal } : {}))?.sha256 === prior.sha256;
        if (same) {
          await writer.keepObject(name);
          records.push(prior);
          reused++;
          done++;
          report();
          return;
        }
      }
      const source = await openVaultObject(vault, name);
      if (!source) {
        missingAtSource.push(name);
        done++;
        return;
      }
      try {
        const stored = await writer.putObject(name, source, options.signal);
        records.push({ name, size: stored.size, sha256: stored.sha256 });
        if (stored.written) {
          copied++;
          bytesCopied += stored.size;
        } else reused++;
      } finally {
        await source.close();
      }
      done++;
      report();
    },
    options.signal,
  );
  await writer.objectsDone();
  return { records, copied, reused, bytesCopied, missingAtSource };
}

/** Opens a vault object wherever the ingest protocol may have it right now (see the module comment). */
async function openVaultObject(vault: Vault, name: string): Promise<fsp.FileHandle | undefined> {
  const published = vault.blobs.pathOf(name);
  const ready = path.join(vault.blobs.tmpDir, `${name}.ready`);
  // blobs/ → tmp/.ready → blobs/ again: a publish that happens between the first two tries is caught by the third.
  for (const candidate of [published, ready, published]) {
    try {
      return await fsp.open(candidate, 'r');
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw fromSystemError(e, 'reading an encrypted object of the vault');
    }
  }
  return undefined;
}

type SealInput = {
  readonly backupId: string;
  readonly generation: number;
  readonly createdAt: string;
  readonly previous: LoadedGeneration | undefined;
  readonly snapshot: DatabaseSnapshot;
  readonly objects: StoredObjects;
  readonly header: CopyResult;
  readonly database: CopyResult;
};

/** The object list, the encrypted custody record, the manifest and its signature, written into the staged generation. */
async function sealGeneration(vault: Vault, key: BackupSigningKey, staged: string, input: SealInput): Promise<{ bytes: number }> {
  const { records, missingAtSource } = input.objects;
  const objectsFile = await writeNewFile(path.join(staged, GENERATION_FILES.objects), formatObjectsList(records));
  const custodyRecord: BackupCustodyRecord = {
    format: BACKUP_CUSTODY_FORMAT,
    version: BACKUP_FORMAT_VERSION,
    vaultId: vault.id,
    backupId: input.backupId,
    generation: input.generation,
    checkpoint: input.snapshot.checkpoint,
    treeSize: input.snapshot.treeSize,
    items: input.snapshot.items,
    objects: input.snapshot.objects.length,
  };
  const custody = await writeNewFile(path.join(staged, GENERATION_FILES.custody), await ageEncryptBuffer(canonicalBytes(custodyRecord), [vault.blobs.recipientPublicKey]));
  const previous = input.previous;
  const manifest: BackupManifest = {
    format: BACKUP_MANIFEST_FORMAT,
    version: BACKUP_FORMAT_VERSION,
    backupId: input.backupId,
    generation: input.generation,
    createdAt: input.createdAt,
    previous: previous?.manifest && previous.manifestSha256 ? { generation: previous.generation, manifestSha256: previous.manifestSha256 } : null,
    signingKey: key.publicKey.toString('base64'),
    files: {
      vaultHeader: { size: input.header.size, sha256: input.header.sha256 },
      database: { size: input.database.size, sha256: input.database.sha256 },
      custody: { size: custody.size, sha256: custody.sha256 },
      objects: { size: objectsFile.size, sha256: objectsFile.sha256, count: records.length, bytes: records.reduce((a, o) => a + o.size, 0) },
    },
    missingAtSource: missingAtSource.length,
  };
  const manifestBytes = serializeManifest(manifest);
  const manifestFile = await writeNewFile(path.join(staged, GENERATION_FILES.manifest), manifestBytes);
  const signature = await writeNewFile(path.join(staged, GENERATION_FILES.signature), await signManifest(key, manifestBytes, input.backupId, input.generation));
  return { bytes: objectsFile.size + custody.size + manifestFile.size + signature.size };
}

/**
 * Keeps the newest `keep` generations; removes older ones, then every stored object no kept generation lists.
 * Nothing is removed from blobs/ unless the object list of EVERY kept generation could be read and checked.
 */
async function pruneGenerations(storage: BackupStorage, writer: BackupWriter, publicKey: Buffer, keep: number): Promise<{ generations: number[]; objects: number; bytes: number }> {
  const all = await storage.generations();
  const dropped = all.slice(0, Math.max(0, all.length - keep));
  for (const g of dropped) await writer.removeGeneration(g);
  const referenced = new Set<string>();
  for (const g of all.slice(-keep)) {
    const loaded = await loadGeneration(storage, g, publicKey);
    if (loaded.signature !== 'valid') return { generations: dropped, objects: 0, bytes: 0 };
    try {
      for (const o of await readObjectsList(storage, loaded)) referenced.add(o.name);
    } catch {
      return { generations: dropped, objects: 0, bytes: 0 };
    }
  }
  const unreferenced = [...(await writer.storedObjects())].filter(([name]) => !referenced.has(name));
  await writer.removeObjects(unreferenced.map(([name]) => name));
  return { generations: dropped, objects: unreferenced.length, bytes: unreferenced.reduce((a, [, size]) => a + size, 0) };
}
