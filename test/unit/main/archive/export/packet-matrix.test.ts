import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPacket } from '../../../../../main/archive/export';
import { recordConsent } from '../../../../../main/archive/catalogue';
import { shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { MECHANISMS, allFields } from '../../../../../shared/mechanisms';
import { LANGS } from '../../../../../shared/localized';
import { tempDir } from '../../../../helpers/tmp';
import { NAMES, makeWorld, packetTexts, type World } from './world';

/**
 * Issue 14's packet check in the suite: one packet per mechanism template (six), the languages and both profiles
 * spread over them, folder and zip alternating, all from one vault. Each packet is checked with tools that are
 * not Huella's (minisign, sha256sum, the Library of Congress bagit.py, an RFC 9162 checker written from the RFC),
 * every claim items.json makes about an exported file is read back from the file (SHA-256 and size by Node's
 * crypto, capture date, orientation and colour profile by exiftool), and no name of a person without name
 * consent appears in any file, DOCX or PDF text.
 */

const REPO = path.resolve(import.meta.dirname, '../../../../..');
const RFC9162 = path.join(REPO, 'test/tools/rfc9162-check.mjs');
const BAGIT = path.join(REPO, 'test/tools/bagit-python/validate.py');

function run(cmd: string, args: readonly string[], cwd?: string): { code: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

type Claim = { path: string; sha256: string; size: number; transformation?: { kept?: string[]; keepCaptureDate?: boolean } };

describe('every template × language × profile, folder and zip: what the packet says holds, standard tools pass', () => {
  const root = tempDir('huella-packet-matrix-');
  let w: World;
  const packets: { mechanismId: string; lang: string; profile: string; dir: string }[] = [];

  beforeAll(async () => {
    w = await makeWorld(root);
    await shutdownIngestWorkers();
    // Material may go to every mechanism; the victim's name to none (the world's own records stay in force for theirs).
    recordConsent(w.vault, { personId: w.persons.victim, mechanism: '*', discloseName: false, shareMaterial: true, givenAt: '2024-04-03', howRecorded: 'written-signed' });
    const recipient = /age1[0-9a-z]+/.exec(spawnSync('age-keygen', ['-o', path.join(root, 'r.key')], { encoding: 'utf8' }).stderr)![0];
    let i = 0;
    for (const m of MECHANISMS) {
      const lang = LANGS[i % LANGS.length]!;
      const profile = i % 2 === 0 ? ('redacted' as const) : ('forensic' as const);
      const zip = i % 3 === 1;
      const name = `${m.id}-${lang}-${profile}`;
      const outPath = path.join(root, 'out', zip ? `${name}.zip` : name);
      // The world's answers are the Special Procedures form's; each template gets those of its own fields.
      const answers = Object.fromEntries(Object.entries(w.answers).filter(([k]) => allFields(m).some((f) => f.id === k)));
      await exportPacket(w.vault, { mechanismId: m.id, caseId: w.caseId, profile, lang, answers, outPath, ...(profile === 'forensic' ? { recipient } : {}) });
      let dir = outPath;
      if (zip) {
        dir = path.join(root, 'unzipped', name);
        fs.mkdirSync(dir, { recursive: true });
        const u = run('unzip', ['-q', outPath, '-d', dir]);
        expect(u.code, `${outPath}: ${u.out}`).toBe(0);
        dir = path.join(dir, fs.readdirSync(dir)[0]!);
      }
      packets.push({ mechanismId: m.id, lang, profile, dir });
      i++;
    }
  }, 120_000);
  afterAll(() => w?.vault.lock());

  it('covers every template, every language and both profiles', () => {
    expect(new Set(packets.map((p) => p.mechanismId)).size).toBe(MECHANISMS.length);
    expect(new Set(packets.map((p) => p.lang))).toEqual(new Set(LANGS));
    expect(new Set(packets.map((p) => p.profile))).toEqual(new Set(['redacted', 'forensic']));
  });

  it('passes minisign, sha256sum, bagit.py and the RFC 9162 checker', () => {
    for (const p of packets) {
      const minisign = run('minisign', ['-Vm', 'tagmanifest-sha256.txt', '-p', 'custody/public-key'], p.dir);
      expect(minisign.code, `${p.dir}: ${minisign.out}`).toBe(0);
      for (const manifest of ['manifest-sha256.txt', 'tagmanifest-sha256.txt']) {
        const sums = run('sha256sum', ['--strict', '-c', manifest], p.dir);
        expect(sums.code, `${p.dir} ${manifest}: ${sums.out}`).toBe(0);
      }
      const bagit = run('python3', [BAGIT, p.dir]);
      expect(bagit.code, `${p.dir}: ${bagit.out}`).toBe(0);
      const verifierKey = fs.readFileSync(path.join(p.dir, 'custody/verifier-key'), 'utf8').trim();
      const items = JSON.parse(fs.readFileSync(path.join(p.dir, 'custody/items.json'), 'utf8')) as { items: { original: { ingested: { seq: number; proof: string } } }[] };
      expect(items.items.length, p.dir).toBeGreaterThan(0);
      for (const it of items.items) {
        const { seq, proof } = it.original.ingested;
        const r = run(process.execPath, [RFC9162, 'tlog-proof', '--proof-file', proof, '--leaf-file', `custody/entries/${seq}.json`, '--verifier-key', verifierKey], p.dir);
        expect(r.code, `${p.dir} ${proof}: ${r.out}`).toBe(0);
      }
    }
  });

  it('every claim of items.json about an exported file holds when the file is read back', () => {
    for (const p of packets) {
      const items = JSON.parse(fs.readFileSync(path.join(p.dir, 'custody/items.json'), 'utf8')) as { items: { exported: Claim | null }[] };
      for (const { exported } of items.items) {
        if (!exported) continue;
        const file = path.join(p.dir, exported.path);
        const bytes = fs.readFileSync(file);
        expect(crypto.createHash('sha256').update(bytes).digest('hex'), file).toBe(exported.sha256);
        expect(bytes.length, file).toBe(exported.size);
        const t = exported.transformation;
        if (!t) continue;
        const exif = JSON.parse(run('exiftool', ['-j', '-n', '-G1', '-a', file]).out)[0] as Record<string, unknown>;
        const keys = Object.keys(exif);
        if (t.keepCaptureDate !== undefined) expect(keys.some((k) => k.endsWith(':DateTimeOriginal')), `${file}: keepCaptureDate ${t.keepCaptureDate}`).toBe(t.keepCaptureDate);
        const orientation = t.kept?.find((k) => k.startsWith('Orientation='));
        if (orientation) expect(String(Object.entries(exif).find(([k]) => k.endsWith(':Orientation'))?.[1]), file).toBe(orientation.split('=')[1]);
        else expect(Object.entries(exif).some(([k, v]) => k.endsWith(':Orientation') && v !== 1), `${file}: an orientation not claimed`).toBe(false);
        const icc = (t.kept ?? []).some((k) => /ICC/.test(k));
        expect(keys.some((k) => k.startsWith('ICC')), `${file}: colour profile claimed ${icc}`).toBe(icc);
      }
    }
  });

  it('names no person without name consent in any file, file name, DOCX or PDF text', () => {
    const hidden = [NAMES.victim, 'Quintana', NAMES.family, 'Mamani'];
    for (const p of packets) {
      const texts = packetTexts(p.dir);
      expect(texts.some((t) => t.file.includes('(pdftotext)')), p.dir).toBe(true);
      for (const t of texts) for (const n of hidden) expect(t.text.toLowerCase().includes(n.toLowerCase()), `${n} in ${t.file}`).toBe(false);
    }
  });
});
