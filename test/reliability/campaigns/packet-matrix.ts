import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { recordConsent } from '../../../main/archive/catalogue';
import { parseEvent } from '../../../main/archive/custody/log';
import { exportPacket, verifyPacket } from '../../../main/archive/export';
import { shutdownIngestWorkers } from '../../../main/archive/ingest/ingest';
import { MECHANISMS, allFields } from '../../../shared/mechanisms';
import { LANGS } from '../../../shared/localized';
import { NAMES, makeWorld, packetTexts } from '../../unit/main/archive/export/world';
import type { Campaign, CampaignResult } from '../lib';

/**
 * Issue 14's packet check: packets of every mechanism template × profile × language from one vault (the world of
 * the export tests: photos with rich metadata, a ZIP no stripper handles, a testimony naming everyone), each
 * checked with tools that are not Huella's and read back:
 *  - minisign over the tag manifest, `sha256sum --strict -c` of both manifests, the Library of Congress bagit.py,
 *    the RFC 9162 checker (written from the RFC) on every event's inclusion proof (quick: each exhibit's ingest
 *    event's), and `huella packet verify`;
 *  - every claim of items.json about an exported file, from the file: SHA-256 and size (Node's crypto), capture
 *    date, orientation and colour profile (exiftool); a JPEG copy stripped losslessly holds its original's scan data
 *    byte for byte (jpegScanData, a marker walk written here);
 *  - no name of a person without name consent in any file, file name, DOCX text (unzip) or PDF text (pdftotext);
 *  - no event with `prev`, and no packet naming another packet's id;
 *  - no false block: every export of this sound case succeeds.
 *
 * Full (`npm run reliability -- --only packet-matrix`): 6 templates × 2 profiles × 4 languages = 48 packets, half
 * of each template's and each language's zipped. Quick (the unit suite, packet-matrix.test.ts): one packet per
 * template, the languages and profiles spread over them, folder and zip alternating.
 */

const REPO = path.resolve(import.meta.dirname, '../../..');
const RFC9162 = path.join(REPO, 'test/tools/rfc9162-check.mjs');
const BAGIT = path.join(REPO, 'test/tools/bagit-python/validate.py');
const PROFILES = ['redacted', 'forensic'] as const;
const HIDDEN = [NAMES.victim, 'Quintana', NAMES.family, 'Mamani'];

type Combo = { readonly mechanismId: string; readonly lang: (typeof LANGS)[number]; readonly profile: (typeof PROFILES)[number]; readonly zip: boolean };
type Claim = { path: string; sha256: string; size: number; transformation?: { method?: string; format?: string; kept?: string[]; keepCaptureDate?: boolean } };

/**
 * A JPEG's scan data: from its first SOS marker through the primary image's EOI, read by walking the marker segments here (not
 * Huella's parser). A lossless-structure copy must hold the original's bytes there unchanged.
 */
export function jpegScanData(b: Buffer): Buffer {
  if (b.readUInt16BE(0) !== 0xffd8) throw new Error('not a JPEG (no SOI)');
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) throw new Error(`no marker at ${i}`);
    while (b[i + 1] === 0xff) i++;
    const m = b[i + 1]!;
    if (m === 0xda) {
      // The primary image's EOI: in entropy-coded data 0xFF is followed by 0x00 or a restart marker, so the first
      // FF D9 ends the image (what follows, e.g. an MPF secondary image, is not this image's scan data).
      const end = b.indexOf(Buffer.from([0xff, 0xd9]), i);
      if (end < 0) throw new Error('no EOI after the scan');
      return b.subarray(i, end + 2);
    }
    i += (m >= 0xd0 && m <= 0xd7) || m === 0x01 ? 2 : 2 + b.readUInt16BE(i + 2);
  }
  throw new Error('no SOS');
}

function sh(cmd: string, args: readonly string[], cwd?: string): { code: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

/** A tool's answer, short enough for a failure line. */
const short = (out: string): string => (out.length > 400 ? `${out.slice(0, 400)}…` : out);

export function combos(quick: boolean): Combo[] {
  if (quick) {
    return MECHANISMS.map((m, i) => ({ mechanismId: m.id, lang: LANGS[i % LANGS.length]!, profile: PROFILES[i % 2]!, zip: i % 3 === 1 }));
  }
  return MECHANISMS.flatMap((m) => PROFILES.flatMap((profile, p) => LANGS.map((lang, l) => ({ mechanismId: m.id, lang, profile, zip: (l + p) % 2 === 1 }))));
}

/**
 * The standard tools on one packet folder: minisign, sha256sum, bagit.py, and the RFC 9162 checker on every proof
 * (quick: on the proof of each exhibit's ingest event; Huella's own verifier checks every proof either way).
 */
function standardTools(dir: string, quick: boolean): string[] {
  const fails: string[] = [];
  const minisign = sh('minisign', ['-Vm', 'tagmanifest-sha256.txt', '-p', 'custody/public-key'], dir);
  if (minisign.code !== 0) fails.push(`minisign: ${short(minisign.out)}`);
  for (const manifest of ['manifest-sha256.txt', 'tagmanifest-sha256.txt']) {
    const sums = sh('sha256sum', ['--strict', '-c', manifest], dir);
    if (sums.code !== 0) fails.push(`sha256sum ${manifest}: ${short(sums.out)}`);
  }
  const bagit = sh('python3', [BAGIT, dir]);
  if (bagit.code !== 0) fails.push(`bagit.py: ${short(bagit.out)}`);
  const verifierKey = fs.readFileSync(path.join(dir, 'custody/verifier-key'), 'utf8').trim();
  const items = JSON.parse(fs.readFileSync(path.join(dir, 'custody/items.json'), 'utf8')) as { items: { original: { ingested: { seq: number } } }[] };
  const proofs = quick ? items.items.map((it) => `${it.original.ingested.seq}.tlog-proof`) : fs.readdirSync(path.join(dir, 'custody/proofs'));
  if (proofs.length === 0) fails.push('no inclusion proof');
  for (const f of proofs) {
    const seq = f.replace(/\.tlog-proof$/, '');
    const r = sh(process.execPath, [RFC9162, 'tlog-proof', '--proof-file', `custody/proofs/${f}`, '--leaf-file', `custody/entries/${seq}.json`, '--verifier-key', verifierKey], dir);
    if (r.code !== 0) fails.push(`RFC 9162 checker, ${f}: ${short(r.out)}`);
  }
  return fails;
}

/** Every claim of items.json about an exported file, read back from the file. */
function claims(dir: string, originals: ReadonlyMap<string, string>): { fails: string[]; files: number; scans: number } {
  const fails: string[] = [];
  const items = JSON.parse(fs.readFileSync(path.join(dir, 'custody/items.json'), 'utf8')) as { items: { original: { sha256: string }; exported: Claim | null }[] };
  let files = 0;
  let scans = 0;
  for (const { original, exported } of items.items) {
    if (!exported) continue;
    files++;
    const file = path.join(dir, exported.path);
    const bytes = fs.readFileSync(file);
    const sha = crypto.createHash('sha256').update(bytes).digest('hex');
    if (sha !== exported.sha256) fails.push(`${exported.path}: SHA-256 ${sha}, items.json says ${exported.sha256}`);
    if (bytes.length !== exported.size) fails.push(`${exported.path}: ${bytes.length} bytes, items.json says ${exported.size}`);
    const t = exported.transformation;
    if (!t) continue;
    // Scan data identical to the original's where the copy claims a lossless structural strip of a JPEG.
    const source = originals.get(original.sha256);
    if (t.method === 'lossless-structure' && t.format === 'jpeg' && source) {
      scans++;
      if (!jpegScanData(bytes).equals(jpegScanData(fs.readFileSync(source)))) fails.push(`${exported.path}: scan data differs from the original's although the strip claims lossless-structure`);
    }
    const exif = JSON.parse(sh('exiftool', ['-j', '-n', '-G1', '-a', file]).out)[0] as Record<string, unknown>;
    const keys = Object.keys(exif);
    if (t.keepCaptureDate !== undefined && keys.some((k) => k.endsWith(':DateTimeOriginal')) !== t.keepCaptureDate) {
      fails.push(`${exported.path}: keepCaptureDate ${t.keepCaptureDate}, DateTimeOriginal ${t.keepCaptureDate ? 'absent' : 'present'}`);
    }
    const orientation = t.kept?.find((k) => k.startsWith('Orientation='));
    const found = Object.entries(exif).find(([k]) => k.endsWith(':Orientation'))?.[1];
    if (orientation && String(found) !== orientation.split('=')[1]) fails.push(`${exported.path}: ${orientation} claimed, Orientation ${String(found)} found`);
    if (!orientation && found !== undefined && found !== 1) fails.push(`${exported.path}: Orientation ${String(found)} not claimed`);
    const icc = (t.kept ?? []).some((k) => /ICC/.test(k));
    if (keys.some((k) => k.startsWith('ICC')) !== icc) fails.push(`${exported.path}: colour profile claimed ${icc}, found ${!icc}`);
  }
  return { fails, files, scans };
}

function entries(dir: string): Record<string, unknown>[] {
  const d = path.join(dir, 'custody/entries');
  return fs.readdirSync(d).map((f) => parseEvent(fs.readFileSync(path.join(d, f))) as unknown as Record<string, unknown>);
}

export const run: Campaign = async ({ quick, workDir, log }): Promise<CampaignResult> => {
  const started = performance.now();
  const w = await makeWorld(workDir);
  await shutdownIngestWorkers();
  const failures: string[] = [];
  // The world's photos as made on disk, by SHA-256: the originals the copies' scan data is compared with.
  const originals = new Map(w.photos.map((p) => [crypto.createHash('sha256').update(fs.readFileSync(p.fixture.path)).digest('hex'), p.fixture.path]));
  const packets: { combo: Combo; dir: string; packetId: string; texts: { file: string; text: string }[] }[] = [];
  try {
    // Material may go to every mechanism; the victim's name to none (the world's own records stay in force for theirs).
    recordConsent(w.vault, { personId: w.persons.victim, mechanism: '*', discloseName: false, shareMaterial: true, givenAt: '2024-04-03', howRecorded: 'written-signed' });
    const keygen = spawnSync('age-keygen', ['-o', path.join(workDir, 'r.key')], { encoding: 'utf8' });
    const recipient = /age1[0-9a-z]+/.exec(keygen.stderr)?.[0];
    if (!recipient) throw new Error(`age-keygen gave no recipient: ${keygen.stderr}`);
    const list = combos(quick);
    for (const [i, c] of list.entries()) {
      const name = `${c.mechanismId}-${c.lang}-${c.profile}`;
      const where = `${name}${c.zip ? '.zip' : ''}`;
      const outPath = path.join(workDir, 'out', c.zip ? `${name}.zip` : name);
      const m = MECHANISMS.find((x) => x.id === c.mechanismId)!;
      // The world's answers are the Special Procedures form's; each template gets those of its own fields.
      const answers = Object.fromEntries(Object.entries(w.answers).filter(([k]) => allFields(m).some((f) => f.id === k)));
      let report;
      try {
        report = await exportPacket(w.vault, { mechanismId: c.mechanismId, caseId: w.caseId, profile: c.profile, lang: c.lang, answers, outPath, ...(c.profile === 'forensic' ? { recipient } : {}) });
      } catch (e) {
        failures.push(`${where}: blocked: ${(e as Error).message}`);
        continue;
      }
      let dir = outPath;
      if (c.zip) {
        dir = path.join(workDir, 'unzipped', name);
        fs.mkdirSync(dir, { recursive: true });
        const u = sh('unzip', ['-q', outPath, '-d', dir]);
        if (u.code !== 0) {
          failures.push(`${where}: unzip: ${short(u.out)}`);
          continue;
        }
        dir = path.join(dir, fs.readdirSync(dir)[0]!);
      }
      const fails: string[] = [];
      const huella = await verifyPacket(outPath, { key: fs.readFileSync(path.join(dir, 'custody/public-key'), 'utf8') });
      if (!huella.ok) fails.push(`huella packet verify: ${huella.checks.filter((x) => x.status !== 'PASS').map((x) => `${x.name}: ${x.reason}`).join('; ')}`);
      fails.push(...standardTools(dir, quick));
      const read = claims(dir, originals);
      fails.push(...read.fails);
      if (read.files === 0) fails.push('no exported file');
      if (c.profile === 'redacted' && read.scans === 0) fails.push('no JPEG copy whose scan data could be compared with its original');
      const texts = packetTexts(dir);
      if (!texts.some((t) => t.file.endsWith('(pdftotext)')) || !texts.some((t) => t.file.endsWith('(unzipped)'))) fails.push('no cover DOCX or PDF text');
      for (const t of texts) for (const n of HIDDEN) if (t.text.toLowerCase().includes(n.toLowerCase())) fails.push(`name without consent '${n}' in ${path.relative(dir, t.file)}`);
      for (const e of entries(dir)) if ('prev' in e) fails.push(`event #${String(e.seq)} names the hash of the event before it (prev)`);
      failures.push(...fails.map((f) => `${where}: ${f}`));
      packets.push({ combo: c, dir, packetId: report.packetId, texts });
      log(`${i + 1}/${list.length} ${where}: ${fails.length === 0 ? 'ok' : `${fails.length} failure(s)`} (${report.files} files)`);
    }
    // No packet names another.
    for (const p of packets) {
      for (const o of packets) {
        if (o !== p && p.texts.some((t) => t.text.includes(o.packetId))) failures.push(`${p.combo.mechanismId}-${p.combo.lang}-${p.combo.profile}: names packet ${o.packetId}`);
      }
    }
  } finally {
    w.vault.lock();
  }
  const total = combos(quick).length;
  const failed = new Set(failures.map((f) => f.split(':')[0]));
  const passed = total - failed.size;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  return {
    name: 'packet-matrix',
    total,
    passed,
    failures,
    summary: `packet-matrix: ${total} packets (${MECHANISMS.length} templates × profiles × languages${quick ? ', spread' : ''}), ${passed} pass every check, ${failures.length} failures, ${seconds} s`,
    details: { packets: packets.map((p) => ({ ...p.combo })) },
  };
};
