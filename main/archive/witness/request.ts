/**
 * What a documenter hands to an offline witness (a file, or the same text in a QR code), and how the witness reads
 * it. The core is the request body of C2SP tlog-witness `add-checkpoint` (https://c2sp.org/tlog-witness):
 *
 *   old <size of the last checkpoint this witness cosigned for the log, 0 if none>
 *   <base64 hash>            zero to 63 lines: RFC 6962 / 9162 consistency proof from that size to the new one
 *   <blank line>
 *   <the log's signed checkpoint note>
 *
 * Huella's request puts two lines in front, because an offline witness has no configuration for the log yet and
 * pins the log's key on first use:
 *
 *   huella-witness-request/1
 *   log-key <the log's signed-note verifier key>
 *   <the add-checkpoint body above>
 *
 * The witness also accepts a bare add-checkpoint body (the key then comes from its pinned state or --log-key), or a
 * bare checkpoint note with the "old N + hashes" lines in a separate proof file.
 */
import { HuellaError } from '../errors';
import { decodeBase64Strict, encodeBase64 } from '../custody/base64';
import { HASH_BYTES } from '../custody/merkle';

export const WITNESS_REQUEST_HEADER = 'huella-witness-request/1';
/** tlog-witness: "The client MUST NOT send more than 63 consistency proof lines." */
export const MAX_CONSISTENCY_LINES = 63;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

export type WitnessRequest = {
  /** The log's verifier key, when the request carries it. */
  readonly logKey?: string;
  readonly oldSize: number;
  readonly proof: readonly Buffer[];
  /** The log's signed checkpoint note, verbatim. */
  readonly checkpoint: string;
};

function malformed(why: string): HuellaError {
  return new HuellaError('FORMAT_INVALID', `This witness request is malformed: ${why}.`);
}

/** The proof head: "old N" and the hash lines, each ending in a newline. */
export function formatConsistencyHead(oldSize: number, proof: readonly Uint8Array[]): string {
  if (!Number.isSafeInteger(oldSize) || oldSize < 0) throw new HuellaError('INVALID_INPUT', 'The old size must be a whole number ≥ 0.');
  if (proof.length > MAX_CONSISTENCY_LINES) throw new HuellaError('INVALID_INPUT', `A consistency proof has at most ${MAX_CONSISTENCY_LINES} hashes.`);
  return [`old ${oldSize}`, ...proof.map(encodeBase64)].map((l) => `${l}\n`).join('');
}

export function formatAddCheckpointBody(oldSize: number, proof: readonly Uint8Array[], checkpoint: string): string {
  return `${formatConsistencyHead(oldSize, proof)}\n${checkpoint}`;
}

export function formatWitnessRequest(r: WitnessRequest & { readonly logKey: string }): string {
  if (/\s/.test(r.logKey)) throw new HuellaError('INVALID_INPUT', 'The log key must be one word.');
  return `${WITNESS_REQUEST_HEADER}\nlog-key ${r.logKey}\n${formatAddCheckpointBody(r.oldSize, r.proof, r.checkpoint)}`;
}

/** Parses "old N" and the hash lines (a proof file, or the head of an add-checkpoint body). */
export function parseConsistencyHead(lines: readonly string[]): { oldSize: number; proof: Buffer[] } {
  const first = lines[0];
  if (first === undefined || !first.startsWith('old ')) throw malformed('the first line must be "old N" (the size of the last checkpoint this witness cosigned)');
  const n = first.slice(4);
  if (!DECIMAL.test(n) || !Number.isSafeInteger(Number(n))) throw malformed('the old size is not a decimal number without leading zeroes');
  const hashes = lines.slice(1);
  if (hashes.length > MAX_CONSISTENCY_LINES) throw malformed(`it has more than ${MAX_CONSISTENCY_LINES} consistency proof lines`);
  return { oldSize: Number(n), proof: hashes.map((h, i) => decodeBase64Strict(h, `Consistency proof line ${i + 1}`, HASH_BYTES)) };
}

/** A proof file given apart from the checkpoint: "old N" then hash lines (a trailing blank line is allowed). */
export function parseConsistencyFile(text: string): { oldSize: number; proof: Buffer[] } {
  if (text.includes('\r')) throw malformed('it has Windows line endings (CR LF); use LF only');
  const lines = text.split('\n');
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return parseConsistencyHead(lines);
}

/**
 * Reads what the witness was handed: a Huella request, a tlog-witness add-checkpoint body, or a bare checkpoint
 * note (then `separateProof` gives the old size and proof; without it, old size 0 and no proof).
 */
export function parseWitnessRequest(text: string, separateProof?: { oldSize: number; proof: Buffer[] }): WitnessRequest {
  if (text.includes('\r')) throw malformed('it has Windows line endings (CR LF); the file was probably re-saved by an editor. Use the file exactly as Huella wrote it');
  let rest = text;
  let logKey: string | undefined;
  if (rest.startsWith(`${WITNESS_REQUEST_HEADER}\n`)) {
    rest = rest.slice(WITNESS_REQUEST_HEADER.length + 1);
    const nl = rest.indexOf('\n');
    const keyLine = nl < 0 ? '' : rest.slice(0, nl);
    if (!keyLine.startsWith('log-key ') || keyLine.length <= 'log-key '.length) throw malformed('the second line must be "log-key <verifier key>"');
    logKey = keyLine.slice('log-key '.length);
    rest = rest.slice(nl + 1);
  } else if (rest.startsWith('huella-witness-request/')) {
    throw malformed(`it was written by a newer Huella (${rest.slice(0, rest.indexOf('\n'))}); update Huella to read it`);
  }
  if (rest.startsWith('old ')) {
    if (separateProof) throw malformed('it already carries a consistency proof; do not give --proof as well');
    const blank = rest.indexOf('\n\n');
    if (blank < 0) throw malformed('there is no blank line between the consistency proof and the checkpoint');
    const head = parseConsistencyHead(rest.slice(0, blank).split('\n'));
    return { ...(logKey ? { logKey } : {}), ...head, checkpoint: rest.slice(blank + 2) };
  }
  if (logKey) throw malformed('the "old N" line is missing after the log key');
  // A bare checkpoint without a proof is a first contact (old size 0); for a log the witness already follows, the
  // size check then asks for the proof from the size it last cosigned.
  return { ...(separateProof ?? { oldSize: 0, proof: [] }), checkpoint: rest };
}
