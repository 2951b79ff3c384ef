/**
 * C2SP tlog-proof v1 (https://c2sp.org/tlog-proof), the offline inclusion proof shipped in packets
 * (custody/proofs/*.tlog-proof, DESIGN §5/§6):
 *
 *   c2sp.org/tlog-proof@v1
 *   [extra <base64 opaque data>]   optional, unauthenticated
 *   index <decimal, no leading zeroes>
 *   <base64 hash>                  zero or more: RFC 6962 inclusion path, leaf's sibling first
 *   <blank line>
 *   <signed checkpoint note, verbatim>
 *
 * The proven entry (the custody event's canonical bytes) travels beside the proof; its leaf hash is
 * SHA-256(0x00 ‖ entry). The JSON form (`--json`) carries the same content: { index, proof, checkpoint, extra? }.
 */
import { HuellaError } from '../errors';
import { decodeBase64Strict, encodeBase64 } from './base64';
import { verifyCheckpoint, type VerifiedCheckpoint } from './checkpoint';
import { HASH_BYTES, leafHash, verifyInclusion, type NodeHashMemo } from './merkle';
import type { NoteVerifier } from './note';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
export const TLOG_PROOF_EXTENSION = '.tlog-proof';
/** A tree of 2^53 leaves has 53 levels; anything longer is not a proof. */
const MAX_PROOF_HASHES = 64;
const DECIMAL = /^(0|[1-9][0-9]*)$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export type TlogProof = {
  readonly index: number;
  readonly proof: readonly Buffer[];
  /** The signed checkpoint note, verbatim (ends with a newline). */
  readonly checkpoint: string;
  readonly extra?: Buffer;
};

export type TlogProofInput = {
  readonly index: number;
  readonly proof: readonly Uint8Array[];
  readonly checkpoint: string;
  readonly extra?: Uint8Array;
};

export type TlogProofJson = {
  readonly index: number;
  readonly proof: readonly string[];
  readonly checkpoint: string;
  readonly extra?: string;
};

function malformed(why: string): HuellaError {
  return new HuellaError('FORMAT_INVALID', `This .tlog-proof is malformed: ${why}.`);
}

function checkInput(p: TlogProofInput, fail: (why: string) => HuellaError): void {
  if (!Number.isSafeInteger(p.index) || p.index < 0) throw fail('the index must be a whole number ≥ 0');
  if (p.proof.length > MAX_PROOF_HASHES) throw fail(`it has more than ${MAX_PROOF_HASHES} proof hashes`);
  p.proof.forEach((h, i) => {
    if (h.length !== HASH_BYTES) throw fail(`proof hash ${i + 1} is not ${HASH_BYTES} bytes`);
  });
  if (!p.checkpoint.endsWith('\n') || !p.checkpoint.includes('\n\n')) throw fail('the checkpoint is not a signed note');
}

/** The text form. Throws INVALID_INPUT if the parts could not be parsed back. */
export function formatTlogProof(p: TlogProofInput): string {
  checkInput(p, (why) => new HuellaError('INVALID_INPUT', `Cannot write a .tlog-proof: ${why}.`));
  const lines = [TLOG_PROOF_HEADER];
  if (p.extra !== undefined) lines.push(`extra ${encodeBase64(p.extra)}`);
  lines.push(`index ${p.index}`, ...p.proof.map(encodeBase64), '');
  return `${lines.join('\n')}\n${p.checkpoint}`;
}

/**
 * Proof hashes already decoded, by their base64 line: a packet's proofs repeat the same upper siblings, and a
 * canonical line always decodes to the same bytes. Holds only lines that decoded; the caller owns the map.
 */
export type ProofHashCache = Map<string, Buffer>;

function proofHash(line: string, n: number, cache: ProofHashCache | undefined): Buffer {
  const hit = cache?.get(line);
  if (hit !== undefined) return hit;
  const h = decodeBase64Strict(line, `Proof hash ${n} of the .tlog-proof`, HASH_BYTES);
  cache?.set(line, h);
  return h;
}

/**
 * Parses the text form strictly (canonical base64, exact header, blank line before the checkpoint). With `cache`, the
 * proof's hashes may be Buffers shared with other proofs parsed with the same cache: read them, never change them.
 */
export function parseTlogProof(input: string | Uint8Array, cache?: ProofHashCache): TlogProof {
  let text: string;
  try {
    text = typeof input === 'string' ? input : UTF8.decode(input);
  } catch {
    throw malformed('it is not valid UTF-8');
  }
  let pos = 0;
  const nextLine = (): string | undefined => {
    const end = text.indexOf('\n', pos);
    if (end < 0) return undefined;
    const line = text.slice(pos, end);
    pos = end + 1;
    return line;
  };
  const header = nextLine();
  if (header !== TLOG_PROOF_HEADER) {
    throw malformed(header?.replace(/\r$/, '') === TLOG_PROOF_HEADER ? 'it has Windows line endings (CR LF); the format uses LF only' : `the first line must be "${TLOG_PROOF_HEADER}"`);
  }
  let line = nextLine();
  let extra: Buffer | undefined;
  if (line?.startsWith('extra ')) {
    extra = decodeBase64Strict(line.slice('extra '.length), 'The extra data of the .tlog-proof');
    line = nextLine();
  }
  if (line === undefined || !line.startsWith('index ')) throw malformed('the "index N" line is missing');
  const indexText = line.slice('index '.length);
  if (!DECIMAL.test(indexText) || !Number.isSafeInteger(Number(indexText))) throw malformed('the index is not a decimal number without leading zeroes');
  const proof: Buffer[] = [];
  for (line = nextLine(); line !== undefined && line !== ''; line = nextLine()) {
    if (proof.length === MAX_PROOF_HASHES) throw malformed(`it has more than ${MAX_PROOF_HASHES} proof hashes`);
    proof.push(proofHash(line, proof.length + 1, cache));
  }
  if (line === undefined) throw malformed('there is no blank line before the checkpoint');
  const checkpoint = text.slice(pos);
  const result: TlogProof = { index: Number(indexText), proof, checkpoint, ...(extra !== undefined ? { extra } : {}) };
  checkInput(result, malformed);
  return result;
}

export function tlogProofToJson(p: TlogProofInput): TlogProofJson {
  checkInput(p, (why) => new HuellaError('INVALID_INPUT', `Cannot write a .tlog-proof: ${why}.`));
  return { index: p.index, proof: p.proof.map(encodeBase64), checkpoint: p.checkpoint, ...(p.extra !== undefined ? { extra: encodeBase64(p.extra) } : {}) };
}

/** Reads the JSON form; unknown fields and wrong types are FORMAT_INVALID (it is our own format). */
export function tlogProofFromJson(json: unknown): TlogProof {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw malformed('the JSON is not an object');
  const o = json as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !['index', 'proof', 'checkpoint', 'extra'].includes(k));
  if (unknown.length > 0) throw malformed(`unknown JSON field "${unknown[0]!.slice(0, 40)}"`);
  if (typeof o.index !== 'number') throw malformed('"index" must be a number');
  if (!Array.isArray(o.proof) || !o.proof.every((x) => typeof x === 'string')) throw malformed('"proof" must be a list of base64 strings');
  if (typeof o.checkpoint !== 'string') throw malformed('"checkpoint" must be a string');
  if (o.extra !== undefined && typeof o.extra !== 'string') throw malformed('"extra" must be a base64 string');
  if ((o.proof as string[]).length > MAX_PROOF_HASHES) throw malformed(`it has more than ${MAX_PROOF_HASHES} proof hashes`);
  const result: TlogProof = {
    index: o.index,
    proof: (o.proof as string[]).map((h, i) => decodeBase64Strict(h, `Proof hash ${i + 1} of the .tlog-proof`, HASH_BYTES)),
    checkpoint: o.checkpoint,
    ...(typeof o.extra === 'string' ? { extra: decodeBase64Strict(o.extra, 'The extra data of the .tlog-proof') } : {}),
  };
  checkInput(result, malformed);
  return result;
}

export type VerifiedTlogProof = { readonly index: number; readonly checkpoint: VerifiedCheckpoint; readonly extra?: Buffer };

/**
 * Full offline check of a proof for `entry` (the logged bytes): checkpoint signature by `verifier` and origin
 * (see verifyCheckpoint), then RFC 9162 inclusion of SHA-256(0x00 ‖ entry) at the index. Inclusion failure is
 * VERIFY_FAILED; the extra data, being unauthenticated, is returned but never trusted here.
 */
export function verifyTlogProof(proof: TlogProof | string | Uint8Array, entry: Uint8Array, verifier: NoteVerifier, expectedOrigin?: string): VerifiedTlogProof {
  const p = typeof proof === 'string' || proof instanceof Uint8Array ? parseTlogProof(proof) : proof;
  return verifyTlogProofAgainst(p, entry, verifyCheckpoint(p.checkpoint, verifier, expectedOrigin));
}

/**
 * The inclusion part of verifyTlogProof, against `checkpoint` already verified by the caller (a packet's proofs all
 * carry the same checkpoint: its signature is checked once, not once per event). The caller must have checked that
 * `p.checkpoint` is the text of `checkpoint`.
 */
export function verifyTlogProofAgainst(p: TlogProof, entry: Uint8Array, checkpoint: VerifiedCheckpoint, memo?: NodeHashMemo): VerifiedTlogProof {
  if (p.index >= checkpoint.size) {
    throw new HuellaError('VERIFY_FAILED', `The proof is for entry ${p.index} but the checkpoint covers only ${checkpoint.size} entries.`);
  }
  if (!verifyInclusion(leafHash(entry), p.index, checkpoint.size, p.proof, checkpoint.rootHash, memo)) {
    throw new HuellaError('VERIFY_FAILED', `The entry is not in the signed log at index ${p.index}: the entry, the proof or the index was altered.`);
  }
  return { index: p.index, checkpoint, ...(p.extra !== undefined ? { extra: p.extra } : {}) };
}
