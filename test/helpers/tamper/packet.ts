import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import { formatMinisignPublicKey, minisignSign } from '../../../main/archive/custody/minisign';
import { ed25519KeyPairFromSeed } from '../../../main/archive/custody/ed25519';
import { verifyPacket } from '../../../main/archive/export';
import { isHuellaError } from '../../../main/archive/errors';
import type { PacketCheckName, PacketVerifyReport } from '../../../shared/model/packet';

/**
 * Packet tamper mutations, shared by the unit test (test/unit/main/archive/packet/tamper.test.ts) and the
 * reliability campaign (test/reliability/campaigns/tamper.ts). Each says which file row or which check must FAIL
 * and with what reason: a packet verifier that only says "something is wrong" does not count.
 */

/** One precise answer: this file row (or this check) FAILs with a reason matching `reason`. */
export type PacketAnswer = { readonly file?: string; readonly check?: PacketCheckName; readonly reason: RegExp };

export type PacketMutation = {
  readonly name: string;
  /**
   * What kind of change it is, without the file, line or field it hits: a generated mutation's kind is its
   * generator's ('payload byte changed', 'proof hash altered, tagmanifest recomputed'…), a named one's is its name.
   * Tests check that every kind ran, so a generator that stops producing (or a sample that skips it) shows.
   */
  readonly kind: string;
  readonly apply: (dir: string) => void | Promise<void>;
  /** Any one of these answers is precise enough. */
  readonly expect: PacketAnswer | readonly PacketAnswer[];
  /** Cannot be carried into a zip (a symbolic link in the folder). */
  readonly folderOnly?: boolean;
};

/** A zip-level change (the entries themselves, not the packet inside): the container check must refuse it. */
export type ZipMutation = {
  readonly name: string;
  readonly make: (file: string, packetDir: string) => Promise<void>;
  readonly expect: (packetDir: string) => PacketAnswer | readonly PacketAnswer[];
};

export function sha256(b: Buffer | string): string {
  return crypto.createHash('sha256').update(b).digest('hex');
}

export function failures(r: PacketVerifyReport): string {
  return [...r.checks.filter((c) => c.status === 'FAIL').map((c) => `${c.name}: ${c.reason}`), ...r.files.filter((f) => f.status === 'FAIL').map((f) => `${f.path}: ${f.reason}`)].join(' | ');
}

/**
 * verifyPacket as `huella packet verify` uses it: some containers are refused with an error (a zip whose end
 * record is gone) rather than a report; that error is the container check's answer.
 */
export async function verifyPacketAnswer(target: string, key: string): Promise<PacketVerifyReport> {
  try {
    return await verifyPacket(target, { key });
  } catch (e) {
    if (!isHuellaError(e)) throw e;
    return { ok: false, format: 'zip', keySource: 'given', keyNote: '', checks: [{ name: 'container', status: 'FAIL', reason: `${e.code}: ${e.message}` }], files: [] };
  }
}

/** Whether the report gives one of the expected precise answers. */
export function answeredPrecisely(r: PacketVerifyReport, expect: PacketAnswer | readonly PacketAnswer[]): boolean {
  const answers: readonly PacketAnswer[] = Array.isArray(expect) ? expect : [expect as PacketAnswer];
  return (
    !r.ok &&
    answers.some((a) => {
      if (a.file === undefined && a.check === undefined) throw new Error('an answer names a file or a check');
      const fileOk = a.file === undefined || r.files.some((f) => f.path === a.file && f.status === 'FAIL' && a.reason.test(f.reason));
      const checkOk = a.check === undefined || r.checks.some((c) => c.name === a.check && c.status === 'FAIL' && a.reason.test(c.reason));
      return fileOk && checkOk;
    })
  );
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function rewriteManifestLine(file: string, target: string, hash: string): void {
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.replace(new RegExp(`^[0-9a-f]{64}  ${escape(target)}$`, 'm'), `${hash}  ${target}`));
}

function dropManifestLine(file: string, target: string): void {
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.replace(new RegExp(`^[0-9a-f]{64}  ${escape(target)}\\n`, 'm'), ''));
}

/** Recomputes tagmanifest-sha256.txt's line for a tag file (what a forger without the key does next). */
function refreshTagLine(dir: string, tagFile: string): void {
  rewriteManifestLine(path.join(dir, 'tagmanifest-sha256.txt'), tagFile, sha256(fs.readFileSync(path.join(dir, tagFile))));
}

function manifestTargets(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.slice(66));
}

function flipFileByte(file: string, at: (n: number) => number = (n) => Math.floor(n / 2)): void {
  const b = fs.readFileSync(file);
  b[at(b.length)]! ^= 0x01;
  fs.writeFileSync(file, b);
}

export async function zipOf(entries: readonly { name: string; data: Buffer; mode?: number; compress?: boolean }[], file: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(e.data, e.name, { mtime: new Date(1980, 0, 1), mode: e.mode ?? 0o100644, compress: e.compress ?? true });
  zip.end();
  await new Promise<void>((resolve, reject) => zip.outputStream.pipe(fs.createWriteStream(file)).on('close', resolve).on('error', reject));
}

/** Replaces a same-length placeholder name in the zip's local and central headers (yazl refuses unsafe names). */
export function renameInZip(file: string, from: string, to: string): void {
  if (from.length !== to.length) throw new Error('same length only');
  const b = fs.readFileSync(file);
  const f = Buffer.from(from);
  let i = b.indexOf(f);
  let n = 0;
  while (i >= 0) {
    Buffer.from(to).copy(b, i);
    n++;
    i = b.indexOf(f, i + 1);
  }
  if (n < 2) throw new Error('name not found twice');
  fs.writeFileSync(file, b);
}

export function bagEntries(dir: string, top: string): { name: string; data: Buffer }[] {
  const out: { name: string; data: Buffer }[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.push({ name: `${top}/${r}`, data: fs.readFileSync(path.join(d, e.name)) });
    }
  };
  walk(dir, '');
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

const NOT_LISTED = /not listed in manifest-sha256\.txt/;
const DIFFERS_MANIFEST = /SHA-256 differs from manifest-sha256\.txt/;
const DIFFERS_TAG = /differs from tagmanifest/;

/** Every JSON leaf (string, number, boolean) of a document with its path, to change one at a time. */
function leaves(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...at, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, [...at, k]));
  return value === null ? [] : [at];
}

function changeLeaf(doc: unknown, at: readonly (string | number)[]): void {
  let o = doc as Record<string | number, unknown>;
  for (const k of at.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const k = at[at.length - 1]!;
  const v = o[k];
  o[k] = typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : `${String(v)}x`;
}

/**
 * The mutations of one exported packet folder (`original`), generated from its actual files: each payload file,
 * each manifest and tagmanifest line, each field of items.json (plain, and with the manifests recomputed so only
 * the signature can tell), each proof, event and entry, the checkpoint, the keys and the signature.
 */
export function packetMutations(original: string, opts: { readonly sample?: (index: number) => boolean } = {}): PacketMutation[] {
  const keep = opts.sample ?? (() => true);
  const payload = manifestTargets(path.join(original, 'manifest-sha256.txt'));
  const tags = manifestTargets(path.join(original, 'tagmanifest-sha256.txt'));
  const firstEvidence = payload.filter((p) => p.startsWith('data/evidence/')).sort()[0]!;
  const testimony = payload.find((p) => p.startsWith('data/testimonies/'));
  const out: PacketMutation[] = [];
  let generated = 0;
  /** A generated mutation (one per file, line, field…), kept when `sample` says so; the named ones below always run. */
  const gen = (kind: string, m: Omit<PacketMutation, 'kind'>): void => {
    if (keep(generated++)) out.push({ kind, ...m });
  };

  for (const p of payload) {
    gen('payload: one byte changed', { name: `payload ${p}: one byte changed`, apply: (d) => flipFileByte(path.join(d, p)), expect: { file: p, reason: DIFFERS_MANIFEST } });
    gen('manifest line: hash changed, tagmanifest recomputed', {
      name: `manifest line of ${p}: hash changed, tagmanifest recomputed`,
      apply: (d) => {
        rewriteManifestLine(path.join(d, 'manifest-sha256.txt'), p, '0'.repeat(64));
        refreshTagLine(d, 'manifest-sha256.txt');
      },
      expect: { file: p, reason: DIFFERS_MANIFEST },
    });
    gen('manifest line: dropped, tagmanifest recomputed', {
      name: `manifest line of ${p}: dropped, tagmanifest recomputed`,
      apply: (d) => {
        dropManifestLine(path.join(d, 'manifest-sha256.txt'), p);
        refreshTagLine(d, 'manifest-sha256.txt');
      },
      expect: { file: p, reason: NOT_LISTED },
    });
  }
  for (const t of tags) {
    gen('tagmanifest line: hash changed', {
      name: `tagmanifest line of ${t}: hash changed`,
      apply: (d) => rewriteManifestLine(path.join(d, 'tagmanifest-sha256.txt'), t, '0'.repeat(64)),
      expect: [{ file: t, reason: DIFFERS_TAG }, { check: 'signature', reason: /does not match the file|changed after signing/ }],
    });
  }
  const items = JSON.parse(fs.readFileSync(path.join(original, 'custody/items.json'), 'utf8')) as unknown;
  leaves(items).forEach((at) => {
    const field = at.join('.');
    const edit = (d: string): void => {
      const f = path.join(d, 'custody/items.json');
      const doc = JSON.parse(fs.readFileSync(f, 'utf8')) as unknown;
      changeLeaf(doc, at);
      fs.writeFileSync(f, JSON.stringify(doc, null, 2) + '\n');
    };
    gen('items.json field: changed', { name: `items.json ${field}: changed`, apply: edit, expect: { file: 'custody/items.json', reason: DIFFERS_TAG } });
    gen('items.json field: changed, tagmanifest recomputed', {
      name: `items.json ${field}: changed, tagmanifest recomputed`,
      apply: (d) => {
        edit(d);
        refreshTagLine(d, 'custody/items.json');
      },
      expect: { check: 'signature', reason: /does not match the file/ },
    });
  });
  for (const t of tags.filter((x) => x.startsWith('custody/proofs/'))) {
    const tamperProof = (d: string): void => {
      const f = path.join(d, t);
      const lines = fs.readFileSync(f, 'utf8').split('\n');
      const h = Buffer.from(lines[2]!, 'base64');
      h[0]! ^= 1;
      lines[2] = h.toString('base64');
      fs.writeFileSync(f, lines.join('\n'));
    };
    gen('proof: a hash altered', { name: `proof ${t}: a hash altered`, apply: tamperProof, expect: [{ file: t, reason: DIFFERS_TAG }, { check: 'proofs', reason: /not in the signed log|altered/ }] });
    gen('proof: a hash altered, tagmanifest recomputed', {
      name: `proof ${t}: a hash altered, tagmanifest recomputed`,
      apply: (d) => {
        tamperProof(d);
        refreshTagLine(d, t);
      },
      expect: { check: 'proofs', reason: /not in the signed log|altered|does not verify/ },
    });
  }
  for (const t of tags.filter((x) => x.startsWith('custody/proofs/'))) {
    gen('proof: removed, its tagmanifest line dropped', {
      name: `proof ${t}: removed, its tagmanifest line dropped`,
      apply: (d) => {
        fs.rmSync(path.join(d, t));
        dropManifestLine(path.join(d, 'tagmanifest-sha256.txt'), t);
      },
      expect: { check: 'proofs', reason: /has no proof/ },
    });
  }
  for (const t of tags.filter((x) => x.startsWith('custody/entries/'))) {
    gen('entry: one byte changed', { name: `entry ${t}: one byte changed`, apply: (d) => flipFileByte(path.join(d, t)), expect: { file: t, reason: DIFFERS_TAG } });
    // The entry file must equal its event in events.jsonl: with the tagmanifest recomputed only that check (and the
    // signature over the tagmanifest) can tell.
    gen('entry: one byte changed, tagmanifest recomputed', {
      name: `entry ${t}: one byte changed, tagmanifest recomputed`,
      apply: (d) => {
        flipFileByte(path.join(d, t));
        refreshTagLine(d, t);
      },
      expect: { file: t, reason: /differs from event #\d+ in events\.jsonl/ },
    });
    gen('entry: removed, its tagmanifest line dropped', {
      name: `entry ${t}: removed, its tagmanifest line dropped`,
      apply: (d) => {
        fs.rmSync(path.join(d, t));
        dropManifestLine(path.join(d, 'tagmanifest-sha256.txt'), t);
      },
      expect: { file: t, reason: /missing: event #\d+ has no entry file/ },
    });
  }
  const eventLines = fs.readFileSync(path.join(original, 'custody/events.jsonl'), 'utf8').split('\n').filter(Boolean).length;
  for (let i = 0; i < eventLines; i++) {
    gen('events.jsonl line: seq changed, tagmanifest recomputed', {
      name: `events.jsonl line ${i + 1}: a byte changed, tagmanifest recomputed`,
      apply: (d) => {
        const f = path.join(d, 'custody/events.jsonl');
        const lines = fs.readFileSync(f, 'utf8').split('\n');
        lines[i] = lines[i]!.replace(/"seq\\":(\d+)/, (_m, n: string) => `"seq\\":${Number(n) + 1000}`);
        fs.writeFileSync(f, lines.join('\n'));
        refreshTagLine(d, 'custody/events.jsonl');
      },
      expect: { check: 'events', reason: /signature does not verify|differs from|not canonical|events\.jsonl/ },
    });
  }

  const named: Omit<PacketMutation, 'kind'>[] = [
    {
      name: 'a manifest line changed (tagmanifest not recomputed)',
      apply: (d) => rewriteManifestLine(path.join(d, 'manifest-sha256.txt'), firstEvidence, '0'.repeat(64)),
      expect: { file: 'manifest-sha256.txt', reason: /SHA-256 differs from tagmanifest-sha256\.txt/ },
    },
    {
      name: 'items.json profile edited',
      apply: (d) => {
        const f = path.join(d, 'custody/items.json');
        fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('"profile": "redacted"', '"profile": "forensic"'));
      },
      expect: { file: 'custody/items.json', reason: DIFFERS_TAG },
    },
    {
      name: 'checkpoint size line edited',
      apply: (d) => editLines(path.join(d, 'custody/checkpoint'), (l) => (l[1] = String(Number(l[1]) + 1))),
      expect: { check: 'checkpoint', reason: /signature|changed after signing/ },
    },
    {
      name: 'checkpoint root line edited',
      apply: (d) => editLines(path.join(d, 'custody/checkpoint'), (l) => (l[2] = flipBase64(l[2]!))),
      expect: { check: 'checkpoint', reason: /signature|changed after signing/ },
    },
    {
      name: 'checkpoint signature line edited',
      apply: (d) =>
        editLines(path.join(d, 'custody/checkpoint'), (l) => {
          const i = l.findIndex((x) => x.startsWith('— '));
          const parts = l[i]!.split(' ');
          parts[2] = flipBase64(parts[2]!, 12);
          l[i] = parts.join(' ');
        }),
      expect: { check: 'checkpoint', reason: /signature|changed after signing/ },
    },
    {
      name: 'minisign signature: the signature changed',
      apply: (d) => editLines(path.join(d, 'tagmanifest-sha256.txt.minisig'), (l) => (l[1] = flipBase64(l[1]!, 20))),
      expect: [{ file: 'tagmanifest-sha256.txt.minisig', reason: /does not match the file|changed after signing/ }, { check: 'signature', reason: /does not match the file|changed after signing/ }],
    },
    {
      name: 'minisign signature: the trusted comment changed',
      apply: (d) => editLines(path.join(d, 'tagmanifest-sha256.txt.minisig'), (l) => (l[2] = l[2]!.replace('checkpoint', 'checkpoinT'))),
      expect: [{ file: 'tagmanifest-sha256.txt.minisig', reason: /comment|changed after signing/ }, { check: 'signature', reason: /comment|changed after signing/ }],
    },
    {
      name: 'minisign signature: the global signature changed',
      apply: (d) => editLines(path.join(d, 'tagmanifest-sha256.txt.minisig'), (l) => (l[3] = flipBase64(l[3]!, 7))),
      expect: [{ file: 'tagmanifest-sha256.txt.minisig', reason: /comment|changed after signing|does not match/ }, { check: 'signature', reason: /comment|changed after signing|does not match/ }],
    },
    {
      name: 'minisign signature: file removed',
      apply: (d) => fs.rmSync(path.join(d, 'tagmanifest-sha256.txt.minisig')),
      expect: [{ file: 'tagmanifest-sha256.txt.minisig', reason: /missing|not signed|no signature/i }, { check: 'signature', reason: /missing|not signed|no signature/i }],
    },
    {
      name: 'public key: replaced by another key (tagmanifest recomputed, not re-signed)',
      apply: (d) => {
        fs.writeFileSync(path.join(d, 'custody/public-key'), formatMinisignPublicKey(ed25519KeyPairFromSeed(crypto.randomBytes(32)).publicKey));
        refreshTagLine(d, 'custody/public-key');
      },
      expect: [{ check: 'public-key', reason: /NOT the key you gave|another key/ }, { check: 'signature', reason: /does not match the file/ }],
    },
    {
      name: 'payload changed and both manifests recomputed (only the signature can tell)',
      apply: (d) => {
        const rel = testimony ?? firstEvidence;
        flipFileByte(path.join(d, rel));
        rewriteManifestLine(path.join(d, 'manifest-sha256.txt'), rel, sha256(fs.readFileSync(path.join(d, rel))));
        refreshTagLine(d, 'manifest-sha256.txt');
      },
      expect: { check: 'signature', reason: /does not match the file/ },
    },
    {
      name: 'an event in events.jsonl altered',
      apply: (d) => {
        const f = path.join(d, 'custody/events.jsonl');
        fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('"type\\":\\"item.ingested\\"', '"type\\":\\"item.restored\\"'));
      },
      expect: { check: 'events', reason: /signature does not verify|differs from events\.jsonl/ },
    },
    { name: 'a payload file added', apply: (d) => fs.writeFileSync(path.join(d, 'data/evidence/E099.jpg'), 'planted'), expect: { file: 'data/evidence/E099.jpg', reason: NOT_LISTED } },
    {
      name: 'a payload file removed',
      apply: (d) => fs.rmSync(path.join(d, firstEvidence)),
      expect: { file: firstEvidence, reason: /listed in manifest-sha256\.txt but missing/ },
    },
    {
      name: 'a payload file renamed',
      apply: (d) => fs.renameSync(path.join(d, firstEvidence), path.join(d, 'data/evidence/E001-renamed.jpg')),
      expect: { file: 'data/evidence/E001-renamed.jpg', reason: NOT_LISTED },
    },
    { name: 'a tag file added', apply: (d) => fs.writeFileSync(path.join(d, 'custody/extra-note.txt'), 'trust me'), expect: { file: 'custody/extra-note.txt', reason: /not listed in tagmanifest-sha256\.txt/ } },
    { name: 'bagit.txt changed', apply: (d) => fs.appendFileSync(path.join(d, 'bagit.txt'), 'X: y\n'), expect: [{ file: 'bagit.txt', reason: /./ }] },
    {
      name: 'bag-info.txt Payload-Oxum changed',
      apply: (d) => {
        const f = path.join(d, 'bag-info.txt');
        fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/Payload-Oxum: (\d+)/, (_m, n: string) => `Payload-Oxum: ${Number(n) + 1}`));
      },
      expect: { file: 'bag-info.txt', reason: DIFFERS_TAG },
    },
    {
      name: 'a symbolic link planted in the folder',
      apply: (d) => fs.symlinkSync('/etc/passwd', path.join(d, 'data/evidence/link.jpg')),
      expect: { file: 'data/evidence/link.jpg', reason: /symbolic link/ },
      folderOnly: true,
    },
    {
      name: 're-signed with another key (checked with the real key)',
      apply: async (d) => {
        const seed = crypto.randomBytes(32);
        const pub = ed25519KeyPairFromSeed(seed).publicKey;
        fs.writeFileSync(path.join(d, 'custody/public-key'), formatMinisignPublicKey(pub));
        refreshTagLine(d, 'custody/public-key');
        const tm = fs.readFileSync(path.join(d, 'tagmanifest-sha256.txt'));
        fs.writeFileSync(path.join(d, 'tagmanifest-sha256.txt.minisig'), await minisignSign(seed, pub, tm, { trustedComment: 'forged' }));
      },
      expect: { check: 'public-key', reason: /NOT the key you gave/ },
    },
  ];
  return [...out, ...named.map((m) => ({ kind: m.name, ...m }))];
}

/** The kinds of generated mutation packetMutations makes (each also has named ones, whose kind is their name). */
export const GENERATED_PACKET_MUTATION_KINDS = [
  'payload: one byte changed',
  'manifest line: hash changed, tagmanifest recomputed',
  'manifest line: dropped, tagmanifest recomputed',
  'tagmanifest line: hash changed',
  'items.json field: changed',
  'items.json field: changed, tagmanifest recomputed',
  'proof: a hash altered',
  'proof: a hash altered, tagmanifest recomputed',
  'proof: removed, its tagmanifest line dropped',
  'entry: one byte changed',
  'entry: one byte changed, tagmanifest recomputed',
  'entry: removed, its tagmanifest line dropped',
  'events.jsonl line: seq changed, tagmanifest recomputed',
] as const;

function editLines(file: string, edit: (lines: string[]) => void): void {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  edit(lines);
  fs.writeFileSync(file, lines.join('\n'));
}

function flipBase64(s: string, at = 5): string {
  const b = Buffer.from(s, 'base64');
  b[at % b.length]! ^= 0x01;
  return b.toString('base64');
}

const CONTAINER = (reason: RegExp): PacketAnswer => ({ check: 'container', reason });
const firstEvidenceEntry = (packetDir: string): string => `packet/data/evidence/${fs.readdirSync(path.join(packetDir, 'data/evidence')).sort()[0]!}`;
/** Same length as the original (the rename patches the zip in place). */
const renamedEntry = (name: string): string => name.replace(/\/E(\d)/, '/F$1');

/** Zip entries: unsafe names, links, duplicates, bombs, a damaged central directory; renamed, added, dropped entries. */
export function zipMutations(): ZipMutation[] {
  const entriesOf = (packetDir: string) => bagEntries(packetDir, 'packet');
  return [
    {
      name: 'zip-slip entry ../x',
      make: async (f, p) => {
        await zipOf([...entriesOf(p), { name: 'packet/XXevil.txt', data: Buffer.from('x') }], f);
        renameInZip(f, 'packet/XXevil.txt', '../../../evil.txt');
      },
      expect: () => CONTAINER(/escapes the archive \(zip-slip/),
    },
    {
      name: 'absolute path entry',
      make: async (f, p) => {
        await zipOf([...entriesOf(p), { name: 'XXXXXXXXXXXXX', data: Buffer.from('x') }], f);
        renameInZip(f, 'XXXXXXXXXXXXX', '/etc/cron.d/x');
      },
      expect: () => CONTAINER(/absolute path/),
    },
    {
      name: 'symlink entry',
      make: (f, p) => zipOf([...entriesOf(p), { name: 'packet/data/evidence/link.jpg', data: Buffer.from('/etc/passwd'), mode: 0o120777 }], f),
      expect: () => CONTAINER(/symbolic link/),
    },
    {
      name: 'duplicate entry',
      make: (f, p) => {
        const e = entriesOf(p);
        const t = e.find((x) => x.name.includes('/data/'))!;
        return zipOf([...e, { name: t.name, data: Buffer.from('a second, different file') }], f);
      },
      expect: () => CONTAINER(/appears twice/),
    },
    {
      name: 'zip bomb',
      make: (f, p) => zipOf([...entriesOf(p), { name: 'packet/data/evidence/E098.jpg', data: Buffer.alloc(64 * 1024 * 1024) }], f),
      expect: () => CONTAINER(/zip bomb/),
    },
    {
      name: 'backslash entry',
      make: async (f, p) => {
        await zipOf([...entriesOf(p), { name: 'packet/data/XXXX.txt', data: Buffer.from('x') }], f);
        renameInZip(f, 'packet/data/XXXX.txt', 'packet\\data\\XXXX.txt');
      },
      expect: () => CONTAINER(/backslash|invalid character/),
    },
    {
      name: 'corrupted central directory',
      make: async (f, p) => {
        await zipOf(entriesOf(p), f);
        const b = fs.readFileSync(f);
        const cd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); // the last central directory header
        b.fill(0xee, cd + 4, cd + 30);
        fs.writeFileSync(f, b);
      },
      expect: () => CONTAINER(/./),
    },
    {
      name: 'truncated end of central directory',
      make: async (f, p) => {
        await zipOf(entriesOf(p), f);
        fs.truncateSync(f, fs.statSync(f).size - 10);
      },
      expect: () => CONTAINER(/./),
    },
    {
      name: 'entry renamed',
      make: async (f, p) => {
        const e = entriesOf(p);
        const victim = e.find((x) => x.name === firstEvidenceEntry(p))!;
        await zipOf(e, f);
        renameInZip(f, victim.name, renamedEntry(victim.name));
      },
      expect: (p) => ({ file: renamedEntry(firstEvidenceEntry(p)).slice('packet/'.length), reason: NOT_LISTED }),
    },
    {
      name: 'entry added',
      make: (f, p) => zipOf([...entriesOf(p), { name: 'packet/data/evidence/E097.jpg', data: Buffer.from('planted') }], f),
      expect: () => ({ file: 'data/evidence/E097.jpg', reason: NOT_LISTED }),
    },
    {
      name: 'entry dropped',
      make: (f, p) => zipOf(entriesOf(p).filter((x) => x.name !== firstEvidenceEntry(p)), f),
      expect: (p) => ({ file: firstEvidenceEntry(p).slice('packet/'.length), reason: /listed in manifest-sha256\.txt but missing/ }),
    },
  ];
}
