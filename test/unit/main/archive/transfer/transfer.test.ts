// Transfer bundles between vaults (DESIGN §9): documenter → bundle folder → lawyer, with real vaults, real photos
// with EXIF and GPS, the age and minisign CLIs reading what we wrote, and every refusal the issue lists.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageDecryptBuffer } from '../../../../../main/archive/blobs/age';
import { encodeAgeIdentity } from '../../../../../main/archive/blobs/age-keys';
import { addCaseItems, createCase } from '../../../../../main/archive/catalogue/cases';
import { parseEvent } from '../../../../../main/archive/custody/log';
import { itemIdsOfCase } from '../../../../../main/archive/db/cases';
import { itemIngestRecords, itemIngestSeq } from '../../../../../main/archive/db/items';
import { formatMinisignPublicKey, minisignSign } from '../../../../../main/archive/custody/minisign';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { createBundle, receiveBundle, vaultContactCard, type CreateBundleReport } from '../../../../../main/archive/transfer';
import { contactFingerprint, displayFingerprint, formatContactCard, parseContactCard } from '../../../../../main/archive/transfer/contact';
import { BUNDLE_FILES, parseBundleManifest, serializeBundleManifest, signatureComment } from '../../../../../main/archive/transfer/format';
import { createVault, type Vault } from '../../../../../main/archive/vault/vault';
import { verifyVault } from '../../../../../main/archive/verify/verify';
import { writeGpsPhoto, type SimplePhoto } from '../../../../helpers/photos';
import { allFiles, tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';
import { findNeedles, hashNeedles, itemHash, textNeedles, type Needle } from '../backup/helpers';

const root = tempDir('huella-transfer-');
let documenter: Vault;
let lawyer: Vault;
let stranger: Vault;
let photos: SimplePhoto[];
let caseId: string;
let itemIds: string[];
let bundle: CreateBundleReport;
const PERSON = 'Josefina Ramírez Olmedo';

function copyDir(from: string, to: string): string {
  fs.cpSync(from, to, { recursive: true });
  return to;
}

function itemCount(v: Vault): number {
  return itemIngestRecords(v.store).length;
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  documenter = (await createVault(path.join(root, 'documenter'), TEST_PASSPHRASE)).vault;
  lawyer = (await createVault(path.join(root, 'lawyer'), TEST_PASSPHRASE)).vault;
  stranger = (await createVault(path.join(root, 'stranger'), TEST_PASSPHRASE)).vault;
  const inbox = path.join(root, 'inbox');
  photos = await Promise.all([1, 2].map((i) => writeGpsPhoto(inbox, `detencion-plaza-${i}.jpg`, 10 + i)));
  fs.writeFileSync(path.join(inbox, 'testimonio-ramirez.txt'), `Testimonio de ${PERSON}: detenida frente al mercado.\n`);
  const report = await ingestPaths(documenter, [inbox]);
  expect(report.ingested).toBe(3);
  itemIds = report.results.map((f) => f.itemId!);
  caseId = createCase(documenter, { title: `Detención de ${PERSON}`, country: 'VE', summary: `${PERSON} fue detenida.` }).id;
  addCaseItems(documenter, { caseId, itemIds });
  bundle = await createBundle(documenter, path.join(root, 'bundle'), { recipient: vaultContactCard(lawyer), caseId });
}, 120_000);

afterAll(async () => {
  documenter.lock();
  lawyer.lock();
  stranger.lock();
  await shutdownIngestWorkers();
});

describe('contact cards', () => {
  it('round-trips, and its fingerprint is what bundle.json names', () => {
    const card = vaultContactCard(lawyer);
    const text = formatContactCard(card);
    expect(text).toContain(`# fingerprint: ${displayFingerprint(contactFingerprint(card))}`);
    const back = parseContactCard(text);
    expect(back.ageRecipient.equals(card.ageRecipient) && back.custodyKey.equals(card.custodyKey)).toBe(true);
    expect(() => parseContactCard('huella-contact-v1 age1notakey AAAA')).toThrow();
    expect(bundle.recipientFingerprint).toBe(contactFingerprint(card));
  });
});

describe('a bundle on a folder', () => {
  it('holds bundle.json signed so that minisign -V accepts it with the sender\'s custody key', () => {
    const pub = path.join(root, 'documenter.pub');
    fs.writeFileSync(pub, formatMinisignPublicKey(documenter.log.publicKey));
    const r = spawnSync('minisign', ['-Vm', path.join(bundle.dir, BUNDLE_FILES.manifest), '-p', pub]);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toContain(signatureComment(bundle.bundleId));
  });

  it('holds originals that the age CLI decrypts with the lawyer vault\'s identity, byte-identical', async () => {
    const manifest = parseBundleManifest(fs.readFileSync(path.join(bundle.dir, BUNDLE_FILES.manifest)));
    expect(manifest.objects).toHaveLength(3);
    const idFile = path.join(root, 'lawyer.key');
    fs.writeFileSync(idFile, `${lawyer.exportAgeIdentity()}\n`, { mode: 0o600 });
    const wanted = new Set(await Promise.all(itemIds.map((id) => itemHash(documenter, id))));
    for (const o of manifest.objects) {
      const r = spawnSync('age', ['-d', '-i', idFile, path.join(bundle.dir, BUNDLE_FILES.objects, o.name)], { maxBuffer: 64 * 1024 * 1024 });
      expect(r.status).toBe(0);
      expect(wanted.has(crypto.createHash('sha256').update(r.stdout).digest('hex'))).toBe(true);
    }
    // And nobody else's: not the documenter's own identity, not a stranger's.
    const one = fs.readFileSync(path.join(bundle.dir, BUNDLE_FILES.objects, manifest.objects[0]!.name));
    await expect(ageDecryptBuffer(one, [Buffer.from(encodeAgeIdentity(crypto.randomBytes(32)))])).rejects.toBeDefined();
  });

  it('holds no plaintext: no file name, EXIF string, plain SHA-256 of an original, or person\'s name', async () => {
    const needles: Needle[] = [...textNeedles('person', PERSON), ...textNeedles('person (surname)', 'Ramírez Olmedo')];
    for (const p of photos) {
      needles.push(...textNeedles('file name', path.basename(p.file)), ...textNeedles('make', p.make), ...textNeedles('model', p.model), ...textNeedles('serial', p.serial), ...textNeedles('artist', p.artist));
    }
    needles.push(...textNeedles('file name', 'testimonio-ramirez.txt'));
    for (const id of itemIds) needles.push(...hashNeedles(`sha256 of ${id}`, Buffer.from(await itemHash(documenter, id), 'hex')));
    needles.push(...textNeedles('vault id', documenter.id), ...textNeedles('item id', itemIds[0]!));
    expect(findNeedles(allFiles(bundle.dir), needles)).toEqual([]);
  });

  it('records items.transferred in the sender\'s log with commitments, not hashes', () => {
    const ev = parseEvent(documenter.log.event(bundle.transferSeq)!.bytes);
    expect(ev.type).toBe('items.transferred');
    expect(ev.data).toMatchObject({ bundle: bundle.bundleId, recipient: bundle.recipientFingerprint, items: 3 });
    expect((ev.data.objects as string[]).length).toBe(3);
  });
});

describe('receiving', () => {
  it('refuses a sender never seen before unless the person accepts it, naming the fingerprint and words', async () => {
    const r = await refusal(receiveBundle(lawyer, bundle.dir));
    expect(r.code).toBe('CONSENT_REQUIRED');
    expect(r.message).toContain(displayFingerprint(contactFingerprint(vaultContactCard(documenter))));
    expect(itemCount(lawyer)).toBe(0);
  });

  it('refuses when the expected sender is someone else', async () => {
    const r = await refusal(receiveBundle(lawyer, bundle.dir, { acceptNewSender: true, expectSender: contactFingerprint(vaultContactCard(stranger)) }));
    expect(r.code).toBe('SIGNATURE_INVALID');
    expect(itemCount(lawyer)).toBe(0);
  });

  it('refuses a bundle addressed to another vault', async () => {
    const r = await refusal(receiveBundle(stranger, bundle.dir, { acceptNewSender: true }));
    expect(r.code).toBe('INVALID_INPUT');
    expect(r.message).toContain('addressed to another vault');
  });

  it('refuses a tampered object, a truncated one, a missing one and an unfinished bundle, importing nothing', async () => {
    const manifest = parseBundleManifest(fs.readFileSync(path.join(bundle.dir, BUNDLE_FILES.manifest)));
    const name = manifest.objects[1]!.name;
    const tampered = copyDir(bundle.dir, path.join(root, 'tampered'));
    const f = path.join(tampered, BUNDLE_FILES.objects, name);
    const bytes = fs.readFileSync(f);
    bytes[bytes.length - 40]! ^= 0x01;
    fs.writeFileSync(f, bytes);
    let r = await refusal(receiveBundle(lawyer, tampered, { acceptNewSender: true }));
    expect(r).toMatchObject({ code: 'PACKET_INVALID', message: expect.stringContaining('changed in transit') });
    expect(r.message).toContain(name.slice(0, 16));

    const truncated = copyDir(bundle.dir, path.join(root, 'truncated'));
    fs.truncateSync(path.join(truncated, BUNDLE_FILES.objects, name), 1000);
    r = await refusal(receiveBundle(lawyer, truncated, { acceptNewSender: true }));
    expect(r).toMatchObject({ code: 'PACKET_INVALID', message: expect.stringContaining('truncated') });

    const missing = copyDir(bundle.dir, path.join(root, 'missing'));
    fs.rmSync(path.join(missing, BUNDLE_FILES.objects, name));
    r = await refusal(receiveBundle(lawyer, missing, { acceptNewSender: true }));
    expect(r).toMatchObject({ code: 'PACKET_INVALID', message: expect.stringContaining('missing') });

    const unfinished = copyDir(bundle.dir, path.join(root, 'unfinished'));
    fs.rmSync(path.join(unfinished, BUNDLE_FILES.signature));
    r = await refusal(receiveBundle(lawyer, unfinished, { acceptNewSender: true }));
    expect(r).toMatchObject({ code: 'PACKET_INVALID', message: expect.stringContaining('unfinished') });

    expect(itemCount(lawyer)).toBe(0);
    expect(fs.readdirSync(path.join(lawyer.dir, 'tmp'))).toEqual([]);
    expect(fs.readdirSync(path.join(lawyer.dir, 'blobs'))).toEqual([]);
  });

  it('refuses a bundle.json changed and re-signed by another key', async () => {
    const forged = copyDir(bundle.dir, path.join(root, 'forged'));
    const manifest = parseBundleManifest(fs.readFileSync(path.join(forged, BUNDLE_FILES.manifest)));
    const bytes = serializeBundleManifest({ ...manifest, createdAt: '2020-01-01T00:00:00.000Z' });
    fs.writeFileSync(path.join(forged, BUNDLE_FILES.manifest), bytes);
    const sig = await minisignSign(stranger.signingSeed, stranger.log.publicKey, bytes, { trustedComment: signatureComment(manifest.bundleId) });
    fs.writeFileSync(path.join(forged, BUNDLE_FILES.signature), sig);
    const r = await refusal(receiveBundle(lawyer, forged, { acceptNewSender: true }));
    expect(r.code).toBe('SIGNATURE_INVALID');
    expect(r.message).toContain('another key');
    expect(itemCount(lawyer)).toBe(0);
  });

  let received: Awaited<ReturnType<typeof receiveBundle>>;

  it('receives the bundle: same originals and hashes, item.received naming the sender\'s log, a case', async () => {
    received = await receiveBundle(lawyer, bundle.dir, { acceptNewSender: true });
    expect(received.sender.newlyPinned).toBe(true);
    expect(received.sender.origin).toBe(documenter.log.origin);
    expect(received.items.map((i) => i.status)).toEqual(['received', 'received', 'received']);
    for (const it of received.items) {
      expect(await itemHash(lawyer, it.itemId)).toBe(await itemHash(documenter, it.senderItemId));
      const ev = parseEvent(lawyer.log.event(it.eventSeq!)!.bytes);
      expect(ev.type).toBe('item.received');
      expect(ev.data).toMatchObject({
        sha256: it.sha256,
        from: { origin: documenter.log.origin, bundle: bundle.bundleId, itemId: it.senderItemId, ingestSeq: itemIngestSeq(documenter.store, it.senderItemId), transferSeq: bundle.transferSeq },
      });
    }
    expect(received.caseId).toBeDefined();
    expect(itemIdsOfCase(lawyer.store, received.caseId!)).toHaveLength(3);
    expect((await verifyVault(lawyer)).ok).toBe(true);
    expect((await verifyVault(documenter)).ok).toBe(true);
  });

  it('refuses the same bundle a second time: nothing duplicated', async () => {
    const before = itemCount(lawyer);
    const r = await refusal(receiveBundle(lawyer, bundle.dir));
    expect(r).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('already received') });
    expect(itemCount(lawyer)).toBe(before);
  });

  it('a second bundle with the same content is received as duplicates, not stored twice', async () => {
    const again = await createBundle(documenter, path.join(root, 'bundle-2'), { recipient: vaultContactCard(lawyer), itemIds: [itemIds[0]!] });
    const before = itemCount(lawyer);
    const r = await receiveBundle(lawyer, again.dir);
    expect(r.sender.newlyPinned).toBe(false);
    expect(r.items).toEqual([expect.objectContaining({ status: 'duplicate', itemId: received.items.find((i) => i.senderItemId === itemIds[0])!.itemId })]);
    expect(itemCount(lawyer)).toBe(before);
  });
});

