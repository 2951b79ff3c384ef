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
import { itemsJsonSchema } from './items-json';
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

export function verifyWitnessed(input: WitnessedInput): WitnessedResult {
  const prefix = `${BAG.witnessed}/`;
  const ours = input.files.filter((f) => f.startsWith(prefix));
  const fails: string[] = [];
  const passes: string[] = [];
  const fileFails = new Map<string, string>();
  const filePasses = new Map<string, string>();
  const failFile = (p: string, why: string): void => {
    fileFails.set(p, why);
    fails.push(`${p}: ${why}`);
  };
  if (ours.length === 0 && input.witnessKeys.length === 0) return { fileFails, filePasses, exhibits: [] };

  const keys: ParsedCosignerKey[] = [];
  for (const k of input.witnessKeys) {
    try {
      keys.push(parseCosignerVerifierKey(k));
    } catch (e) {
      fails.push(`the witness key you gave is not usable: ${message(e)}`);
    }
  }

  // Cosigned checkpoints.
  const cosigned = new Map<number, { cp: VerifiedCheckpoint; note: string; attest: { witness: string; signedAt: number }[] }>();
  for (const f of ours.filter((p) => /^custody\/witnessed\/(0|[1-9][0-9]*)\.checkpoint$/.test(p))) {
    const note = input.text(f);
    if (note === undefined || !input.publicKey || !input.origin) {
      failFile(f, note === undefined ? 'unreadable' : 'cannot be checked without a valid log key');
      continue;
    }
    try {
      const cp = verifyCheckpoint(note, { name: input.origin, publicKey: input.publicKey });
      if (witnessedCheckpointPath(cp.size) !== f) throw new HuellaError('VERIFY_FAILED', `its size is ${cp.size}, not the one in its name`);
      if (!input.checkpoint) throw new HuellaError('VERIFY_FAILED', 'custody/checkpoint is not valid, so nothing can be checked against it');
      const consistencyText = input.text(witnessedConsistencyPath(cp.size));
      if (consistencyText === undefined) throw new HuellaError('VERIFY_FAILED', `${witnessedConsistencyPath(cp.size)} is missing`);
      const c = parseConsistencyFile(consistencyText);
      if (c.oldSize !== cp.size || !verifyConsistency(cp.size, input.checkpoint.size, cp.rootHash, input.checkpoint.rootHash, c.proof)) {
        failFile(witnessedConsistencyPath(cp.size), `custody/checkpoint (size ${input.checkpoint.size}) does not extend the cosigned checkpoint of size ${cp.size}`);
        throw new HuellaError('VERIFY_FAILED', 'the packet checkpoint does not extend it');
      }
      filePasses.set(witnessedConsistencyPath(cp.size), `custody/checkpoint extends the cosigned checkpoint of size ${cp.size} (RFC 9162 consistency proof)`);
      const attest = verifyCosignatures(cp.text, cp.otherSignatures, keys).map((v) => ({ witness: v.cosigner.name, signedAt: v.timestamp }));
      cosigned.set(cp.size, { cp, note, attest });
      const names = cp.otherSignatures.map((s) => `${s.name}+${s.keyHash.toString('hex')}`);
      filePasses.set(
        f,
        attest.length > 0
          ? `log signature valid; cosigned by ${attest.map((a) => `${a.witness} on ${day(a.signedAt)}`).join(', ')}`
          : `log signature valid; cosignature lines by ${names.join(', ') || 'nobody'} (not checked: give --witness KEY)`,
      );
    } catch (e) {
      if (!fileFails.has(f)) failFile(f, message(e));
    }
  }

  // Each witness key given must have a valid cosignature somewhere.
  for (const k of keys) {
    const signedAt = [...cosigned.values()].flatMap((c) => c.attest.filter((a) => a.witness === k.name)).map((a) => a.signedAt);
    if (signedAt.length > 0) {
      passes.push(`witness ${k.name} (fingerprint ${keyFingerprint(k.publicKey)}) cosigned ${signedAt.length} checkpoint(s), first on ${day(Math.min(...signedAt))}`);
      continue;
    }
    const sameName = [...cosigned.values()].flatMap((c) => c.cp.otherSignatures).filter((s) => s.name === k.name);
    fails.push(
      sameName.length > 0
        ? `the packet carries cosignatures by ${k.name} with key ID ${[...new Set(sameName.map((s) => s.keyHash.toString('hex')))].join(', ')}, not by the key you gave (key ID ${k.keyHash.toString('hex')}): the witness key is wrong, or the cosignature was made by another key`
        : cosigned.size === 0
          ? `the packet carries no cosigned checkpoint, so nothing is attested by witness ${k.name}`
          : `the packet carries no cosignature by witness ${k.name} (key ID ${k.keyHash.toString('hex')})`,
    );
  }

  // Inclusion of each event in its cosigned checkpoint.
  const coveredBy = new Map<number, number>();
  for (const f of ours.filter((p) => p.startsWith(`${prefix}proofs/`))) {
    const m = /^custody\/witnessed\/proofs\/(0|[1-9][0-9]*)\.tlog-proof$/.exec(f);
    const seq = m ? Number(m[1]) : NaN;
    const ev = input.events.get(seq);
    if (!m || !ev) {
      failFile(f, 'not the proof of an event listed in custody/events.jsonl');
      continue;
    }
    try {
      const proof = parseTlogProof(input.text(f) ?? '');
      const target = [...cosigned.values()].find((c) => c.note === proof.checkpoint);
      if (!target) throw new HuellaError('VERIFY_FAILED', 'its checkpoint is none of the valid cosigned checkpoints of the packet');
      if (proof.index !== seq) throw new HuellaError('VERIFY_FAILED', `the proof is for entry ${proof.index}, not ${seq}`);
      verifyTlogProof(proof, ev.bytes, { name: input.origin!, publicKey: input.publicKey! });
      coveredBy.set(seq, target.cp.size);
      filePasses.set(f, `event #${seq} is in the cosigned checkpoint of size ${target.cp.size} (RFC 9162 inclusion proof)`);
    } catch (e) {
      failFile(f, `event #${seq}: ${message(e)}`);
    }
  }
  for (const f of ours) {
    if (!fileFails.has(f) && !filePasses.has(f)) failFile(f, 'not a file the witnessed custody format has');
  }

  const exhibits: PacketWitnessedExhibit[] = input.subjects.flatMap((s) => {
    const size = coveredBy.get(s.seq);
    if (size === undefined) return [];
    const c = cosigned.get(size)!;
    return [{ label: s.label, ...(s.itemId ? { itemId: s.itemId } : {}), ...(s.testimonyId ? { testimonyId: s.testimonyId } : {}), seq: s.seq, checkpointSize: size, attestations: c.attest }];
  });
  if (fails.length === 0) {
    const attested = exhibits.filter((e) => e.attestations.length > 0).length;
    passes.push(
      keys.length > 0
        ? `${attested} of ${input.subjects.length} exhibits and testimonies are covered by a cosigned checkpoint`
        : `${cosigned.size} cosigned checkpoint(s) cover ${exhibits.length} of ${input.subjects.length} exhibits and testimonies; cosignatures not checked (give --witness KEY)`,
    );
  }
  return { check: { fails, passes }, fileFails, filePasses, exhibits };
}

/** The exhibits and testimonies of items.json with the event that first records each (ingest, revision). */
export function witnessSubjects(itemsJsonText: string | undefined): WitnessedInput['subjects'] {
  if (itemsJsonText === undefined) return [];
  try {
    const parsed = itemsJsonSchema.safeParse(JSON.parse(itemsJsonText));
    if (!parsed.success) return []; // the items check reports it
    return [
      ...parsed.data.items.map((i) => ({ label: i.label, itemId: i.itemId, seq: i.original.ingested.seq })),
      ...parsed.data.testimonies.flatMap((t) => (t.revisionEvent ? [{ label: t.label, testimonyId: t.testimonyId, seq: t.revisionEvent.seq }] : [])),
    ];
  } catch {
    return [];
  }
}

export { witnessedProofPath };
