/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the signed tree head of the custody log, a signed note
 * (./note.ts) whose text is
 *
 *   <origin>\n            huella/<vault id> in Huella; non-empty
 *   <tree size>\n         ASCII decimal, no leading zeroes
 *   <base64 root hash>\n  RFC 6962 / 9162 root of the tree of that size, 32 bytes
 *   [<extension line>\n]  opaque, non-empty, NOT RECOMMENDED (we write none, we parse them)
 *
 * In Huella the signing key's name equals the origin (the spec's SHOULD), so verifyCheckpoint insists on it unless
 * told which origin to expect.
 */
import { HuellaError } from '../errors';
import { decodeBase64Strict, encodeBase64 } from './base64';
import { HASH_BYTES } from './merkle';
import { findControlCharacter, openNote, signNote, type NoteSignature, type NoteVerifier } from './note';

export type CheckpointBody = {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Buffer;
  readonly extensions: readonly string[];
};

export type CheckpointInput = {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly extensions?: readonly string[];
};

export type VerifiedCheckpoint = CheckpointBody & {
  /** The signed note's text, byte for byte. */
  readonly text: string;
  readonly signature: NoteSignature;
  readonly otherSignatures: readonly NoteSignature[];
};

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

function isLine(s: string): boolean {
  return s.length > 0 && !s.includes('\n') && findControlCharacter(s) < 0 && !LONE_SURROGATE.test(s);
}

/** The note text of a checkpoint. Throws INVALID_INPUT for anything the spec would not let us parse back. */
export function formatCheckpointBody(input: CheckpointInput): string {
  if (!isLine(input.origin)) throw new HuellaError('INVALID_INPUT', 'A checkpoint origin must be one non-empty line without control characters.');
  if (!Number.isSafeInteger(input.size) || input.size < 0) throw new HuellaError('INVALID_INPUT', `A checkpoint tree size must be a whole number ≥ 0, got ${String(input.size)}.`);
  if (input.rootHash.length !== HASH_BYTES) throw new HuellaError('INVALID_INPUT', `A checkpoint root hash must be ${HASH_BYTES} bytes.`);
  const extensions = input.extensions ?? [];
  if (!extensions.every(isLine)) throw new HuellaError('INVALID_INPUT', 'Checkpoint extension lines must be non-empty, without control characters.');
  return [input.origin, String(input.size), encodeBase64(input.rootHash), ...extensions].map((l) => `${l}\n`).join('');
}

/** Parses a checkpoint's note text strictly; throws FORMAT_INVALID naming the line at fault. */
export function parseCheckpointBody(text: string): CheckpointBody {
  const bad = (why: string): HuellaError => new HuellaError('FORMAT_INVALID', `This checkpoint is malformed: ${why}.`);
  if (!text.endsWith('\n')) throw bad('its text does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw bad('it needs an origin, a tree size and a root hash, one per line');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (!isLine(origin)) throw bad('line 1 (origin) is empty or has control characters');
  if (!DECIMAL.test(sizeText)) throw bad('line 2 (tree size) is not a decimal number without leading zeroes');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw bad('line 2 (tree size) is too large');
  const rootHash = decodeBase64Strict(rootText, 'Line 3 (root hash) of the checkpoint', HASH_BYTES);
  extensions.forEach((e, i) => {
    if (!isLine(e)) throw bad(`line ${4 + i} (extension) is empty or has control characters`);
  });
  return { origin, size, rootHash, extensions };
}

/** Signs a checkpoint body (formatCheckpointBody's output) as a signed note under `keyName`. */
export function signCheckpoint(body: string, keyName: string, seed: Uint8Array): string {
  parseCheckpointBody(body); // never sign something we would refuse to read
  return signNote(body, keyName, seed);
}

/**
 * Opens a signed checkpoint: note signature by `verifier`, strict body, and origin = `expectedOrigin` (by default
 * the key name, Huella's convention). A wrong origin is VERIFY_FAILED: a genuine checkpoint of another log.
 */
export function verifyCheckpoint(note: string | Uint8Array, verifier: NoteVerifier, expectedOrigin: string = verifier.name): VerifiedCheckpoint {
  const opened = openNote(note, verifier);
  const body = parseCheckpointBody(opened.text);
  if (body.origin !== expectedOrigin) {
    throw new HuellaError('VERIFY_FAILED', `This checkpoint belongs to another log (origin "${body.origin}", expected "${expectedOrigin}").`);
  }
  return { ...body, text: opened.text, signature: opened.signature, otherSignatures: opened.otherSignatures };
}
