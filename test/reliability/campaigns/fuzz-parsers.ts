/**
 * Property-based fuzzing (fast-check) of the parsers we wrote ourselves, run by the malformed campaign in a child
 * process with a time limit (a parser stuck in a loop cannot hang the campaign, and the last "fuzz:" line names
 * it). Property for each: on arbitrary bytes/text, and on mutated valid inputs, the parser returns a result or
 * throws a HuellaError (the project's one error class, with a stable code); any other exception, or a run slower
 * than the per-file limit, is a failure with fast-check's reproducible seed and counterexample.
 *
 * Usage: node --import tsx fuzz-parsers.ts <seed> <runs> <workDir> [basesDir]; prints one JSON line (FuzzReport).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { buildAgeHeader, parseAgeHeader, wrapFileKeyX25519 } from '../../../main/archive/blobs/age-header';
import { parseCustodyRecord, parseManifest, parseMarker, parseObjectsList } from '../../../main/archive/backup/format';
import { formatCheckpointBody, parseCheckpointBody, signCheckpoint, verifyCheckpoint } from '../../../main/archive/custody/checkpoint';
import { ed25519KeyPairFromSeed } from '../../../main/archive/custody/ed25519';
import { parseCanonicalJson } from '../../../main/archive/custody/jcs';
import { parseEvent } from '../../../main/archive/custody/log';
import { formatMinisignPublicKey, minisignSign, minisignVerify, parseMinisignPublicKey } from '../../../main/archive/custody/minisign';
import { openNote, parseVerifierKey, verifierKey } from '../../../main/archive/custody/note';
import { formatTlogProof, parseTlogProof, tlogProofFromJson } from '../../../main/archive/custody/tlog-proof';
import { isHuellaError } from '../../../main/archive/errors';
import { assessIccProfile, neutraliseIccProfile } from '../../../main/archive/formats/icc';
import { readKeptExif } from '../../../main/archive/formats/exif-kept';
import { phoneIccProfile } from '../../fixtures/phone-icc';
import { findLeaks, stripToFile } from '../../../main/archive/formats';
import { readZipSafely } from '../../../main/archive/formats/zip/read';
import { sniffMediaType } from '../../../main/archive/ingest/sniff';
import { matroskaInfo, oggInfo } from '../../../main/archive/ingest/av-info';
import { readHeifSegments } from '../../../main/archive/ingest/heif-metadata';
import { HeifFormatError, HeifUnsupportedError } from '../../../main/archive/formats/heif-structure';
import * as openpgp from 'openpgp';
import { parseTelegramJson, parseWhatsAppText } from '../../../main/archive/chats/parse';
import { readManifestStoreSummary } from '../../../main/archive/packet/c2pa-sidecar';
import { readContentCredentials } from '../../../main/archive/ingest/content-credentials';
import { classifyBundleName } from '../../../main/archive/proofmode/layout';
import { checkDetachedSignature } from '../../../main/archive/proofmode/pgp';
import { parseProofCsv, parseProofJson } from '../../../main/archive/proofmode/proof-data';
import { extractManifestStore } from '../../../main/archive/ingest/content-credentials';

/**
 * The HEIF metadata reader runs in the parser worker, which turns any error into a warning on the item: its own
 * refusals and exifr's (plain Error) are expected; a TypeError or RangeError would be a bug in our parser.
 */
function heifOnly(e: unknown): undefined {
  if (e instanceof HeifFormatError || e instanceof HeifUnsupportedError) return undefined;
  if (e instanceof Error && e.constructor === Error) return undefined;
  throw e;
}
import { PER_FILE_LIMIT_MS } from './malformed';

type Target = {
  readonly name: string;
  /** Share of the run budget (slow targets such as re-encoding strippers get fewer runs). */
  readonly weight: number;
  readonly input: fc.Arbitrary<Buffer>;
  readonly call: (input: Buffer, runDir: string) => unknown;
};

const [seedArg, runsArg, workDir, basesDir] = process.argv.slice(2);
const seed = Number(seedArg);
const runs = Number(runsArg);
fs.mkdirSync(workDir!, { recursive: true });

/** Arbitrary bytes, or a valid example with byte edits, a cut, an insertion or a duplicated range. */
function mutated(valid: readonly Buffer[], maxLength = 4096): fc.Arbitrary<Buffer> {
  const raw = fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));
  if (valid.length === 0) return raw;
  const edit = fc.record({
    base: fc.constantFrom(...valid),
    edits: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { maxLength: 24 }),
    cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    insert: fc.option(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.uint8Array({ minLength: 1, maxLength: 64 }))),
    repeat: fc.option(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 256 }), fc.integer({ min: 2, max: 64 }))),
  }).map(({ base, edits, cut, insert, repeat }) => {
    let b = Buffer.from(base);
    for (const [at, v] of edits) if (b.length > 0) b[Math.floor(at * b.length) % b.length] = v;
    if (insert) {
      const at = Math.floor(insert[0] * b.length);
      b = Buffer.concat([b.subarray(0, at), Buffer.from(insert[1]), b.subarray(at)]);
    }
    if (repeat) {
      const at = Math.floor(repeat[0] * b.length);
      const slice = b.subarray(at, at + repeat[1]);
      b = Buffer.concat([b.subarray(0, at), ...Array.from({ length: repeat[2] }, () => slice), b.subarray(at)]);
    }
    if (cut !== null) b = b.subarray(0, Math.floor(cut * b.length));
    return b;
  });
  return fc.oneof({ weight: 1, arbitrary: raw }, { weight: 4, arbitrary: edit });
}

function textual(valid: readonly string[]): fc.Arbitrary<Buffer> {
  const lines = fc.array(fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('', '—', 'age-encryption.org/v1', '-> X25519', '---', 'c2sp.org/tlog-proof@v1', 'index 0', 'untrusted comment:', 'trusted comment:', '\u2014 name AAAA')), { maxLength: 12 });
  return fc.oneof(lines.map((l) => Buffer.from(l.join('\n'))), mutated(valid.map((v) => Buffer.from(v))));
}

// ─── valid examples to mutate ──────────────────────────────────────────────────────────────────────────────────
const keySeed = crypto.createHash('sha256').update(`fuzz ${seed}`).digest();
const keys = ed25519KeyPairFromSeed(keySeed);
const noteName = 'huella.example/fuzz';
const verifier = { name: noteName, publicKey: keys.publicKey };
const body = formatCheckpointBody({ origin: noteName, size: 3, rootHash: crypto.createHash('sha256').update('root').digest() });
const checkpoint = signCheckpoint(body, noteName, keySeed);
const proof = formatTlogProof({ index: 1, proof: [crypto.createHash('sha256').update('a').digest(), crypto.createHash('sha256').update('b').digest()], checkpoint });
const fileKey = keySeed.subarray(0, 16);
const ageHeader = buildAgeHeader(fileKey, [wrapFileKeyX25519(fileKey, keys.publicKey)]);
const minisignKey = formatMinisignPublicKey(keys.publicKey);
const minisignSig = await minisignSign(keySeed, keys.publicKey, Buffer.from('data'), { trustedComment: 'fuzz' });
const event = Buffer.from(JSON.stringify({ v: 1, seq: 0, type: 'vault.created', at: '2026-01-01T00:00:00.000Z', data: {}, prev: 'AAAA' }));
const tiffLoop = Buffer.concat([Buffer.from('II*\0'), Buffer.from([8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 8, 0, 0, 0])]);

// ProofMode: a key and detached signatures as a bundle carries them (armored), and its proof data; chat exports.
const pgpKey = await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ email: 'noone@proofmode.witness.org' }], format: 'object' });
const pgpData = crypto.createHash('sha256').update(`media ${seed}`).digest();
const pgpSignature = await openpgp.sign({ message: await openpgp.createMessage({ binary: pgpData }), signingKeys: pgpKey.privateKey, detached: true, format: 'armored' });
const pgpPublic = pgpKey.publicKey.armor();
const proofData = { 'File Hash SHA256': 'a'.repeat(64), 'Proof Generated': '2024-03-05T17:22:12.345Z', 'Location.Latitude': '-34.6', Notes: 'x' };
const proofCsv = `${Object.keys(proofData).map((k) => `${k},`).join('')}\n${Object.values(proofData).map((v) => `${v},`).join('')}\n`;
const telegram = JSON.stringify({ name: 'Plaza', type: 'private_group', id: 1, messages: [
  { id: 1, type: 'service', date: '2024-03-05T17:20:00', actor: 'N', action: 'create_group' },
  { id: 2, type: 'message', date: '2024-03-05T17:22:10', from: 'Nahuel', text: ['Mira ', { type: 'bold', text: 'esto' }], photo: 'photos/photo_1@05-03-2024_17-22-10.jpg' },
  { id: 3, type: 'message', date: '2024-03-05T17:30:12', from: null, text: '', file: '(File not included. Change data exporting settings to download.)', media_type: 'voice_message' },
] }, null, 1);
const whatsapp = '[05/03/2024, 17:22:10] Nahuel: \u200e<attached: 00000003-PHOTO-2024-03-05-17-22-10.jpg>\r\n3/25/24, 5:22 PM - Nahuel: IMG-20240325-WA0001.jpg (file attached)\nsecond line\n';

const C2PA_SAMPLE = path.join(import.meta.dirname, '../../fixtures/c2pa/c2pa-rs-signed.heic');

/** Parsers that must never throw at all (they answer "not one" with undefined or an error value). */
function total<T>(fn: (b: Buffer) => T): (b: Buffer) => T {
  return (b) => {
    try {
      return fn(b);
    } catch (e) {
      throw new Error(`threw instead of answering: ${(e as Error)?.message ?? String(e)}`);
    }
  };
}

/** The same for async parsers: the promise must resolve, never reject. */
function totalAsync<T>(fn: (b: Buffer) => Promise<T>): (b: Buffer) => Promise<T> {
  return async (b) => {
    try {
      return await fn(b);
    } catch (e) {
      throw new Error(`rejected instead of answering: ${(e as Error)?.message ?? String(e)}`);
    }
  };
}

function readBases(exts: readonly string[]): Buffer[] {
  if (!basesDir) return [];
  return fs.readdirSync(basesDir).filter((n) => exts.some((e) => n.endsWith(`.${e}`))).map((n) => fs.readFileSync(path.join(basesDir, n))).filter((b) => b.length <= 2 * 1024 * 1024);
}

const STRIP_OPTS = { keepCaptureDate: false, keepOrientation: true } as const;
let stripCounter = 0;

/** Strips the bytes to a file, then runs the leak finder on the result (both must only fail with HuellaError). */
function stripper(mediaType: string, exts: readonly string[], weight: number): Target {
  return {
    name: `strip+findLeaks ${mediaType}`,
    weight,
    input: mutated(readBases(exts), 64 * 1024),
    call: async (input, runDir) => {
      const out = path.join(runDir, `out-${++stripCounter}`);
      try {
        await stripToFile(() => Readable.from([input]), mediaType, out, STRIP_OPTS);
        await findLeaks(out, mediaType, STRIP_OPTS);
      } finally {
        fs.rmSync(out, { force: true });
      }
    },
  };
}

const targets: Target[] = [
  { name: 'sniffMediaType', weight: 1, input: mutated(readBases(['jpg', 'png', 'tif', 'webp', 'pdf', 'docx', 'zip', 'mp4', 'odt', 'heic', 'opus', 'webm'])), call: (b) => sniffMediaType(b.subarray(0, 4100), 'evidence.jpg') },
  { name: 'parseAgeHeader', weight: 1, input: mutated([ageHeader]), call: (b) => parseAgeHeader(b) },
  { name: 'parseCheckpointBody', weight: 1, input: textual([body]), call: (b) => parseCheckpointBody(b.toString('utf8')) },
  { name: 'verifyCheckpoint/openNote', weight: 1, input: textual([checkpoint]), call: (b) => { try { openNote(b, verifier); } finally { verifyCheckpoint(b, verifier); } } },
  { name: 'parseVerifierKey', weight: 1, input: textual([verifierKey(noteName, keys.publicKey)]), call: (b) => parseVerifierKey(b.toString('utf8')) },
  { name: 'parseTlogProof', weight: 1, input: textual([proof]), call: (b) => parseTlogProof(b) },
  { name: 'tlogProofFromJson', weight: 1, input: textual([JSON.stringify({ index: 1, proof: ['AAAA'], checkpoint })]), call: (b) => { let j: unknown; try { j = JSON.parse(b.toString('utf8')); } catch { return; } tlogProofFromJson(j); } },
  { name: 'parseMinisignPublicKey', weight: 1, input: textual([minisignKey]), call: (b) => parseMinisignPublicKey(b.toString('utf8')) },
  { name: 'minisignVerify', weight: 1, input: textual([minisignSig]), call: (b) => minisignVerify(minisignKey, b, Buffer.from('data')) },
  { name: 'parseEvent', weight: 1, input: textual([event.toString()]), call: (b) => parseEvent(b) },
  { name: 'parseCanonicalJson', weight: 1, input: textual([event.toString()]), call: (b) => parseCanonicalJson(b) },
  { name: 'backup parseMarker', weight: 1, input: textual(['{"format":"huella-backup","version":1,"backupId":"abc"}']), call: (b) => parseMarker(b.toString('utf8')) },
  { name: 'backup parseManifest', weight: 1, input: textual(['{"format":"huella-backup-manifest","version":1}']), call: (b) => parseManifest(b) },
  { name: 'backup parseObjectsList', weight: 1, input: textual([`${'a'.repeat(64)} 12 ${'b'.repeat(64)}\n`]), call: (b) => parseObjectsList(b.toString('utf8')) },
  { name: 'backup parseCustodyRecord', weight: 1, input: textual(['{"format":"huella-backup-custody","version":1}']), call: (b) => parseCustodyRecord(b) },
  { name: 'assessIccProfile', weight: 1, input: mutated([]), call: (b) => assessIccProfile(b) },
  { name: 'neutraliseIccProfile', weight: 1, input: mutated([phoneIccProfile('google'), phoneIccProfile('huawei')]), call: (b) => neutraliseIccProfile(b) },
  { name: 'readKeptExif', weight: 1, input: mutated([tiffLoop]), call: (b) => readKeptExif(b, true) },
  { name: 'readZipSafely', weight: 0.5, input: mutated(readBases(['zip', 'docx', 'odt']), 64 * 1024), call: (b) => readZipSafely(b, 'fuzz.zip') },
  stripper('image/jpeg', ['jpg'], 0.25),
  stripper('image/png', ['png'], 0.25),
  stripper('image/webp', ['webp'], 0.25),
  stripper('image/tiff', ['tif'], 0.05),
  stripper('video/mp4', ['mp4'], 0.25),
  stripper('application/pdf', ['pdf'], 0.05),
  stripper('application/vnd.openxmlformats-officedocument.wordprocessingml.document', ['docx'], 0.1),
  stripper('application/vnd.oasis.opendocument.text', ['odt'], 0.1),
  stripper('text/plain', [], 0.1),
  stripper('image/heic', ['heic'], 0.25),
  stripper('audio/ogg', ['opus'], 0.25),
  stripper('video/webm', ['webm'], 0.25),
  { name: 'readHeifSegments', weight: 0.5, input: mutated(readBases(['heic']), 64 * 1024), call: (b) => readHeifSegments(b).catch(heifOnly) },
  { name: 'oggInfo/matroskaInfo', weight: 0.5, input: mutated(readBases(['opus', 'webm']), 64 * 1024), call: (b) => [oggInfo(b, b), matroskaInfo(b)] },
  { name: 'chats parseTelegramJson', weight: 1, input: textual([telegram]), call: total((b) => parseTelegramJson(b.toString('utf8'))) },
  { name: 'chats parseWhatsAppText', weight: 1, input: textual([whatsapp]), call: total((b) => parseWhatsAppText(b.toString('utf8'))) },
  { name: 'proofmode parseProofJson/Csv', weight: 1, input: textual([JSON.stringify(proofData), proofCsv]), call: total((b) => [parseProofJson(b.toString('utf8')), parseProofCsv(b.toString('utf8'))]) },
  { name: 'proofmode classifyBundleName', weight: 0.5, input: textual([`${'a'.repeat(64)}.proof.csv.asc`, 'pubkey.asc']), call: total((b) => classifyBundleName(b.toString('utf8'))) },
  {
    // A bundle's signature and key are attacker-controlled: the check answers valid/invalid/unknown-key, never throws.
    name: 'proofmode checkDetachedSignature (signature)',
    weight: 0.5,
    input: textual([pgpSignature]),
    call: async (b) => {
      const r = await checkDetachedSignature({ publicKey: pgpPublic, signature: b.toString('utf8'), data: pgpData });
      if (!['valid', 'invalid', 'unknown-key'].includes(r.state)) throw new Error(`no verdict: ${JSON.stringify(r)}`);
    },
  },
  {
    name: 'proofmode checkDetachedSignature (key)',
    weight: 0.25,
    input: textual([pgpPublic]),
    call: async (b) => {
      const r = await checkDetachedSignature({ publicKey: b.toString('utf8'), signature: pgpSignature, data: pgpData });
      if (!['valid', 'invalid', 'unknown-key'].includes(r.state)) throw new Error(`no verdict: ${JSON.stringify(r)}`);
    },
  },
  // The import-time reader (issue 16): any bytes give a verdict or "no Content Credentials", never an exception.
  { name: 'c2pa readContentCredentials (import)', weight: 0.5, input: mutated([fs.readFileSync(C2PA_SAMPLE)], 64 * 1024), call: totalAsync((b) => readContentCredentials(b)) },
  { name: 'c2pa sidecar readManifestStoreSummary', weight: 0.5, input: mutated([Buffer.from(extractManifestStore(fs.readFileSync(C2PA_SAMPLE))!)], 64 * 1024), call: total((b) => readManifestStoreSummary(b)) },
];

const failures: string[] = [];
const parsers: { name: string; runs: number; slowestMs: number }[] = [];
const hex = (b: Buffer): string => (b.length > 96 ? `${b.subarray(0, 96).toString('hex')}… (${b.length} bytes)` : b.toString('hex'));

for (const [i, t] of targets.entries()) {
  const numRuns = Math.max(5, Math.ceil(runs * t.weight));
  const runDir = path.join(workDir!, `t${i}`);
  fs.mkdirSync(runDir, { recursive: true });
  console.log(`fuzz: ${t.name} (${numRuns} runs)`);
  let slowest = 0;
  const property = fc.asyncProperty(t.input, async (input) => {
    const started = performance.now();
    let thrown: unknown;
    try {
      await t.call(input, runDir);
    } catch (e) {
      thrown = e ?? new Error('threw a nullish value');
    }
    const ms = performance.now() - started;
    slowest = Math.max(slowest, ms);
    if (ms > PER_FILE_LIMIT_MS) throw new Error(`took ${Math.round(ms)} ms on input ${hex(input)}`);
    if (thrown === undefined) return;
    if (!isHuellaError(thrown)) throw new Error(`threw ${(thrown as Error)?.constructor?.name ?? typeof thrown}: ${String((thrown as Error)?.message ?? thrown).slice(0, 200)} on input ${hex(input)}`);
    if (!thrown.message || thrown.message.length < 10) throw new Error(`HuellaError ${thrown.code} without a clear message on input ${hex(input)}`);
  });
  const result = await fc.check(property, { seed: seed + i, numRuns, endOnFailure: true });
  parsers.push({ name: t.name, runs: result.numRuns, slowestMs: Math.round(slowest) });
  if (result.failed) {
    const err = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
    failures.push(`${t.name}: ${err.slice(0, 600)} (fast-check seed ${result.seed}, path ${result.counterexamplePath ?? '-'})`);
  }
}
console.log(JSON.stringify({ parsers, failures }));
