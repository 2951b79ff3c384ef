import crypto from 'node:crypto';
import type { PacketCheck, PacketCheckName, PacketFileAbout, PacketFileProblem, PacketFileRow, PacketProgress, PacketVerifyReport } from '../../../shared/model/packet';
import { verifyCheckpoint, type VerifiedCheckpoint } from '../custody/checkpoint';
import { ed25519Verify, ed25519VerifyAsync } from '../custody/ed25519';
import { parseCanonicalJson } from '../custody/jcs';
import type { CustodyEvent } from '../custody/log';
import { formatMinisignPublicKey, keyIdFromPublicKey, minisignKeyIdHex, minisignSignatureKeyId, minisignVerify } from '../custody/minisign';
import { parseVerifierKey } from '../custody/note';
import { describePublicKeyText, keyLabel, type DescribedKey } from '../custody/service';
import type { NodeHashMemo } from '../custody/merkle';
import { parseTlogProof, verifyTlogProofAgainst, type ProofHashCache } from '../custody/tlog-proof';
import { HuellaError } from '../errors';
import { bagInfoValue, parseBagInfo, parseManifest, type ManifestEntry } from './bagit';
import { verifySenderLink } from './sender-link';
import { CONTENT_CREDENTIALS_DIR, ManifestStoreScanner } from './c2pa-sidecar';
import { checkItemContentCredentials } from './content-credentials-check';
import type { ItemsJson } from './items-json';
import { itemsJsonIfValid } from './items-json-check';
import { verifyWitnessed, witnessSubjects, type WitnessedResult } from './witnessed';
import { BAG, BAGIT_TXT, entryPath, proofPath } from './layout';
import { openPacketSource, UnsafeArchiveError, type PacketFile, type PacketSource, type ZipLimits } from './source';

/**
 * verifyPacket: checks a packet (folder or zip) without the vault (DESIGN §6), and says per file PASS or FAIL and
 * why. What it checks:
 *  - the container: no links, devices, unsafe or duplicate names; zips against bomb limits (./source.ts);
 *  - BagIt 1.0: bagit.txt, bag-info.txt (Payload-Oxum), both manifests complete in both directions, every hash;
 *  - the minisign signature over tagmanifest-sha256.txt, with the reviewer's key (--key) or the packet's own;
 *  - custody: the checkpoint's signature; each event in events.jsonl canonical, signed, equal to its entry file,
 *    and included in the checkpoint's tree by its proof; items.json consistent with the events (original hash =
 *    the ingest event's, exported hash = the manifest's and the derived event's, transformation = the derived
 *    event's) and with the payload (every payload file described, every described file present).
 * `ok` is true only when every check and every file passes.
 */

export type VerifyOptions = {
  /** The vault's public key from the sender by another channel (minisign file, verifier key, or base64). */
  readonly key?: string;
  /** Witness keys (C2SP cosigner verifier keys) whose cosignatures must be in the packet and verify. */
  readonly witnessKeys?: readonly string[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: PacketProgress) => void;
  readonly limits?: ZipLimits;
};

const MAX_TAG_FILE = 64 * 1024 * 1024;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

type Row = { status: 'PASS' | 'FAIL'; reasons: string[]; passes: string[]; problem?: PacketFileProblem; about?: PacketFileAbout };

class Report {
  readonly checks = new Map<PacketCheckName, { fails: string[]; passes: string[] }>();
  readonly rows = new Map<string, Row>();

  row(p: string): Row {
    let r = this.rows.get(p);
    if (!r) {
      r = { status: 'PASS', reasons: [], passes: [] };
      this.rows.set(p, r);
    }
    return r;
  }
  failFile(p: string, reason: string, problem: PacketFileProblem = 'inconsistent'): void {
    const r = this.row(p);
    r.status = 'FAIL';
    r.problem ??= problem;
    if (!r.reasons.includes(reason)) r.reasons.push(reason);
  }
  describe(p: string, about: PacketFileAbout): void {
    this.row(p).about ??= about;
  }
  passFile(p: string, what: string): void {
    const r = this.row(p);
    if (!r.passes.includes(what)) r.passes.push(what);
  }
  check(name: PacketCheckName): { fails: string[]; passes: string[] } {
    let c = this.checks.get(name);
    if (!c) {
      c = { fails: [], passes: [] };
      this.checks.set(name, c);
    }
    return c;
  }
  fail(name: PacketCheckName, reason: string): void {
    const c = this.check(name);
    if (!c.fails.includes(reason)) c.fails.push(reason);
  }
  pass(name: PacketCheckName, reason: string): void {
    this.check(name).passes.push(reason);
  }
}

function message(e: unknown): string {
  return e instanceof HuellaError ? e.message : e instanceof Error ? e.message : String(e);
}

/** Files of a folder packet up to this size are read whole (proofs, entries, photos): a stream per file cost more. */
const READ_WHOLE_BYTES = 4 * 1024 * 1024;
/** Kept files of a folder packet are read into blocks of this size, each file a view of its block. */
const KEPT_BLOCK_BYTES = 1024 * 1024;

/** What reading the packet gave: every file's hash, the kept files' bytes, the evidence with a C2PA store, the files that could not be read. */
type Hashed = { hashes: Map<string, string>; small: Map<string, Buffer>; errors: Map<string, string>; withManifest: Set<string> };

/** Files whose bytes the checks read (tag files, custody records, Content Credentials sidecars), besides their hash. */
const isKept = (f: PacketFile): boolean => (!f.path.startsWith('data/') || f.path.startsWith(`${CONTENT_CREDENTIALS_DIR}/`)) && f.size <= MAX_TAG_FILE;

/**
 * Reads and hashes every file once: the kept files first, then `afterKept` (the caller starts work on them, such as the
 * events' signatures on the thread pool), then the payload. Errors are listed in the packet's file order.
 */
async function hashAll(src: PacketSource, opts: VerifyOptions, afterKept: (small: ReadonlyMap<string, Buffer>) => void): Promise<Hashed> {
  const out: Hashed = { hashes: new Map(), small: new Map(), errors: new Map(), withManifest: new Set() };
  // Files only hashed (the payload) are read into this one buffer; one byte more than READ_WHOLE_BYTES, so that a file
  // grown past its listed size still reads longer than that size and fails as it does when read whole.
  const scratch = src.readInto ? Buffer.allocUnsafe(READ_WHOLE_BYTES + 1) : undefined;
  const kept = src.readInto ? new KeptBlocks(src.readInto) : undefined;
  let done = 0;
  const pass = async (files: readonly PacketFile[], keep: boolean): Promise<void> => {
    for (const f of files) {
      if (opts.signal?.aborted) throw new HuellaError('CANCELLED', 'Verification was cancelled.');
      await hashFile(src, f, keep ? kept : scratch, keep, out);
      opts.onProgress?.({ phase: 'verifying', done: ++done, total: src.files.length });
    }
  };
  await pass(src.files.filter(isKept), true);
  afterKept(out.small);
  await pass(src.files.filter((f) => !isKept(f)), false);
  const errors = out.errors;
  out.errors = new Map(src.files.filter((f) => errors.has(f.path)).map((f) => [f.path, errors.get(f.path)!]));
  return out;
}

/** Kept files of a folder packet, each read into a shared block as a view of it (a fresh buffer per proof file cost more). */
class KeptBlocks {
  #block = Buffer.alloc(0);
  #used = 0;
  constructor(private readonly readInto: NonNullable<PacketSource['readInto']>) {}

  /** The file as a view; at most one byte more than its listed size is read (a file grown past it fails as read whole). */
  read(f: PacketFile): Buffer {
    const room = f.size + 1;
    if (this.#block.length - this.#used < room) {
      this.#block = Buffer.allocUnsafe(Math.max(KEPT_BLOCK_BYTES, room));
      this.#used = 0;
    }
    const view = this.readInto(f.path, this.#block.subarray(this.#used, this.#used + room));
    this.#used += view.length;
    return view;
  }
}

/** One file read (whole into `into` when it fits, else streamed), hashed, scanned for a C2PA store if it is evidence, and kept if `keep`. */
async function hashFile(src: PacketSource, f: PacketFile, into: Buffer | KeptBlocks | undefined, keep: boolean, out: Hashed): Promise<void> {
  // Evidence copies are scanned for a C2PA manifest store as they are hashed (./content-credentials-check.ts).
  const scan = f.path.startsWith(`${BAG.evidence}/`) ? new ManifestStoreScanner() : undefined;
  try {
    const whole = f.size > READ_WHOLE_BYTES ? undefined : into instanceof KeptBlocks ? into.read(f) : into ? src.readInto!(f.path, into) : src.readWhole?.(f.path);
    let read: Streamed;
    if (whole) {
      if (whole.length > f.size) throw new HuellaError('UNSAFE_ARCHIVE', 'the entry inflates beyond its declared size');
      scan?.update(whole);
      read = { n: whole.length, sha256: crypto.hash('sha256', whole, 'hex'), bytes: whole };
    } else read = await streamFile(src, f, keep, scan);
    if (read.n !== f.size) throw new HuellaError('PACKET_INVALID', 'the entry is shorter than its declared size');
    out.hashes.set(f.path, read.sha256);
    if (keep) out.small.set(f.path, read.bytes!);
    if (scan?.found) out.withManifest.add(f.path);
  } catch (e) {
    out.errors.set(f.path, `could not be read: ${message(e)}`);
  }
}

type Streamed = { readonly n: number; readonly sha256: string; readonly bytes?: Buffer };

/** A file too large to read whole (or any file of a zip), hashed as it streams; its bytes too if `keep`. */
async function streamFile(src: PacketSource, f: PacketFile, keep: boolean, scan: ManifestStoreScanner | undefined): Promise<Streamed> {
  const h = crypto.createHash('sha256');
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of (await src.open(f.path)) as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > f.size) throw new HuellaError('UNSAFE_ARCHIVE', 'the entry inflates beyond its declared size');
    h.update(chunk);
    scan?.update(chunk);
    if (keep) parts.push(chunk);
  }
  // A file read in one chunk is one fresh buffer already: kept as it is, not copied.
  return { n, sha256: h.digest('hex'), ...(keep ? { bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts, n) } : {}) };
}

function text(small: ReadonlyMap<string, Buffer>, p: string): string | undefined {
  const b = small.get(p);
  if (!b) return undefined;
  try {
    return UTF8.decode(b);
  } catch {
    return undefined;
  }
}

const isPayload = (p: string): boolean => p.startsWith('data/');
const isSignatureFile = (p: string): boolean => p === BAG.tagmanifest || p === BAG.signature;

function checkManifest(r: Report, which: 'manifest' | 'tagmanifest', entries: readonly ManifestEntry[], files: readonly string[], hashes: Map<string, string>): void {
  const name = which === 'manifest' ? BAG.manifest : BAG.tagmanifest;
  const inScope = (p: string): boolean => (which === 'manifest' ? isPayload(p) : !isPayload(p) && !isSignatureFile(p));
  const listed = new Set<string>();
  for (const e of entries) {
    listed.add(e.path);
    if (!inScope(e.path)) {
      r.fail(which, `${name} lists ${e.path}, which does not belong in it`);
      continue;
    }
    const actual = hashes.get(e.path);
    if (actual === undefined) {
      if (!files.includes(e.path)) {
        r.failFile(e.path, `listed in ${name} but missing from the packet (removed or renamed)`, 'missing');
        r.fail(which, `${e.path} is listed but missing`);
      }
      continue;
    }
    if (actual !== e.sha256) {
      r.failFile(e.path, `SHA-256 differs from ${name} (the file was changed after the packet was made)`, 'changed');
      r.fail(which, `${e.path} does not match its hash`);
    } else r.passFile(e.path, `SHA-256 matches ${name}`);
  }
  for (const f of files) {
    if (inScope(f) && !listed.has(f)) {
      r.failFile(f, `not listed in ${name} (a file was added or renamed)`, 'added');
      r.fail(which, `${f} is not listed`);
    }
  }
  if (r.check(which).fails.length === 0) r.pass(which, `${entries.length} files listed, all present and matching`);
}

type ShippedEvent = { readonly seq: number; readonly bytes: Buffer; readonly event: CustodyEvent };

export async function verifyPacket(packetPath: string, opts: VerifyOptions = {}): Promise<PacketVerifyReport> {
  const r = new Report();
  let src: PacketSource;
  try {
    src = await openPacketSource(packetPath, opts.limits);
  } catch (e) {
    if (e instanceof UnsafeArchiveError) {
      return {
        ok: false,
        format: 'zip',
        keySource: opts.key ? 'given' : 'packet',
        keyNote: 'Nothing was checked: the archive was refused before reading.',
        checks: [{ name: 'container', status: 'FAIL', reason: e.message }],
        files: [{ path: e.entry, status: 'FAIL', reason: e.message, problem: 'unreadable' }],
      };
    }
    throw e;
  }
  try {
    return await verifySource(src, r, opts);
  } finally {
    await src.close();
  }
}

/** What the first pass over the packet read: every file's hash, the small files' bytes, the evidence with a C2PA store. */
type Read = {
  readonly files: readonly string[];
  readonly sizes: ReadonlyMap<string, number>;
  readonly hashes: Map<string, string>;
  readonly small: Map<string, Buffer>;
  readonly withManifest: Set<string>;
};

/** The signing key the checks use (the one given, else the packet's own), and how each key is named. */
type Keys = {
  readonly publicKey: Buffer | undefined;
  readonly given: DescribedKey | undefined;
  readonly bagKey: DescribedKey | undefined;
  readonly keySource: 'given' | 'packet';
  /** The log's origin, from custody/verifier-key. */
  readonly origin: string | undefined;
};

/**
 * The stages in the order their checks appear in the report (a check's rows keep the order they were found in):
 * container, BagIt, keys, signature, checkpoint, events and proofs, items.json, witnesses.
 */
async function verifySource(src: PacketSource, r: Report, opts: VerifyOptions): Promise<PacketVerifyReport> {
  // events.jsonl is parsed, and its signatures set going on the thread pool, as soon as the custody files are read:
  // they are checked while the payload is hashed. The report still says what it found in the order below.
  let prepared: Promise<PreparedEvents> = Promise.resolve({ publicKey: undefined, lines: undefined });
  const read = await readContainer(src, r, opts, (small) => {
    prepared = prepareEvents(small, opts.key);
    prepared.catch(() => undefined); // awaited below; never an unhandled rejection if a stage before throws
  });
  const { manifest, packetId } = checkBag(r, src, read);
  const keys = checkKeys(r, read.small, opts.key);
  await checkSignature(r, read.small, keys);
  const checked = checkCheckpoint(r, read.small, keys);
  const checkpoint = checked?.verified;
  const events = checkEvents(r, read, keys, checked, await prepared);
  const items = checkItems(r, read, events, checkpoint, keys.origin, packetId, manifest?.entries ?? [], await readItemsJson(read.small));
  const witnessed = checkWitnesses(r, read, events, checkpoint, keys, opts.witnessKeys ?? [], items);
  return packetReport(r, src.format, read.files, packetId, keys, witnessed);
}

/** The container: unsafe entries (folder form), then every file hashed once; a file that cannot be read fails. */
async function readContainer(src: PacketSource, r: Report, opts: VerifyOptions, afterKept: (small: ReadonlyMap<string, Buffer>) => void): Promise<Read> {
  const files = src.files.map((f) => f.path);
  const sizes = new Map(src.files.map((f) => [f.path, f.size]));
  for (const u of src.unsafe) {
    r.failFile(u.path, u.reason, 'unreadable');
    r.fail('container', `${u.path} ${u.reason}`);
  }
  const { hashes, small, errors, withManifest } = await hashAll(src, opts, afterKept);
  for (const [p, why] of errors) {
    r.failFile(p, why, 'unreadable');
    r.fail('container', `${p} ${why}`);
  }
  if (r.check('container').fails.length === 0) r.pass('container', `${files.length} regular files, no links or unsafe names`);
  return { files, sizes, hashes, small, withManifest };
}

/** BagIt 1.0: bagit.txt, both manifests against the files, bag-info.txt and its Payload-Oxum. */
function checkBag(r: Report, src: PacketSource, read: Read): { manifest: ReturnType<typeof parseManifest> | undefined; packetId: string | undefined } {
  const bagit = text(read.small, BAG.bagit);
  if (bagit === undefined) r.fail('bagit.txt', 'bagit.txt is missing or unreadable: this is not a BagIt bag');
  else if (bagit !== BAGIT_TXT) r.fail('bagit.txt', 'bagit.txt is not "BagIt-Version: 1.0" with UTF-8 tag files');
  else r.pass('bagit.txt', 'BagIt 1.0, UTF-8');
  const manifest = checkManifests(r, read);
  const packetId = checkBagInfo(r, read.small, src.files);
  return { manifest, packetId };
}

function checkManifests(r: Report, read: Read): ReturnType<typeof parseManifest> | undefined {
  const manifestText = text(read.small, BAG.manifest);
  const manifest = manifestText === undefined ? undefined : parseManifest(manifestText, BAG.manifest);
  if (!manifest) r.fail('manifest', 'manifest-sha256.txt is missing or unreadable');
  else {
    manifest.problems.forEach((p) => r.fail('manifest', p));
    checkManifest(r, 'manifest', manifest.entries, read.files, read.hashes);
  }
  const tagmanifestText = text(read.small, BAG.tagmanifest);
  const tagmanifest = tagmanifestText === undefined ? undefined : parseManifest(tagmanifestText, BAG.tagmanifest);
  if (!tagmanifest) r.fail('tagmanifest', 'tagmanifest-sha256.txt is missing or unreadable');
  else {
    tagmanifest.problems.forEach((p) => r.fail('tagmanifest', p));
    checkManifest(r, 'tagmanifest', tagmanifest.entries, read.files, read.hashes);
    for (const required of [BAG.bagit, BAG.bagInfo, BAG.manifest]) {
      if (!tagmanifest.entries.some((e) => e.path === required)) r.fail('tagmanifest', `${required} is not covered by tagmanifest-sha256.txt`);
    }
  }
  return manifest;
}

/** bag-info.txt and Payload-Oxum; returns the packet id (External-Identifier). */
function checkBagInfo(r: Report, small: ReadonlyMap<string, Buffer>, all: PacketSource['files']): string | undefined {
  const bagInfoText = text(small, BAG.bagInfo);
  const bagInfo = bagInfoText === undefined ? undefined : parseBagInfo(bagInfoText);
  const packetId = bagInfo ? bagInfoValue(bagInfo.info, 'External-Identifier') : undefined;
  if (!bagInfo) {
    r.fail('bag-info.txt', 'bag-info.txt is missing or unreadable');
    return packetId;
  }
  bagInfo.problems.forEach((p) => r.fail('bag-info.txt', p));
  if (!packetId) r.fail('bag-info.txt', 'External-Identifier (the packet id) is missing');
  if (r.check('bag-info.txt').fails.length === 0) r.pass('bag-info.txt', `packet ${packetId}`);
  const oxum = bagInfoValue(bagInfo.info, 'Payload-Oxum');
  const payloadFiles = all.filter((f) => isPayload(f.path));
  const actual = `${payloadFiles.reduce((a, f) => a + f.size, 0)}.${payloadFiles.length}`;
  if (!oxum) r.fail('payload-oxum', 'Payload-Oxum is missing from bag-info.txt');
  else if (oxum !== actual) r.fail('payload-oxum', `Payload-Oxum says ${oxum} (bytes.files) but the payload is ${actual}`);
  else r.pass('payload-oxum', `${actual} (bytes.files)`);
  return packetId;
}

/** The keys: the one given (if any) against custody/public-key, and custody/verifier-key against the signing key. */
function checkKeys(r: Report, small: ReadonlyMap<string, Buffer>, key: string | undefined): Keys {
  // Messages name each key as its own file does (see describePublicKeyText).
  const bagKeyText = text(small, BAG.publicKey);
  let publicKey: Buffer | undefined;
  let given: DescribedKey | undefined;
  let bagKey: DescribedKey | undefined;
  let keySource: 'given' | 'packet' = 'packet';
  if (key !== undefined) {
    try {
      given = describePublicKeyText(key);
      publicKey = given.publicKey;
      keySource = 'given';
    } catch (e) {
      r.fail('public-key', `the key you gave is not usable: ${message(e)}`);
    }
  }
  if (bagKeyText === undefined) r.fail('public-key', 'custody/public-key is missing');
  else {
    try {
      bagKey = describePublicKeyText(bagKeyText);
    } catch (e) {
      r.fail('public-key', key !== undefined ? `custody/public-key is malformed: ${message(e)}` : `custody/public-key is not a usable key: ${message(e)}`);
    }
  }
  if (key === undefined) publicKey = bagKey?.publicKey;
  if (given && bagKey) {
    if (!bagKey.publicKey.equals(given.publicKey)) {
      r.fail('public-key', `the public key inside the packet (custody/public-key: ${keyLabel(bagKey)}) is NOT the key you gave (${keyLabel(given)}): the packet was signed by someone else`);
    } else r.pass('public-key', `the packet names the key you gave (${keyLabel(given)})`);
  } else if (bagKey && !given && key === undefined) r.pass('public-key', `read from the packet (${keyLabel(bagKey)})`);
  const origin = checkVerifierKey(r, small, publicKey, keySource);
  return { publicKey, given, bagKey, keySource, origin };
}

/** custody/verifier-key names the log's origin and must name the signing key; returns the origin. */
function checkVerifierKey(r: Report, small: ReadonlyMap<string, Buffer>, publicKey: Buffer | undefined, keySource: 'given' | 'packet'): string | undefined {
  const verifierText = text(small, BAG.verifierKey)?.trim();
  if (verifierText === undefined) {
    r.fail('public-key', 'custody/verifier-key is missing');
    return undefined;
  }
  try {
    const vk = parseVerifierKey(verifierText);
    if (publicKey && !vk.publicKey.equals(publicKey)) {
      r.fail('public-key', `custody/verifier-key names another key than the ${keySource === 'given' ? 'one you gave' : 'signing key'} (it names ${vk.name}+${vk.keyHash.toString('hex')})`);
    }
    return vk.name;
  } catch (e) {
    r.fail('public-key', `custody/verifier-key is malformed: ${message(e)}`);
    return undefined;
  }
}

/** The minisign signature over tagmanifest-sha256.txt. */
async function checkSignature(r: Report, small: ReadonlyMap<string, Buffer>, keys: Keys): Promise<void> {
  const tagmanifestBytes = small.get(BAG.tagmanifest);
  const sigText = text(small, BAG.signature);
  if (sigText === undefined) r.fail('signature', `${BAG.signature} is missing`);
  else if (!tagmanifestBytes) r.fail('signature', 'there is no tagmanifest to check the signature against');
  else if (!keys.publicKey) r.fail('signature', 'no usable public key to check the signature with');
  else {
    // The key as its file gives it: a minisign key keeps its own key ID (else it is derived from the key, as ours are).
    const described = keys.given ?? keys.bagKey;
    const keyId = described?.publicKey.equals(keys.publicKey) ? described.minisignKeyId : undefined;
    const res = await minisignVerify(formatMinisignPublicKey(keys.publicKey, keyId), sigText, tagmanifestBytes);
    if (res.ok) {
      r.pass('signature', `valid minisign signature over tagmanifest-sha256.txt (trusted comment: ${res.trustedComment})`);
      r.passFile(BAG.signature, 'valid signature');
    } else {
      const why = res.reason === 'KEY_ID_MISMATCH' ? keyMismatchMessage(sigText, keys.given ?? keys.bagKey) : res.message;
      r.fail('signature', why);
      r.failFile(BAG.signature, why, 'signature');
    }
  }
  if (tagmanifestBytes && r.check('signature').fails.length > 0) r.failFile(BAG.tagmanifest, 'its signature does not verify', 'signature');
  else if (tagmanifestBytes) r.passFile(BAG.tagmanifest, 'signed');
}

/** A checkpoint that verified, and its text (each proof names the checkpoint it is against). */
type Checkpoint = { readonly verified: VerifiedCheckpoint; readonly text: string };

/** custody/checkpoint, signed by the log's key under its origin. */
function checkCheckpoint(r: Report, small: ReadonlyMap<string, Buffer>, keys: Keys): Checkpoint | undefined {
  const checkpointText = text(small, BAG.checkpoint);
  if (checkpointText === undefined) r.fail('checkpoint', 'custody/checkpoint is missing');
  else if (!keys.publicKey || !keys.origin) r.fail('checkpoint', 'no usable key or origin to check the checkpoint with');
  else {
    try {
      const checkpoint = verifyCheckpoint(checkpointText, { name: keys.origin, publicKey: keys.publicKey });
      r.pass('checkpoint', `signed checkpoint of ${keys.origin} at size ${checkpoint.size}`);
      r.passFile(BAG.checkpoint, 'checkpoint signature valid');
      return { verified: checkpoint, text: checkpointText };
    } catch (e) {
      r.fail('checkpoint', message(e));
      r.failFile(BAG.checkpoint, message(e));
    }
  }
  return undefined;
}

/** events.jsonl line by line (canonical, signed, equal to its entry file, proven in the checkpoint's tree), then files under entries/ and proofs/ no event names. */
function checkEvents(r: Report, read: Read, keys: Keys, checkpoint: Checkpoint | undefined, prepared: PreparedEvents): Map<number, ShippedEvent> {
  const events = new Map<number, ShippedEvent>();
  const referenced = new Set<string>();
  // Every proof is against the same checkpoint: their hashes and upper nodes are decoded and hashed once.
  const proofs: ProofContext = { cache: new Map(), memo: new Map() };
  const lines = prepared.lines ?? (read.small.has(BAG.events) ? prepareEventLines(text(read.small, BAG.events), keys.publicKey, false) : undefined);
  if (lines === undefined) r.fail('events', 'custody/events.jsonl is missing or unreadable');
  else {
    const sameKey = prepared.publicKey === keys.publicKey || (prepared.publicKey !== undefined && keys.publicKey !== undefined && prepared.publicKey.equals(keys.publicKey));
    for (const line of lines) {
      if ('fail' in line) {
        r.fail('events', line.fail);
        r.failFile(BAG.events, line.fail);
        continue;
      }
      const { seq } = line;
      const signed = sameKey ? line.signed : keys.publicKey !== undefined && ed25519Verify(keys.publicKey, line.bytes, line.signature);
      if (!signed) {
        r.fail('events', `event #${seq}: its Ed25519 signature does not verify`);
        r.failFile(BAG.events, `event #${seq}: its signature does not verify`);
      }
      events.set(seq, { seq, bytes: line.bytes, event: line.event });
      referenced.add(entryPath(seq));
      referenced.add(proofPath(seq));
      checkEventFiles(r, read.small, line, keys, checkpoint, proofs);
    }
    if (r.check('events').fails.length === 0) r.pass('events', `${events.size} events, canonical and signed`);
    if (r.check('proofs').fails.length === 0 && events.size > 0) r.pass('proofs', `${events.size} inclusion proofs verify against custody/checkpoint`);
    if (r.check('events').fails.length === 0) r.passFile(BAG.events, `${events.size} signed events`);
  }
  for (const f of read.files) {
    if ((f.startsWith(`${BAG.proofs}/`) || f.startsWith(`${BAG.entries}/`)) && !referenced.has(f)) {
      r.failFile(f, 'not referenced by any event in events.jsonl');
      r.fail('events', `${f} is not referenced by any event`);
    }
  }
  return events;
}

type EventLine = { event?: unknown; signature?: unknown; proof?: unknown; entry?: unknown };

/** A line of events.jsonl as parsed: why it cannot be used, or the event, its bytes and whether its signature verifies. */
type PreparedLine = { readonly fail: string } | (ShippedEvent & { readonly rec: EventLine; readonly signature: Buffer; readonly signed: boolean });

/** events.jsonl parsed (undefined when missing or unreadable), each signature checked with `publicKey`. */
type PreparedEvents = { readonly publicKey: Buffer | undefined; readonly lines: readonly PreparedLine[] | undefined };

/**
 * events.jsonl, parsed and its signatures checked on the thread pool while the caller goes on (the payload is hashed
 * meanwhile), with the key the checks will use: the one checkKeys gives (run here on a scratch report, as its
 * findings are reported in their own place). checkEvents checks again the key is the same.
 */
async function prepareEvents(small: ReadonlyMap<string, Buffer>, key: string | undefined): Promise<PreparedEvents> {
  const publicKey = checkKeys(new Report(), small, key).publicKey;
  const eventsText = small.has(BAG.events) ? text(small, BAG.events) : undefined;
  // A few signatures are checked here at once: a trip through the pool would take longer than they do.
  const onPool = (small.get(BAG.events)?.length ?? 0) >= POOL_SIGNATURES_FROM_BYTES;
  const lines = onPool ? prepareEventLines(eventsText, publicKey, true) : prepareEventLines(eventsText, publicKey, false);
  return { publicKey, lines: lines && (await Promise.all(lines)) };
}

/** events.jsonl of at least this size (about 64 events) has its signatures checked on the thread pool. */
const POOL_SIGNATURES_FROM_BYTES = 64 * 1024;

/** Each line of events.jsonl parsed in order (a seq seen on an earlier usable line is a repeat), its signature checked on the pool if `async`. */
function prepareEventLines(eventsText: string | undefined, publicKey: Buffer | undefined, async: true): (PreparedLine | Promise<PreparedLine>)[] | undefined;
function prepareEventLines(eventsText: string | undefined, publicKey: Buffer | undefined, async: false): PreparedLine[] | undefined;
function prepareEventLines(eventsText: string | undefined, publicKey: Buffer | undefined, async: boolean): (PreparedLine | Promise<PreparedLine>)[] | undefined {
  if (eventsText === undefined) return undefined;
  const seen = new Set<number>();
  return eventsText
    .split('\n')
    .filter((l) => l.length > 0)
    .map((line, i) => {
      const parsed = parseEventLine(line, `custody/events.jsonl line ${i + 1}`, seen);
      if ('fail' in parsed) return parsed;
      const sigOk = (ok: boolean): PreparedLine => ({ ...parsed, signed: ok });
      if (!publicKey || parsed.signature.length !== 64) return sigOk(false);
      return async ? ed25519VerifyAsync(publicKey, parsed.bytes, parsed.signature).then(sigOk) : sigOk(ed25519Verify(publicKey, parsed.bytes, parsed.signature));
    });
}

/** One line of events.jsonl: JSON, canonical, a seq not in `seen` (added to it); why not, when it cannot be used. */
function parseEventLine(line: string, where: string, seen: Set<number>): { readonly fail: string } | (ShippedEvent & { readonly rec: EventLine; readonly signature: Buffer }) {
  let rec: EventLine;
  try {
    rec = JSON.parse(line) as EventLine;
  } catch {
    return { fail: `${where} is not JSON` };
  }
  if (typeof rec.event !== 'string' || typeof rec.signature !== 'string') return { fail: `${where} lacks "event" or "signature"` };
  const bytes = Buffer.from(rec.event, 'utf8');
  let ev: CustodyEvent;
  try {
    ev = parseCanonicalJson(bytes) as CustodyEvent;
  } catch (e) {
    return { fail: `${where}: ${message(e)}` };
  }
  const seq = ev.seq;
  if (!Number.isSafeInteger(seq) || seen.has(seq)) return { fail: `${where} has a missing or repeated seq` };
  seen.add(seq);
  return { seq, bytes, event: ev, rec, signature: Buffer.from(rec.signature, 'base64') };
}

/** What every inclusion proof of a packet shares (see parseTlogProof's cache and verifyInclusion's memo). */
type ProofContext = { readonly cache: ProofHashCache; readonly memo: NodeHashMemo };

/** An event's entry file (equal to the event) and inclusion proof (against custody/checkpoint). */
function checkEventFiles(r: Report, small: ReadonlyMap<string, Buffer>, shipped: ShippedEvent & { readonly rec: EventLine }, keys: Keys, checkpoint: Checkpoint | undefined, proofs: ProofContext): void {
  const { seq, bytes, rec } = shipped;
  const ePath = entryPath(seq);
  const pPath = proofPath(seq);
  if (rec.entry !== undefined && rec.entry !== ePath) r.fail('events', `event #${seq} names entry file ${String(rec.entry)}, expected ${ePath}`);
  if (rec.proof !== undefined && rec.proof !== pPath) r.fail('events', `event #${seq} names proof file ${String(rec.proof)}, expected ${pPath}`);
  const entry = small.get(ePath);
  if (!entry) r.failFile(ePath, `missing: event #${seq} has no entry file`);
  else if (!entry.equals(bytes)) {
    r.failFile(ePath, `differs from event #${seq} in events.jsonl`);
    r.fail('events', `${ePath} differs from events.jsonl`);
  } else r.passFile(ePath, `equals event #${seq}`);
  const proofText = text(small, pPath);
  if (proofText === undefined) {
    r.failFile(pPath, `missing: event #${seq} has no inclusion proof`);
    r.fail('proofs', `event #${seq} has no proof`);
    return;
  }
  if (!checkpoint || !keys.publicKey || !keys.origin) {
    r.failFile(pPath, 'cannot be checked without a valid checkpoint');
    r.fail('proofs', 'proofs cannot be checked without a valid checkpoint');
    return;
  }
  try {
    const proof = parseTlogProof(proofText, proofs.cache);
    if (proof.checkpoint !== checkpoint.text) throw new HuellaError('VERIFY_FAILED', 'the proof is against another checkpoint than custody/checkpoint');
    if (proof.index !== seq) throw new HuellaError('VERIFY_FAILED', `the proof is for entry ${proof.index}, not ${seq}`);
    verifyTlogProofAgainst(proof, bytes, checkpoint.verified, proofs.memo);
    r.passFile(pPath, `event #${seq} is in the signed log (RFC 9162 inclusion proof)`);
  } catch (e) {
    r.failFile(pPath, `event #${seq}: ${message(e)}`);
    r.fail('proofs', `event #${seq}: ${message(e)}`);
  }
}

/** Witness cosignatures (custody/witnessed/), merged into the report. */
function checkWitnesses(r: Report, read: Read, events: Map<number, ShippedEvent>, checkpoint: VerifiedCheckpoint | undefined, keys: Keys, witnessKeys: readonly string[], items: ItemsJson | undefined): WitnessedResult {
  const witnessed = verifyWitnessed({
    files: read.files,
    text: (p) => text(read.small, p),
    events,
    checkpoint,
    origin: keys.origin,
    publicKey: keys.publicKey,
    witnessKeys,
    subjects: witnessSubjects(items),
  });
  if (witnessed.check) {
    witnessed.check.fails.forEach((f) => r.fail('witnesses', f));
    witnessed.check.passes.forEach((p) => r.pass('witnesses', p));
  }
  witnessed.fileFails.forEach((why, p) => r.failFile(p, why));
  witnessed.filePasses.forEach((what, p) => r.passFile(p, what));
  return witnessed;
}

const KEY_NOTE = {
  given: 'Signatures were checked with the key you supplied: if you obtained it from the sender by a separate channel, this proves who made the packet.',
  packet:
    'Signatures were checked with the key INSIDE the packet: this proves only that nothing changed after signing, not who signed it (anyone can re-sign a packet). Obtain the sender’s public key separately (in person or over another channel) and check the packet against it to prove who signed it.',
} as const;

/** The report: every file still without a verdict is "present"; checks and rows as found, rows in path order. */
function packetReport(r: Report, format: PacketSource['format'], files: readonly string[], packetId: string | undefined, keys: Keys, witnessed: WitnessedResult): PacketVerifyReport {
  for (const f of files) {
    const row = r.row(f);
    if (row.status === 'PASS' && row.passes.length === 0) r.passFile(f, 'present');
  }
  const checks: PacketCheck[] = [...r.checks.entries()].map(([name, c]) => ({
    name,
    status: c.fails.length > 0 ? 'FAIL' : 'PASS',
    reason: c.fails.length > 0 ? c.fails.join('; ') : c.passes.join('; '),
  }));
  const rows: PacketFileRow[] = [...r.rows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([p, row]) => ({
      path: p,
      status: row.status,
      reason: row.status === 'FAIL' ? row.reasons.join('; ') : row.passes.join('; '),
      ...(row.status === 'FAIL' && row.problem ? { problem: row.problem } : {}),
      ...(row.about ? { about: row.about } : {}),
    }));
  const ok = checks.every((c) => c.status === 'PASS') && rows.every((x) => x.status === 'PASS');
  const { bagKey } = keys;
  return {
    ok,
    ...(packetId ? { packetId } : {}),
    format,
    keySource: keys.keySource,
    keyNote: KEY_NOTE[keys.keySource],
    ...(bagKey ? { signer: { keyId: minisignKeyIdHex(keyIdFromPublicKey(bagKey.publicKey)), publicKey: formatMinisignPublicKey(bagKey.publicKey).split('\n')[1]! } } : {}),
    checks,
    files: rows,
    ...(witnessed.check ? { witnessed: witnessed.exhibits } : {}),
  };
}

/** The signature's key ID (as minisign prints it) against the key it was checked with, each as its file names it. */
function keyMismatchMessage(sigText: string, key: DescribedKey | undefined): string {
  const sigId = minisignSignatureKeyId(sigText);
  const signedBy = sigId ? `key ID ${minisignKeyIdHex(sigId)} (as ${BAG.signature} says)` : 'another key';
  return `the signature was made with ${signedBy}, but it was checked with ${key ? keyLabel(key) : 'another key'}: a different key`;
}

/** What the items.json stages share: the report, the packet as read, the events, and the helpers that fail or pass a file. */
type ItemsCheck = {
  readonly r: Report;
  readonly read: Read;
  readonly events: Map<number, ShippedEvent>;
  /** Payload files items.json describes (the others are flagged at the end). */
  readonly described: Set<string>;
  bad(file: string | undefined, reason: string): void;
  /** The event a reference names, if it is in events.jsonl and is of one of these types about this subject. */
  logged(ref: { seq: number; proof: string }, type: readonly string[], subject: string, what: string, file: string): ShippedEvent | undefined;
  /** A payload file as items.json describes it: present, and its hash and size those of the manifest and the file. */
  payloadFile(p: string, sha: string, size: number, what: string): void;
};

function itemsCheck(r: Report, read: Read, events: Map<number, ShippedEvent>, manifest: readonly ManifestEntry[]): ItemsCheck {
  const manifestHash = new Map(manifest.map((e) => [e.path, e.sha256]));
  const described = new Set<string>();
  const bad = (file: string | undefined, reason: string): void => {
    r.fail('items', reason);
    if (file) r.failFile(file, reason);
  };
  return {
    r,
    read,
    events,
    described,
    bad,
    logged: (ref, type, subject, what, file) => {
      if (ref.proof !== proofPath(ref.seq)) bad(file, `${what}: proof path ${ref.proof} does not match event #${ref.seq}`);
      const ev = events.get(ref.seq);
      if (!ev) {
        bad(file, `${what}: event #${ref.seq} is not in events.jsonl`);
        return undefined;
      }
      if (!type.includes(ev.event.type) || ev.event.subject !== subject) {
        bad(file, `${what}: event #${ref.seq} is a '${ev.event.type}' event about ${String(ev.event.subject)}, not a '${type.join("' or '")}' event about ${subject}`);
        return undefined;
      }
      return ev;
    },
    payloadFile: (p, sha, size, what) => {
      described.add(p);
      if (!read.sizes.has(p)) {
        bad(p, `${what}: ${p} is described in items.json but missing`);
        return;
      }
      if (manifestHash.get(p) !== sha) bad(p, `${what}: items.json gives another SHA-256 than manifest-sha256.txt`);
      else if (read.hashes.get(p) !== sha) bad(p, `${what}: the file's SHA-256 is not the one in items.json`);
      else if (read.sizes.get(p) !== size) bad(p, `${what}: the file's size is not the one in items.json`);
      else r.passFile(p, 'described in items.json');
    },
  };
}

/** custody/items.json against the events, the manifest and the payload: each exhibit, each testimony, nothing undescribed. Returns it as parsed, if valid. */
function checkItems(r: Report, read: Read, events: Map<number, ShippedEvent>, checkpoint: VerifiedCheckpoint | undefined, origin: string | undefined, packetId: string | undefined, manifest: readonly ManifestEntry[], itemsRead: ItemsRead): ItemsJson | undefined {
  const items = parseItemsJson(r, itemsRead);
  if (!items) return undefined;
  const c = itemsCheck(r, read, events, manifest);
  if (packetId && items.packetId !== packetId) c.bad(BAG.items, `items.json is for packet ${items.packetId}, bag-info.txt says ${packetId}`);
  if (origin && items.origin !== origin) c.bad(BAG.items, `items.json names log ${items.origin}, the verifier key names ${origin}`);
  if (checkpoint && items.checkpoint.size !== checkpoint.size) c.bad(BAG.items, `items.json says the checkpoint has size ${items.checkpoint.size}, it has ${checkpoint.size}`);
  for (const it of items.items) checkItem(c, items.packetId, it);
  for (const t of items.testimonies) {
    r.describe(t.path, { label: t.label, kind: 'testimony', ...recordedAt(events, t.revisionEvent?.seq) });
    c.payloadFile(t.path, t.sha256, t.size, t.label);
    if (t.revisionEvent) c.logged(t.revisionEvent, ['testimony.created', 'testimony.edited'], t.testimonyId, `${t.label} revision`, t.path);
  }
  for (const f of read.files) {
    if ((f.startsWith(`${BAG.evidence}/`) || f.startsWith(`${BAG.originals}/`) || f.startsWith(`${BAG.testimonies}/`) || f.startsWith(`${CONTENT_CREDENTIALS_DIR}/`)) && !c.described.has(f)) {
      c.bad(f, `${f} is not described in custody/items.json`);
    }
  }
  if (r.check('items').fails.length === 0) {
    r.pass('items', `${items.items.length} items and ${items.testimonies.length} testimonies consistent with the events and the manifest`);
    r.passFile(BAG.items, 'consistent');
  }
  return items;
}

/** custody/items.json as read: valid (as itemsJsonSchema parses it), or why not, or missing/unreadable. */
type ItemsRead = { readonly items: ItemsJson } | { readonly invalid: string } | { readonly missing: true };

/**
 * custody/items.json parsed and validated. A file that certainly passes the schema is taken as it is
 * (./items-json-check.ts); any other is given to the schema, which decides and names what is wrong: zod is loaded
 * only then, not at every start.
 */
async function readItemsJson(small: ReadonlyMap<string, Buffer>): Promise<ItemsRead> {
  const raw = text(small, BAG.items);
  if (raw === undefined) return { missing: true };
  try {
    const value: unknown = JSON.parse(raw);
    const valid = itemsJsonIfValid(value);
    if (valid) return { items: valid };
    const { itemsJsonSchema } = await import('./items-json');
    const parsed = itemsJsonSchema.safeParse(value);
    if (!parsed.success) throw new Error(`${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim());
    return { items: parsed.data };
  } catch (e) {
    return { invalid: message(e) };
  }
}

function parseItemsJson(r: Report, read: ItemsRead): ItemsJson | undefined {
  if ('missing' in read) {
    r.fail('items', 'custody/items.json is missing or unreadable');
    return undefined;
  }
  if ('invalid' in read) {
    r.fail('items', `custody/items.json is not valid: ${read.invalid}`);
    r.failFile(BAG.items, `not valid: ${read.invalid}`);
    return undefined;
  }
  return read.items;
}

function recordedAt(events: ReadonlyMap<number, ShippedEvent>, seq: number | undefined): { recordedAt?: string } {
  const time = seq === undefined ? undefined : events.get(seq)?.event.time;
  return time ? { recordedAt: time } : {};
}

type ItemEntry = ItemsJson['items'][number];

/** One exhibit: its files described, its original against its ingest (or receipt) event, its copy against its derived event, its Content Credentials. */
function checkItem(c: ItemsCheck, packetId: string, it: ItemEntry): void {
  const { r } = c;
  const file = it.exported?.path ?? it.encryptedOriginal?.path;
  const when = recordedAt(c.events, it.original.ingested.seq);
  if (it.exported) r.describe(it.exported.path, { label: it.label, kind: 'copy', mediaType: it.mediaType, ...when });
  if (it.encryptedOriginal) r.describe(it.encryptedOriginal.path, { label: it.label, kind: 'original', mediaType: it.mediaType, ...when });
  if (it.contentCredentials?.sidecar) r.describe(it.contentCredentials.sidecar.path, { label: it.label, kind: 'credentials', ...when });
  const ingest = checkOriginal(c, it, file);
  if (it.exported) checkCopy(c, packetId, it, it.exported);
  if (it.encryptedOriginal) c.payloadFile(it.encryptedOriginal.path, it.encryptedOriginal.sha256, it.encryptedOriginal.size, `${it.label} encrypted original`);
  checkItemContentCredentials(
    { packetId, small: c.read.small, withManifest: c.read.withManifest, bad: c.bad, pass: (f, w) => r.passFile(f, w), payloadFile: c.payloadFile, logged: c.logged },
    it,
    ingest?.event.type === 'item.ingested' ? ingest.event.data : undefined,
  );
}

/** The original's hash and size against its ingest event; an exhibit received from another vault has item.received as its origin event, and the sender's link with it. */
function checkOriginal(c: ItemsCheck, it: ItemEntry, file: string | undefined): ShippedEvent | undefined {
  const ingest = c.logged(it.original.ingested, it.received ? ['item.received'] : ['item.ingested'], it.itemId, `${it.label} ingest`, file ?? BAG.items);
  if (!ingest) return undefined;
  const d = ingest.event.data;
  if (d.sha256 !== it.original.sha256 || d.size !== it.original.size) c.bad(file ?? BAG.items, `${it.label}: the original's SHA-256/size in items.json differ from the ingest event #${ingest.seq}`);
  else if (file) c.r.passFile(file, `original SHA-256 matches ingest event #${ingest.seq}`);
  if (it.received) {
    const link = verifySenderLink(c.read.small, it.received, it.original, ingest.event);
    for (const f of link.failures) c.bad(f.file, `${it.label}: ${f.reason}`);
    for (const p of link.passes) c.r.passFile(p.file, p.reason);
    if (link.failures.length === 0 && file) c.r.passFile(file, `received from ${it.received.origin}: its ingest event #${it.received.ingested.seq} and transfer event #${it.received.transferred.seq} are in that log`);
  }
  return ingest;
}

/** The exported copy: described in items.json as in the manifest, and its transformation record equal to its derived event's. */
function checkCopy(c: ItemsCheck, packetId: string, it: ItemEntry, x: NonNullable<ItemEntry['exported']>): void {
  c.payloadFile(x.path, x.sha256, x.size, it.label);
  const derived = c.logged(x.derived, ['item.derived'], it.itemId, `${it.label} copy`, x.path);
  if (!derived) return;
  const d = derived.event.data as Record<string, unknown>;
  const t = x.transformation;
  const same =
    d.kind === 'packet-copy' &&
    d.packetId === packetId &&
    d.sha256 === x.sha256 &&
    d.size === x.size &&
    d.method === t.method &&
    d.format === t.format &&
    JSON.stringify(d.removed) === JSON.stringify(t.removed) &&
    JSON.stringify(d.kept) === JSON.stringify(t.kept) &&
    d.keepCaptureDate === t.keepCaptureDate &&
    (d.notes ?? undefined) === (t.notes ?? undefined);
  if (!same) c.bad(x.path, `${it.label}: the copy or its transformation record differs from the derived event #${derived.seq}`);
  else c.r.passFile(x.path, `copy and transformation logged in event #${derived.seq}`);
}
