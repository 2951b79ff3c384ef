import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ageEncryptBuffer } from '../blobs/age';
import { canonicalBytes } from '../custody/jcs';
import { HuellaError, fromSystemError } from '../errors';
import { fsyncDir, writeFileAtomic } from '../fs/durable';
import { vaultIdFromBytes } from '../vault/secrets';
import { VAULT_FILES, type Vault } from '../vault/vault';
import { copyHandleHashed, forEachLimited, hashFile, placeObject, syncDirs, writeNewFile, type CopyResult } from './copy';
import { backupObjectPath, generationDir, listGenerations, loadGeneration, readMarker, readObjectsList, type LoadedGeneration } from './folder';
import {
  BACKUP_CUSTODY_FORMAT,
  BACKUP_FILES,
  BACKUP_FORMAT_VERSION,
  BACKUP_MANIFEST_FORMAT,
  GENERATION_FILES,
  formatMarker,
  formatObjectsList,
  generationDirName,
  serializeManifest,
  type BackupCustodyRecord,
  type BackupManifest,
  type ObjectRecord,
} from './format';
import { backupKeyFingerprint, backupPublicKeyFile, deriveBackupSigningKey, signManifest } from './keys';
import { acquireBackupLock } from './lock';
import { snapshotDatabase } from './snapshot';

/**
 * `huella backup <vault> <dir>`: copies the vault's ciphertext to a folder (a USB drive), incrementally.
 *
 * Generations: each run adds generations/NNNNNN/ with its own database snapshot, header copy, object list and signed
 * manifest; the age files in blobs/ are shared (content-addressed, immutable). Older generations stay restorable,
 * so a vault that was damaged or altered before the latest backup can be rolled back to a known-good state. The
 * cost: one database snapshot per kept generation (the database is small next to the blobs; measured in the
 * report), and the blobs of items purged since the oldest kept generation stay on the drive until that generation is
 * pruned (`keep`, default 7: a purge leaves the drive after at most 7 more backups).
 *
 * Incremental: an object already in the backup is reused when the previous generation's signed object list names it
 * and the file there still has that size (a stat, no read): a second run over an unchanged vault writes only the new
 * database snapshot and a few small files. `rehash` also re-reads every reused file and recopies any that changed;
 * `huella backup verify` is the full check.
 *
 * Crash safety: object files are copied to tmp/, fsynced and renamed into blobs/; the generation is built in a
 * dot-named folder and renamed into place only when complete and signed (the commit point). An interrupted run
 * leaves the previous generations untouched and valid; its leftovers are removed by the next run.
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
  /** Re-read every reused object and recopy it if it differs from the previous signed list. */
  readonly rehash?: boolean;
  /** Parallel object copies. Default 4. */
  readonly concurrency?: number;
  readonly now?: Date;
};

export type BackupReport = {
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
  /** Every byte this run wrote to the backup folder. */
  readonly bytesWritten: number;
  /** Size of this generation: its objects plus its own files. */
  readonly totalBytes: number;
  readonly pruned: { readonly generations: readonly number[]; readonly objects: number; readonly bytes: number };
  readonly seconds: number;
};

export const DEFAULT_KEEP_GENERATIONS = 7;

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

async function prepareFolder(backupDir: string, vaultDir: string): Promise<{ backupId: string; fresh: boolean }> {
  if (isInside(backupDir, vaultDir) || isInside(vaultDir, backupDir)) {
    throw new HuellaError('INVALID_INPUT', 'The backup folder must be outside the vault folder (and must not contain it); choose a folder on another drive.');
  }
  await fsp.mkdir(backupDir, { recursive: true, mode: 0o700 });
  const marker = await readMarker(backupDir);
  if (marker) return { backupId: marker.backupId, fresh: false };
  const entries = (await fsp.readdir(backupDir)).filter((e) => e !== BACKUP_FILES.lock);
  if (entries.length > 0) {
    throw new HuellaError('INVALID_INPUT', 'That folder is not empty and does not hold a Huella backup. Choose an empty folder or a new folder name (it will be created).');
  }
  const backupId = vaultIdFromBytes(crypto.randomBytes(16));
  await writeFileAtomic(path.join(backupDir, BACKUP_FILES.marker), formatMarker(backupId));
  return { backupId, fresh: true };
}

/** Removes what an interrupted run left (tmp/ contents, unfinished generation folders); makes the folders. */
async function cleanLeftovers(backupDir: string): Promise<void> {
  const tmp = path.join(backupDir, BACKUP_FILES.tmp);
  await fsp.rm(tmp, { recursive: true, force: true });
  await fsp.mkdir(tmp, { mode: 0o700 });
  await fsp.mkdir(path.join(backupDir, BACKUP_FILES.blobs), { recursive: true, mode: 0o700 });
  const gens = path.join(backupDir, BACKUP_FILES.generations);
  await fsp.mkdir(gens, { recursive: true, mode: 0o700 });
  for (const e of await fsp.readdir(gens)) {
    if (e.startsWith('.')) await fsp.rm(path.join(gens, e), { recursive: true, force: true });
  }
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

async function statSize(file: string): Promise<number | undefined> {
  try {
    return (await fsp.stat(file)).size;
  } catch {
    return undefined;
  }
}

export async function backupVault(vault: Vault, backupDirInput: string, options: BackupOptions = {}): Promise<BackupReport> {
  const started = performance.now();
  const keep = options.keep ?? DEFAULT_KEEP_GENERATIONS;
  if (!Number.isInteger(keep) || keep < 1) throw new HuellaError('INVALID_INPUT', 'The number of generations to keep must be a whole number of at least 1.');
  const backupDir = path.resolve(backupDirInput);
  const progress = options.onProgress ?? (() => undefined);
  const { backupId, fresh } = await prepareFolder(backupDir, path.resolve(vault.dir));
  const release = acquireBackupLock(backupDir);
  const key = deriveBackupSigningKey(vault.signingSeed);
  let building: string | undefined;
  try {
    await cleanLeftovers(backupDir);
    let metadataBytes = fresh ? fs.statSync(path.join(backupDir, BACKUP_FILES.marker)).size : 0;

    // What the previous runs left, trusted only if signed by THIS vault's backup key.
    const generations = await listGenerations(backupDir);
    let previous: LoadedGeneration | undefined;
    let foreign = false;
    for (const g of [...generations].reverse()) {
      const loaded = await loadGeneration(backupDir, g, key.publicKey);
      if (loaded.signature === 'untrusted-key') foreign = true;
      if (loaded.signature === 'valid') {
        previous = loaded;
        break;
      }
    }
    if (foreign && previous === undefined) {
      throw new HuellaError('CONFLICT', 'This folder holds a backup of another vault (its manifests are signed by a different key). Choose another folder for this vault.');
    }
    const known = new Map<string, ObjectRecord>();
    if (previous) {
      try {
        for (const o of await readObjectsList(previous)) known.set(o.name, o);
      } catch {
        // An unreadable list only costs a full copy.
      }
    }

    const generation = (generations.at(-1) ?? 0) + 1;
    const createdAt = (options.now ?? new Date()).toISOString();
    building = path.join(backupDir, BACKUP_FILES.generations, `.${generationDirName(generation)}.partial-${crypto.randomBytes(4).toString('hex')}`);
    await fsp.mkdir(building, { mode: 0o700 });

    // 1. Header and database snapshot.
    progress({ phase: 'database', done: 0, total: 1, bytesDone: 0, bytesTotal: 0 });
    const header = await writeNewFile(path.join(building, GENERATION_FILES.header), await fsp.readFile(path.join(vault.dir, VAULT_FILES.header)));
    metadataBytes += header.size;
    const dbFile = path.join(building, GENERATION_FILES.database);
    const snapshot = snapshotDatabase(vault, dbFile);
    const database = (await hashFile(dbFile))!;
    progress({ phase: 'database', done: 1, total: 1, bytesDone: database.size, bytesTotal: database.size });

    // 2. Objects.
    const tmpDir = path.join(backupDir, BACKUP_FILES.tmp);
    const touched = new Set<string>();
    const records: ObjectRecord[] = [];
    const missingAtSource: string[] = [];
    let copied = 0;
    let reused = 0;
    let bytesCopied = 0;
    let done = 0;
    const total = snapshot.objects.length;
    const report = (): void => progress({ phase: 'objects', done, total, bytesDone: bytesCopied, bytesTotal: 0 });
    await forEachLimited(
      snapshot.objects,
      options.concurrency ?? 4,
      async ({ name }) => {
        const dest = backupObjectPath(backupDir, name);
        const prior = known.get(name);
        if (prior && (await statSize(dest)) === prior.size) {
          const same = !options.rehash || (await hashFile(dest))?.sha256 === prior.sha256;
          if (same) {
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
        let result: CopyResult;
        const tmp = path.join(tmpDir, `${name}.${crypto.randomBytes(4).toString('hex')}`);
        try {
          result = await copyHandleHashed(source, tmp);
        } finally {
          await source.close();
        }
        await placeObject(tmp, dest, touched);
        records.push({ name, size: result.size, sha256: result.sha256 });
        copied++;
        bytesCopied += result.size;
        done++;
        report();
      },
      options.signal,
    );
    await syncDirs(touched, path.join(backupDir, BACKUP_FILES.blobs));

    // 3. Object list, encrypted custody record, manifest, signature.
    progress({ phase: 'finishing', done: 0, total: 1, bytesDone: 0, bytesTotal: 0 });
    const objectsText = formatObjectsList(records);
    const objectsFile = await writeNewFile(path.join(building, GENERATION_FILES.objects), objectsText);
    const custodyRecord: BackupCustodyRecord = {
      format: BACKUP_CUSTODY_FORMAT,
      version: BACKUP_FORMAT_VERSION,
      vaultId: vault.id,
      backupId,
      generation,
      checkpoint: snapshot.checkpoint,
      treeSize: snapshot.treeSize,
      items: snapshot.items,
      objects: snapshot.objects.length,
    };
    const custody = await writeNewFile(path.join(building, GENERATION_FILES.custody), await ageEncryptBuffer(canonicalBytes(custodyRecord), [vault.blobs.recipientPublicKey]));
    const objectBytes = records.reduce((a, o) => a + o.size, 0);
    const manifest: BackupManifest = {
      format: BACKUP_MANIFEST_FORMAT,
      version: BACKUP_FORMAT_VERSION,
      backupId,
      generation,
      createdAt,
      previous: previous?.manifest && previous.manifestSha256 ? { generation: previous.generation, manifestSha256: previous.manifestSha256 } : null,
      signingKey: key.publicKey.toString('base64'),
      files: {
        vaultHeader: { size: header.size, sha256: header.sha256 },
        database: { size: database.size, sha256: database.sha256 },
        custody: { size: custody.size, sha256: custody.sha256 },
        objects: { size: objectsFile.size, sha256: objectsFile.sha256, count: records.length, bytes: objectBytes },
      },
      missingAtSource: missingAtSource.length,
    };
    const manifestBytes = serializeManifest(manifest);
    const manifestFile = await writeNewFile(path.join(building, GENERATION_FILES.manifest), manifestBytes);
    const signature = await writeNewFile(path.join(building, GENERATION_FILES.signature), await signManifest(key, manifestBytes, backupId, generation));
    metadataBytes += objectsFile.size + custody.size + manifestFile.size + signature.size;
    await fsyncDir(building);

    // 4. Commit: the complete generation appears under its final name in one rename.
    const finalDir = generationDir(backupDir, generation);
    await fsp.rename(building, finalDir);
    building = undefined;
    await fsyncDir(path.dirname(finalDir));

    const keyFile = path.join(backupDir, BACKUP_FILES.publicKey);
    const keyText = backupPublicKeyFile(key.publicKey);
    if ((await fsp.readFile(keyFile, 'utf8').catch(() => undefined)) !== keyText) {
      await writeFileAtomic(keyFile, keyText, 0o600);
      metadataBytes += Buffer.byteLength(keyText);
    } else {
      await fsp.chmod(keyFile, 0o600); // written 0644 by earlier versions
    }

    const keyFingerprint = backupKeyFingerprint(key.publicKey);
    const bytesWritten = bytesCopied + database.size + metadataBytes;
    vault.transaction(() =>
      vault.log.append('backup.written', null, {
        backupId,
        generation,
        objects: records.length,
        objectsCopied: copied,
        bytesWritten,
        missingAtSource: missingAtSource.length,
        keyFingerprint,
      }),
    );

    const pruned = await pruneGenerations(backupDir, key.publicKey, keep);
    return {
      backupDir,
      backupId,
      generation,
      createdAt,
      keyFingerprint,
      firstBackup: previous === undefined,
      objects: { total: records.length + missingAtSource.length, copied, reused, bytesCopied, totalBytes: objectBytes, missingAtSource: missingAtSource.sort() },
      database: { bytes: database.size },
      metadataBytes,
      bytesWritten,
      totalBytes: objectBytes + database.size + header.size + objectsFile.size + custody.size + manifestFile.size + signature.size,
      pruned,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (e) {
    if (building) await fsp.rm(building, { recursive: true, force: true }).catch(() => undefined);
    if (options.signal?.aborted) throw new HuellaError('CANCELLED', 'Backup cancelled. The previous backup in that folder is unchanged.', { cause: e });
    throw fromSystemError(e, 'writing the backup');
  } finally {
    key.seed.fill(0);
    release();
  }
}

/**
 * Keeps the newest `keep` generations; removes older ones, then every blob no kept generation lists. Nothing is
 * removed from blobs/ unless the object list of EVERY kept generation could be read and checked.
 */
async function pruneGenerations(backupDir: string, publicKey: Buffer, keep: number): Promise<{ generations: number[]; objects: number; bytes: number }> {
  const all = await listGenerations(backupDir);
  const kept = all.slice(-keep);
  const dropped = all.slice(0, Math.max(0, all.length - keep));
  for (const g of dropped) await fsp.rm(generationDir(backupDir, g), { recursive: true, force: true });
  if (dropped.length > 0) await fsyncDir(path.join(backupDir, BACKUP_FILES.generations));
  const referenced = new Set<string>();
  for (const g of kept) {
    const loaded = await loadGeneration(backupDir, g, publicKey);
    if (loaded.signature !== 'valid') return { generations: dropped, objects: 0, bytes: 0 };
    try {
      for (const o of await readObjectsList(loaded)) referenced.add(o.name);
    } catch {
      return { generations: dropped, objects: 0, bytes: 0 };
    }
  }
  let objects = 0;
  let bytes = 0;
  const blobsDir = path.join(backupDir, BACKUP_FILES.blobs);
  let prefixes: string[] = [];
  try {
    prefixes = await fsp.readdir(blobsDir);
  } catch {
    return { generations: dropped, objects, bytes };
  }
  for (const prefix of prefixes) {
    const dir = path.join(blobsDir, prefix);
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch {
      continue;
    }
    let removedHere = false;
    for (const name of names) {
      if (referenced.has(name)) continue;
      const file = path.join(dir, name);
      bytes += (await statSize(file)) ?? 0;
      await fsp.rm(file, { force: true });
      objects++;
      removedHere = true;
    }
    if (removedHere) await fsyncDir(dir);
  }
  return { generations: dropped, objects, bytes };
}

