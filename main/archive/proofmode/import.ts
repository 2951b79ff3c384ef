/**
 * `huella ingest` of a ProofMode bundle (issue 16; the layout is in ./layout.ts, from ProofMode's source): the zip
 * ProofMode shares, or the folder it unpacks to. Every file becomes an item exactly as it is (the media, its proof
 * data, the signatures, the public key, the OpenTimestamps and device-integrity tokens); each proof file is linked
 * to the media whose SHA-256 its name carries; and each PGP signature is checked with openpgp.js in a worker
 * (pgp.ts) before the files are ingested, so the verdict is part of the item's metadata from its first event:
 * `item.ingested` states `proofModeSignature: valid|invalid` in clear, the key's fingerprint and the details only
 * inside the salted metadata commitment, exactly as for Content Credentials. One `proofmode.imported` event per
 * media names the items that belong together.
 *
 * A zip is read with the one safe-zip reader (ingest/file-set.ts): a hostile zip is refused whole, and nothing is
 * imported from it. Nothing is unpacked to disk.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { IngestFileResult, PgpSignatureCheck, ProofModeRecord, ProofModeRole } from '../../../shared/model/items';
import { commitment, newCommitmentSalt } from '../custody/commitment';
import { insertProofModeBundle, proofModeBundleByContent, type ProofModeFileRow } from '../db/proofmode';
import { newId } from '../ids';
import { ingestSetFiles, listFolderFiles, readZipSet, setFileLabel, type SetFile } from '../ingest/file-set';
import type { IngestOptions } from '../ingest/ingest';
import type { Vault } from '../vault/vault';
import { classifyBundleName, looksLikeBundle, PUBKEY_FILE, type BundleName } from './layout';
import { MAX_KEY_BYTES, MAX_SIGNATURE_BYTES, PGP_VERIFIER } from './pgp-check';
import { checkSignature } from './pgp-pool';
import { parseProofCsv, parseProofJson, statedMediaHash } from './proof-data';

export type ProofModeGroupReport = {
  readonly mediaSha256: string;
  /** The media's item, or undefined when the bundle holds proof for a media it does not include. */
  readonly mediaItem?: string;
  readonly signature?: PgpSignatureCheck['state'];
  readonly files: readonly { readonly name: string; readonly role: ProofModeRole; readonly itemId?: string; readonly signature?: PgpSignatureCheck['state'] }[];
};

export type ProofModeImportReport = {
  readonly bundleId: string;
  readonly keyFingerprint?: string;
  readonly groups: readonly ProofModeGroupReport[];
  /** Signatures checked, by verdict (over the media and over proof files). */
  readonly signatures: { readonly valid: number; readonly invalid: number; readonly unknownKey: number };
  readonly alreadyImported: boolean;
  readonly results: readonly IngestFileResult[];
};

type Planned = SetFile & {
  readonly base: string;
  readonly kind: BundleName;
  readonly sha256: string;
  readonly size: number;
  role: ProofModeRole;
  mediaSha256?: string;
  signature?: PgpSignatureCheck;
};

const MAX_PROOF_DATA_BYTES = 1024 * 1024;

/**
 * The files of a ProofMode bundle at `input` (a folder, or a zip read safely into memory), or undefined when it is
 * not one (then it is ingested as ordinary files). A hostile zip that looks like a bundle is refused.
 */
export async function readProofModeBundle(input: string): Promise<SetFile[] | undefined> {
  const st = await fsp.lstat(input).catch(() => undefined);
  if (!st) return undefined;
  if (st.isDirectory()) {
    const top = await fsp.readdir(input).catch(() => [] as string[]);
    return looksLikeBundle(top) ? listFolderFiles(input) : undefined;
  }
  const files = await readZipSet(input, 'ProofMode bundle', (buf) => buf.includes(Buffer.from(PUBKEY_FILE, 'latin1')));
  return files && looksLikeBundle(files.map((f) => path.posix.basename(f.name))) ? files : undefined;
}

async function hashOf(f: SetFile): Promise<{ sha256: string; size: number }> {
  if (f.data) return { sha256: crypto.createHash('sha256').update(f.data).digest('hex'), size: f.data.length };
  const h = crypto.createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(f.path!, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    h.update(chunk);
    size += chunk.length;
  }
  return { sha256: h.digest('hex'), size };
}

/** A small text file of the bundle (key, signature, proof data), or undefined when it is larger than `max`. */
async function smallText(f: Planned, max: number): Promise<string | undefined> {
  if (f.size > max) return undefined;
  return (f.data ?? (await fsp.readFile(f.path!))).toString('utf8');
}

function signatureCheckFor(sig: Planned, state: PgpSignatureCheck['state'], problem: NonNullable<PgpSignatureCheck['problem']>, reason: string): PgpSignatureCheck {
  return { state, verifier: PGP_VERIFIER, signatureFile: sig.name, problem, reason };
}

/** Classifies every file, finds each media by the hash ProofMode names its proof with, and checks every signature. */
async function planBundle(files: readonly SetFile[]): Promise<{ planned: Planned[]; keyFingerprint?: string; proofData: Map<string, Record<string, string>> }> {
  const planned: Planned[] = [];
  for (const f of files) {
    const base = path.posix.basename(f.name);
    const kind = classifyBundleName(base);
    planned.push({ ...f, base, kind, ...(await hashOf(f)), role: kind.role, ...(kind.mediaSha256 ? { mediaSha256: kind.mediaSha256 } : {}) });
  }
  const hashes = [...new Set(planned.flatMap((p) => (p.kind.mediaSha256 ? [p.kind.mediaSha256] : [])))].sort();
  const proofData = new Map<string, Record<string, string>>();
  for (const h of hashes) {
    const json = planned.find((p) => p.role === 'proof-json' && p.mediaSha256 === h);
    const csv = planned.find((p) => p.role === 'proof-csv' && p.mediaSha256 === h);
    const fromJson = json ? parseProofJson((await smallText(json, MAX_PROOF_DATA_BYTES)) ?? '') : undefined;
    const data = fromJson ?? (csv ? parseProofCsv((await smallText(csv, MAX_PROOF_DATA_BYTES)) ?? '') : undefined);
    if (data) proofData.set(h, data);
  }
  // The media is the file with the hash ProofMode named its proof with. Failing that, the file the proof data names
  // ("File Path"), if the bundle has it: a media changed after it was signed keeps its name, not its hash, and its
  // signature must then be checked (and found invalid), not skipped.
  const mediaBy = new Map<string, Planned>();
  const claim = (p: Planned, h: string): void => {
    p.role = 'media';
    p.mediaSha256 = h;
    mediaBy.set(h, p);
  };
  for (const h of hashes) {
    const byHash = planned.find((p) => p.role === 'other' && p.sha256 === h);
    if (byHash) claim(byHash, h);
  }
  for (const h of hashes) {
    const named = proofData.get(h)?.['File Path']?.split(/[/\\]/).pop();
    const byName = named && !mediaBy.has(h) ? planned.find((p) => p.role === 'other' && p.base === named) : undefined;
    if (byName) claim(byName, h);
  }
  const keyFile = planned.find((p) => p.role === 'public-key' && !p.name.includes('/')) ?? planned.find((p) => p.role === 'public-key');
  const publicKey = keyFile ? await smallText(keyFile, MAX_KEY_BYTES) : undefined;
  let keyFingerprint: string | undefined;
  for (const sig of planned.filter((p) => p.role === 'signature')) {
    const target = sig.kind.signs
      ? planned.find((q) => q.base === sig.kind.signs && path.posix.dirname(q.name) === path.posix.dirname(sig.name))
      : mediaBy.get(sig.kind.mediaSha256!);
    if (!target || target.signature) continue;
    const text = await smallText(sig, MAX_SIGNATURE_BYTES);
    if (text === undefined) target.signature = signatureCheckFor(sig, 'invalid', 'too-large', 'The signature file is too large to be a signature.');
    else if (publicKey === undefined) target.signature = signatureCheckFor(sig, 'unknown-key', 'no-key', `The bundle carries no readable public key (${PUBKEY_FILE}) to check it with.`);
    else {
      const check = await checkSignature({ publicKey, signature: text, ...(target.data ? { data: new Uint8Array(target.data) } : { path: target.path! }) }, target.size);
      target.signature = { ...check, signatureFile: sig.name };
      keyFingerprint ??= check.keyFingerprint;
    }
  }
  return { planned, ...(keyFingerprint ? { keyFingerprint } : {}), proofData };
}

/** The evidence record each file gets (ExtractedMetadata.proofMode), committed with its item.ingested event. */
function recordFor(p: Planned, planned: readonly Planned[], proofData: Map<string, Record<string, string>>): ProofModeRecord {
  const base: ProofModeRecord = { role: p.role, ...(p.mediaSha256 ? { mediaSha256: p.mediaSha256 } : {}), ...(p.signature ? { signature: p.signature } : {}) };
  if (p.role !== 'media') return base;
  const data = proofData.get(p.mediaSha256!);
  const stated = data ? statedMediaHash(data) : undefined;
  return {
    ...base,
    ...(stated ? { proofHashMatches: stated === p.sha256 } : {}),
    proofFiles: planned
      .filter((q) => q !== p && q.mediaSha256 === p.mediaSha256)
      .map((q) => ({ name: q.base, role: q.role, ...(q.signature ? { signature: q.signature.state } : {}) })),
    ...(data ? { proofData: data } : {}),
  };
}

/** Imports a bundle read by readProofModeBundle: signatures checked, every file an item, each linked to its media. */
export async function importProofModeBundle(vault: Vault, input: string, files: readonly SetFile[], options: IngestOptions = {}): Promise<ProofModeImportReport> {
  const { planned, keyFingerprint, proofData } = await planBundle(files);
  // Media first, then the files of each media, then the rest (the key, instructions), so results read in order.
  const rank = (p: Planned): number => (p.role === 'media' ? 0 : p.mediaSha256 ? 1 : 2);
  const ordered = [...planned].sort((a, b) => rank(a) - rank(b) || (a.mediaSha256 ?? '').localeCompare(b.mediaSha256 ?? '') || a.name.localeCompare(b.name));
  const records = new Map(ordered.map((p) => [setFileLabel(input, p), recordFor(p, planned, proofData)]));
  const results = await ingestSetFiles(vault, input, ordered, {
    ...options,
    addedMetadata: (display) => {
      const record = records.get(display);
      return record ? { proofMode: record } : options.addedMetadata?.(display);
    },
  });
  const itemOf = new Map(ordered.map((p, i) => [p, results[i]?.itemId]));
  const contentSha256 = crypto
    .createHash('sha256')
    .update(JSON.stringify(planned.map((p) => [p.name, p.sha256]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1))))
    .digest('hex');
  const previous = proofModeBundleByContent(vault.store, contentSha256);
  const groups = groupsOf(planned, itemOf);
  const counts = { valid: 0, invalid: 0, unknownKey: 0 };
  for (const p of planned) {
    if (p.signature?.state === 'valid') counts.valid++;
    else if (p.signature?.state === 'invalid') counts.invalid++;
    else if (p.signature?.state === 'unknown-key') counts.unknownKey++;
  }
  const report = { ...(keyFingerprint ? { keyFingerprint } : {}), groups, signatures: counts, results };
  // Record the bundle only when every file is in the vault: a partly failed import can be run again.
  if (previous || results.some((r) => !r.itemId)) return { bundleId: previous?.id ?? '', alreadyImported: previous !== undefined, ...report };
  const bundleId = newId('pmb');
  recordBundle(vault, { bundleId, sourceName: path.basename(input), contentSha256, keyFingerprint, planned, itemOf, groups });
  vault.log.writeCheckpoint('ProofMode bundle import');
  return { bundleId, alreadyImported: false, ...report };
}

function groupsOf(planned: readonly Planned[], itemOf: ReadonlyMap<Planned, string | undefined>): ProofModeGroupReport[] {
  const hashes = [...new Set(planned.flatMap((p) => (p.mediaSha256 ? [p.mediaSha256] : [])))].sort();
  return hashes.map((h) => {
    const media = planned.find((p) => p.role === 'media' && p.mediaSha256 === h);
    const mediaItem = media ? itemOf.get(media) : undefined;
    return {
      mediaSha256: h,
      ...(mediaItem ? { mediaItem } : {}),
      ...(media?.signature ? { signature: media.signature.state } : {}),
      files: planned
        .filter((p) => p !== media && p.mediaSha256 === h)
        .map((p) => ({ name: p.name, role: p.role, ...(itemOf.get(p) ? { itemId: itemOf.get(p)! } : {}), ...(p.signature ? { signature: p.signature.state } : {}) })),
    };
  });
}

type BundleToRecord = {
  readonly bundleId: string;
  readonly sourceName: string;
  readonly contentSha256: string;
  readonly keyFingerprint: string | undefined;
  readonly planned: readonly Planned[];
  readonly itemOf: ReadonlyMap<Planned, string | undefined>;
  readonly groups: readonly ProofModeGroupReport[];
};

/** One proofmode.imported event per media (naming the items that belong together), and the bundle's rows. */
function recordBundle(vault: Vault, b: BundleToRecord): void {
  const salt = newCommitmentSalt();
  const now = new Date();
  const keyItem = b.planned.find((p) => p.role === 'public-key');
  vault.transaction(() => {
    const eventOf = new Map<string, number>();
    for (const g of b.groups) {
      const members = b.planned.filter((p) => p.mediaSha256 === g.mediaSha256);
      const subject = g.mediaItem ?? b.itemOf.get(members[0]!)!;
      const clear = (s: PgpSignatureCheck['state']): 'valid' | 'invalid' => (s === 'valid' ? 'valid' : 'invalid');
      // Item ids and verdicts in clear; which file is which (names, roles, the key) only as a salted commitment.
      const ev = vault.log.append('proofmode.imported', subject, {
        bundle: b.bundleId,
        mediaItem: g.mediaItem ?? null,
        items: [...new Set([...members, ...(keyItem ? [keyItem] : [])].map((p) => b.itemOf.get(p)!))].sort(),
        ...(g.signature ? { mediaSignature: clear(g.signature) } : {}),
        proofSignatures: g.files.filter((f) => f.signature).map((f) => clear(f.signature!)),
        filesCommitment: commitment(
          salt,
          members.map((p) => ({ name: p.name, role: p.role, item: b.itemOf.get(p), sha256: p.sha256, ...(p.signature ? { signature: p.signature } : {}) })),
        ),
      }, now);
      eventOf.set(g.mediaSha256, ev.seq);
    }
    const mediaItemOf = new Map(b.groups.map((g) => [g.mediaSha256, g.mediaItem ?? null]));
    const rows: Omit<ProofModeFileRow, 'bundleId'>[] = b.planned.map((p) => ({
      name: p.name,
      itemId: b.itemOf.get(p)!,
      role: p.role,
      mediaSha256: p.mediaSha256 ?? null,
      mediaItem: p.mediaSha256 ? (mediaItemOf.get(p.mediaSha256) ?? null) : null,
      signatureState: p.signature?.state ?? null,
      eventSeq: p.mediaSha256 ? (eventOf.get(p.mediaSha256) ?? null) : null,
    }));
    insertProofModeBundle(vault.store, { id: b.bundleId, sourceName: b.sourceName, contentSha256: b.contentSha256, keyFingerprint: b.keyFingerprint ?? null, importedAt: now.toISOString(), commitSalt: salt }, rows);
  });
}
