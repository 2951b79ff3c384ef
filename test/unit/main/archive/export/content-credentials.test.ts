import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BMFF } from '@trustnxt/c2pa-ts/asset';
import { SuperBox } from '@trustnxt/c2pa-ts/jumbf';
import { ManifestStore } from '@trustnxt/c2pa-ts/manifest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAgeRecipient, generateX25519Secret, x25519PublicFromSecret } from '../../../../../main/archive/blobs/age-keys';
import { addCaseItems, createCase } from '../../../../../main/archive/catalogue';
import { exportPacket, planPacket } from '../../../../../main/archive/export';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { getItem } from '../../../../../main/archive/items/items';
import type { ItemsJson } from '../../../../../main/archive/packet/items-json';
import { verifyPacket } from '../../../../../main/archive/packet/verify';
import { createVault, type Vault } from '../../../../../main/archive/vault/vault';
import { testJpeg } from '../../../../fixtures/phone-media';
import { huella } from '../../../../helpers/cli';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

/**
 * Content Credentials (C2PA) at export (issue 16 item 3). By default removed from the copy like other metadata; kept
 * on purpose, the original's manifest store goes as a sidecar. Every statement items.json and packet verify make is
 * checked here against the written files with tools that are not ours: exiftool for what the original embeds and
 * what the copy holds, sha256 for the files, and the C2PA library validating the sidecar against the original
 * (valid) and against the stripped copy (not valid: why the manifest is not put back into the copy).
 */

const SAMPLE = path.join(import.meta.dirname, '../../../../fixtures/c2pa/c2pa-rs-signed.heic');
const C2PA_UUID_BOX = 'd8fec3d61b0e483c92975828877ec481';

function sha256(b: Buffer): string {
  return crypto.createHash('sha256').update(b).digest('hex');
}

/** The payload of the file's ISO-BMFF `uuid` box as exiftool extracts it (16-byte UUID, version/flags, purpose, offset, JUMBF). */
function exiftoolUuidBox(file: string): Buffer {
  return execFileSync('exiftool', ['-u', '-b', '-UUID-Unknown', file], { maxBuffer: 64 * 1024 * 1024 });
}

async function validatesAgainst(sidecar: Buffer, asset: Buffer): Promise<boolean> {
  const store = ManifestStore.read(SuperBox.fromBuffer(new Uint8Array(sidecar)));
  return (await store.validate(new BMFF(new Uint8Array(asset)))).isValid;
}

describe('Content Credentials at export', () => {
  const root = tempDir('huella-cc-export-');
  let vault: Vault;
  let heicId: string;
  let jpegId: string;
  let caseId: string;
  beforeAll(async () => {
    vault = (await createVault(path.join(root, 'vault'), TEST_PASSPHRASE)).vault;
    const inputs = path.join(root, 'in');
    fs.mkdirSync(inputs);
    fs.copyFileSync(SAMPLE, path.join(inputs, 'signed.heic'));
    testJpeg(path.join(inputs, 'plain.jpg'), 64, 48, 3);
    const report = await ingestPaths(vault, [inputs]);
    heicId = report.results.find((r) => r.path.endsWith('signed.heic'))!.itemId!;
    jpegId = report.results.find((r) => r.path.endsWith('plain.jpg'))!.itemId!;
    caseId = createCase(vault, { title: 'C2PA' }).id;
    addCaseItems(vault, { caseId, itemIds: [heicId, jpegId] });
  }, 120_000);
  afterAll(async () => {
    vault?.lock();
    await shutdownIngestWorkers();
  });

  const base = { mechanismId: 'sp-communication', lang: 'en' as const };

  it('by default they are removed from the copy; items.json says so, exiftool finds no C2PA box in the copy, packet verify agrees', async () => {
    const plan = planPacket(vault, { ...base, caseId, profile: 'redacted' });
    const e = plan.items.find((i) => i.itemId === heicId)!;
    expect(e.contentCredentials).toMatchObject({ state: 'valid', kept: false });
    expect(e.contentCredentials!.discloses.join(' ')).toMatch(/signer: .*C2PA Signer/);
    // The English list is the structured one said in English, item for item.
    const { disclosures, discloses } = e.contentCredentials!;
    expect(disclosures.find((d) => d.kind === 'signer')?.value).toMatch(/C2PA Signer/);
    expect(discloses).toHaveLength(disclosures.length);
    disclosures.forEach((d, i) => expect(discloses[i]).toContain(d.value));
    expect(e.removes).toContain('content-credentials');
    expect(plan.items.find((i) => i.itemId === jpegId)!.contentCredentials).toBeUndefined();
    const out = path.join(root, 'removed');
    await exportPacket(vault, { ...base, caseId, profile: 'redacted', outPath: out });
    const items = JSON.parse(fs.readFileSync(path.join(out, 'custody/items.json'), 'utf8')) as ItemsJson;
    const rec = items.items.find((i) => i.itemId === heicId)!;
    expect(rec.contentCredentials).toEqual({ atImport: 'valid', inCopy: 'removed', kept: 'no' });
    expect(items.items.find((i) => i.itemId === jpegId)!.contentCredentials).toBeUndefined();
    expect(exiftoolUuidBox(path.join(out, rec.exported!.path)).length).toBe(0);
    expect(exiftoolUuidBox(SAMPLE).subarray(0, 16).toString('hex')).toBe(C2PA_UUID_BOX); // the check can see one
    expect(fs.existsSync(path.join(out, 'data/content-credentials'))).toBe(false);
    const report = await verifyPacket(out);
    expect(report.ok).toBe(true);
    expect(report.files.find((f) => f.path === rec.exported!.path)!.reason).toMatch(/holds no Content Credentials, as items.json says/);
  }, 120_000);

  it('kept for one item: the original manifest store as a sidecar, byte for byte (exiftool), valid against the original and not against the copy; packet verify states only that', async () => {
    const plan = planPacket(vault, { ...base, caseId, profile: 'redacted', keepContentCredentialsItemIds: [heicId, jpegId] });
    expect(plan.warnings.join('\n')).toMatch(/E00\d \(it_\w+\): its Content Credentials go with it as data\/content-credentials\/E00\d\.c2pa \(signer: .*\): they can identify the device or the person/);
    expect(plan.warnings.join('\n')).toMatch(new RegExp(`\\(${jpegId}\\) has no Content Credentials: there is nothing to keep`));
    // The same warnings reach the app as Messages (a key and values), each translated in en es fr ar.
    const heicLabel = plan.items.find((i) => i.itemId === heicId)!.label;
    const jpegLabel = plan.items.find((i) => i.itemId === jpegId)!.label;
    expect(plan.notices.map((n) => n.problem)).toEqual(
      expect.arrayContaining([
        { key: 'problem.packet.ccKept', params: { label: heicLabel, path: `data/content-credentials/${heicLabel}.c2pa` } },
        { key: 'problem.packet.ccNothingToKeep', params: { label: jpegLabel } },
      ]),
    );
    expect(plan.notices.map((n) => n.message)).toEqual(plan.warnings);
    for (const lang of ['en', 'es', 'fr', 'ar'] as const) {
      const packet = (JSON.parse(fs.readFileSync(path.join(import.meta.dirname, `../../../../../shared/i18n/problems/${lang}.json`), 'utf8')) as { packet: Record<string, string> }).packet;
      expect(packet['ccKept'], lang).toContain('{{path}}');
      expect(packet['ccNothingToKeep'], lang).toContain('{{label}}');
    }
    // A draft template and a recipient the redacted profile does not use: Messages too.
    const draft = planPacket(vault, { ...base, caseId, mechanismId: 'hrc-complaint', profile: 'redacted', recipient: encodeAgeRecipient(x25519PublicFromSecret(generateX25519Secret())) });
    expect(draft.notices.map((n) => n.problem.key)).toEqual(expect.arrayContaining(['problem.packet.templateDraft', 'problem.packet.recipientUnused']));
    const out = path.join(root, 'kept');
    await exportPacket(vault, { ...base, caseId, profile: 'redacted', keepContentCredentialsItemIds: [heicId], outPath: out });
    const items = JSON.parse(fs.readFileSync(path.join(out, 'custody/items.json'), 'utf8')) as ItemsJson;
    const rec = items.items.find((i) => i.itemId === heicId)!;
    const cc = rec.contentCredentials!;
    const activeAtImport = getItem(vault, heicId).metadata.contentCredentials!.activeManifest!;
    expect(cc).toMatchObject({ atImport: 'valid', inCopy: 'removed', kept: 'sidecar', sidecar: { path: `data/content-credentials/${rec.label}.c2pa`, describes: 'original', manifests: [activeAtImport], activeManifest: activeAtImport } });
    const sidecar = fs.readFileSync(path.join(out, cc.sidecar!.path));
    expect(sha256(sidecar)).toBe(cc.sidecar!.sha256);
    expect(sidecar.length).toBe(cc.sidecar!.size);
    // exiftool, reading the original: its C2PA uuid box ends with exactly these bytes.
    const box = exiftoolUuidBox(SAMPLE);
    expect(box.subarray(0, 16).toString('hex')).toBe(C2PA_UUID_BOX);
    expect(box.subarray(box.length - sidecar.length).equals(sidecar)).toBe(true);
    // The copy holds none, and the sidecar describes the original, not the copy.
    const copy = fs.readFileSync(path.join(out, rec.exported!.path));
    expect(exiftoolUuidBox(path.join(out, rec.exported!.path)).length).toBe(0);
    expect(await validatesAgainst(sidecar, fs.readFileSync(SAMPLE))).toBe(true);
    expect(await validatesAgainst(sidecar, copy)).toBe(false);
    // The manifest lists the sidecar with its hash (BagIt), and a derived event logs it.
    expect(fs.readFileSync(path.join(out, 'manifest-sha256.txt'), 'utf8')).toContain(`${cc.sidecar!.sha256}  ${cc.sidecar!.path}`);
    const entry = JSON.parse(fs.readFileSync(path.join(out, `custody/entries/${cc.sidecar!.derived.seq}.json`), 'utf8')) as { type: string; subject: string; data: Record<string, unknown> };
    expect(entry).toMatchObject({ type: 'item.derived', subject: heicId, data: { kind: 'content-credentials', packetId: items.packetId, sha256: cc.sidecar!.sha256, manifests: 1 } });
    const report = await verifyPacket(out);
    expect(report.ok).toBe(true);
    expect(report.files.find((f) => f.path === cc.sidecar!.path)).toMatchObject({ status: 'PASS', reason: expect.stringMatching(/a C2PA manifest store \(1 manifest, active urn:uuid:.*\) of the original, SHA-256 [0-9a-f]{64}: it validates against the original, not the stripped copy/) });
  }, 120_000);

  it('packet verify refuses what is not so: a copy holding a manifest store, a sidecar that is not one, an undescribed sidecar', async () => {
    const out = path.join(root, 'kept');
    const items = JSON.parse(fs.readFileSync(path.join(out, 'custody/items.json'), 'utf8')) as ItemsJson;
    const rec = items.items.find((i) => i.itemId === heicId)!;
    const swapped = path.join(root, 'swapped');
    fs.cpSync(out, swapped, { recursive: true });
    fs.copyFileSync(SAMPLE, path.join(swapped, rec.exported!.path));
    fs.writeFileSync(path.join(swapped, rec.contentCredentials!.sidecar!.path), 'not a manifest store');
    fs.writeFileSync(path.join(swapped, 'data/content-credentials/extra.c2pa'), fs.readFileSync(path.join(out, rec.contentCredentials!.sidecar!.path)));
    const report = await verifyPacket(swapped);
    expect(report.ok).toBe(false);
    const reasons = (p: string): string => report.files.filter((f) => f.path === p).map((f) => f.reason).join(' | ');
    expect(reasons(rec.exported!.path)).toMatch(/the copy holds Content Credentials \(a C2PA manifest store\), which items.json does not declare/);
    expect(reasons(rec.contentCredentials!.sidecar!.path)).toMatch(/not a C2PA manifest store|SHA-256/);
    expect(reasons('data/content-credentials/extra.c2pa')).toMatch(/not described in custody\/items.json/);
  }, 120_000);

  it('forensic, kept for the whole packet: the encrypted original carries them too (age + exiftool); huella export --dry-run says what they disclose', async () => {
    const dir = tempDir('huella-cc-forensic-');
    execFileSync('age-keygen', ['-o', path.join(dir, 'key.txt')], { stdio: 'ignore' });
    const age = /(age1[0-9a-z]{58})/.exec(fs.readFileSync(path.join(dir, 'key.txt'), 'utf8'))![1]!;
    const out = path.join(root, 'forensic');
    await exportPacket(vault, { ...base, caseId, profile: 'forensic', recipient: age, keepContentCredentials: true, outPath: out });
    const items = JSON.parse(fs.readFileSync(path.join(out, 'custody/items.json'), 'utf8')) as ItemsJson;
    const rec = items.items.find((i) => i.itemId === heicId)!;
    expect(rec.contentCredentials).toMatchObject({ atImport: 'valid', inCopy: 'removed', inEncryptedOriginal: true, kept: 'sidecar' });
    // The recipient's decryption of the original (age, not our code) is the signed file, its C2PA box intact.
    const original = path.join(dir, 'original.heic');
    execFileSync('age', ['-d', '-i', path.join(dir, 'key.txt'), '-o', original, path.join(out, rec.encryptedOriginal!.path)]);
    expect(sha256(fs.readFileSync(original))).toBe(rec.original.sha256);
    expect(exiftoolUuidBox(original).subarray(0, 16).toString('hex')).toBe(C2PA_UUID_BOX);
    expect((await verifyPacket(out)).ok).toBe(true);
    vault.lock();
    const dry = huella(['export', path.join(root, 'vault'), '--mechanism', 'sp-communication', '--case', caseId, '--profile', 'forensic', '--recipient', age, '--keep-content-credentials-of', heicId, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Content Credentials \(valid at import\): kept as data\/content-credentials\/E00\d\.c2pa, beside the copy \(they describe the original\); they disclose signer: /);
  }, 180_000);
});
