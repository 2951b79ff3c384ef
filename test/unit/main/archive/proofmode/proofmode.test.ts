import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, describe, expect, it } from 'vitest';
import { proofModeEntriesOfItem, proofModeFilesOfMedia } from '../../../../../main/archive/db/proofmode';
import { isHuellaError } from '../../../../../main/archive/errors';
import { shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { ingestSources } from '../../../../../main/archive/sources/ingest-sources';
import { getItem, listItems } from '../../../../../main/archive/items/items';
import { classifyBundleName, looksLikeBundle } from '../../../../../main/archive/proofmode/layout';
import { checkDetachedSignature } from '../../../../../main/archive/proofmode/pgp';
import { shutdownPgpWorker } from '../../../../../main/archive/proofmode/pgp-pool';
import { importProofModeBundle, readProofModeBundle } from '../../../../../main/archive/proofmode/import';
import { parseProofCsv, parseProofJson } from '../../../../../main/archive/proofmode/proof-data';
import { createVault, type Vault } from '../../../../../main/archive/vault/vault';
import { gpgSign, gpgvVerdict, makeGpgKey, makeProofModeBundle } from '../../../../fixtures/proofmode';
import { huella } from '../../../../helpers/cli';
import { rawZip } from '../../../../reliability/campaigns/hostile';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

afterAll(async () => {
  await Promise.all([shutdownIngestWorkers(), shutdownPgpWorker()]);
});

const H = 'a'.repeat(64);

describe('ProofMode bundle layout and proof data', () => {
  it('names every file as ProofMode writes it (layout.ts cites the source)', () => {
    expect(classifyBundleName(`${H}.proof.csv`)).toEqual({ role: 'proof-csv', mediaSha256: H });
    expect(classifyBundleName(`${H}.proof.json`)).toEqual({ role: 'proof-json', mediaSha256: H });
    expect(classifyBundleName(`${H}.asc`)).toEqual({ role: 'signature', mediaSha256: H });
    expect(classifyBundleName(`${H}.proof.csv.asc`)).toEqual({ role: 'signature', mediaSha256: H, signs: `${H}.proof.csv` });
    expect(classifyBundleName(`${H}.ots`)).toEqual({ role: 'opentimestamps', mediaSha256: H });
    expect(classifyBundleName(`${H}.gst`)).toEqual({ role: 'device-integrity', mediaSha256: H });
    expect(classifyBundleName(`${H.toUpperCase()}.nostr`)).toEqual({ role: 'nostr', mediaSha256: H });
    expect(classifyBundleName('pubkey.asc')).toEqual({ role: 'public-key' });
    expect(classifyBundleName('HowToVerifyProofData.txt')).toEqual({ role: 'instructions' });
    expect(classifyBundleName('1709659330000batchproof.csv')).toEqual({ role: 'batch-proof' });
    expect(classifyBundleName('PXL_20240305_172210123.jpg')).toEqual({ role: 'other' });
    expect(looksLikeBundle(['pubkey.asc', `${H}.proof.csv`, 'x.jpg'])).toBe(true);
    expect(looksLikeBundle([`${H}.proof.csv`, 'x.jpg'])).toBe(false); // no key: not ProofMode's share
    expect(looksLikeBundle(['pubkey.asc', 'notes.txt'])).toBe(false);
  });

  it('reads proof.json and proof.csv (header row, one row per proof, trailing commas) and refuses what is neither', () => {
    expect(parseProofJson(JSON.stringify({ 'File Hash SHA256': H, 'Location.Latitude': '-34.6', nested: { a: 1 }, __proto__: 'x' }))).toEqual({ 'File Hash SHA256': H, 'Location.Latitude': '-34.6' });
    expect(parseProofCsv(`File Hash SHA256,Proof Generated,Notes,\n${H},2024-03-05T17:22:12.345Z,first,\n${H},2024-03-05T18:00:00.000Z,second,\n`)).toEqual({
      'File Hash SHA256': H,
      'Proof Generated': '2024-03-05T18:00:00.000Z',
      Notes: 'second',
    });
    for (const bad of ['', 'not json', '[1,2]', '"x"']) expect(parseProofJson(bad)).toBeUndefined();
    for (const bad of ['', 'only,a,header,', 'a,b,\n1,2,3,4,\n']) expect(parseProofCsv(bad)).toBeUndefined();
  });
});

describe('OpenPGP detached signatures (openpgp.js) against GnuPG', () => {
  it('valid, invalid after one changed byte, unknown key, unreadable: each as gpgv sees it', async () => {
    const key = makeGpgKey();
    const other = makeGpgKey('someone-else@example.org');
    try {
      const data = crypto.randomBytes(5000);
      const sig = gpgSign(key.home, data);
      const good = await checkDetachedSignature({ publicKey: key.publicKey, signature: sig.toString(), data });
      expect(good).toMatchObject({ state: 'valid', keyFingerprint: key.fingerprint, issuerKeyId: key.keyId, hashAlgorithm: 'SHA-256', keyUserIds: ['noone@proofmode.witness.org'] });
      expect(Date.now() - Date.parse(good.signedAt!)).toBeLessThan(10 * 60_000);
      expect(gpgvVerdict(key.publicKey, sig, data)).toBe(true);

      const changed = Buffer.from(data);
      changed[2500] = changed[2500]! ^ 1;
      const bad = await checkDetachedSignature({ publicKey: key.publicKey, signature: sig.toString(), data: changed });
      expect(bad).toMatchObject({ state: 'invalid', problem: 'mismatch', keyFingerprint: key.fingerprint });
      expect(bad.reason).toMatch(/does not match these bytes/);
      expect(gpgvVerdict(key.publicKey, sig, changed)).toBe(false);

      const foreign = gpgSign(other.home, data);
      expect(await checkDetachedSignature({ publicKey: key.publicKey, signature: foreign.toString(), data })).toMatchObject({ state: 'unknown-key', problem: 'other-key', issuerKeyId: other.keyId, keyFingerprint: key.fingerprint });
      expect(gpgvVerdict(key.publicKey, foreign, data)).toBe(false);

      // From a file on disk (streamed), as for a folder bundle.
      const file = path.join(tempDir('huella-pgp-'), 'media.bin');
      fs.writeFileSync(file, data);
      expect((await checkDetachedSignature({ publicKey: key.publicKey, signature: sig.toString(), path: file })).state).toBe('valid');

      const armored = sig.toString();
      const damaged = armored.replace(/\n([A-Za-z0-9+/]{20})/, (_m, s: string) => `\n${s.split('').reverse().join('')}`);
      expect((await checkDetachedSignature({ publicKey: key.publicKey, signature: damaged, data })).state).toBe('invalid');
      expect(await checkDetachedSignature({ publicKey: 'not a key', signature: armored, data })).toMatchObject({ state: 'invalid', reason: expect.stringMatching(/public key could not be read/) });
      expect(await checkDetachedSignature({ publicKey: key.publicKey, signature: 'garbage', data })).toMatchObject({ state: 'invalid', reason: expect.stringMatching(/signature could not be read/) });
    } finally {
      key.close();
      other.close();
    }
  });

  it('a signature made "in the future" by a phone whose clock runs ahead is still valid (checked at its own time)', async () => {
    const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ email: 'noone@proofmode.witness.org' }], date: new Date(Date.now() + 86_400_000), format: 'object' });
    const data = Buffer.from('captured tomorrow, by the phone clock');
    const signature = await openpgp.sign({ message: await openpgp.createMessage({ binary: data }), signingKeys: privateKey, detached: true, date: new Date(Date.now() + 2 * 86_400_000), format: 'armored' });
    expect((await checkDetachedSignature({ publicKey: publicKey.armor(), signature, data })).state).toBe('valid');
  });
});

type EventJson = { type: string; subject: string; data: Record<string, unknown> };

function eventOf(vault: Vault, seq: number): EventJson {
  return JSON.parse(vault.log.event(seq)!.bytes.toString('utf8')) as EventJson;
}

describe('ProofMode bundle import', () => {
  it('a shared zip: every file an item, each proof file linked to its media, every signature checked (and gpgv agrees), verdicts in clear and details committed', async () => {
    const root = tempDir('huella-proofmode-');
    const bundle = await makeProofModeBundle({ dir: root, zip: true });
    const { vault } = await createVault(path.join(root, 'vault'), TEST_PASSPHRASE);
    try {
      const files = await readProofModeBundle(bundle.path);
      expect(files?.map((f) => f.name).sort()).toEqual([...bundle.files].sort());
      const report = await importProofModeBundle(vault, bundle.path, files!);
      // 2 media × (media, .proof.csv, .asc, .proof.json, .asc, .asc, .ots, .gst) + pubkey.asc + HowToVerifyProofData.txt
      expect(report.results.map((r) => r.status)).toEqual(Array(18).fill('ingested'));
      expect(listItems(vault, {}).length).toBe(18);
      expect(report).toMatchObject({ alreadyImported: false, keyFingerprint: bundle.keyFingerprint, signatures: { valid: 6, invalid: 0, unknownKey: 0 } });
      expect(report.bundleId).toMatch(/^pmb_/);
      // Each original unchanged.
      for (const r of report.results) {
        const name = r.path.slice(bundle.path.length + 1);
        expect(r.sha256, name).toBe(crypto.createHash('sha256').update(bundle.contents.get(name)!).digest('hex'));
      }
      for (const m of bundle.media) {
        const group = report.groups.find((g) => g.mediaSha256 === m.sha256)!;
        expect(group.signature).toBe('valid');
        // GnuPG, from the same files, agrees.
        expect(gpgvVerdict(bundle.contents.get('pubkey.asc')!.toString(), bundle.contents.get(`${m.sha256}.asc`)!, bundle.contents.get(m.name)!)).toBe(true);
        const media = getItem(vault, group.mediaItem!);
        expect(media.sha256).toBe(m.sha256);
        const pm = media.metadata.proofMode!;
        expect(pm).toMatchObject({
          role: 'media',
          mediaSha256: m.sha256,
          proofHashMatches: true,
          signature: { state: 'valid', signatureFile: `${m.sha256}.asc`, keyFingerprint: bundle.keyFingerprint, issuerKeyId: bundle.keyId, verifier: 'openpgp.js 6.3.2' },
          proofData: { 'File Hash SHA256': m.sha256, Manufacturer: 'Google', Hardware: 'Pixel 7', 'Location.Latitude': '-34.6037' },
        });
        expect(pm.proofFiles!.map((f) => `${f.role}:${f.signature ?? '-'}`).sort()).toEqual(
          ['device-integrity:-', 'opentimestamps:-', 'proof-csv:valid', 'proof-json:valid', 'signature:-', 'signature:-', 'signature:-'].sort(),
        );
        // Linked: the media's bundle files, each an item of the vault.
        const linked = proofModeFilesOfMedia(vault.store, media.id);
        expect(linked.map((f) => f.name).sort()).toEqual(bundle.files.filter((n) => n === m.name || n.startsWith(m.sha256)).sort());
        const json = linked.find((f) => f.role === 'proof-json')!;
        expect(getItem(vault, json.itemId).metadata.proofMode).toMatchObject({ role: 'proof-json', mediaSha256: m.sha256, signature: { state: 'valid', signatureFile: `${m.sha256}.proof.json.asc` } });
        expect(proofModeEntriesOfItem(vault.store, json.itemId)).toEqual([expect.objectContaining({ mediaItem: media.id, signatureState: 'valid' })]);
        // item.ingested states the verdict in clear; the key and file names only inside the commitment.
        const ingested = eventOf(vault, media.ingestSeq);
        expect(ingested.data.proofModeSignature).toBe('valid');
        expect(JSON.stringify(ingested)).not.toContain(bundle.keyFingerprint);
        const ev = eventOf(vault, linked[0]!.eventSeq!);
        expect(ev).toMatchObject({ type: 'proofmode.imported', subject: media.id, data: { bundle: report.bundleId, mediaItem: media.id, mediaSignature: 'valid', proofSignatures: ['valid', 'valid'] } });
        expect((ev.data.items as string[]).sort()).toEqual([...linked.map((f) => f.itemId), listItems(vault, {}).find((i) => i.originalName === 'pubkey.asc')!.id].filter((x, i, a) => a.indexOf(x) === i).sort());
        expect(JSON.stringify(ev)).not.toMatch(new RegExp(`${bundle.keyFingerprint}|PXL_|pubkey`));
      }
      // The same bundle again adds nothing.
      const again = await importProofModeBundle(vault, bundle.path, (await readProofModeBundle(bundle.path))!);
      expect(again.alreadyImported).toBe(true);
      expect(again.results.every((r) => r.status === 'duplicate')).toBe(true);
    } finally {
      vault.lock();
    }
  }, 180_000);

  it('a folder whose photo had one byte changed after signing: its signature INVALID (gpgv agrees), the rest valid; a proof file signed by another key: unknown key', async () => {
    const root = tempDir('huella-proofmode-tamper-');
    const bundle = await makeProofModeBundle({ dir: root, zip: false, tamperMedia: true, foreignProofSignature: true });
    const { vault } = await createVault(path.join(root, 'vault'), TEST_PASSPHRASE);
    try {
      const report = await ingestSources(vault, [bundle.path]);
      expect(report.failed).toBe(0);
      const pm = report.imports[0]!;
      if (pm.kind !== 'proofmode') throw new Error('not imported as a ProofMode bundle');
      const [photo, video] = bundle.media;
      const photoBytes = fs.readFileSync(path.join(bundle.path, photo!.name));
      const actual = crypto.createHash('sha256').update(photoBytes).digest('hex');
      expect(actual).not.toBe(photo!.sha256);
      expect(gpgvVerdict(fs.readFileSync(path.join(bundle.path, 'pubkey.asc'), 'utf8'), fs.readFileSync(path.join(bundle.path, `${photo!.sha256}.asc`)), photoBytes)).toBe(false);
      // Found by the name its proof data gives, checked, and INVALID; the proof data names another hash.
      const photoGroup = pm.report.groups.find((g) => g.mediaSha256 === photo!.sha256)!;
      expect(photoGroup.signature).toBe('invalid');
      const item = getItem(vault, photoGroup.mediaItem!);
      expect(item.sha256).toBe(actual);
      expect(item.metadata.proofMode).toMatchObject({ role: 'media', mediaSha256: photo!.sha256, proofHashMatches: false, signature: { state: 'invalid', keyFingerprint: bundle.keyFingerprint } });
      expect(item.metadata.proofMode!.signature!.reason).toMatch(/does not match these bytes/);
      expect(eventOf(vault, item.ingestSeq).data.proofModeSignature).toBe('invalid');
      const ev = eventOf(vault, proofModeFilesOfMedia(vault.store, item.id)[0]!.eventSeq!);
      expect(ev.data).toMatchObject({ mediaSignature: 'invalid', proofSignatures: ['valid', 'invalid'] });
      // The photo's proof.csv signature is good; its proof.json was signed by a key the bundle does not carry.
      expect(photoGroup.files.find((f) => f.role === 'proof-csv')!.signature).toBe('valid');
      expect(photoGroup.files.find((f) => f.role === 'proof-json')!.signature).toBe('unknown-key');
      expect(pm.report.groups.find((g) => g.mediaSha256 === video!.sha256)!.signature).toBe('valid');
      expect(pm.report.signatures).toEqual({ valid: 4, invalid: 1, unknownKey: 1 });
    } finally {
      vault.lock();
    }
  }, 180_000);

  it('a zip with ../ entries is refused and nothing is imported from it', async () => {
    const root = tempDir('huella-proofmode-slip-');
    const bundle = await makeProofModeBundle({ dir: root, zip: true });
    const hostile = path.join(root, 'proofmode-hostile.zip');
    fs.writeFileSync(hostile, rawZip([...[...bundle.contents].map(([name, data]) => ({ name, data })), { name: '../../../.bashrc', data: Buffer.from('echo owned') }]));
    const { vault } = await createVault(path.join(root, 'vault'), TEST_PASSPHRASE);
    try {
      const err = await readProofModeBundle(hostile).catch((e: unknown) => e);
      expect(isHuellaError(err, 'FORMAT_INVALID')).toBe(true);
      expect((err as Error).message).toMatch(/ProofMode bundle was refused \(.*zip-slip.*\)\. Nothing was imported from it\./);
      const report = await ingestSources(vault, [hostile]);
      expect(report).toMatchObject({ ingested: 0, failed: 1 });
      expect(listItems(vault, {})).toEqual([]);
      expect(fs.existsSync(path.join(root, '.bashrc'))).toBe(false);
    } finally {
      vault.lock();
    }
  }, 120_000);

  it('huella ingest of a bundle zip prints the verdicts; huella show gives the media its signature, proof data and bundle files', async () => {
    const root = tempDir('huella-proofmode-cli-');
    const bundle = await makeProofModeBundle({ dir: root, zip: true });
    const vault = path.join(root, 'vault');
    expect(huella(['init', vault, '--json']).code).toBe(0);
    const text = huella(['ingest', vault, bundle.path]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`proofmode  pmb_\\w+  2 media with 14 proof files; PGP signatures: 6 valid; key ${bundle.keyFingerprint}`));
    const media = { id: new RegExp(`^ingested +(it_\\w+) .*:${bundle.media[0]!.name}$`, 'm').exec(text.stdout)![1]! };
    const shown = huella(['show', vault, media.id]).stdout;
    expect(shown).toMatch(/proofmode\s+media/);
    expect(shown).toMatch(new RegExp(`signature\\s+VALID \\(${bundle.media[0]!.sha256}\\.asc; key ${bundle.keyFingerprint} \\(noone@proofmode\\.witness\\.org\\), signed `));
    expect(shown).toMatch(/proof hash\s+the proof data names this file's SHA-256/);
    expect(shown).toMatch(/location\s+-34\.6037, -58\.3816 \(fused, ±12\.0 m\)/);
    expect(shown.match(/bundle file/g)?.length).toBe(7);
    const json = JSON.parse(huella(['show', vault, media.id, '--json']).stdout) as { proofModeFiles: { role: string; signature: string | null }[] };
    expect(json.proofModeFiles.filter((f) => f.signature === 'valid').map((f) => f.role).sort()).toEqual(['proof-csv', 'proof-json']);
  }, 180_000);
});
