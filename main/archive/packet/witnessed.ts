/**
 * Checks the witnessed part of a packet (custody/witnessed/, written by ../export/witnessed.ts) without the vault:
 *  - each cosigned checkpoint is signed by the packet's log key, and the packet's own checkpoint extends it
 *    (RFC 9162 consistency proof in N.consistency);
 *  - each witnessed proof is an RFC 9162 inclusion proof of a listed event in its cosigned checkpoint;
 *  - with witness keys given (`packet verify --witness KEY`), each key must have a valid C2SP cosignature on at least
 *    one cosigned checkpoint; a cosignature line under that witness's name that does not verify, or a packet with
 *    none by that key, is a FAIL naming the witness. Without keys, the cosignatures are reported, not checked.
 * Then, per exhibit (items.json ingest events) and testimony: which witnesses attest it existed, and from when.
 */
import type { PacketWitnessedExhibit } from '../../../shared/model/packet';
import { HuellaError } from '../errors';
import { keyFingerprint, parseCosignerVerifierKey, verifyCosignatures, type ParsedCosignerKey } from '../custody/cosignature';
import { verifyCheckpoint, type VerifiedCheckpoint } from '../custody/checkpoint';
import { verifyConsistency } from '../custody/merkle';
import { parseTlogProof, verifyTlogProof } from '../custody/tlog-proof';
import { parseConsistencyFile } from '../witness/request';
import type { ItemsJson } from './items-json';
import { BAG, witnessedCheckpointPath, witnessedConsistencyPath, witnessedProofPath } from './layout';

export type WitnessedInput = {
  readonly files: readonly string[];
  readonly text: (path: string) => string | undefined;
  readonly events: ReadonlyMap<number, { readonly bytes: Buffer }>;
  readonly checkpoint: VerifiedCheckpoint | undefined;
  readonly origin: string | undefined;
  readonly publicKey: Buffer | undefined;
  /** Witness keys the reviewer gave (C2SP cosigner verifier keys). */
  readonly witnessKeys: readonly string[];
  /** Exhibits and testimonies, with the seq of the event that first records them. */
  readonly subjects: readonly { readonly label: string; readonly itemId?: string; readonly testimonyId?: string; readonly seq: number }[];
};

export type WitnessedResult = {
  /** Undefined when the packet has no witnessed part and no key was given: nothing to report. */
  readonly check?: { readonly fails: readonly string[]; readonly passes: readonly string[] };
  readonly fileFails: ReadonlyMap<string, string>;
  readonly filePasses: ReadonlyMap<string, string>;
  readonly exhibits: readonly PacketWitnessedExhibit[];
};

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function day(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** What the checks find: FAIL and PASS lines of the witnessed check, and the verdict on each file of the witnessed part. */
type Findings = {
  readonly fails: string[];
  readonly passes: string[];
  readonly fileFails: Map<string, string>;
  readonly filePasses: Map<string, string>;
};

type Cosigned = { readonly cp: VerifiedCheckpoint; readonly note: string; readonly attest: readonly { readonly witness: string; readonly signedAt: number }[] };

function failFile(f: Findings, p: string, why: string): void {
  f.fileFails.set(p, why);
  f.fails.push(`${p}: ${why}`);
}

export function verifyWitnessed(input: WitnessedInput): WitnessedResult {
  const ours = input.files.filter((f) => f.startsWith(`${BAG.witnessed}/`));
  const found: Findings = { fails: [], passes: [], fileFails: new Map(), filePasses: new Map() };
  if (ours.length === 0 && input.witnessKeys.length === 0) return { fileFails: found.fileFails, filePasses: found.filePasses, exhibits: [] };
  const keys = parseWitnessKeys(input.witnessKeys, found);
  const cosigned = checkCosignedCheckpoints(input, ours, keys, found);
  checkEachWitnessKey(keys, cosigned, found);
  const coveredBy = checkInclusionProofs(input, ours, cosigned, found);
  for (const f of ours) {
    if (!found.fileFails.has(f) && !found.filePasses.has(f)) failFile(found, f, 'not a file the witnessed custody format has');
  }
  const exhibits = witnessedExhibits(input.subjects, coveredBy, cosigned);
  if (found.fails.length === 0) {
    const attested = exhibits.filter((e) => e.attestations.length > 0).length;
    found.passes.push(
      keys.length > 0
        ? `${attested} of ${input.subjects.length} exhibits and testimonies are covered by a cosigned checkpoint`
        : `${cosigned.size} cosigned checkpoint(s) cover ${exhibits.length} of ${input.subjects.length} exhibits and testimonies; cosignatures not checked (give --witness KEY)`,
    );
  }
  return { check: { fails: found.fails, passes: found.passes }, fileFails: found.fileFails, filePasses: found.filePasses, exhibits };
}

/** The witness keys the reviewer gave, parsed; each unusable one is a FAIL. */
function parseWitnessKeys(witnessKeys: readonly string[], found: Findings): ParsedCosignerKey[] {
  const keys: ParsedCosignerKey[] = [];
  for (const k of witnessKeys) {
    try {
      keys.push(parseCosignerVerifierKey(k));
    } catch (e) {
      found.fails.push(`the witness key you gave is not usable: ${message(e)}`);
    }
  }
  return keys;
}

/** Each custody/witnessed/N.checkpoint: signed by the log key, extended by the packet's checkpoint; its cosignatures by `keys`. By size. */
function checkCosignedCheckpoints(input: WitnessedInput, ours: readonly string[], keys: readonly ParsedCosignerKey[], found: Findings): Map<number, Cosigned> {
  const cosigned = new Map<number, Cosigned>();
  for (const f of ours.filter((p) => /^custody\/witnessed\/(0|[1-9][0-9]*)\.checkpoint$/.test(p))) {
    const note = input.text(f);
    if (note === undefined || !input.publicKey || !input.origin) {
      failFile(found, f, note === undefined ? 'unreadable' : 'cannot be checked without a valid log key');
      continue;
    }
    try {
      const c = checkCosignedCheckpoint(input, f, note, keys, found);
      cosigned.set(c.cp.size, c);
    } catch (e) {
      if (!found.fileFails.has(f)) failFile(found, f, message(e));
    }
  }
  return cosigned;
}

/** One cosigned checkpoint (file `f`, text `note`): throws why it fails; records the passes of it and of its consistency proof. */
function checkCosignedCheckpoint(input: WitnessedInput, f: string, note: string, keys: readonly ParsedCosignerKey[], found: Findings): Cosigned {
  const cp = verifyCheckpoint(note, { name: input.origin!, publicKey: input.publicKey! });
  if (witnessedCheckpointPath(cp.size) !== f) throw new HuellaError('VERIFY_FAILED', `its size is ${cp.size}, not the one in its name`);
  if (!input.checkpoint) throw new HuellaError('VERIFY_FAILED', 'custody/checkpoint is not valid, so nothing can be checked against it');
  const consistencyPath = witnessedConsistencyPath(cp.size);
  const consistencyText = input.text(consistencyPath);
  if (consistencyText === undefined) throw new HuellaError('VERIFY_FAILED', `${consistencyPath} is missing`);
  const c = parseConsistencyFile(consistencyText);
  if (c.oldSize !== cp.size || !verifyConsistency(cp.size, input.checkpoint.size, cp.rootHash, input.checkpoint.rootHash, c.proof)) {
    failFile(found, consistencyPath, `custody/checkpoint (size ${input.checkpoint.size}) does not extend the cosigned checkpoint of size ${cp.size}`);
    throw new HuellaError('VERIFY_FAILED', 'the packet checkpoint does not extend it');
  }
  found.filePasses.set(consistencyPath, `custody/checkpoint extends the cosigned checkpoint of size ${cp.size} (RFC 9162 consistency proof)`);
  const attest = verifyCosignatures(cp.text, cp.otherSignatures, keys).map((v) => ({ witness: v.cosigner.name, signedAt: v.timestamp }));
  const names = cp.otherSignatures.map((s) => `${s.name}+${s.keyHash.toString('hex')}`);
  found.filePasses.set(
    f,
    attest.length > 0
      ? `log signature valid; cosigned by ${attest.map((a) => `${a.witness} on ${day(a.signedAt)}`).join(', ')}`
      : `log signature valid; cosignature lines by ${names.join(', ') || 'nobody'} (not checked: give --witness KEY)`,
  );
  return { cp, note, attest };
}

/** Each witness key given must have a valid cosignature somewhere; a FAIL says why not. */
function checkEachWitnessKey(keys: readonly ParsedCosignerKey[], cosigned: ReadonlyMap<number, Cosigned>, found: Findings): void {
  for (const k of keys) {
    const signedAt = [...cosigned.values()].flatMap((c) => c.attest.filter((a) => a.witness === k.name)).map((a) => a.signedAt);
    if (signedAt.length > 0) {
      found.passes.push(`witness ${k.name} (fingerprint ${keyFingerprint(k.publicKey)}) cosigned ${signedAt.length} checkpoint(s), first on ${day(Math.min(...signedAt))}`);
      continue;
    }
    const sameName = [...cosigned.values()].flatMap((c) => c.cp.otherSignatures).filter((s) => s.name === k.name);
    found.fails.push(
      sameName.length > 0
        ? `the packet carries cosignatures by ${k.name} with key ID ${[...new Set(sameName.map((s) => s.keyHash.toString('hex')))].join(', ')}, not by the key you gave (key ID ${k.keyHash.toString('hex')}): the witness key is wrong, or the cosignature was made by another key`
        : cosigned.size === 0
          ? `the packet carries no cosigned checkpoint, so nothing is attested by witness ${k.name}`
          : `the packet carries no cosignature by witness ${k.name} (key ID ${k.keyHash.toString('hex')})`,
    );
  }
}

/** Each custody/witnessed/proofs/SEQ.tlog-proof: event SEQ is in one of the valid cosigned checkpoints. Returns seq → that checkpoint's size. */
function checkInclusionProofs(input: WitnessedInput, ours: readonly string[], cosigned: ReadonlyMap<number, Cosigned>, found: Findings): Map<number, number> {
  const coveredBy = new Map<number, number>();
  for (const f of ours.filter((p) => p.startsWith(`${BAG.witnessed}/proofs/`))) {
    const m = /^custody\/witnessed\/proofs\/(0|[1-9][0-9]*)\.tlog-proof$/.exec(f);
    const seq = m ? Number(m[1]) : NaN;
    const ev = input.events.get(seq);
    if (!m || !ev) {
      failFile(found, f, 'not the proof of an event listed in custody/events.jsonl');
      continue;
    }
    try {
      const proof = parseTlogProof(input.text(f) ?? '');
      const target = [...cosigned.values()].find((c) => c.note === proof.checkpoint);
      if (!target) throw new HuellaError('VERIFY_FAILED', 'its checkpoint is none of the valid cosigned checkpoints of the packet');
      if (proof.index !== seq) throw new HuellaError('VERIFY_FAILED', `the proof is for entry ${proof.index}, not ${seq}`);
      verifyTlogProof(proof, ev.bytes, { name: input.origin!, publicKey: input.publicKey! });
      coveredBy.set(seq, target.cp.size);
      found.filePasses.set(f, `event #${seq} is in the cosigned checkpoint of size ${target.cp.size} (RFC 9162 inclusion proof)`);
    } catch (e) {
      failFile(found, f, `event #${seq}: ${message(e)}`);
    }
  }
  return coveredBy;
}

/** The exhibits and testimonies whose first event a cosigned checkpoint covers, with its attestations. */
function witnessedExhibits(subjects: WitnessedInput['subjects'], coveredBy: ReadonlyMap<number, number>, cosigned: ReadonlyMap<number, Cosigned>): PacketWitnessedExhibit[] {
  return subjects.flatMap((s) => {
    const size = coveredBy.get(s.seq);
    if (size === undefined) return [];
    const c = cosigned.get(size)!;
    return [{ label: s.label, ...(s.itemId ? { itemId: s.itemId } : {}), ...(s.testimonyId ? { testimonyId: s.testimonyId } : {}), seq: s.seq, checkpointSize: size, attestations: c.attest }];
  });
}

/** The exhibits and testimonies of items.json (as the items check parsed it; undefined when it is not valid) with the event that first records each (ingest, revision). */
export function witnessSubjects(items: ItemsJson | undefined): WitnessedInput['subjects'] {
  if (items === undefined) return []; // the items check reports it
  return [
    ...items.items.map((i) => ({ label: i.label, itemId: i.itemId, seq: i.original.ingested.seq })),
    ...items.testimonies.flatMap((t) => (t.revisionEvent ? [{ label: t.label, testimonyId: t.testimonyId, seq: t.revisionEvent.seq }] : [])),
  ];
}

export { witnessedProofPath };
