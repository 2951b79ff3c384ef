/**
 * The offline witness's one decision (DESIGN §9), following the checks of C2SP tlog-witness add-checkpoint
 * (https://c2sp.org/tlog-witness) without the network:
 *
 *  1. the checkpoint is signed by the log's key: the key pinned the first time this witness saw the log (trust on
 *     first use, reported so the witness can compare the fingerprint with the documenter by another channel);
 *  2. it is not older than the last checkpoint this witness cosigned for the log (a log never shrinks);
 *  3. the request's old size is the size this witness last cosigned (else it says which size to ask for);
 *  4. the RFC 9162 consistency proof from that checkpoint to the new one holds; at the same size, the roots are equal.
 *     Otherwise the log's history was rewritten after the witness saw it: a fork, refused and kept as evidence;
 *  5. then it signs a cosignature/v1 with the current time and saves the new state, in that order, under a lock.
 */
import { HuellaError } from '../errors';
import { cosignCheckpointText, appendSignatureLines, keyFingerprint } from '../custody/cosignature';
import { parseCheckpointBody, verifyCheckpoint } from '../custody/checkpoint';
import { decodeBase64Strict } from '../custody/base64';
import { verifyConsistency } from '../custody/merkle';
import { parseVerifierKey } from '../custody/note';
import { parseConsistencyFile, parseWitnessRequest } from './request';
import { keepRefused, loadWitnessKey, readLogState, rootHashText, withWitnessLock, writeLogState, WITNESS_LOG_FORMAT, type WitnessLogState } from './state';

export type CosignOptions = {
  /** A proof file given apart from a bare checkpoint ("old N" + hash lines). */
  readonly proofText?: string;
  /** The log's verifier key, when the request does not carry it (first use only). */
  readonly logKey?: string;
  readonly now?: Date;
};

export type CosignResult = {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: string;
  /** Seconds since the epoch, as signed. */
  readonly timestamp: number;
  /** True when this was the first checkpoint of this log: its key was pinned now. */
  readonly firstUse: boolean;
  readonly logKey: string;
  readonly logKeyFingerprint: string;
  /** The checkpoint this one was checked against. */
  readonly previous?: { readonly size: number; readonly rootHash: string; readonly cosignedAt: number };
  readonly witness: { readonly name: string; readonly verifierKey: string; readonly fingerprint: string };
  /** The cosignature line (C2SP tlog-witness response body, without the newline). */
  readonly signatureLine: string;
  /** The log's checkpoint with the cosignature appended: what goes back to the documenter. */
  readonly cosignedCheckpoint: string;
};

function dateOf(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

function refuse(code: 'CONFLICT' | 'VERIFY_FAILED' | 'INVALID_INPUT', reason: string, message: string, details: Record<string, string | number | boolean> = {}): HuellaError {
  return new HuellaError(code, message, { details: { reason, ...details } });
}

type Request = ReturnType<typeof parseWitnessRequest>;
type Checkpoint = ReturnType<typeof verifyCheckpoint>;
type KeepEvidence = (reason: string) => string;

export function cosignRequest(dir: string, requestText: string, options: CosignOptions = {}): CosignResult {
  const request = parseWitnessRequest(requestText, options.proofText !== undefined ? parseConsistencyFile(options.proofText) : undefined);
  const blank = request.checkpoint.lastIndexOf('\n\n');
  if (blank < 0) throw new HuellaError('FORMAT_INVALID', 'The checkpoint in this request is not a signed note.');
  const body = parseCheckpointBody(request.checkpoint.slice(0, blank + 1));
  const key = loadWitnessKey(dir);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);

  return withWitnessLock(dir, () => {
    const state = readLogState(dir, body.origin);
    const { logKey, verifier } = pinnedLogKey(state, request.logKey ?? options.logKey, body.origin);
    // The signature first: nothing about sizes or roots is believed before the log's key vouches for it.
    const cp = verifyCheckpoint(request.checkpoint, verifier, body.origin);
    const evidence: KeepEvidence = (reason) => keepRefused(dir, cp.origin, now, requestText, reason);
    checkSizes(request, cp, state, evidence);
    checkConsistency(request, cp, state, evidence);

    const signatureLine = cosignCheckpointText(cp.text, key.name, key.seed, now);
    const next: WitnessLogState = {
      format: WITNESS_LOG_FORMAT,
      origin: cp.origin,
      logKey: state?.logKey ?? logKey.trim(),
      pinnedAt: state?.pinnedAt ?? dateOf(now),
      size: cp.size,
      rootHash: rootHashText(cp.rootHash),
      cosignedAt: now,
      checkpoint: request.checkpoint,
    };
    writeLogState(dir, next);
    return {
      origin: cp.origin,
      size: cp.size,
      rootHash: next.rootHash,
      timestamp: now,
      firstUse: state === undefined,
      logKey: next.logKey,
      logKeyFingerprint: keyFingerprint(verifier.publicKey),
      ...(state ? { previous: { size: state.size, rootHash: state.rootHash, cosignedAt: state.cosignedAt } } : {}),
      witness: { name: key.name, verifierKey: key.verifierKey, fingerprint: keyFingerprint(key.publicKey) },
      signatureLine,
      cosignedCheckpoint: appendSignatureLines(request.checkpoint, [signatureLine]),
    };
  });
}

/** Step 1: the log's key, pinned at first use; a request that names another one is refused. */
function pinnedLogKey(state: WitnessLogState | undefined, offered: string | undefined, origin: string): { logKey: string; verifier: ReturnType<typeof parseVerifierKey> } {
  const logKey = state?.logKey ?? offered;
  if (logKey === undefined) {
    throw refuse('INVALID_INPUT', 'unknown-log', `This witness has never seen the log ${origin}: give the log's key (the request file Huella writes carries it, or --log-key).`);
  }
  const verifier = parseVerifierKey(logKey);
  if (state && offered !== undefined && offered.trim() !== state.logKey) {
    throw refuse(
      'CONFLICT',
      'key-changed',
      `Refused: the log key in this request (fingerprint ${keyFingerprint(parseVerifierKey(offered).publicKey)}) is not the key this witness pinned for ${origin} on ${state.pinnedAt} (fingerprint ${keyFingerprint(verifier.publicKey)}). A log's key never changes; ask the documenter what happened before cosigning anything for it.`,
    );
  }
  return { logKey, verifier };
}

/** Steps 2 and 3: the checkpoint is not older than the last one cosigned, and the request starts from that size. */
function checkSizes(request: Request, cp: Checkpoint, state: WitnessLogState | undefined, evidence: KeepEvidence): void {
  if (request.oldSize > cp.size) {
    throw refuse('INVALID_INPUT', 'bad-request', `The request claims an old size (${request.oldSize}) larger than its checkpoint (${cp.size}); it is malformed.`);
  }
  if (state && cp.size < state.size) {
    const why = `checkpoint of size ${cp.size} is older than the one this witness cosigned on ${dateOf(state.cosignedAt)} (size ${state.size})`;
    const file = evidence(why);
    throw refuse(
      'CONFLICT',
      'older',
      `Refused: this ${why} for ${cp.origin}. A log only grows, so this is an old checkpoint handed over again, or the log was rolled back. Ask the documenter for a current one. (Kept as ${file}.)`,
      { lastSize: state.size, size: cp.size },
    );
  }
  const expectedOld = state?.size ?? 0;
  if (request.oldSize !== expectedOld) {
    throw refuse(
      'CONFLICT',
      'old-size',
      state
        ? `This witness last cosigned ${cp.origin} at size ${state.size} (on ${dateOf(state.cosignedAt)}), but the request proves consistency from size ${request.oldSize}. Ask the documenter for a request from size ${state.size}: huella log checkpoint <vault> --since ${state.size}.`
        : `This witness has never cosigned ${cp.origin}, so the request must start from size 0 (it starts from ${request.oldSize}). Ask the documenter for a request with --since 0.`,
      { lastSize: expectedOld },
    );
  }
}

/** Step 4: the new checkpoint extends the last one cosigned (equal roots at the same size); anything else is a fork, kept as evidence. */
function checkConsistency(request: Request, cp: Checkpoint, state: WitnessLogState | undefined, evidence: KeepEvidence): void {
  if (!state) {
    if (request.proof.length > 0) throw refuse('INVALID_INPUT', 'bad-request', 'A request from size 0 must carry no consistency proof (C2SP tlog-witness); this one does.');
    return;
  }
  const lastRoot = decodeBase64Strict(state.rootHash, "The witness's saved root hash", 32);
  const consistent =
    cp.size === state.size ? request.proof.length === 0 && lastRoot.equals(cp.rootHash) : verifyConsistency(state.size, cp.size, lastRoot, cp.rootHash, request.proof);
  if (consistent) return;
  const rootText = rootHashText(cp.rootHash);
  const why =
    cp.size === state.size
      ? `the checkpoint of size ${cp.size} has root ${rootText}, but at that size this witness cosigned root ${state.rootHash} on ${dateOf(state.cosignedAt)}`
      : `the checkpoint of size ${cp.size} (root ${rootText}) does not extend the checkpoint of size ${state.size} (root ${state.rootHash}) this witness cosigned on ${dateOf(state.cosignedAt)}: the consistency proof fails`;
  const file = evidence(`fork: ${why}`);
  throw refuse(
    'VERIFY_FAILED',
    'fork',
    `Refused: FORK of ${cp.origin}. ${why[0]!.toUpperCase()}${why.slice(1)}. Both are signed by the log's key, so its history was rewritten after this witness saw it (or the proof was damaged in transit: ask for the request again; if it fails again, the log was forked). Both checkpoints are evidence: this request was kept as ${file}.`,
    { lastSize: state.size, size: cp.size },
  );
}
