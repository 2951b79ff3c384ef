import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../../../../main/archive/formats/vips-env';
import sharp from 'sharp';
import { exportPacket, planPacket, verifyPacket } from '../../../../../main/archive/export';
import { parseEvent } from '../../../../../main/archive/custody/log';
import { shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { verifyVault } from '../../../../../main/archive/verify/verify';
import type { PacketExportReport } from '../../../../../shared/model/packet';
import { exiftoolFindings, jpegCodingData, keptWholeBuffers } from '../formats/strip-helpers';
import { RICH_EXIF } from '../../../../fixtures/photos';
import { tempDir } from '../../../../helpers/tmp';
import { MECHANISM, NAMES, PSEUDONYMS, makeWorld, packetTexts, type World } from './world';

const REPO = path.resolve(import.meta.dirname, '../../../../..');
const RFC9162 = path.join(REPO, 'test/tools/rfc9162-check.mjs');
const BAGIT = path.join(REPO, 'test/tools/bagit-python/validate.py');

function run(cmd: string, args: readonly string[], cwd?: string): { code: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function files(dir: string): string[] {
  return fs.readdirSync(dir).map((f) => path.join(dir, f));
}

async function upright(file: string): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(file).rotate().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('packet export (redacted folder, forensic zip)', () => {
  const root = tempDir('huella-packet-');
  let w: World;
  let redacted: PacketExportReport;
  let forensic: PacketExportReport;
  const folder = path.join(root, 'out', 'packet-redacted');
  const zipFile = path.join(root, 'out', 'packet-forensic.zip');
  const identityFile = path.join(root, 'recipient.key');
  let recipient: string;

  beforeAll(async () => {
    w = await makeWorld(root);
    await shutdownIngestWorkers();
    const keygen = spawnSync('age-keygen', ['-o', identityFile], { encoding: 'utf8' });
    recipient = /age1[0-9a-z]+/.exec(keygen.stderr)![0];
    const t0 = performance.now();
    redacted = await exportPacket(w.vault, { mechanismId: MECHANISM, caseId: w.caseId, profile: 'redacted', lang: 'en', answers: w.answers, outPath: folder });
    const t1 = performance.now();
    forensic = await exportPacket(w.vault, { mechanismId: MECHANISM, caseId: w.caseId, profile: 'forensic', recipient, lang: 'es', answers: w.answers, outPath: zipFile });
    const t2 = performance.now();
    execFileSync('unzip', ['-q', '-j', zipFile, 'packet-forensic/data/evidence/*', '-d', path.join(root, 'unzipped-evidence')]);
    console.log(`[measured] redacted folder export ${(t1 - t0).toFixed(0)} ms (3 rich photos, 1 testimony, cover DOCX+PDF, self-verify); forensic zip export ${(t2 - t1).toFixed(0)} ms`);
  });

  afterAll(() => w?.vault.lock());

  it('plans what will and will not leave, with reasons', () => {
    const plan = planPacket(w.vault, { mechanismId: MECHANISM, caseId: w.caseId, profile: 'redacted', lang: 'en', answers: w.answers });
    expect(plan.canExport).toBe(true);
    expect(plan.keepCaptureDate).toBe(false);
    const zip = plan.items.find((i) => i.itemId === w.zipItemId)!;
    expect(zip.action).toBe('refuse');
    expect(zip.reason).toMatch(/ZIP/);
    for (const p of w.photos) {
      const i = plan.items.find((x) => x.itemId === p.itemId)!;
      expect(i.action).toBe('strip');
      expect(i.removes).toEqual(expect.arrayContaining(['gps', 'serial', 'make-model', 'capture-date', 'xmp', 'iptc']));
      expect(i.exportPath).toMatch(/^data\/evidence\/E00\d/);
    }
    const byId = new Map(plan.persons.map((p) => [p.personId, p]));
    expect(byId.get(w.persons.victim)).toMatchObject({ shownAs: 'pseudonym', consentState: 'name-withheld', consentId: w.victimConsentId, materialConsent: 'given' });
    expect(byId.get(w.persons.witness)).toMatchObject({ shownAs: 'name', consentState: 'granted', materialConsent: 'given' });
    expect(byId.get(w.persons.family)).toMatchObject({ shownAs: 'pseudonym', consentState: 'none', materialConsent: 'not-needed' });
    expect(byId.get(w.persons.perpetrator)).toMatchObject({ shownAs: 'name' });
    expect(plan.testimonies[0]!.replacements).toBeGreaterThanOrEqual(4);
    const field = (id: string) => plan.fields.find((f) => f.fieldId === id)!;
    expect(field('victimName')).toMatchObject({ source: 'catalogue', value: PSEUDONYMS.victim });
    expect(field('fullNameMayBePublished')).toMatchObject({ source: 'catalogue', value: false });
    expect(field('victimConsents')).toMatchObject({ source: 'catalogue', value: true });
    expect(field('incidentCountry')).toMatchObject({ source: 'catalogue', value: 'MX' });
    expect(field('perpetratorTypes').value).toMatch(/police/i);
    expect(String(field('circumstances').value)).toContain(PSEUDONYMS.victim);
    expect(String(field('circumstances').value)).not.toMatch(/Quintana/i);
    expect(plan.warnings.join(' ')).toMatch(/nicknames/);
  });

  it('writes the BagIt layout of DESIGN §6 with neutral file names', () => {
    const evidence = fs.readdirSync(path.join(folder, 'data/evidence')).sort();
    expect(evidence).toHaveLength(3);
    for (const name of evidence) expect(name).toMatch(/^E00\d(-[\p{L}\p{N}-]+)?\.jpg$/u);
    expect(evidence.join(' ')).not.toMatch(/IMG_|DSC_|AnaPerez/);
    for (const f of ['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'tagmanifest-sha256.txt', 'tagmanifest-sha256.txt.minisig', 'custody/items.json', 'custody/events.jsonl', 'custody/checkpoint', 'custody/public-key', 'custody/verifier-key', 'data/testimonies/T01.txt']) {
      expect(fs.existsSync(path.join(folder, f)), f).toBe(true);
    }
    expect(fs.readdirSync(path.join(folder, 'data/submission')).sort()).toEqual([`cover-${MECHANISM}-en.docx`, `cover-${MECHANISM}-en.pdf`]);
    const info = fs.readFileSync(path.join(folder, 'bag-info.txt'), 'utf8');
    expect(info).toMatch(new RegExp(`^External-Identifier: ${redacted.packetId}$`, 'm'));
    expect(info).toMatch(/^Payload-Oxum: \d+\.6$/m);
    expect(info).toMatch(/^Bagging-Date: \d{4}-\d{2}-\d{2}$/m);
  });

  it('leaves no GPS, serial, make/model, XMP or IPTC in any exported photo (exiftool)', async () => {
    const exported = [...files(path.join(folder, 'data/evidence')), ...files(path.join(root, 'unzipped-evidence'))];
    expect(exported).toHaveLength(6);
    for (const f of exported) {
      const exif = execFileSync('exiftool', ['-j', '-a', '-G1', '-u', f]).toString('utf8');
      expect(exif).not.toMatch(/GPS|SerialNumber|"IFD0:Make"|"IFD0:Model"|"XMP|"IPTC|MakerNote|ThumbnailImage/);
      const keepDate = f.includes('unzipped-evidence');
      // The forensic profile keeps the capture date (and says so in items.json); every other value must be gone.
      const values = [...new Set(w.photos.flatMap((p) => p.fixture.originalValues))].filter((v) => !(keepDate && v === RICH_EXIF.dateTimeOriginal));
      for (const v of values) expect(exif.includes(v), `${path.basename(f)} still has ${v}`).toBe(false);
      if (keepDate) expect(exif).toContain('"ExifIFD:DateTimeOriginal": "2024:03:05 14:22:10"');
      expect(await exiftoolFindings(f, keepDate)).toEqual([]);
    }
  });

  it('leaves none of the photos\' plaintext in the strip\'s reused buffers once the export is written', () => {
    // formats/whole-file.ts keeps up to MAX_SPARE buffers between photos; runItemStage wipes them when its items are written.
    for (const b of keptWholeBuffers()) expect(b.every((x) => x === 0)).toBe(true);
  });

  it('keeps the JPEG scan data byte-identical and shows the Orientation-6 photo upright', async () => {
    const items = JSON.parse(fs.readFileSync(path.join(folder, 'custody/items.json'), 'utf8')) as { items: { itemId: string; exported: { path: string } }[] };
    for (const p of w.photos) {
      const exported = path.join(folder, items.items.find((i) => i.itemId === p.itemId)!.exported.path);
      expect(jpegCodingData(fs.readFileSync(exported)).equals(jpegCodingData(fs.readFileSync(p.fixture.path)))).toBe(true);
      const [a, b] = await Promise.all([upright(p.fixture.path), upright(exported)]);
      expect([b.width, b.height]).toEqual([a.width, a.height]);
      expect(b.data.equals(a.data)).toBe(true);
      if (p.orientation === 6) expect([b.width, b.height]).toEqual([480, 640]);
    }
  });

  it('verifies with tools that are not ours: minisign, sha256sum, a BagIt validator, an RFC 9162 checker', () => {
    const minisign = run('minisign', ['-Vm', 'tagmanifest-sha256.txt', '-p', 'custody/public-key'], folder);
    expect(minisign.code, minisign.out).toBe(0);
    expect(minisign.out).toMatch(/Signature and comment signature verified/);
    const sums = run('sha256sum', ['-c', 'manifest-sha256.txt'], folder);
    expect(sums.code, sums.out).toBe(0);
    expect(sums.out.match(/: OK$/gm)).toHaveLength(6);
    const tagsums = run('sha256sum', ['-c', 'tagmanifest-sha256.txt'], folder);
    expect(tagsums.code, tagsums.out).toBe(0);
    const bagit = run('python3', [BAGIT, folder]);
    expect(bagit.out).toMatch(/is valid/);
    expect(bagit.code, bagit.out).toBe(0);
    const verifierKey = fs.readFileSync(path.join(folder, 'custody/verifier-key'), 'utf8').trim();
    const proofs = fs.readdirSync(path.join(folder, 'custody/proofs'));
    expect(proofs.length).toBeGreaterThanOrEqual(8);
    for (const p of proofs) {
      const seq = p.replace('.tlog-proof', '');
      const r = run(process.execPath, [RFC9162, 'tlog-proof', '--proof-file', `custody/proofs/${p}`, '--leaf-file', `custody/entries/${seq}.json`, '--verifier-key', verifierKey], folder);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/checkpoint signature valid/);
    }
  });

  it('the cover\'s own commands, run as printed, catch a changed custody file (items.json)', () => {
    // A reviewer follows the cover's 'How to verify'. custody/items.json (the claims about each file) is listed only
    // in tagmanifest-sha256.txt: the printed sha256sum line must check that file too, or a changed items.json passes
    // both minisign and 'sha256sum -c manifest-sha256.txt'.
    const text = execFileSync('pdftotext', ['-layout', path.join(folder, 'data/submission', fs.readdirSync(path.join(folder, 'data/submission')).find((f) => f.endsWith('.pdf'))!), '-']).toString('utf8');
    const commands = text.split('\n').map((l) => l.trim()).filter((l) => /^(sha256sum|minisign) /.test(l));
    expect(commands.some((c) => c.startsWith('minisign'))).toBe(true);
    const copy = path.join(root, 'cover-commands');
    fs.cpSync(folder, copy, { recursive: true });
    const shell = (c: string): number | null => spawnSync('sh', ['-c', c.replace('<signing-key.pub>', 'custody/public-key')], { cwd: copy }).status;
    for (const c of commands) expect(shell(c), c).toBe(0);
    const items = path.join(copy, 'custody/items.json');
    fs.writeFileSync(items, fs.readFileSync(items, 'utf8').replace('"E001"', '"E00I"'));
    expect(commands.map(shell).some((code) => code !== 0), commands.join('\n')).toBe(true);
  });

  it('passes its own verifier with the key given out of band, per file', async () => {
    const key = fs.readFileSync(path.join(folder, 'custody/public-key'), 'utf8');
    const report = await verifyPacket(folder, { key });
    expect(report.ok).toBe(true);
    expect(report.keySource).toBe('given');
    expect(report.files.every((f) => f.status === 'PASS')).toBe(true);
    const e1 = report.files.find((f) => f.path.startsWith('data/evidence/E001'))!;
    expect(e1.reason).toMatch(/SHA-256 matches manifest-sha256.txt/);
    expect(e1.reason).toMatch(/ingest event/);
    const own = await verifyPacket(folder);
    expect(own.ok).toBe(true);
    expect(own.keyNote).toMatch(/only that nothing changed/);
  });

  it('with the wrong key, names each key by the ID its own file carries (a minisign key has a random ID)', async () => {
    const other = path.join(root, 'other.pub');
    const made = run('minisign', ['-G', '-W', '-p', other, '-s', path.join(root, 'other.key')]);
    expect(made.code, made.out).toBe(0);
    const otherId = /minisign public key ([0-9A-F]+)/.exec(fs.readFileSync(other, 'utf8'))![1]!;
    const packetId = /minisign public key ([0-9A-F]+)/.exec(fs.readFileSync(path.join(folder, 'custody/public-key'), 'utf8'))![1]!;
    const report = await verifyPacket(folder, { key: fs.readFileSync(other, 'utf8') });
    expect(report.ok).toBe(false);
    const reasons = report.checks.filter((c) => c.status === 'FAIL').map((c) => c.reason).join('\n');
    expect(reasons).toContain(`minisign key ID ${otherId}`);
    expect(reasons).toContain(packetId);
    const mentioned = [...reasons.matchAll(/key ID ([0-9A-F]{8,16})\b/g)].map((m) => m[1]);
    for (const id of mentioned) expect([otherId, packetId], `${id} appears in no key file`).toContain(id);
    // minisign itself says the same about the same files.
    const ms = run('minisign', ['-Vm', 'tagmanifest-sha256.txt', '-p', other], folder);
    expect(ms.out).toContain(packetId);
    expect(ms.out).toContain(otherId);
  });

  it('a packet re-signed with another minisign key and that key put in custody/public-key: the signature is checked with the key as its file gives it', async () => {
    // Without --key the signature was checked with the packet's key under a derived ID, and the report said 'made
    // with key ID X, but it was checked with minisign key ID X: a different key'. The signature is valid for that key;
    // what fails is that the custody records are signed by another (the vault's) key.
    const copy = path.join(root, 'resigned');
    fs.cpSync(folder, copy, { recursive: true });
    const pub = path.join(root, 'resign.pub');
    expect(run('minisign', ['-G', '-W', '-p', pub, '-s', path.join(root, 'resign.key')]).code).toBe(0);
    fs.copyFileSync(pub, path.join(copy, 'custody/public-key'));
    const tag = path.join(copy, 'tagmanifest-sha256.txt');
    const sha = (f: string): string => crypto.createHash('sha256').update(fs.readFileSync(path.join(copy, f))).digest('hex');
    fs.writeFileSync(tag, fs.readFileSync(tag, 'utf8').replace(/^[0-9a-f]{64}(?= {2}custody\/public-key$)/m, sha('custody/public-key')));
    expect(run('minisign', ['-S', '-W', '-s', path.join(root, 'resign.key'), '-m', 'tagmanifest-sha256.txt'], copy).code).toBe(0);
    expect(run('minisign', ['-Vm', 'tagmanifest-sha256.txt', '-p', 'custody/public-key'], copy).code).toBe(0);
    const report = await verifyPacket(copy);
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'signature')).toMatchObject({ status: 'PASS' });
    expect(report.checks.find((c) => c.name === 'public-key')!.reason).toMatch(/custody\/verifier-key names another key than the signing key/);
    for (const c of report.checks) expect(c.reason).not.toMatch(/a different key/);
  });

  it('an items.json entry naming another item is reported in plain words', async () => {
    const copy = path.join(root, 'other-item');
    fs.cpSync(folder, copy, { recursive: true });
    const items = path.join(copy, 'custody/items.json');
    const itemId = w.photos[0]!.itemId;
    fs.writeFileSync(items, fs.readFileSync(items, 'utf8').replace(`"itemId": "${itemId}"`, '"itemId": "it_0000000000"'));
    const report = await verifyPacket(copy);
    const reason = report.checks.find((c) => c.name === 'items')!.reason;
    // It read "event #1 is a item.ingested about …, not a item.ingested about …".
    expect(reason).toMatch(/E00\d ingest: event #\d+ is a /);
    expect(reason).toMatch(new RegExp(`is a 'item\\.ingested' event about ${itemId}, not a 'item\\.ingested' event about it_0000000000`));
  });

  it('shows pseudonyms everywhere for people without name consent: files, names, DOCX XML and PDF text', () => {
    const hidden = [NAMES.victim, 'Quintana', NAMES.family, 'Mamani', 'ANA MARIA PEREZ'];
    for (const dir of [folder, path.join(root, 'unzipped')]) {
      if (dir.endsWith('unzipped')) execFileSync('unzip', ['-q', '-o', zipFile, '-d', dir]);
      const texts = packetTexts(dir);
      expect(texts.some((t) => t.file.includes('(pdftotext)'))).toBe(true);
      expect(texts.some((t) => t.file.includes('(unzipped)'))).toBe(true);
      for (const t of texts) {
        const lower = t.text.toLowerCase();
        for (const name of hidden) expect(lower.includes(name.toLowerCase()), `${name} in ${t.file}`).toBe(false);
        expect(lower.includes('pérez') || lower.includes('perez quintana'), `victim surname in ${t.file}`).toBe(false);
      }
      const all = texts.map((t) => t.text).join('\n');
      expect(all).toContain(PSEUDONYMS.victim);
      expect(all).toContain(PSEUDONYMS.family);
      expect(all).toContain(NAMES.witness);
    }
    const pdfText = execFileSync('pdftotext', [path.join(folder, `data/submission/cover-${MECHANISM}-en.pdf`), '-']).toString('utf8').normalize('NFKC');
    expect(pdfText).toContain(PSEUDONYMS.victim);
    expect(pdfText).toContain('Evidence index');
    expect(pdfText).toContain(redacted.items.find((i) => i.exportPath)!.sha256!);
  });

  it('records packet.exported (no names) and a checkpoint after it; the packet lists only earlier events', () => {
    const ev = parseEvent(w.vault.log.event(redacted.exportedEventSeq)!.bytes);
    expect(ev.type).toBe('packet.exported');
    expect(ev.data).toMatchObject({ packetId: redacted.packetId, mechanism: MECHANISM, profile: 'redacted', tagmanifestSha256: redacted.tagmanifestSha256, checkpointSize: redacted.checkpoint.size });
    expect(ev.data.commitment).toMatch(/^[0-9a-f]{64}$/);
    const text = w.vault.log.event(redacted.exportedEventSeq)!.bytes.toString('utf8');
    for (const n of Object.values(NAMES)) expect(text).not.toContain(n);
    expect(text).not.toContain('Villa Norte');
    const tm = fs.readFileSync(path.join(folder, 'tagmanifest-sha256.txt'));
    expect(crypto.createHash('sha256').update(tm).digest('hex')).toBe(redacted.tagmanifestSha256);
    expect(redacted.exportedEventSeq).toBeGreaterThanOrEqual(redacted.checkpoint.size);
    expect(w.vault.log.latestCheckpoint()!.size).toBe(w.vault.log.size());
    const listed = fs.readFileSync(path.join(folder, 'custody/events.jsonl'), 'utf8').trim().split('\n').map((l) => parseEvent(Buffer.from((JSON.parse(l) as { event: string }).event)));
    expect(listed.every((e) => e.seq < redacted.checkpoint.size)).toBe(true);
    const types = new Set(listed.map((e) => e.type));
    for (const t of ['item.ingested', 'item.derived', 'tag.assigned', 'testimony.created', 'consent.relied']) expect(types.has(t as never), t).toBe(true);
  });

  it('forensic zip: verifies while streamed, carries originals only the recipient can open', async () => {
    expect(forensic.format).toBe('zip');
    const report = await verifyPacket(zipFile);
    expect(report.ok, JSON.stringify(report.checks.filter((c) => c.status === 'FAIL'))).toBe(true);
    expect(report.format).toBe('zip');
    const dir = path.join(root, 'unzipped', 'packet-forensic');
    expect(fs.existsSync(path.join(dir, 'bagit.txt'))).toBe(true);
    expect(run('python3', [BAGIT, dir]).code).toBe(0);
    const items = JSON.parse(fs.readFileSync(path.join(dir, 'custody/items.json'), 'utf8')) as {
      items: { itemId: string; original: { sha256: string }; encryptedOriginal?: { path: string; recipient: string }; exported?: { path: string; transformation: { keepCaptureDate: boolean } } }[];
    };
    expect(items.items).toHaveLength(4);
    const zipItem = items.items.find((i) => i.itemId === w.zipItemId)!;
    expect(zipItem.exported).toBeUndefined();
    for (const it of items.items) {
      expect(it.encryptedOriginal!.recipient).toBe(recipient);
      const plain = execFileSync('age', ['-d', '-i', identityFile, path.join(dir, it.encryptedOriginal!.path)]);
      expect(crypto.createHash('sha256').update(plain).digest('hex')).toBe(it.original.sha256);
      if (it.exported) expect(it.exported.transformation.keepCaptureDate).toBe(true);
    }
    expect(fs.readdirSync(path.join(dir, 'data/submission'))).toContain(`cover-${MECHANISM}-es.pdf`);
    const es = execFileSync('pdftotext', [path.join(dir, `data/submission/cover-${MECHANISM}-es.pdf`), '-']).toString('utf8');
    expect(es).toContain('Índice de pruebas');
  });

  it('leaves the vault verifying: packet copies are logged, not stored, and verify does not ask for them', async () => {
    const report = await verifyVault(w.vault);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('never overwrites: a second export to the same path is refused and changes nothing', async () => {
    const before = fs.readFileSync(path.join(folder, 'tagmanifest-sha256.txt'));
    await expect(exportPacket(w.vault, { mechanismId: MECHANISM, caseId: w.caseId, profile: 'redacted', lang: 'en', answers: w.answers, outPath: folder })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(fs.readFileSync(path.join(folder, 'tagmanifest-sha256.txt')).equals(before)).toBe(true);
  });
});
