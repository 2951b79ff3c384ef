import { HuellaError } from '../errors';
import type { CustodyLog } from './log';
import { tryDecodeBase64 } from './base64';
import { parseCheckpointBody, verifyCheckpoint, type VerifiedCheckpoint } from './checkpoint';
import { verifyConsistency } from './merkle';
import { formatMinisignPublicKey, minisignKeyIdHex, parseMinisignPublicKey } from './minisign';
import { parseVerifierKey, verifierKey } from './note';
import { formatTlogProof, parseTlogProof, tlogProofFromJson, tlogProofToJson, verifyTlogProof, type TlogProof, type TlogProofJson } from './tlog-proof';

/** What reviewers and documenters do with the custody log beyond appending: keys, proofs, consistency. */

export type PublicKeyForms = { readonly noteVerifierKey: string; readonly minisignPublicKey: string; readonly base64: string };

export function publicKeyForms(origin: string, publicKey: Buffer): PublicKeyForms {
  return {
    noteVerifierKey: verifierKey(origin, publicKey),
    minisignPublicKey: formatMinisignPublicKey(publicKey),
    base64: publicKey.toString('base64'),
  };
}

/** Accepts a signed-note verifier key, a minisign public key file, or the raw key in base64. */
export function parsePublicKeyText(text: string): Buffer {
  return describePublicKeyText(text).publicKey;
}

/**
 * A public key with the name its own file gives it, for messages: the minisign key ID as written in that key file
 * (minisign's own keys carry a random ID, not the one Huella derives from the key), or the verifier key's
 * name+hash. A message must never name a key ID that appears in none of the files the person holds.
 */
export type DescribedKey = {
  readonly publicKey: Buffer;
  readonly id: string;
  readonly form: 'minisign' | 'note' | 'base64';
  /** A minisign key file's own key ID (random when minisign made the key; derived from the key when we did). */
  readonly minisignKeyId?: Buffer;
};

export function describePublicKeyText(text: string): DescribedKey {
  const t = text.trim();
  if (/^[^+\s]+\+[0-9a-f]{8}\+/.test(t)) {
    const vk = parseVerifierKey(t);
    return { publicKey: Buffer.from(vk.publicKey), id: `${vk.name}+${vk.keyHash.toString('hex')}`, form: 'note' };
  }
  if (t.startsWith('untrusted comment:') || /^RW[A-Za-z0-9+/]{54}$/.test(t)) {
    const pk = parseMinisignPublicKey(t);
    return { publicKey: Buffer.from(pk.publicKey), id: minisignKeyIdHex(pk.keyId), form: 'minisign', minisignKeyId: Buffer.from(pk.keyId) };
  }
  const raw = tryDecodeBase64(t);
  if (raw && raw.length === 32) return { publicKey: raw, id: raw.toString('base64'), form: 'base64' };
  throw new HuellaError('FORMAT_INVALID', 'Not a public key: expected a signed-note verifier key (name+hash+key), a minisign public key, or a base64 Ed25519 key.');
}

/** "minisign key ID 3EE53588BD35DCC", "verifier key huella/…+1a2b3c4d", "base64 key …": how the file names the key. */
export function keyLabel(k: DescribedKey): string {
  return k.form === 'minisign' ? `minisign key ID ${k.id}` : k.form === 'note' ? `verifier key ${k.id}` : `base64 key ${k.id}`;
}

function checkpointCovering(log: CustodyLog, size: number): string {
  const latest = log.latestCheckpoint();
  if (latest && latest.size >= size && latest.size === log.size()) return latest.note;
  return log.writeCheckpoint('proof requested').note;
}

function verifiedOwnCheckpoint(log: CustodyLog, text: string): VerifiedCheckpoint {
  const cp = verifyCheckpoint(text, { name: log.origin, publicKey: log.publicKey });
  const size = log.size();
  if (cp.size > size) throw new HuellaError('VERIFY_FAILED', `This checkpoint covers ${cp.size} events but the log has ${size}: the log was rolled back.`);
  if (!log.root(cp.size).equals(cp.rootHash)) {
    throw new HuellaError('VERIFY_FAILED', `This checkpoint (size ${cp.size}) is not consistent with the vault's log: history was rewritten after it was signed.`);
  }
  return cp;
}

export type InclusionProofOutput = { readonly event: Buffer; readonly text: string; readonly json: TlogProofJson & { readonly event: string; readonly eventSignature: string } };

/** The inclusion proof of event `seq`, against the given checkpoint (or a current one). */
export function eventInclusionProof(log: CustodyLog, seq: number, checkpointText?: string): InclusionProofOutput {
  const ev = log.event(seq);
  if (!ev) throw new HuellaError('NOT_FOUND', `No custody event #${seq}.`);
  let note: string;
  let size: number;
  if (checkpointText !== undefined) {
    const cp = verifiedOwnCheckpoint(log, checkpointText);
    if (cp.size <= seq) throw new HuellaError('INVALID_INPUT', `That checkpoint (size ${cp.size}) was signed before event #${seq} existed; use a later one.`);
    note = checkpointText;
    size = cp.size;
  } else {
    note = checkpointCovering(log, seq + 1);
    size = parseCheckpointBody(note.slice(0, note.indexOf('\n\n') + 1)).size;
  }
  const proof = { index: seq, proof: log.inclusionProof(seq, size), checkpoint: note };
  return {
    event: ev.bytes,
    text: formatTlogProof(proof),
    json: { ...tlogProofToJson(proof), event: ev.bytes.toString('utf8'), eventSignature: ev.signature.toString('base64') },
  };
}

export type StandaloneProofResult =
  | { readonly ok: true; readonly index: number; readonly size: number; readonly origin: string }
  | { readonly ok: false; readonly reason: string };

/** The reviewer's check: needs only the event bytes, the proof, the checkpoint and a key obtained out of band. */
export function verifyStandaloneProof(input: { event: Buffer; proofText: string; checkpointText?: string; keyText: string }): StandaloneProofResult {
  try {
    const publicKey = parsePublicKeyText(input.keyText);
    let proof: TlogProof;
    const trimmed = input.proofText.trimStart();
    if (trimmed.startsWith('{')) {
      let json: unknown;
      try {
        json = JSON.parse(trimmed);
      } catch {
        throw new HuellaError('FORMAT_INVALID', 'The proof file is neither a .tlog-proof nor valid JSON.');
      }
      proof = tlogProofFromJson(json);
    } else {
      proof = parseTlogProof(input.proofText);
    }
    if (input.checkpointText !== undefined) proof = { ...proof, checkpoint: input.checkpointText };
    const origin = parseCheckpointBody(proof.checkpoint.slice(0, proof.checkpoint.indexOf('\n\n') + 1)).origin;
    const verified = verifyTlogProof(proof, input.event, { name: origin, publicKey });
    return { ok: true, index: verified.index, size: verified.checkpoint.size, origin };
  } catch (e) {
    if (e instanceof HuellaError) return { ok: false, reason: e.message };
    throw e;
  }
}

export type ConsistencyReport = {
  readonly consistent: boolean;
  readonly fromSize: number;
  readonly toSize: number;
  readonly proof: readonly string[];
  readonly toCheckpoint: string;
  readonly reason?: string;
};

/** Proves that an earlier checkpoint is a prefix of the current log (or says precisely why not). */
export function consistencyReport(log: CustodyLog, oldCheckpointText: string): ConsistencyReport {
  const old = verifyCheckpoint(oldCheckpointText, { name: log.origin, publicKey: log.publicKey });
  const size = log.size();
  const toCheckpoint = checkpointCovering(log, size);
  if (old.size > size) {
    return { consistent: false, fromSize: old.size, toSize: size, proof: [], toCheckpoint, reason: `The earlier checkpoint covers ${old.size} events; the log now has only ${size}: events were removed.` };
  }
  const proof = log.consistencyProof(old.size, size);
  const ok = old.size === 0 || verifyConsistency(old.size, size, old.rootHash, log.root(size), proof);
  return {
    consistent: ok,
    fromSize: old.size,
    toSize: size,
    proof: proof.map((h) => h.toString('base64')),
    toCheckpoint,
    ...(ok ? {} : { reason: `The first ${old.size} events are not the ones the earlier checkpoint signed: history was rewritten.` }),
  };
}
