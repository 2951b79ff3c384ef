import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { HuellaError } from '../errors';
import { fsyncDir, writeFileAtomic } from '../fs/durable';
import { vaultIdFromBytes } from '../vault/secrets';
import { copyFileHashed, copyHandleHashed, hashFile, placeObject, syncDirs } from './copy';
import { BACKUP_FILES, formatMarker, generationDirName, parseGenerationDirName } from './format';
import { readMarker } from './generations';
import { acquireBackupLock } from './lock';
import { objectRel, type BackupStorage, type BackupWriter, type StorageReadOptions, type StoredFile } from './storage';

/**
 * A backup in a folder (a USB drive): the BackupStorage of storage.ts on the local file system. Objects are copied
 * to tmp/, fsynced and renamed into blobs/; a generation is built in a dot-named folder under generations/ and
 * renamed into place when complete and signed. An interrupted run leaves the previous generations untouched; its
 * leftovers (tmp/ contents, dot-named folders) are removed by the next run.
 */

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

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

async function statSize(file: string): Promise<number | undefined> {
  try {
    return (await fsp.stat(file)).size;
  } catch {
    return undefined;
  }
}

function isMissing(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export class FolderStorage implements BackupStorage {
  readonly location: string;
  readonly parallelism = 4;

  constructor(dir: string) {
    this.location = path.resolve(dir);
  }

  #path(rel: string): string {
    return path.join(this.location, ...rel.split('/'));
  }

  async read(rel: string, maxBytes: number): Promise<Buffer | undefined> {
    const file = this.#path(rel);
    try {
      const size = (await fsp.stat(file)).size;
      if (size > maxBytes) throw new HuellaError('FORMAT_INVALID', `${rel} in the backup folder is larger than such a file can be (${size} bytes).`);
      return await fsp.readFile(file);
    } catch (e) {
      if (e instanceof HuellaError) throw e;
      if (isMissing(e)) return undefined;
      throw new HuellaError('FILE_UNREADABLE', `Cannot read ${path.basename(file)} in the backup folder.`, { cause: e });
    }
  }

  async hash(rel: string, options: StorageReadOptions = {}): Promise<(StoredFile & { readonly head: Buffer }) | undefined> {
    const file = this.#path(rel);
    let head: Buffer;
    try {
      const fh = await fsp.open(file, 'r');
      try {
        const buf = Buffer.alloc(16);
        const { bytesRead } = await fh.read(buf, 0, 16, 0);
        head = buf.subarray(0, bytesRead);
      } finally {
        await fh.close();
      }
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw new HuellaError('FILE_UNREADABLE', `Cannot read ${path.basename(file)} in the backup folder.`, { cause: e });
    }
    options.signal?.throwIfAborted();
    const h = await hashFile(file, options.onBytes);
    return h ? { ...h, head } : undefined;
  }

  async copyOut(rel: string, dest: string): Promise<StoredFile | undefined> {
    try {
      return await copyFileHashed(this.#path(rel), dest);
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  generations(): Promise<number[]> {
    return listGenerations(this.location);
  }

  close(): void {
    // nothing held
  }

  async openForBackup(vaultDir: string): Promise<BackupWriter> {
    const dir = this.location;
    if (isInside(dir, vaultDir) || isInside(vaultDir, dir)) {
      throw new HuellaError('INVALID_INPUT', 'The backup folder must be outside the vault folder (and must not contain it); choose a folder on another drive.');
    }
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    const marker = await readMarker(this);
    let backupId = marker?.backupId;
    let markerBytes = 0;
    if (backupId === undefined) {
      const entries = (await fsp.readdir(dir)).filter((e) => e !== BACKUP_FILES.lock);
      if (entries.length > 0) {
        throw new HuellaError('INVALID_INPUT', 'That folder is not empty and does not hold a Huella backup. Choose an empty folder or a new folder name (it will be created).');
      }
    }
    const release = acquireBackupLock(dir);
    try {
      if (backupId === undefined) {
        backupId = vaultIdFromBytes(crypto.randomBytes(16));
        const text = formatMarker(backupId);
        await writeFileAtomic(path.join(dir, BACKUP_FILES.marker), text);
        markerBytes = Buffer.byteLength(text);
      }
      await cleanLeftovers(dir);
    } catch (e) {
      release();
      throw e;
    }
    return new FolderWriter(this, backupId, markerBytes, release);
  }

  objectPath(name: string): string {
    return this.#path(objectRel(name));
  }

  generationPath(generation: number): string {
    return path.join(this.location, BACKUP_FILES.generations, generationDirName(generation));
  }
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

class FolderWriter implements BackupWriter {
  readonly #storage: FolderStorage;
  readonly #release: () => void;
  readonly #touched = new Set<string>();
  readonly fresh: boolean;

  constructor(
    storage: FolderStorage,
    readonly backupId: string,
    readonly markerBytes: number,
    release: () => void,
  ) {
    this.#storage = storage;
    this.#release = release;
    this.fresh = markerBytes > 0;
  }

  objectSize(name: string): Promise<number | undefined> {
    return statSize(this.#storage.objectPath(name));
  }

  async putObject(name: string, source: fsp.FileHandle): Promise<StoredFile & { readonly written: boolean }> {
    const tmp = path.join(this.#storage.location, BACKUP_FILES.tmp, `${name}.${crypto.randomBytes(4).toString('hex')}`);
    const result = await copyHandleHashed(source, tmp);
    await placeObject(tmp, this.#storage.objectPath(name), this.#touched);
    return { ...result, written: true };
  }

  async keepObject(): Promise<void> {
    // A folder has no retention: the object stays until a prune removes it.
  }

  async objectsDone(): Promise<void> {
    await syncDirs(this.#touched, path.join(this.#storage.location, BACKUP_FILES.blobs));
    this.#touched.clear();
  }

  async stageGeneration(generation: number): Promise<string> {
    const dir = path.join(this.#storage.location, BACKUP_FILES.generations, `.${generationDirName(generation)}.partial-${crypto.randomBytes(4).toString('hex')}`);
    await fsp.mkdir(dir, { mode: 0o700 });
    return dir;
  }

  async commitGeneration(generation: number, staged: string): Promise<void> {
    await fsyncDir(staged);
    const finalDir = this.#storage.generationPath(generation);
    await fsp.rename(staged, finalDir);
    await fsyncDir(path.dirname(finalDir));
  }

  async discardGeneration(staged: string): Promise<void> {
    await fsp.rm(staged, { recursive: true, force: true });
  }

  async writeKeyFile(text: string): Promise<number> {
    const keyFile = path.join(this.#storage.location, BACKUP_FILES.publicKey);
    if ((await fsp.readFile(keyFile, 'utf8').catch(() => undefined)) === text) {
      await fsp.chmod(keyFile, 0o600); // written 0644 by earlier versions
      return 0;
    }
    await writeFileAtomic(keyFile, text, 0o600);
    return Buffer.byteLength(text);
  }

  async removeGeneration(generation: number): Promise<void> {
    const dir = this.#storage.generationPath(generation);
    await fsp.rm(dir, { recursive: true, force: true });
    await fsyncDir(path.dirname(dir));
  }

  async storedObjects(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const blobsDir = path.join(this.#storage.location, BACKUP_FILES.blobs);
    let prefixes: string[] = [];
    try {
      prefixes = await fsp.readdir(blobsDir);
    } catch {
      return out;
    }
    for (const prefix of prefixes) {
      let names: string[];
      try {
        names = await fsp.readdir(path.join(blobsDir, prefix));
      } catch {
        continue;
      }
      for (const name of names) {
        if (/^[0-9a-f]{64}$/.test(name)) out.set(name, (await statSize(path.join(blobsDir, prefix, name))) ?? 0);
      }
    }
    return out;
  }

  async removeObjects(names: readonly string[]): Promise<void> {
    const dirs = new Set<string>();
    for (const name of names) {
      const file = this.#storage.objectPath(name);
      await fsp.rm(file, { force: true });
      dirs.add(path.dirname(file));
    }
    for (const d of dirs) await fsyncDir(d);
  }

  async close(): Promise<void> {
    this.#release();
  }
}
