import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { HuellaError, fromSystemError, isHuellaError } from '../errors';
import { databaseIntegrityProblems } from '../db/open';
import { iterateItemObjects } from '../db/items';
import { liveObjects } from '../db/objects';
import { fsyncDir } from '../fs/durable';
import { openVault, VAULT_FILES, type Unlock, type Vault } from '../vault/vault';
import { verifyVault, type VerifyProgress, type VerifyReport } from '../verify/verify';
import { forEachLimited, placeObject, syncDirs } from './copy';
import { FolderStorage } from './folder';
import { GENERATION_FILES, parseCustodyRecord, type FileEntry, type ObjectRecord } from './format';
import { loadGeneration, MAX_BYTES, readMarker, readObjectsList, type LoadedGeneration } from './generations';
import { deriveBackupSigningKey } from './keys';
import { generationRel, objectRel, type BackupReader } from './storage';

/**
 * `huella restore <backup> <new vault>`: rebuilds a vault from one backup generation, from a folder or an S3 prefix
 * (the BackupReader of storage.ts).
 *
 * Never overwrites: the target must not exist (or be an empty folder). The vault is assembled in a hidden sibling
 * folder and renamed into place at the end, like createVault, so a failure — a wrong passphrase included — leaves
 * nothing under the requested name.
 *
 * Partial damage never fails the whole restore. The database snapshot is the authority on which objects the vault
 * has; each is copied from the backup if present. When the manifest's signature checks with THIS vault's backup key
 * (re-derived after unlocking), a copy whose SHA-256 differs from the signed list is left out as damaged; without a
 * trusted manifest everything present is copied and the full `verifyVault` that ends every restore finds damaged
 * files by authenticated decryption. Each damaged or missing object is reported by object name and by the item(s)
 * it belongs to, and the `vault.restored` custody event records the damaged item ids, so what was lost stays on
 * record. The restored vault then fails `huella verify` for exactly those items, and for nothing else.
 */

export type RestoreProgress =
  | { readonly phase: 'database' }
  | { readonly phase: 'objects'; readonly done: number; readonly total: number; readonly bytesDone: number }
  | { readonly phase: 'verify'; readonly verify: VerifyProgress };

export type RestoreOptions = {
  /** Generation to restore (default: the newest). */
  readonly generation?: number;
  readonly onProgress?: (p: RestoreProgress) => void;
  readonly signal?: AbortSignal;
  readonly concurrency?: number;
};

export type DamageReason = 'missing-from-backup' | 'damaged-in-backup' | 'failed-verification';

export type DamagedObject = {
  readonly object: string;
  /** original, preview or derived */
  readonly kind: string;
  /** The items this object belongs to (as original or preview). */
  readonly items: readonly string[];
  readonly reason: DamageReason;
};

export type RestoreReport = {
  readonly vaultDir: string;
  readonly vaultId: string;
  readonly backupId: string | null;
  readonly generation: number;
  readonly backupCreatedAt: string | null;
  /** Whether the manifest was signed by this vault's backup key; `problems` says why not. */
  readonly manifestTrusted: boolean;
  readonly problems: readonly string[];
  readonly objects: { readonly total: number; readonly restored: number; readonly damaged: readonly DamagedObject[] };
  /** Every item with a damaged or missing original or preview, sorted. */
  readonly damagedItems: readonly string[];
  /** The checkpoint from custody.age (size of the log it signs), checked by verify as an external checkpoint. */
  readonly custodyCheckpointSize: number | null;
  readonly verify: VerifyReport;
  readonly seconds: number;
};

/** Most item ids the vault.restored event lists (the report lists all); the event states the total. */
const MAX_ITEMS_IN_EVENT = 1000;
const OBJECT_PROBLEMS = new Set(['object.missing', 'object.decrypt', 'object.hash', 'object.size']);

async function assertFreshTarget(target: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fsp.readdir(target);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new HuellaError('VAULT_EXISTS', 'A file with that name exists; restoring never overwrites anything. Choose a new folder for the restored vault.');
    throw fromSystemError(e, 'checking the folder for the restored vault');
  }
  if (entries.length > 0) throw new HuellaError('VAULT_EXISTS', 'That folder exists and is not empty; restoring never overwrites anything. Choose a new folder for the restored vault.');
  await fsp.rmdir(target);
}

function matches(actual: { size: number; sha256: string }, expected: FileEntry | undefined): boolean {
  return !expected || (actual.size === expected.size && actual.sha256 === expected.sha256);
}

type VaultFacts = {
  readonly vaultId: string;
  readonly keyMatches: boolean;
  readonly objects: readonly { name: string; kind: string }[];
  readonly itemsByObject: ReadonlyMap<string, string[]>;
  readonly checkpoint: string | null;
  readonly custodyProblem: string | null;
};

async function readFacts(vault: Vault, storage: BackupReader, gen: LoadedGeneration, custodyOk: boolean): Promise<VaultFacts> {
  const key = deriveBackupSigningKey(vault.signingSeed);
  const keyMatches = gen.signingKey !== undefined && key.publicKey.equals(gen.signingKey);
  key.seed.fill(0);
  const objects = liveObjects(vault.store);
  const itemsByObject = new Map<string, string[]>();
  const link = (objectName: string | null, item: string): void => {
    if (!objectName) return;
    const list = itemsByObject.get(objectName);
    if (list) list.push(item);
    else itemsByObject.set(objectName, [item]);
  };
  for (const row of iterateItemObjects(vault.store)) {
    link(row.objectName, row.id);
    link(row.previewObject, row.id);
  }
  let checkpoint: string | null = null;
  let custodyProblem: string | null = null;
  if (!custodyOk) custodyProblem = 'custody.age is missing or does not match the manifest; the backup\'s checkpoint could not be checked';
  else {
    try {
      const record = parseCustodyRecord(await vault.decryptOwnAgeFile((await storage.read(generationRel(gen.generation, GENERATION_FILES.custody), MAX_BYTES.custody))!));
      if (record.vaultId !== vault.id) custodyProblem = 'custody.age belongs to another vault';
      else if (record.generation !== gen.generation) custodyProblem = `custody.age belongs to generation ${record.generation}`;
      else checkpoint = record.checkpoint;
    } catch (e) {
      custodyProblem = `custody.age cannot be read: ${isHuellaError(e) ? e.message : 'decryption failed'}`;
    }
  }
  return { vaultId: vault.id, keyMatches, objects, itemsByObject, checkpoint, custodyProblem };
}

export async function restoreBackup(source: string | BackupReader, vaultDirInput: string, unlock: Unlock, options: RestoreOptions = {}): Promise<RestoreReport> {
  const storage = typeof source === 'string' ? new FolderStorage(source) : source;
  try {
    return await restoreFrom(storage, vaultDirInput, unlock, options);
  } finally {
    if (typeof source === 'string') storage.close();
  }
}

type Chosen = {
  readonly backupId: string | null;
  /** Every complete generation of the backup. */
  readonly generations: readonly number[];
  readonly generation: number;
  readonly gen: LoadedGeneration;
};

/** Stage 1: the backup's marker and the generation to restore, its manifest loaded (and checked). */
async function chooseGeneration(storage: BackupReader, requested: number | undefined, problems: string[]): Promise<Chosen> {
  let backupId: string | null = null;
  try {
    backupId = (await readMarker(storage))?.backupId ?? null;
    if (backupId === null) problems.push('The backup marker (huella-backup.json) is missing.');
  } catch (e) {
    problems.push((e as Error).message);
  }
  const generations = await storage.generations();
  if (generations.length === 0) throw new HuellaError('NOT_FOUND', `${storage.location} holds no complete Huella backup (no generations/ with a finished backup).`);
  const generation = requested ?? generations.at(-1)!;
  if (!generations.includes(generation)) throw new HuellaError('NOT_FOUND', `The backup has no generation ${generation}; it has ${generations.join(', ')}.`);
  const gen = await loadGeneration(storage, generation);
  if (gen.signature !== 'valid') problems.push(`Manifest of generation ${generation}: ${gen.error ?? 'not valid'}.`);
  return { backupId, generations, generation, gen };
}

/** Stage 2: vault.json and archive.db copied into the folder being built; whether custody.age matches the manifest. */
async function copyDatabase(storage: BackupReader, building: string, chosen: Chosen, signal: AbortSignal | undefined, problems: string[]): Promise<{ custodyOk: boolean }> {
  const { generation, generations } = chosen;
  const files = chosen.gen.manifest?.files;
  const unreadable = (file: string) => (e?: unknown): never => {
    throw new HuellaError('VAULT_CORRUPT', `${file} of generation ${generation} cannot be read from the backup${generations.length > 1 ? '; try an earlier generation with --generation' : ''}.`, e === undefined ? {} : { cause: e });
  };
  const header = (await storage.copyOut(generationRel(generation, GENERATION_FILES.header), path.join(building, VAULT_FILES.header)).catch(unreadable('vault.json'))) ?? unreadable('vault.json')();
  if (!matches(header, files?.vaultHeader)) problems.push('vault.json differs from the manifest (changed or damaged); trying it anyway.');
  const database = (await storage.copyOut(generationRel(generation, GENERATION_FILES.database), path.join(building, VAULT_FILES.db), signal ? { signal } : {}).catch(unreadable('archive.db'))) ?? unreadable('archive.db')();
  if (!matches(database, files?.database)) problems.push('archive.db differs from the manifest (changed or damaged); trying it anyway.');
  const custodyHash = await storage.hash(generationRel(generation, GENERATION_FILES.custody));
  return { custodyOk: custodyHash !== undefined && matches(custodyHash, files?.custody) };
}

/**
 * Stage 3: unlock the copied vault, which proves the passphrase (or recovery key) before any object is copied;
 * refuse a damaged database copy; read what the rest of the restore needs from it.
 */
async function unlockCopy(building: string, unlock: Unlock, storage: BackupReader, chosen: Chosen, custodyOk: boolean): Promise<VaultFacts> {
  const { generation, generations } = chosen;
  let vault: Vault;
  try {
    vault = await openVault(building, unlock);
  } catch (e) {
    if (isHuellaError(e, 'VAULT_CORRUPT') && generations.length > 1) {
      throw new HuellaError('VAULT_CORRUPT', `${e.message} The database copy of generation ${generation} is damaged; restore an earlier generation (${generations.filter((g) => g !== generation).join(', ')}) with --generation.`, { cause: e });
    }
    throw e;
  }
  try {
    // A database copy that opens can still have damaged pages further in: refuse it whole (it is the catalogue and
    // the custody log; nothing restored on top of it could be trusted), and point to the other generations.
    const damagedDb = databaseIntegrityProblems(vault.store);
    if (damagedDb.length > 0) {
      const others = generations.filter((g) => g !== generation);
      throw new HuellaError(
        'VAULT_CORRUPT',
        `The database copy of generation ${generation} is damaged (${damagedDb[0]}).${others.length > 0 ? ` Restore an earlier generation (${others.join(', ')}) with --generation.` : ''} Nothing was restored.`,
      );
    }
    return await readFacts(vault, storage, chosen.gen, custodyOk);
  } finally {
    vault.lock();
  }
}

/** Stage 4: the signed object list, when the manifest is signed by this vault's backup key (empty otherwise). */
async function trustedObjects(storage: BackupReader, gen: LoadedGeneration, facts: VaultFacts, problems: string[]): Promise<{ trusted: boolean; expected: Map<string, ObjectRecord> }> {
  const trusted = gen.signature === 'valid' && facts.keyMatches;
  if (gen.signature === 'valid' && !facts.keyMatches) problems.push('The manifest is signed, but not by this vault\'s backup key; its object hashes are not used.');
  let expected = new Map<string, ObjectRecord>();
  if (trusted) {
    try {
      expected = new Map((await readObjectsList(storage, gen)).map((o) => [o.name, o]));
    } catch (e) {
      problems.push(`Object list: ${(e as Error).message}`);
    }
  }
  return { trusted, expected };
}

/** Damaged or missing objects by name, each with the items it belongs to. */
class DamageList {
  readonly #byObject = new Map<string, DamagedObject>();
  readonly #facts: VaultFacts;

  constructor(facts: VaultFacts) {
    this.#facts = facts;
  }

  add(object: string, kind: string, reason: DamageReason): void {
    this.#byObject.set(object, { object, kind, items: this.#facts.itemsByObject.get(object) ?? [], reason });
  }

  has(object: string): boolean {
    return this.#byObject.has(object);
  }

  sorted(): DamagedObject[] {
    return [...this.#byObject.values()].sort((a, b) => (a.object < b.object ? -1 : 1));
  }
}

/**
 * Stage 5: every object the database names, copied from the backup into blobs/ (a copy whose hash differs from the
 * trusted list is left out), then the folders made durable. Returns how many were placed.
 */
async function copyObjects(
  storage: BackupReader,
  building: string,
  facts: VaultFacts,
  expected: ReadonlyMap<string, ObjectRecord>,
  damage: DamageList,
  options: RestoreOptions,
  progress: (p: RestoreProgress) => void,
): Promise<number> {
  const touched = new Set<string>();
  const blobsDir = path.join(building, VAULT_FILES.blobs);
  const tmpDir = path.join(building, VAULT_FILES.tmp);
  let done = 0;
  let bytesDone = 0;
  let restored = 0;
  await forEachLimited(
    facts.objects,
    options.concurrency ?? storage.parallelism,
    async ({ name, kind }) => {
      const tmp = path.join(tmpDir, `${name}.restoring`);
      const copy = await storage.copyOut(objectRel(name), tmp, options.signal ? { signal: options.signal } : {});
      if (!copy) damage.add(name, kind, 'missing-from-backup');
      else {
        const want = expected.get(name);
        if (want && (want.size !== copy.size || want.sha256 !== copy.sha256)) {
          await fsp.rm(tmp, { force: true });
          damage.add(name, kind, 'damaged-in-backup');
        } else {
          await placeObject(tmp, path.join(blobsDir, name.slice(0, 2), name), touched);
          restored++;
          bytesDone += copy.size;
        }
      }
      done++;
      if (done % 50 === 0 || done === facts.objects.length) progress({ phase: 'objects', done, total: facts.objects.length, bytesDone });
    },
    options.signal,
  );
  await syncDirs(touched, blobsDir);
  await fsyncDir(building);
  return restored;
}

/**
 * Stage 6: verify the restored vault (every object decrypted and hashed against the signed log, the backup's
 * checkpoint checked for consistency), add the objects that failed to the damage, then record the restore in the
 * restored vault's own custody log.
 */
async function verifyAndRecord(
  target: string,
  unlock: Unlock,
  run: { chosen: Chosen; facts: VaultFacts; trusted: boolean; damage: DamageList; placed: number; problems: readonly string[]; started: number },
  options: RestoreOptions,
  progress: (p: RestoreProgress) => void,
): Promise<RestoreReport> {
  const { chosen, facts, damage } = run;
  const { backupId, generation, gen } = chosen;
  const restoredVault = await openVault(target, unlock);
  try {
    const verify = await verifyVault(restoredVault, {
      externalCheckpoints: facts.checkpoint ? [facts.checkpoint] : [],
      onProgress: (p) => progress({ phase: 'verify', verify: p }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const kindOf = new Map(facts.objects.map((o) => [o.name, o.kind]));
    for (const p of verify.problems) {
      if (p.object && OBJECT_PROBLEMS.has(p.check) && !damage.has(p.object) && kindOf.has(p.object)) damage.add(p.object, kindOf.get(p.object)!, 'failed-verification');
    }
    const damagedList = damage.sorted();
    const damagedItems = [...new Set(damagedList.flatMap((d) => d.items))].sort();
    const restored = run.placed - damagedList.filter((d) => d.reason === 'failed-verification').length;
    restoredVault.transaction(() => {
      restoredVault.log.append('vault.restored', null, {
        backupId,
        generation,
        backupCreatedAt: gen.manifest?.createdAt ?? null,
        manifestVerified: run.trusted,
        objects: facts.objects.length,
        objectsRestored: restored,
        damagedObjects: damagedList.length,
        damagedItemsTotal: damagedItems.length,
        damagedItems: damagedItems.slice(0, MAX_ITEMS_IN_EVENT),
      });
      restoredVault.log.writeCheckpoint('restored from backup');
    });
    const custodyCheckpointSize = facts.checkpoint ? Number(facts.checkpoint.split('\n')[1]) : null;
    return {
      vaultDir: target,
      vaultId: facts.vaultId,
      backupId,
      generation,
      backupCreatedAt: gen.manifest?.createdAt ?? null,
      manifestTrusted: run.trusted,
      problems: run.problems,
      objects: { total: facts.objects.length, restored, damaged: damagedList },
      damagedItems,
      custodyCheckpointSize,
      verify,
      seconds: (performance.now() - run.started) / 1000,
    };
  } finally {
    restoredVault.lock();
  }
}

/** The stages in order, in a hidden sibling folder renamed into place once every object is copied. */
async function restoreFrom(storage: BackupReader, vaultDirInput: string, unlock: Unlock, options: RestoreOptions): Promise<RestoreReport> {
  const started = performance.now();
  const target = path.resolve(vaultDirInput);
  const progress = options.onProgress ?? (() => undefined);
  await assertFreshTarget(target);
  const problems: string[] = [];
  const chosen = await chooseGeneration(storage, options.generation, problems);

  const parent = path.dirname(target);
  await fsp.mkdir(parent, { recursive: true });
  const building = path.join(parent, `.${path.basename(target)}.restoring-${crypto.randomBytes(4).toString('hex')}`);
  await fsp.mkdir(building, { mode: 0o700 });
  let renamed = false;
  try {
    await fsp.mkdir(path.join(building, VAULT_FILES.blobs), { mode: 0o700 });
    await fsp.mkdir(path.join(building, VAULT_FILES.tmp), { mode: 0o700 });
    progress({ phase: 'database' });
    const { custodyOk } = await copyDatabase(storage, building, chosen, options.signal, problems);
    const facts = await unlockCopy(building, unlock, storage, chosen, custodyOk);
    if (facts.custodyProblem) problems.push(facts.custodyProblem);
    const { trusted, expected } = await trustedObjects(storage, chosen.gen, facts, problems);
    const damage = new DamageList(facts);
    const placed = await copyObjects(storage, building, facts, expected, damage, options, progress);

    await fsp.rename(building, target);
    renamed = true;
    await fsyncDir(parent);
    return await verifyAndRecord(target, unlock, { chosen, facts, trusted, damage, placed, problems, started }, options, progress);
  } catch (e) {
    if (!renamed) await fsp.rm(building, { recursive: true, force: true }).catch(() => undefined);
    if (options.signal?.aborted) throw new HuellaError('CANCELLED', 'Restore cancelled. Nothing was created under the requested name.', { cause: e });
    throw e instanceof HuellaError ? e : fromSystemError(e, 'restoring the backup');
  }
}
