/**
 * An offline witness's folder (DESIGN §9). No vault, no database: a few small files, each replaced atomically
 * (temp file, fsync, rename, fsync of the folder), so a crash leaves the old state or the new one, never a torn file.
 *
 *   <dir>/witness.key        PRIVATE+KEY+<name>+<key ID>+base64(0x04 ‖ Ed25519 seed)   (mode 0600; the form of
 *                            Go's sumdb/note signer keys, which transparency-dev/formats reads as a cosigner key)
 *   <dir>/witness.vkey       <name>+<key ID>+base64(0x04 ‖ public key): what the witness gives to documenters
 *   <dir>/logs/<id>.json     per log origin (id = first 16 bytes of SHA-256(origin), hex): the pinned log key, and
 *                            the last checkpoint this witness cosigned (size, root, time, the note itself)
 *   <dir>/refused/…          every refused request that carried a valid log signature, kept as evidence (a fork
 *                            signed by the log's own key proves the log's history was rewritten)
 *   <dir>/.lock              held while a cosign runs: checking the old size and saving the new state are one step
 *
 * The private key is protected only by the file's mode: keep the folder on an encrypted disk.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HuellaError, fromSystemError } from '../errors';
import { decodeBase64Strict, encodeBase64 } from '../custody/base64';
import { COSIGNATURE_V1_TYPE, cosignerKeyHash, cosignerVerifierKey } from '../custody/cosignature';
import { ED25519_SEED_BYTES, ed25519KeyPairFromSeed } from '../custody/ed25519';
import { isValidKeyName } from '../custody/note';
import { writeFileAtomicSync } from '../fs/durable';

export const WITNESS_FILES = { key: 'witness.key', vkey: 'witness.vkey', logs: 'logs', refused: 'refused', lock: '.lock' } as const;
export const WITNESS_LOG_FORMAT = 'huella-witness-log/1';

export type WitnessKey = { readonly name: string; readonly seed: Buffer; readonly publicKey: Buffer; readonly verifierKey: string };

export type WitnessLogState = {
  readonly format: typeof WITNESS_LOG_FORMAT;
  readonly origin: string;
  /** The log's signed-note verifier key, pinned the first time this witness saw the log. */
  readonly logKey: string;
  readonly pinnedAt: string;
  /** The last checkpoint this witness cosigned. */
  readonly size: number;
  readonly rootHash: string;
  readonly cosignedAt: number;
  readonly checkpoint: string;
};

function readUtf8(file: string, what: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    throw fromSystemError(e, `reading the witness's ${what}`);
  }
}

export function formatWitnessSecretKey(name: string, seed: Uint8Array): string {
  const { publicKey } = ed25519KeyPairFromSeed(seed);
  return `PRIVATE+KEY+${name}+${cosignerKeyHash(name, publicKey).toString('hex')}+${encodeBase64(Buffer.concat([Buffer.from([COSIGNATURE_V1_TYPE]), seed]))}`;
}

export function parseWitnessSecretKey(text: string): WitnessKey {
  const bad = (why: string): HuellaError => new HuellaError('FORMAT_INVALID', `The witness key file is damaged: ${why}.`);
  const parts = text.trim().split('+');
  if (parts.length < 5 || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') throw bad('it does not start with PRIVATE+KEY+');
  const name = parts[2]!;
  if (!isValidKeyName(name)) throw bad('the witness name is invalid');
  const key = decodeBase64Strict(parts.slice(4).join('+'), 'The witness key');
  if (key.length !== 1 + ED25519_SEED_BYTES || key[0] !== COSIGNATURE_V1_TYPE) throw bad('it is not an Ed25519 cosignature key (type 0x04)');
  const seed = Buffer.from(key.subarray(1));
  const { publicKey } = ed25519KeyPairFromSeed(seed);
  if (cosignerKeyHash(name, publicKey).toString('hex') !== parts[3]) throw bad('its key ID does not match the key');
  return { name, seed, publicKey, verifierKey: cosignerVerifierKey(name, publicKey) };
}

/** Makes a new witness key in `dir` (created if needed). Refuses to replace an existing one. */
export function initWitness(dir: string, name: string): WitnessKey {
  if (!isValidKeyName(name)) throw new HuellaError('INVALID_INPUT', 'A witness name must be one word without spaces or "+" (e.g. "witness.example.org/lawyer").');
  try {
    fs.mkdirSync(path.join(dir, WITNESS_FILES.logs), { recursive: true, mode: 0o700 });
    fs.mkdirSync(path.join(dir, WITNESS_FILES.refused), { recursive: true, mode: 0o700 });
  } catch (e) {
    throw fromSystemError(e, 'creating the witness folder');
  }
  if (fs.existsSync(path.join(dir, WITNESS_FILES.key))) {
    throw new HuellaError('CONFLICT', 'This folder already holds a witness key; a witness keeps one key for good (documenters pinned it). Use another folder for a new witness.');
  }
  const seed = crypto.randomBytes(ED25519_SEED_BYTES);
  const secret = formatWitnessSecretKey(name, seed);
  const key = parseWitnessSecretKey(secret);
  try {
    writeFileAtomicSync(path.join(dir, WITNESS_FILES.key), `${secret}\n`, 0o600);
    writeFileAtomicSync(path.join(dir, WITNESS_FILES.vkey), `${key.verifierKey}\n`, 0o644);
  } catch (e) {
    throw fromSystemError(e, 'writing the witness key');
  }
  return key;
}

export function loadWitnessKey(dir: string): WitnessKey {
  const text = readUtf8(path.join(dir, WITNESS_FILES.key), 'key');
  if (text === undefined) throw new HuellaError('NOT_FOUND', `No witness key in ${dir}; create one with "huella witness init ${dir}".`);
  return parseWitnessSecretKey(text);
}

/** The file name of a log's state: the origin is free text, so it never becomes a path itself. */
export function logStateId(origin: string): string {
  return crypto.createHash('sha256').update(origin, 'utf8').digest('hex').slice(0, 32);
}

/** A log's state file, checked: a damaged one stops the witness (nothing is cosigned against a state it cannot read). */
function parseLogState(text: string, origin: string | undefined, file: string): WitnessLogState {
  const where = origin ?? file;
  let s: WitnessLogState;
  try {
    s = JSON.parse(text) as WitnessLogState;
  } catch {
    throw new HuellaError('FORMAT_INVALID', `The witness's state for ${where} is damaged (not JSON); restore it from a backup. Nothing was cosigned.`);
  }
  if (
    s === null ||
    typeof s !== 'object' ||
    s.format !== WITNESS_LOG_FORMAT ||
    typeof s.origin !== 'string' ||
    (origin !== undefined && s.origin !== origin) ||
    (origin === undefined && path.basename(file) !== `${logStateId(s.origin)}.json`) ||
    !Number.isSafeInteger(s.size) ||
    !Number.isSafeInteger(s.cosignedAt) ||
    typeof s.logKey !== 'string' ||
    typeof s.rootHash !== 'string'
  ) {
    throw new HuellaError('FORMAT_INVALID', `The witness's state for ${where} is damaged or of an unknown format; nothing was cosigned.`);
  }
  return s;
}

export function readLogState(dir: string, origin: string): WitnessLogState | undefined {
  const file = path.join(dir, WITNESS_FILES.logs, `${logStateId(origin)}.json`);
  const text = readUtf8(file, 'state of this log');
  return text === undefined ? undefined : parseLogState(text, origin, file);
}

/** Every log this witness follows, each state file checked as for a cosign. */
export function listLogStates(dir: string): WitnessLogState[] {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(dir, WITNESS_FILES.logs)).filter((n) => /^[0-9a-f]{32}\.json$/.test(n));
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return [];
    throw fromSystemError(e, "reading the witness's logs folder");
  }
  return names
    .map((n) => {
      const file = path.join(dir, WITNESS_FILES.logs, n);
      return parseLogState(readUtf8(file, 'state of a log') ?? '', undefined, file);
    })
    .sort((a, b) => a.origin.localeCompare(b.origin));
}

export function writeLogState(dir: string, state: WitnessLogState): void {
  try {
    writeFileAtomicSync(path.join(dir, WITNESS_FILES.logs, `${logStateId(state.origin)}.json`), `${JSON.stringify(state, null, 2)}\n`, 0o600);
  } catch (e) {
    throw fromSystemError(e, "saving the witness's state (nothing was cosigned)");
  }
}

/** Keeps a refused request that the log itself signed: evidence of a rolled-back or forked log. */
export function keepRefused(dir: string, origin: string, time: number, request: string, reason: string): string {
  const file = path.join(dir, WITNESS_FILES.refused, `${time}-${logStateId(origin).slice(0, 12)}-${crypto.randomBytes(3).toString('hex')}.txt`);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileAtomicSync(file, `# refused: ${reason}\n${request}`, 0o600);
  } catch {
    // Keeping evidence is best effort: the refusal itself must still be reported.
  }
  return file;
}

/** Runs `fn` holding the witness's lock file, so two cosigns never interleave their check and their save. */
export function withWitnessLock<T>(dir: string, fn: () => T): T {
  const lock = path.join(dir, WITNESS_FILES.lock);
  let fd: number;
  try {
    fd = fs.openSync(lock, 'wx', 0o600);
  } catch (e) {
    if ((e as { code?: string }).code === 'EEXIST') {
      throw new HuellaError('CONFLICT', `Another cosign is running on this witness folder (or one was interrupted: if none is running, delete ${lock}).`);
    }
    throw fromSystemError(e, 'locking the witness folder');
  }
  try {
    return fn();
  } finally {
    fs.closeSync(fd);
    fs.rmSync(lock, { force: true });
  }
}

export function rootHashText(root: Uint8Array): string {
  return encodeBase64(root);
}
