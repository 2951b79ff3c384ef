/**
 * The documenter's side of offline witnessing (DESIGN §9): the witnesses this vault trusts, the request handed to a
 * witness (./request.ts: the checkpoint and the consistency proof from the last size that witness
 * cosigned), and the cosignatures that come back, verified before they are stored beside their checkpoint.
 */
import type { AddCosignatureView, CosignedCheckpointView, WitnessView } from '../../../shared/api';
import { HuellaError, msg } from '../errors';
import {
  insertCosignature,
  insertWitness,
  lastCosignedSize,
  listCosignatures,
  listWitnesses,
  updateWitnessLabel,
  witnessByVerifierKey,
  type CosignatureRow,
  type WitnessRow,
} from '../db/witnesses';
import type { WritableDb } from '../db/open';
import type { CustodyLog } from '../custody/log';
import { formatWitnessRequest } from './request';
import { parseCheckpointBody } from '../custody/checkpoint';
import { appendSignatureLines, keyFingerprint, parseCosignerVerifierKey, verifyCosignatures, type ParsedCosignerKey } from '../custody/cosignature';
import { openNote, verifierKey, type NoteSignature } from '../custody/note';
import { decodeBase64Strict } from '../custody/base64';

/**
 * What this service needs of an unlocked vault (a `Vault` is one): the three members it uses. (It lived in custody/,
 * below vault/, where it could not import Vault; witness/ imports custody/, never the other way.)
 */
type Vault = { readonly store: WritableDb; readonly log: CustodyLog; transaction<T>(fn: () => T): T };

/** Cosignatures more than a day ahead of this computer's clock are refused (the spec lets verifiers do so). */
const MAX_FUTURE_SECONDS = 24 * 3600;

/** The contract's types (shared/api.ts): what the IPC and the CLI hand out is what this service returns. */
export type WitnessInfo = WitnessView;

export type CosignedCheckpoint = CosignedCheckpointView & { readonly checkpointId: number };

export type WitnessRequestOutput = {
  readonly text: string;
  readonly oldSize: number;
  readonly size: number;
  readonly origin: string;
  readonly witness?: { readonly name: string; readonly label: string };
};

export type AddCosignatureResult = AddCosignatureView;

function nowIso(): string {
  return new Date().toISOString();
}

function infoOf(vault: Vault, w: WitnessRow): WitnessInfo {
  const key = parseCosignerVerifierKey(w.verifierKey);
  const last = lastCosignedSize(vault.store, w.id);
  const signedAt = last === undefined ? undefined : Math.max(...listCosignatures(vault.store).filter((c) => c.witnessId === w.id && c.checkpointSize === last).map((c) => c.signedAt));
  return {
    id: w.id,
    name: w.name,
    label: w.label,
    verifierKey: w.verifierKey,
    fingerprint: keyFingerprint(key.publicKey),
    addedAt: w.addedAt,
    ...(last !== undefined && signedAt !== undefined ? { lastCosigned: { size: last, signedAt } } : {}),
  };
}

export function witnessesOf(vault: Vault): WitnessInfo[] {
  return listWitnesses(vault.store).map((w) => infoOf(vault, w));
}

/** Adds a witness key (or relabels a known one). The label stays in the vault; the key name travels with packets. */
export function addWitness(vault: Vault, keyText: string, label?: string): WitnessInfo {
  let key: ParsedCosignerKey;
  try {
    key = parseCosignerVerifierKey(keyText);
  } catch (e) {
    throw new HuellaError('FORMAT_INVALID', msg('problem.witness.badKey'), { cause: e });
  }
  const cleanLabel = (label ?? '').trim().slice(0, 200) || key.name;
  const row = vault.transaction(() => {
    const known = witnessByVerifierKey(vault.store, key.verifierKey);
    if (known) {
      if (label !== undefined && known.label !== cleanLabel) updateWitnessLabel(vault.store, known.id, cleanLabel);
      return { ...known, label: label !== undefined ? cleanLabel : known.label };
    }
    const w = insertWitness(vault.store, { name: key.name, verifierKey: key.verifierKey, label: cleanLabel, addedAt: nowIso() });
    vault.log.append('witness.added', null, { name: key.name, keyHash: key.keyHash.toString('hex') });
    return w;
  });
  return infoOf(vault, row);
}

function findWitness(vault: Vault, ref: string): WitnessRow {
  const all = listWitnesses(vault.store);
  const t = ref.trim();
  const byKey = t.includes('+') ? all.find((w) => w.verifierKey === parseCosignerVerifierKey(t).verifierKey) : undefined;
  const found = byKey ?? all.find((w) => String(w.id) === t || w.name === t || w.label === t);
  if (!found) throw new HuellaError('NOT_FOUND', `No witness "${t}" in this vault; add its key first (huella log witness add).`);
  return found;
}

/** The latest checkpoint, signing a new one if the log grew since the last. */
function currentCheckpoint(vault: Vault): { id: number; size: number; note: string } {
  const latest = vault.log.latestCheckpoint();
  if (latest && latest.size === vault.log.size()) return latest;
  return vault.log.writeCheckpoint('requested');
}

/**
 * What to hand to a witness: the current checkpoint and the consistency proof from `since` (explicit), or from the
 * last checkpoint the named witness cosigned (0 if none): that is the size the witness expects.
 */
export function witnessRequest(vault: Vault, options: { since?: number; witness?: string } = {}): WitnessRequestOutput {
  const w = options.witness !== undefined ? findWitness(vault, options.witness) : undefined;
  const cp = currentCheckpoint(vault);
  const oldSize = options.since ?? (w ? (lastCosignedSize(vault.store, w.id) ?? 0) : 0);
  if (!Number.isSafeInteger(oldSize) || oldSize < 0) throw new HuellaError('INVALID_INPUT', '--since must be a whole number ≥ 0.');
  if (oldSize > cp.size) throw new HuellaError('INVALID_INPUT', `The log has ${cp.size} events; a witness cannot have cosigned a size of ${oldSize}.`);
  const proof = oldSize === 0 ? [] : vault.log.consistencyProof(oldSize, cp.size);
  const text = formatWitnessRequest({ logKey: verifierKey(vault.log.origin, vault.log.publicKey), oldSize, proof, checkpoint: cp.note });
  return { text, oldSize, size: cp.size, origin: vault.log.origin, ...(w ? { witness: { name: w.name, label: w.label } } : {}) };
}

type Candidate = { id: number; size: number; note: string; text: string };

function checkpointCandidates(vault: Vault): Candidate[] {
  return vault.log
    .checkpoints()
    .reverse()
    .map((c) => ({ id: c.id, size: c.size, note: c.note, text: c.note.slice(0, c.note.lastIndexOf('\n\n') + 1) }));
}

function parseLines(block: string): NoteSignature[] {
  return block
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, i) => {
      const m = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!m) throw new HuellaError('FORMAT_INVALID', `Line ${i + 1} is not a signature line ("— <witness name> <base64>").`);
      const bytes = decodeBase64Strict(m[2]!, `The signature on line ${i + 1}`);
      if (bytes.length < 5) throw new HuellaError('FORMAT_INVALID', `The signature on line ${i + 1} is too short.`);
      return { name: m[1]!, keyHash: bytes.subarray(0, 4), signature: bytes.subarray(4) };
    });
}

type VerifiedCosignature = { readonly key: ParsedCosignerKey; readonly signedAt: number; readonly line: string; readonly checkpoint: Candidate };

/**
 * The signature lines of the input and, when it is a whole cosigned checkpoint, the one checkpoint of this vault
 * it must match (a checkpoint signed by this vault but not kept by it is refused).
 */
function readCosignatureInput(vault: Vault, input: string, candidates: readonly Candidate[]): { lines: NoteSignature[]; target: Candidate | undefined } {
  if (input.trimStart().startsWith('\u2014 ')) return { lines: parseLines(input), target: undefined };
  const opened = openNote(input, { name: vault.log.origin, publicKey: vault.log.publicKey });
  const body = parseCheckpointBody(opened.text);
  const target = candidates.find((c) => c.size === body.size && c.text === opened.text);
  if (!target) {
    throw new HuellaError('VERIFY_FAILED', `This checkpoint (size ${body.size}) is signed by this vault but is not one it kept; it cannot be matched. Was the vault restored from an older backup?`);
  }
  return { lines: [...opened.otherSignatures], target };
}

/** The lines by this vault's witnesses; a line by any other witness is refused, naming it. */
function ourWitnessLines(lines: readonly NoteSignature[], keys: readonly ParsedCosignerKey[]): NoteSignature[] {
  const ours = lines.filter((l) => keys.some((k) => k.name === l.name && k.keyHash.equals(l.keyHash)));
  const stranger = lines.find((l) => !ours.includes(l));
  if (stranger) {
    throw new HuellaError('NOT_FOUND', msg('problem.witness.unknownWitness', { witness: stranger.name, keyId: stranger.keyHash.toString('hex') }), { details: { witness: stranger.name } });
  }
  if (ours.length === 0) throw new HuellaError('FORMAT_INVALID', msg('problem.witness.noCosignature'));
  return ours;
}

/**
 * The checkpoint a line verifies on: the one it came with, else the first of this vault's checkpoints it signs.
 * A time more than MAX_FUTURE_SECONDS ahead of `now` is refused.
 */
function verifyLine(line: NoteSignature, keys: readonly ParsedCosignerKey[], target: Candidate | undefined, candidates: readonly Candidate[], now: Date): VerifiedCosignature {
  let match: VerifiedCosignature | undefined;
  for (const c of target ? [target] : candidates) {
    try {
      const [v] = verifyCosignatures(c.text, [line], keys);
      if (v) match = { checkpoint: c, signedAt: v.timestamp, line: v.line, key: v.cosigner };
    } catch (e) {
      if (target) throw e; // on the checkpoint it came with, a bad signature is an error, not a non-match
    }
    if (match) break;
  }
  if (!match) {
    throw new HuellaError('SIGNATURE_INVALID', msg('problem.witness.noMatch', { witness: line.name }), { details: { witness: line.name } });
  }
  if (match.signedAt > Math.floor(now.getTime() / 1000) + MAX_FUTURE_SECONDS) {
    throw new HuellaError('VERIFY_FAILED', msg('problem.witness.futureTime', { witness: line.name }), { details: { signedAt: match.signedAt } });
  }
  return match;
}

/** Stores the new cosignatures, each with its custody event, in one transaction; counts those already stored. */
function storeCosignatures(vault: Vault, verified: readonly VerifiedCosignature[], witnesses: readonly WitnessRow[], now: Date): Omit<AddCosignatureResult, 'checkpointSize'> {
  const addedAt = now.toISOString();
  let alreadyKnown = 0;
  const added = vault.transaction(() => {
    const out: AddCosignatureResult['added'][number][] = [];
    for (const v of verified) {
      const w = witnesses.find((x) => x.verifierKey === v.key.verifierKey)!;
      if (!insertCosignature(vault.store, { checkpointId: v.checkpoint.id, witnessId: w.id, signedAt: v.signedAt, line: v.line, addedAt })) {
        alreadyKnown++;
        continue;
      }
      vault.log.append('checkpoint.cosigned', null, { checkpointSize: v.checkpoint.size, witness: w.name, keyHash: v.key.keyHash.toString('hex'), signedAt: v.signedAt });
      out.push({ name: w.name, label: w.label, signedAt: v.signedAt });
    }
    return out;
  });
  return { added, alreadyKnown };
}

/**
 * Verifies and stores what a witness returned: the cosigned checkpoint (the log's note with cosignature lines), or
 * only the cosignature lines (C2SP tlog-witness response). Every line by a witness of this vault must verify on one
 * of this vault's checkpoints; a line by an unknown witness is refused, naming it, unless it is added first.
 */
export function addCosignature(vault: Vault, input: string, now = new Date()): AddCosignatureResult {
  if (input.includes('\r')) throw new HuellaError('FORMAT_INVALID', 'The cosignature has Windows line endings (CR LF); use the file exactly as the witness wrote it.');
  const witnesses = listWitnesses(vault.store);
  const keys = witnesses.map((w) => parseCosignerVerifierKey(w.verifierKey));
  const candidates = checkpointCandidates(vault);
  const { lines, target } = readCosignatureInput(vault, input, candidates);
  const verified = ourWitnessLines(lines, keys).map((line) => verifyLine(line, keys, target, candidates, now));
  return { checkpointSize: verified[0]!.checkpoint.size, ...storeCosignatures(vault, verified, witnesses, now) };
}

export function cosignedCheckpoints(vault: Vault): CosignedCheckpoint[] {
  const witnesses = new Map(listWitnesses(vault.store).map((w) => [w.id, w]));
  const byCheckpoint = new Map<number, CosignatureRow[]>();
  for (const c of listCosignatures(vault.store)) byCheckpoint.set(c.checkpointId, [...(byCheckpoint.get(c.checkpointId) ?? []), c]);
  return [...byCheckpoint.values()].map((rows) => ({
    checkpointId: rows[0]!.checkpointId,
    size: rows[0]!.checkpointSize,
    createdAt: rows[0]!.checkpointCreatedAt,
    cosignatures: rows.map((r) => ({ witnessId: r.witnessId, name: witnesses.get(r.witnessId)?.name ?? '?', label: witnesses.get(r.witnessId)?.label ?? '?', signedAt: r.signedAt })),
  }));
}

/** The checkpoint's note with every stored cosignature line appended: a signed note any C2SP verifier reads. */
export function cosignedNote(rows: readonly CosignatureRow[]): string {
  return appendSignatureLines(rows[0]!.checkpointNote, rows.map((r) => r.line));
}
