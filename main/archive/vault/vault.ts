import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { BlobStore } from '../blobs/store';
import { ageDecryptBuffer } from '../blobs/age';
import { encodeAgeIdentity, encodeAgeRecipient } from '../blobs/age-keys';
import { CustodyLog } from '../custody/log';
import type Database from 'better-sqlite3-multiple-ciphers';
// The deprecated `db` getter below hands tests (tamper and crash campaigns) the raw connection; no feature code can
// run SQL with it: .prepare(/.pragma(/.exec( are errors outside main/archive/db (huella/sql-in-db-only).
// eslint-disable-next-line huella/sql-in-db-only
import { rawDatabase } from '../db/connection';
import { closeDatabase, openDatabase, transaction, type WritableDb } from '../db/open';
import { objectExists } from '../db/objects';
import { getSetting, setSetting } from '../db/settings';
import { HuellaError } from '../errors';
import { fsyncDir } from '../fs/durable';
import { envelopeDamage, openEnvelope, sealEnvelope, type Envelope } from './envelope';
import { readVaultHeader, VAULT_FORMAT, VAULT_FORMAT_VERSION, writeVaultHeader, type VaultHeader } from './header';
import { deriveRecoveryKek, derivePassphraseKek, newPassphraseKdf, newRecoveryKdf } from './kdf';
import { formatRecoveryKey, generateRecoveryKey, parseRecoveryKey } from './recovery-key';
import { deserializeSecrets, generateSecrets, serializeSecrets, zeroSecrets, type VaultSecrets } from './secrets';

export const VAULT_FILES = { header: 'vault.json', db: 'archive.db', blobs: 'blobs', tmp: 'tmp' } as const;
export const MIN_PASSPHRASE_LENGTH = 10;

export type Unlock = { readonly passphrase: string } | { readonly recoveryKey: string };

export type CreatedVault = { readonly vault: Vault; readonly recoveryKey: string };

export function checkPassphrase(passphrase: string): void {
  if ([...passphrase.normalize('NFC')].length < MIN_PASSPHRASE_LENGTH) {
    throw new HuellaError('WEAK_PASSPHRASE', `The passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters; a few unrelated words are best.`);
  }
}

/**
 * An unlocked vault: the decrypted secrets, the open SQLCipher database, the blob store and the custody log.
 * `lock()` closes the database and zeroes the key buffers we own; the object is unusable afterwards.
 */
export class Vault {
  readonly dir: string;
  readonly id: string;
  #secrets: VaultSecrets | undefined;
  #db: WritableDb | undefined;
  #blobs: BlobStore | undefined;
  #log: CustodyLog | undefined;

  private constructor(dir: string, secrets: VaultSecrets, db: WritableDb) {
    this.dir = dir;
    this.id = secrets.vaultId;
    this.#secrets = secrets;
    this.#db = db;
    this.#blobs = new BlobStore(dir, secrets.blobSecret, secrets.nameKey);
    this.#log = new CustodyLog(db, secrets.signingSeed, secrets.vaultId);
    const actor = this.getSetting('actor');
    if (actor) this.#log.actor = actor;
  }

  get isLocked(): boolean {
    return this.#db === undefined;
  }

  /** The vault's database, for the table modules of main/archive/db (an opaque handle: no SQL outside db/). */
  get store(): WritableDb {
    if (!this.#db) throw new HuellaError('VAULT_LOCKED', 'The vault is locked.');
    return this.#db;
  }

  /**
   * @deprecated The raw connection, for tests only (the tamper and crash campaigns edit the file as an attacker
   * would; they move to `rawDatabase(vault.store)`): features use `store` and a table module.
   */
  get db(): Database.Database {
    return rawDatabase(this.store);
  }

  get blobs(): BlobStore {
    if (!this.#blobs) throw new HuellaError('VAULT_LOCKED', 'The vault is locked.');
    return this.#blobs;
  }

  get log(): CustodyLog {
    if (!this.#log) throw new HuellaError('VAULT_LOCKED', 'The vault is locked.');
    return this.#log;
  }

  /** The signing key seed, for packet signatures. Callers must not keep it. */
  get signingSeed(): Buffer {
    if (!this.#secrets) throw new HuellaError('VAULT_LOCKED', 'The vault is locked.');
    return this.#secrets.signingSeed;
  }

  get ageRecipient(): string {
    return encodeAgeRecipient(this.blobs.recipientPublicKey);
  }

  /** The age identity (AGE-SECRET-KEY-1…). Anyone holding it can read every blob: callers warn first. */
  exportAgeIdentity(): string {
    if (!this.#secrets) throw new HuellaError('VAULT_LOCKED', 'The vault is locked.');
    const identity = encodeAgeIdentity(this.#secrets.blobSecret);
    this.transaction(() => this.log.append('vault.identity-exported', null, {}));
    return identity;
  }

  /**
   * The SQLCipher key of archive.db, as 64 hex digits, so the database can be read without Huella (an upstream
   * SQLCipher 4 shell: README, "Reading your vault without Huella"). Anyone holding it and the vault folder can read
   * the whole catalogue: callers warn first. Recorded in the custody log like the identity export.
   */
  exportDatabaseKeyHex(): string {
    if (!this.#secrets) throw new HuellaError('VAULT_LOCKED', 'The vault is locked.');
    const hex = Buffer.from(this.#secrets.dbKey).toString('hex');
    this.transaction(() => this.log.append('vault.db-key-exported', null, {}));
    return hex;
  }

  /**
   * Decrypts a small age file encrypted to this vault's own recipient (a backup's custody record). Objects in
   * blobs/ are read with `blobs.openPlaintext`, as streams; this reads the whole input into memory.
   */
  async decryptOwnAgeFile(file: Uint8Array): Promise<Buffer> {
    if (!this.#secrets) throw new HuellaError('VAULT_LOCKED', 'The vault is locked.');
    return ageDecryptBuffer(file, [this.#secrets.blobSecret]);
  }

  /**
   * Runs `fn` in an IMMEDIATE transaction (writers never deadlock on lock upgrade). A full disk (SQLITE_FULL) rolls
   * the transaction back and is reported as DISK_FULL, not as an unexpected error.
   */
  transaction<T>(fn: () => T): T {
    return transaction(this.store, fn);
  }

  getSetting(key: string): string | undefined {
    return getSetting(this.store, key);
  }

  setSetting(key: string, value: string): void {
    setSetting(this.store, key, value);
  }

  async changePassphrase(newPassphrase: string): Promise<void> {
    checkPassphrase(newPassphrase);
    const secrets = this.#requireSecrets();
    const headerFile = path.join(this.dir, VAULT_FILES.header);
    const header = readVaultHeader(headerFile);
    const kdf = newPassphraseKdf();
    const kek = await derivePassphraseKek(newPassphrase, kdf);
    const plain = serializeSecrets(secrets);
    try {
      const env = await sealEnvelope('passphrase', kdf, kek, plain);
      const envelopes = [env, ...header.envelopes.filter((e) => e.method !== 'passphrase')];
      // The header is replaced atomically first; the event follows. A crash in between leaves the new passphrase
      // working and the event missing, which verify cannot see; the reverse order could log a change that never happened.
      await writeVaultHeader(headerFile, { ...header, envelopes });
      this.transaction(() => this.log.append('vault.passphrase-changed', null, {}));
    } finally {
      kek.fill(0);
      plain.fill(0);
    }
  }

  /** Makes a new recovery key (the old one stops working). Returns it for the new recovery sheet. */
  async replaceRecoveryKey(): Promise<string> {
    const secrets = this.#requireSecrets();
    const headerFile = path.join(this.dir, VAULT_FILES.header);
    const header = readVaultHeader(headerFile);
    const recoveryKey = generateRecoveryKey();
    const kdf = newRecoveryKdf();
    const kek = deriveRecoveryKek(recoveryKey, kdf);
    const plain = serializeSecrets(secrets);
    try {
      const env = await sealEnvelope('recovery', kdf, kek, plain);
      await writeVaultHeader(headerFile, { ...header, envelopes: [...header.envelopes.filter((e) => e.method !== 'recovery'), env] });
      this.transaction(() => this.log.append('vault.recovery-key-replaced', null, {}));
      return formatRecoveryKey(recoveryKey);
    } finally {
      kek.fill(0);
      plain.fill(0);
      recoveryKey.fill(0);
    }
  }

  lock(): void {
    if (this.#db) closeDatabase(this.#db);
    if (this.#secrets) zeroSecrets(this.#secrets);
    this.#db = undefined;
    this.#secrets = undefined;
    this.#blobs = undefined;
    this.#log = undefined;
  }

  #requireSecrets(): VaultSecrets {
    if (!this.#secrets) throw new HuellaError('VAULT_LOCKED', 'The vault is locked.');
    return this.#secrets;
  }

  /** @internal used by createVault/openVault only. */
  static async _open(dir: string, secrets: VaultSecrets, create: boolean): Promise<Vault> {
    const db = openDatabase(path.join(dir, VAULT_FILES.db), secrets.dbKey, { create });
    let vault: Vault;
    try {
      vault = new Vault(dir, secrets, db);
    } catch (e) {
      closeDatabase(db);
      throw new HuellaError('VAULT_CORRUPT', 'The vault database is damaged: a page failed authentication while opening (archive.db was altered or corrupted).', { cause: e });
    }
    try {
      await fsp.mkdir(path.join(dir, VAULT_FILES.blobs), { recursive: true });
      const recovered = await vault.blobs.recover((name) => objectExists(db, name));
      if (recovered.discarded > 0) {
        vault.transaction(() => vault.log.append('ingest.interrupted', null, { discardedPartialObjects: recovered.discarded }));
      }
    } catch (e) {
      vault.lock();
      throw e;
    }
    return vault;
  }
}

/**
 * Creates a vault in `dir` (which must not exist, or be empty). Built in a sibling temp folder and renamed into
 * place at the end, so a crash during creation never leaves a half-vault under the requested name.
 */
export async function createVault(dir: string, passphrase: string): Promise<CreatedVault> {
  checkPassphrase(passphrase);
  const target = path.resolve(dir);
  if (fs.existsSync(target)) {
    const entries = fs.readdirSync(target);
    if (entries.length > 0) throw new HuellaError('VAULT_EXISTS', 'That folder already exists and is not empty; choose a new folder for the vault.');
    fs.rmdirSync(target);
  }
  const parent = path.dirname(target);
  await fsp.mkdir(parent, { recursive: true });
  const building = path.join(parent, `.${path.basename(target)}.creating-${crypto.randomBytes(4).toString('hex')}`);
  await fsp.mkdir(building, { mode: 0o700 });
  const secrets = generateSecrets();
  const recoveryKey = generateRecoveryKey();
  const plain = serializeSecrets(secrets);
  try {
    await fsp.mkdir(path.join(building, VAULT_FILES.blobs), { mode: 0o700 });
    await fsp.mkdir(path.join(building, VAULT_FILES.tmp), { mode: 0o700 });
    const passKdf = newPassphraseKdf();
    const passKek = await derivePassphraseKek(passphrase, passKdf);
    const recKdf = newRecoveryKdf();
    const recKek = deriveRecoveryKek(recoveryKey, recKdf);
    const envelopes: Envelope[] = [
      await sealEnvelope('passphrase', passKdf, passKek, plain),
      await sealEnvelope('recovery', recKdf, recKek, plain),
    ];
    passKek.fill(0);
    recKek.fill(0);
    const header: VaultHeader = { format: VAULT_FORMAT, version: VAULT_FORMAT_VERSION, envelopes };
    await writeVaultHeader(path.join(building, VAULT_FILES.header), header);
    const db = openDatabase(path.join(building, VAULT_FILES.db), secrets.dbKey, { create: true });
    try {
      const log = new CustodyLog(db, secrets.signingSeed, secrets.vaultId);
      transaction(db, () => {
        // The genesis event names the signing key: a later swap of the key shows up as events signed by another key.
        log.append('vault.created', null, { formatVersion: VAULT_FORMAT_VERSION, publicKey: log.publicKey.toString('base64') });
        log.writeCheckpoint('vault created');
      });
    } finally {
      closeDatabase(db);
    }
    await fsyncDir(building);
    await fsp.rename(building, target);
    await fsyncDir(parent);
  } catch (e) {
    await fsp.rm(building, { recursive: true, force: true }).catch(() => undefined);
    zeroSecrets(secrets);
    throw e;
  } finally {
    plain.fill(0);
  }
  const vault = await Vault._open(target, secrets, false);
  const formatted = formatRecoveryKey(recoveryKey);
  recoveryKey.fill(0);
  return { vault, recoveryKey: formatted };
}

function throwIfDamaged(env: Envelope): void {
  const damage = envelopeDamage(env);
  if (damage) throw new HuellaError('VAULT_CORRUPT', damage);
}

/** Unlocks a vault. Errors: VAULT_NOT_FOUND, VAULT_TOO_NEW, VAULT_CORRUPT, WRONG_PASSPHRASE, WRONG_RECOVERY_KEY. */
export async function openVault(dir: string, unlock: Unlock): Promise<Vault> {
  const target = path.resolve(dir);
  const header = readVaultHeader(path.join(target, VAULT_FILES.header));
  let secretsBytes: Buffer;
  if ('passphrase' in unlock) {
    const env = header.envelopes.find((e) => e.method === 'passphrase');
    if (!env || env.kdf.alg !== 'argon2id13') throw new HuellaError('VAULT_CORRUPT', 'vault.json has no passphrase envelope.');
    throwIfDamaged(env); // before the key derivation: its cost comes from the possibly damaged fields
    const kek = await derivePassphraseKek(unlock.passphrase, env.kdf);
    try {
      secretsBytes = await openEnvelope(env, kek);
    } finally {
      kek.fill(0);
    }
  } else {
    const key = parseRecoveryKey(unlock.recoveryKey);
    const env = header.envelopes.find((e) => e.method === 'recovery');
    if (!env || env.kdf.alg !== 'hkdf-sha256') throw new HuellaError('VAULT_CORRUPT', 'vault.json has no recovery-key envelope.');
    throwIfDamaged(env);
    const kek = deriveRecoveryKek(key, env.kdf);
    try {
      secretsBytes = await openEnvelope(env, kek);
    } finally {
      kek.fill(0);
      key.fill(0);
    }
  }
  let secrets: VaultSecrets;
  try {
    secrets = deserializeSecrets(secretsBytes);
  } finally {
    secretsBytes.fill(0);
  }
  try {
    return await Vault._open(target, secrets, false);
  } catch (e) {
    zeroSecrets(secrets);
    throw e;
  }
}
