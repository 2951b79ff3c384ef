import type fsp from 'node:fs/promises';
import { HuellaError } from '../errors';
import { BACKUP_FILES, generationDirName, GENERATION_FILES } from './format';

/**
 * Where a backup lives, behind one small interface: a folder (a USB drive; folder-storage.ts) or a prefix of an S3
 * bucket (remote/s3-backup.ts, DESIGN §9). The backup format (format.ts) is the same on both, and backup, verify and
 * restore are written once, over this interface. Paths are relative and '/'-separated: `huella-backup.json`,
 * `backup-key.pub`, `blobs/ab/<name>`, `generations/000001/manifest.json`.
 *
 * What differs is how a write becomes durable and when a generation becomes visible:
 *  - folder: an object is copied to tmp/, fsynced and renamed; a generation is built in a dot-named folder and
 *    renamed into place when complete (the rename is the commit).
 *  - S3: an object appears under its key only once its upload completed (one PUT, or CompleteMultipartUpload), so
 *    objects are uploaded in place; a generation is staged in a local folder, then its files are uploaded with the
 *    manifest's signature LAST (the signature is the commit: a generation without it is an unfinished run).
 */

export type StoredFile = { readonly size: number; readonly sha256: string };

export type StorageReadOptions = { readonly signal?: AbortSignal; readonly onBytes?: (n: number) => void };

/** Reading a backup (verify, restore, and the backup's own look at what is already there). */
export type BackupReader = {
  /** The folder's path or the s3:// address, for reports and messages. */
  readonly location: string;
  /** How many objects to hash or fetch at once: a network store hides its latency with parallel requests. */
  readonly parallelism: number;
  /** A small file's bytes, or undefined if it does not exist. Refuses files above `maxBytes`. */
  read(rel: string, maxBytes: number): Promise<Buffer | undefined>;
  /** Size, SHA-256 and first 16 bytes of a file, streamed; undefined if it does not exist. */
  hash(rel: string, options?: StorageReadOptions): Promise<(StoredFile & { readonly head: Buffer }) | undefined>;
  /** Copies a file to `dest` (a new local file), hashed and fsynced; undefined if it does not exist. */
  copyOut(rel: string, dest: string, options?: StorageReadOptions): Promise<StoredFile | undefined>;
  /** Complete generations, ascending (unfinished runs are not listed). */
  generations(): Promise<number[]>;
  /** Releases what the storage holds (a network client). */
  close(): void;
};

/** One backup run's writes. Obtained from `BackupStorage.openForBackup`, which also takes the storage's lock. */
export type BackupWriter = {
  readonly backupId: string;
  /** True when this run created the backup (wrote its marker). */
  readonly fresh: boolean;
  /** Bytes of the marker this run wrote (0 when it existed). */
  readonly markerBytes: number;
  /** Size of the stored copy of an object, or undefined if there is none (a stat, or a look at one listing). */
  objectSize(name: string): Promise<number | undefined>;
  /**
   * Stores an object read from `source` (an open vault file). `written` is false when the store already held an
   * identical copy it could prove (S3: same size and recorded SHA-256, left by an interrupted run).
   */
  putObject(name: string, source: fsp.FileHandle, signal?: AbortSignal): Promise<StoredFile & { readonly written: boolean }>;
  /** The new generation lists an object that is already stored (S3 with Object Lock extends its retention). */
  keepObject(name: string): Promise<void>;
  /** Every object of this run is stored: make the writes durable (folder: fsync the folders). */
  objectsDone(): Promise<void>;
  /** A new, empty local folder where the generation's files are written before `commitGeneration`. */
  stageGeneration(generation: number): Promise<string>;
  /** Makes the staged generation a complete generation of the backup (the commit point). */
  commitGeneration(generation: number, staged: string): Promise<void>;
  discardGeneration(staged: string): Promise<void>;
  /** Writes backup-key.pub if it differs; returns the bytes written (0 if it was already there). */
  writeKeyFile(text: string): Promise<number>;
  removeGeneration(generation: number): Promise<void>;
  /** Every stored object: name → size. */
  storedObjects(): Promise<Map<string, number>>;
  removeObjects(names: readonly string[]): Promise<void>;
  /** Releases the lock and any local staging. */
  close(): Promise<void>;
};

export type BackupStorage = BackupReader & {
  /** Takes the lock, creates the backup (marker) or checks it is one, and removes what an interrupted run left. */
  openForBackup(vaultDir: string): Promise<BackupWriter>;
};

const OBJECT_NAME = /^[0-9a-f]{64}$/;

export function objectRel(name: string): string {
  if (!OBJECT_NAME.test(name)) throw new HuellaError('INTERNAL', 'invalid object name');
  return `${BACKUP_FILES.blobs}/${name.slice(0, 2)}/${name}`;
}

export function generationRel(generation: number, file?: (typeof GENERATION_FILES)[keyof typeof GENERATION_FILES]): string {
  const dir = `${BACKUP_FILES.generations}/${generationDirName(generation)}`;
  return file ? `${dir}/${file}` : dir;
}

/** The generation files in upload order: the signature last (the commit point on a store without rename). */
export const GENERATION_UPLOAD_ORDER = [
  GENERATION_FILES.header,
  GENERATION_FILES.database,
  GENERATION_FILES.custody,
  GENERATION_FILES.objects,
  GENERATION_FILES.manifest,
  GENERATION_FILES.signature,
] as const;
