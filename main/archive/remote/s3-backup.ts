import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { forEachLimited } from '../backup/copy';
import { BACKUP_FILES, formatMarker, GENERATION_FILES, parseGenerationDirName } from '../backup/format';
import { readMarker } from '../backup/generations';
import { acquireBackupLock } from '../backup/lock';
import { GENERATION_UPLOAD_ORDER, generationRel, objectRel, type BackupStorage, type BackupWriter, type StorageReadOptions, type StoredFile } from '../backup/storage';
import { HuellaError } from '../errors';
import { vaultIdFromBytes } from '../vault/secrets';
import { isNotFoundError, remoteConfig, S3Remote } from './s3';
import { formatS3Url } from './url';

/**
 * A backup on an S3 prefix (`huella backup <vault> s3://bucket/prefix`, DESIGN §9): the BackupStorage of
 * backup/storage.ts, so the backup format, its verification and restore are the folder's, key for path:
 *
 *   <prefix>/huella-backup.json, backup-key.pub, blobs/ab/<name>, generations/NNNNNN/{manifest.json, …}
 *
 * The bucket holds what a backup drive holds: ciphertext, the encrypted database copy, signed manifests; names are
 * keyed hashes.
 *
 * Durability without rename: an object appears under its key only once its upload completed (a single PUT, or
 * CompleteMultipartUpload for large ones), so objects are uploaded in place and a killed run leaves either a whole
 * object or none (its unfinished multipart parts are aborted by the next run). A generation is staged in a local
 * folder inside the vault (<vault>/transfers/backup-staging/, ciphertext only: the database copy is encrypted with
 * the vault's key), then its files are uploaded with manifest.json.minisig LAST: a generation without its signature
 * is an unfinished run, not listed, and the next run writes that generation number again over it.
 *
 * Nothing sent twice: every object is uploaded with its SHA-256 as metadata. An object the previous signed list
 * names and the listing shows at that size is reused (no request); an object an interrupted run already stored
 * (listed, same size, recorded SHA-256 equal to the vault file's) is not sent again either.
 *
 * Object Lock: with `retentionDays`, every object written gets COMPLIANCE retention for that many days, and every
 * object a new generation reuses has its retention extended to as long from now, so each generation stays
 * undeletable for the whole period. A bucket without Object Lock is refused before anything is written. Pruning old
 * generations then only hides objects behind delete markers; their retained versions stay until retention ends.
 *
 * One backup of a vault at a time: the lock is the staging folder's, in the vault (the bucket offers no lock).
 */

export type S3BackupOptions = { readonly retentionDays?: number | null };

const STAGING = path.join('transfers', 'backup-staging');
/** Generation files up to this size are uploaded from memory; larger ones (the database copy) are streamed. */
const SMALL_FILE_BYTES = 8 * 1024 * 1024;

export class S3BackupStorage implements BackupStorage {
  readonly location: string;
  readonly parallelism = 4;
  readonly remote: S3Remote;
  readonly retentionDays: number | null;

  constructor(remote: S3Remote, options: S3BackupOptions = {}) {
    this.remote = remote;
    this.location = formatS3Url(remote.config.location);
    this.retentionDays = options.retentionDays ?? remote.config.retentionDays ?? null;
  }

  read(rel: string, maxBytes: number): Promise<Buffer | undefined> {
    return this.remote.getBytes(this.remote.key(rel), maxBytes);
  }

  hash(rel: string, options: StorageReadOptions = {}): Promise<(StoredFile & { readonly head: Buffer }) | undefined> {
    return this.remote.hashObject(this.remote.key(rel), options);
  }

  async copyOut(rel: string, dest: string, options: StorageReadOptions = {}): Promise<StoredFile | undefined> {
    try {
      return await this.remote.getFile(this.remote.key(rel), dest, options);
    } catch (e) {
      if (isNotFoundError(e)) return undefined;
      throw e;
    }
  }

  /**
   * Generations whose signature is stored (complete), and any below the newest complete one (a generation whose
   * signature was deleted later must show up as damaged, not vanish); an unfinished run above them is not listed.
   */
  async generations(): Promise<number[]> {
    const files = new Map<number, Set<string>>();
    const root = this.remote.key(`${BACKUP_FILES.generations}/`);
    for (const o of await this.remote.list(`${BACKUP_FILES.generations}/`)) {
      const [dir, file, ...rest] = o.key.slice(root.length).split('/');
      const g = dir === undefined ? undefined : parseGenerationDirName(dir);
      if (g === undefined || file === undefined || rest.length > 0) continue;
      const set = files.get(g) ?? new Set<string>();
      set.add(file);
      files.set(g, set);
    }
    const complete = [...files].filter(([, f]) => f.has(GENERATION_FILES.signature)).map(([g]) => g);
    const newest = Math.max(0, ...complete);
    return [...files.keys()].filter((g) => g <= newest).sort((a, b) => a - b);
  }

  close(): void {
    this.remote.destroy();
  }

  async openForBackup(vaultDir: string): Promise<BackupWriter> {
    const staging = path.join(vaultDir, STAGING);
    await fsp.mkdir(staging, { recursive: true, mode: 0o700 });
    const release = acquireBackupLock(staging);
    try {
      for (const e of await fsp.readdir(staging)) if (e !== BACKUP_FILES.lock) await fsp.rm(path.join(staging, e), { recursive: true, force: true });
      if (this.retentionDays !== null && !(await this.remote.objectLockEnabled())) {
        throw new HuellaError(
          'INVALID_INPUT',
          `Object Lock retention of ${this.retentionDays} days was asked for, but the bucket "${this.remote.config.location.bucket}" has no Object Lock. Nothing was written; create the bucket with Object Lock, or back up without retention.`,
        );
      }
      const marker = await readMarker(this);
      let backupId = marker?.backupId;
      let markerBytes = 0;
      if (backupId === undefined) {
        if (!(await this.remote.isEmpty(''))) {
          throw new HuellaError('INVALID_INPUT', `${this.location} is not empty and does not hold a Huella backup. Choose an empty prefix (a new name after the bucket).`);
        }
        backupId = vaultIdFromBytes(crypto.randomBytes(16));
        const text = Buffer.from(formatMarker(backupId));
        await this.put(text, BACKUP_FILES.marker);
        markerBytes = text.length;
      }
      // Parts a killed run left. A prefix holds one vault's backup and the vault's lock is held, so no other upload
      // is running here; were one running (the same vault copied to another computer), it would fail, not corrupt.
      await this.remote.abortUnfinishedUploads('');
      const stored = await this.listObjects();
      return new S3BackupWriter(this, staging, backupId, markerBytes, stored, release);
    } catch (e) {
      release();
      throw e;
    }
  }

  /** Every object under blobs/: name → size (one listing). */
  async listObjects(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const o of await this.remote.list(`${BACKUP_FILES.blobs}/`)) {
      const name = o.key.slice(o.key.lastIndexOf('/') + 1);
      if (/^[0-9a-f]{64}$/.test(name) && o.key === this.remote.key(objectRel(name))) out.set(name, o.size);
    }
    return out;
  }

  /** Small bytes under `rel`, retained when the backup is. */
  async put(bytes: Uint8Array, rel: string): Promise<void> {
    await this.remote.putBytes(bytes, this.remote.key(rel));
    await this.retain(rel);
  }

  /** Retention of `rel` to `retentionDays` from now (set, or extended: COMPLIANCE retention can only grow). */
  async retain(rel: string): Promise<void> {
    if (this.retentionDays !== null) await this.remote.retain(this.remote.key(rel), this.retentionDays);
  }
}

class S3BackupWriter implements BackupWriter {
  readonly #storage: S3BackupStorage;
  readonly #staging: string;
  readonly #stored: Map<string, number>;
  readonly #release: () => void;
  readonly fresh: boolean;

  constructor(
    storage: S3BackupStorage,
    staging: string,
    readonly backupId: string,
    readonly markerBytes: number,
    stored: Map<string, number>,
    release: () => void,
  ) {
    this.#storage = storage;
    this.#staging = staging;
    this.#stored = stored;
    this.#release = release;
    this.fresh = markerBytes > 0;
  }

  async objectSize(name: string): Promise<number | undefined> {
    return this.#stored.get(name);
  }

  async putObject(name: string, source: fsp.FileHandle, signal?: AbortSignal): Promise<StoredFile & { readonly written: boolean }> {
    const remote = this.#storage.remote;
    const rel = objectRel(name);
    const key = remote.key(rel);
    // The SHA-256 first: it goes into the upload's metadata (what makes a later resume provable) and the object list.
    const local = await hashHandle(source, signal);
    if (this.#stored.get(name) === local.size && (await remote.head(key))?.sha256 === local.sha256) {
      await this.#storage.retain(rel);
      return { ...local, written: false };
    }
    await remote.putStream(() => source.createReadStream({ start: 0, autoClose: false, highWaterMark: 1024 * 1024 }), key, { ...local, ...(signal ? { signal } : {}) });
    await this.#storage.retain(rel);
    this.#stored.set(name, local.size);
    return { ...local, written: true };
  }

  keepObject(name: string): Promise<void> {
    return this.#storage.retain(objectRel(name));
  }

  async objectsDone(): Promise<void> {
    // Each object was whole on the store when its upload returned.
  }

  async stageGeneration(generation: number): Promise<string> {
    const dir = path.join(this.#staging, `generation-${generation}-${crypto.randomBytes(4).toString('hex')}`);
    await fsp.mkdir(dir, { mode: 0o700 });
    return dir;
  }

  async commitGeneration(generation: number, staged: string): Promise<void> {
    const remote = this.#storage.remote;
    for (const file of GENERATION_UPLOAD_ORDER) {
      const local = path.join(staged, file);
      const rel = generationRel(generation, file);
      if ((await fsp.stat(local)).size <= SMALL_FILE_BYTES) await this.#storage.put(await fsp.readFile(local), rel);
      else {
        await remote.putFile(local, remote.key(rel), await hashFile(local));
        await this.#storage.retain(rel);
      }
    }
    await fsp.rm(staged, { recursive: true, force: true });
  }

  async discardGeneration(staged: string): Promise<void> {
    await fsp.rm(staged, { recursive: true, force: true });
  }

  async writeKeyFile(text: string): Promise<number> {
    const there = await this.#storage.read(BACKUP_FILES.publicKey, 4096).catch(() => undefined);
    if (there?.toString('utf8') === text) return 0;
    await this.#storage.put(Buffer.from(text), BACKUP_FILES.publicKey);
    return Buffer.byteLength(text);
  }

  async removeGeneration(generation: number): Promise<void> {
    const remote = this.#storage.remote;
    for (const file of [...GENERATION_UPLOAD_ORDER].reverse()) await remote.delete(remote.key(generationRel(generation, file)));
  }

  storedObjects(): Promise<Map<string, number>> {
    return this.#storage.listObjects();
  }

  async removeObjects(names: readonly string[]): Promise<void> {
    const remote = this.#storage.remote;
    await forEachLimited(names, this.#storage.parallelism, async (name) => {
      await remote.delete(remote.key(objectRel(name)));
      this.#stored.delete(name);
    });
  }

  async close(): Promise<void> {
    this.#release();
    for (const e of await fsp.readdir(this.#staging).catch(() => [] as string[])) if (e !== BACKUP_FILES.lock) await fsp.rm(path.join(this.#staging, e), { recursive: true, force: true });
  }
}

async function hashHandle(fh: fsp.FileHandle, signal?: AbortSignal): Promise<StoredFile> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  for await (const chunk of fh.createReadStream({ start: 0, autoClose: false, highWaterMark: 1024 * 1024 })) {
    signal?.throwIfAborted();
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

async function hashFile(file: string): Promise<StoredFile> {
  const fh = await fsp.open(file, 'r');
  try {
    return await hashHandle(fh);
  } finally {
    await fh.close();
  }
}

export type S3BackupAddress = {
  readonly url: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly allowHttp?: boolean;
  readonly retentionDays?: number;
};

/** The storage of a backup at an s3:// address (credentials from the environment or profile, as for remotes). */
export function openS3Backup(address: S3BackupAddress): S3BackupStorage {
  if (address.retentionDays !== undefined && (!Number.isInteger(address.retentionDays) || address.retentionDays < 1 || address.retentionDays > 36_500)) {
    throw new HuellaError('INVALID_INPUT', 'The retention is a whole number of days between 1 and 36500.');
  }
  const config = remoteConfig({ url: address.url, endpoint: address.endpoint ?? null, region: address.region ?? null, allowHttp: address.allowHttp ?? false, retentionDays: address.retentionDays ?? null });
  return new S3BackupStorage(new S3Remote(config));
}

export function isS3Address(text: string): boolean {
  return text.startsWith('s3://');
}
