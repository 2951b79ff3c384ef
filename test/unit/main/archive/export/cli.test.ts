import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import type { PacketExportReport, PacketPlan, PacketVerifyReport } from '../../../../../shared/model/packet';
import { huella } from '../../../../helpers/cli';
import { tempDir } from '../../../../helpers/tmp';
import { MECHANISM, makeWorld } from './world';

/** `huella export` and `huella packet verify` as a person runs them (child processes). */
describe('huella export / huella packet verify', () => {
  const root = tempDir('huella-packet-cli-');
  let vaultDir: string;
  let caseId: string;
  const answers = path.join(root, 'answers.json');

  beforeAll(async () => {
    const w = await makeWorld(root);
    await shutdownIngestWorkers();
    vaultDir = w.vault.dir;
    caseId = w.caseId;
    fs.writeFileSync(answers, JSON.stringify(w.answers));
    w.vault.lock();
  });

  it('--dry-run prints the plan and writes nothing', () => {
    const out = path.join(root, 'dry');
    const r = huella(['export', vaultDir, '--mechanism', MECHANISM, '--case', caseId, '--profile', 'redacted', '--lang', 'es', '--out', out, '--answers', answers, '--dry-run', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as PacketPlan;
    expect(plan.canExport).toBe(true);
    expect(plan.items.map((i) => i.action)).toEqual(['strip', 'strip', 'strip', 'refuse']);
    expect(fs.existsSync(out)).toBe(false);
    const text = huella(['export', vaultDir, '--mechanism', MECHANISM, '--case', caseId, '--profile', 'redacted', '--answers', answers, '--dry-run']);
    expect(text.stdout).toMatch(/E004 .* refuse -> nothing/);
    // What the trial strip removed, as items.json will say: also for formats whose metadata is not read at import.
    expect(plan.items[0]!.trialStrip!.removed).toEqual(expect.arrayContaining(['APP1/Exif', 'APP1/XMP']));
    expect(plan.items[3]!.trialStrip).toBeUndefined();
    expect(text.stdout).toMatch(/^ {6}stripped in a trial run: removed APP1\/Exif; .*; kept Orientation=6/m);
    expect(text.stdout).toMatch(/Persona A .* shown by pseudonym/);
  });

  it('--dry-run names each answer by the field id --answers takes, says where a filled one came from and what a missing one must be', () => {
    const bad = path.join(root, 'bad-answers.json');
    fs.writeFileSync(bad, JSON.stringify({ urgency: 'yes', sourceName: 'Equipo jurídico' }));
    const r = huella(['export', vaultDir, '--mechanism', MECHANISM, '--case', caseId, '--profile', 'redacted', '--answers', bad, '--dry-run']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/--answers FILE, a JSON object \{"<field id>": value/);
    // Filled from the catalogue: the value, with where it came from (a testimony's date is its interview date).
    expect(r.stdout).toMatch(/^ {2}incidentDate {2}“Date”: 2024-03-07 {2}\[from testimony “.*” \(tes_\w+\), interviewed on 2024-03-07\]$/m);
    expect(r.stdout).toMatch(/^ {2}sourceName {2}“Your name”: Equipo jurídico {2}\[your answer\]$/m);
    // Missing and invalid answers: the id to use and the form of the answer.
    expect(r.stdout).toMatch(/^ {2}sourceContact {2}“Contact details”: MISSING \(required\); give text$/m);
    expect(r.stdout).toMatch(/^ {2}victimKnowsStateInformed {2}“.*”: MISSING \(required\); give true or false$/m);
    expect(r.stdout).toMatch(/^ {2}urgency {2}“.*”: NOT VALID \(not-a-choice\); give one of "ongoing-or-imminent", /m);
    expect(r.stdout).toMatch(/^Missing required fields: .*“Contact details” \(sourceContact\)/m);
  });

  it('an export with answers still missing says to give them with --answers, not to edit the signed cover', () => {
    const partial = path.join(root, 'partial-answers.json');
    const { sourceContact: _omitted, ...rest } = JSON.parse(fs.readFileSync(answers, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(partial, JSON.stringify(rest));
    const out = path.join(root, 'partial');
    const r = huella(['export', vaultDir, '--mechanism', MECHANISM, '--case', caseId, '--profile', 'redacted', '--out', out, '--answers', partial]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Still to be answered .*“Contact details” \(sourceContact\)\.$/m);
    expect(r.stdout).toMatch(/^Give them with --answers FILE and export again: a cover document edited after the export no longer matches the signed manifest/m);
    expect(r.stdout).not.toMatch(/To complete in the cover document/);
  });

  it('exports a zip and verifies it; a changed packet exits 1 with the reason', () => {
    const out = path.join(root, 'out', 'packet.zip');
    const r = huella(['export', vaultDir, '--mechanism', MECHANISM, '--case', caseId, '--profile', 'redacted', '--lang', 'ar', '--out', out, '--answers', answers, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as PacketExportReport;
    expect(report.format).toBe('zip');
    expect(fs.statSync(out).isFile()).toBe(true);

    const key = path.join(root, 'vault.pub');
    fs.writeFileSync(key, huella(['log', 'key', vaultDir, '--format', 'minisign']).stdout);
    const v = huella(['packet', 'verify', out, '--key', key]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^ {2}PASS {2}data\/evidence\/E001/m);
    expect(v.stdout).toMatch(/PASS: packet pkt_/);
    expect(v.stdout).toMatch(/key you supplied/);

    const bytes = fs.readFileSync(out);
    // Evidence is stored uncompressed in the zip: flip a byte well inside E001's data.
    const at = bytes.indexOf(Buffer.from('data/evidence/E001'));
    expect(at).toBeGreaterThan(0);
    bytes[at + 5000] = bytes[at + 5000]! ^ 0x40;
    const tampered = path.join(root, 'tampered.zip');
    fs.writeFileSync(tampered, bytes);
    const bad = huella(['packet', 'verify', tampered, '--json']);
    expect(bad.code).toBe(1);
    const badReport = JSON.parse(bad.stdout) as PacketVerifyReport;
    expect(badReport.ok).toBe(false);
    const row = badReport.files.find((f) => f.path.startsWith('data/evidence/E001'))!;
    expect(row).toMatchObject({ status: 'FAIL' });
    expect(row.reason).toMatch(/SHA-256 differs from manifest-sha256.txt/);
  });

  it('refuses a forensic export without a recipient, and an existing --out, with exit 1', () => {
    const out = path.join(root, 'forensic');
    const r = huella(['export', vaultDir, '--mechanism', MECHANISM, '--case', caseId, '--profile', 'forensic', '--out', out, '--answers', answers]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/recipient/);
    expect(fs.existsSync(out)).toBe(false);
    const existing = path.join(root, 'out', 'packet.zip');
    const again = huella(['export', vaultDir, '--mechanism', MECHANISM, '--case', caseId, '--profile', 'redacted', '--out', existing, '--answers', answers]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/never overwrite/);
  });
});
