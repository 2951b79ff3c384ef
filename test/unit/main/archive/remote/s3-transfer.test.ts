// Transfers over a REAL S3 server (Ceph RGW started by .ci/run; see test/helpers/s3.ts): documenter → push →
// bucket → pull → lawyer; the bucket holds no plaintext; a tampered object, a bundle signed by another key, a
// replay and an interrupted push are refused or resumed with precise messages; Object Lock retention holds.
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { DeleteObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { liveCaseSummaries } from '../../../../../main/archive/db/cases';
import { itemIngestRecords } from '../../../../../main/archive/db/items';
import { addCaseItems, createCase } from '../../../../../main/archive/catalogue/cases';
import { minisignSign } from '../../../../../main/archive/custody/minisign';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { pullBundles, pushBundle } from '../../../../../main/archive/remote/bundles';
import { isConnectionPermitted, permittedEndpoints } from '../../../../../main/archive/remote/network-permit';
import { installSocketGuard } from '../../../../../main/electron/guard/socket-guard';
import { addVaultRemote, openRemote, outboxDir, pendingOutbox, pushToRemote } from '../../../../../main/archive/remote/remotes';
import { createBundle, vaultContactCard } from '../../../../../main/archive/transfer';
import { OUTBOX_REFS } from '../../../../../main/archive/transfer/create';
import { BUNDLE_FILES, parseBundleManifest, serializeBundleManifest, signatureComment } from '../../../../../main/archive/transfer/format';
import { createVault, type Vault } from '../../../../../main/archive/vault/vault';
import { verifyPacket } from '../../../../../main/archive/export';
import { exportWgadPacket, reviewerToolsPass } from '../transfer/wgad';
import { verifyVault } from '../../../../../main/archive/verify/verify';
import { writeGpsPhoto, type SimplePhoto } from '../../../../helpers/photos';
import { adminClient, getBytes, listKeys, makeBucket, putBytes, requireS3 } from '../../../../helpers/s3';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';
import { findNeedles, hashNeedles, itemHash, textNeedles, type Needle } from '../backup/helpers';

const env = requireS3();
const root = tempDir('huella-s3-');
const PERSON = 'Josefina Ramírez Olmedo';
let admin: S3Client;
let bucket: string;
let documenter: Vault;
let lawyer: Vault;
let stranger: Vault;
let photos: SimplePhoto[];
let itemIds: string[];
let caseId: string;

function itemCount(v: Vault): number {
  return itemIngestRecords(v.store).length;
}

beforeAll(async () => {
  admin = adminClient(env);
  bucket = await makeBucket(admin);
  documenter = (await createVault(path.join(root, 'documenter'), TEST_PASSPHRASE)).vault;
  lawyer = (await createVault(path.join(root, 'lawyer'), TEST_PASSPHRASE)).vault;
  stranger = (await createVault(path.join(root, 'stranger'), TEST_PASSPHRASE)).vault;
  const inbox = path.join(root, 'inbox');
  photos = await Promise.all([1, 2].map((i) => writeGpsPhoto(inbox, `detencion-plaza-${i}.jpg`, 20 + i)));
  fs.writeFileSync(path.join(inbox, 'testimonio-ramirez.txt'), `Testimonio de ${PERSON}.\n`);
  fs.writeFileSync(path.join(inbox, 'video-ramirez.bin'), crypto.randomBytes(19 * 1024 * 1024 + 123)); // multipart: 3 parts
  const report = await ingestPaths(documenter, [inbox]);
  itemIds = report.results.map((r) => r.itemId!);
  caseId = createCase(documenter, { title: `Detención de ${PERSON}`, summary: `${PERSON} fue detenida.` }).id;
  addCaseItems(documenter, { caseId, itemIds });
  for (const v of [documenter, lawyer, stranger]) addVaultRemote(v, { name: 'org', url: `s3://${bucket}/org`, endpoint: env.endpoint });
}, 180_000);

afterAll(async () => {
  for (const v of [documenter, lawyer, stranger]) v?.lock();
  await shutdownIngestWorkers();
  admin?.destroy();
});

describe('push and pull through S3', () => {
  it('pushes a case (multipart for the large original), then the lawyer pulls it: same originals, both vaults verify', async () => {
    const pushed = await pushToRemote(documenter, 'org', { recipient: vaultContactCard(lawyer), caseId });
    expect(pushed.created?.items).toBe(4);
    expect(pushed.pushed).toHaveLength(1);
    expect(pushed.pushed[0]!.uploaded).toBe(4 + 4);
    expect(await pendingOutbox(documenter)).toEqual([]);
    expect(permittedEndpoints()).toEqual([]);

    const pulled = await pullBundles(lawyer, openRemote(lawyer, 'org'), { acceptNewSender: true });
    expect(pulled.bundles.map((b) => b.status)).toEqual(['received']);
    const report = pulled.bundles[0]!.status === 'received' ? pulled.bundles[0]!.report : undefined;
    for (const it of report!.items) expect(await itemHash(lawyer, it.itemId)).toBe(await itemHash(documenter, it.senderItemId));
    expect(fs.existsSync(path.join(lawyer.dir, 'transfers', 'inbox', pushed.pushed[0]!.bundleId))).toBe(false);
    expect((await verifyVault(lawyer)).ok).toBe(true);
    expect((await verifyVault(documenter)).ok).toBe(true);
  }, 180_000);

  it('the lawyer\'s WGAD packet of the pulled case passes packet verify and the standard tools over both logs', async () => {
    const cases = liveCaseSummaries(lawyer.store); // the one case the lawyer pulled
    expect(cases).toHaveLength(1);
    const caseId = cases[0]!.id;
    const packet = path.join(root, 'wgad-packet');
    await exportWgadPacket(lawyer, caseId, packet);
    const report = await verifyPacket(packet, { key: fs.readFileSync(path.join(packet, 'custody/public-key'), 'utf8') });
    expect(report.checks.filter((c) => c.status !== 'PASS')).toEqual([]);
    expect(report.files.filter((f) => f.path.startsWith('custody/senders/')).length).toBeGreaterThan(4);
    expect(reviewerToolsPass(packet)).toEqual([]);
  }, 180_000);

  it('the bucket holds no plaintext: every object grepped for file names, EXIF strings, plain hashes, names', async () => {
    const needles: Needle[] = [...textNeedles('person', PERSON), ...textNeedles('surname', 'Ramírez Olmedo'), ...textNeedles('file name', 'testimonio-ramirez.txt'), ...textNeedles('file name', 'video-ramirez.bin')];
    for (const p of photos) needles.push(...textNeedles('file name', path.basename(p.file)), ...textNeedles('make', p.make), ...textNeedles('model', p.model), ...textNeedles('serial', p.serial), ...textNeedles('artist', p.artist));
    for (const id of itemIds) needles.push(...hashNeedles(`sha256 of ${id}`, Buffer.from(await itemHash(documenter, id), 'hex')));
    needles.push(...textNeedles('vault id', documenter.id));
    const dump = path.join(root, 'bucket-dump');
    fs.mkdirSync(dump);
    const keys = await listKeys(admin, bucket);
    expect(keys.length).toBeGreaterThanOrEqual(8);
    const files = await Promise.all(
      keys.map(async (k, i) => {
        const f = path.join(dump, String(i));
        fs.writeFileSync(f, await getBytes(admin, bucket, k.key));
        return f;
      }),
    );
    const keyNames = path.join(dump, 'keys.txt');
    fs.writeFileSync(keyNames, keys.map((k) => k.key).join('\n'));
    expect(findNeedles([...files, keyNames], needles)).toEqual([]);
  }, 120_000);

  it('a second pull receives nothing again (replay): already received, nothing duplicated', async () => {
    const before = itemCount(lawyer);
    const pulled = await pullBundles(lawyer, openRemote(lawyer, 'org'));
    expect(pulled.bundles.map((b) => b.status)).toEqual(['already-received']);
    expect(itemCount(lawyer)).toBe(before);
  });

  it('an interrupted push leaves an unfinished bundle that pull skips; the next push resumes it without resending', async () => {
    const made = await createBundle(documenter, path.join(outboxDir(documenter), 'tmp-name'), { recipient: vaultContactCard(lawyer), itemIds: [itemIds[0]!] });
    fs.renameSync(made.dir, path.join(outboxDir(documenter), made.bundleId));
    const remote = openRemote(documenter, 'org');
    const controller = new AbortController();
    // Abort once the first file is sent: the signature (last) never reaches the bucket.
    await expect(pushBundle(remote, path.join(outboxDir(documenter), made.bundleId), { signal: controller.signal, onProgress: (p) => (p.file >= 1 ? controller.abort() : undefined) })).rejects.toBeDefined();
    const pulled = await pullBundles(lawyer, openRemote(lawyer, 'org'));
    expect(pulled.bundles.find((b) => b.bundleId === made.bundleId)?.status).toBe('unfinished');
    const resumed = await pushToRemote(documenter, 'org', undefined);
    expect(resumed.pushed).toEqual([expect.objectContaining({ bundleId: made.bundleId, alreadyThere: 1, uploaded: 4 })]);
    const again = await pullBundles(lawyer, openRemote(lawyer, 'org'));
    expect(again.bundles.find((b) => b.bundleId === made.bundleId)?.status).toBe('received');
  }, 120_000);

  it('a push killed while removing a bundle it sent leaves nothing that stops the next push', async () => {
    // The kill: the deletion of the pushed bundle stops after bundle.json is gone (rm walks the folder in its own
    // order). Before, that half-deleted folder kept the bundle's id, and every later push failed on it.
    const real = fsp.rm.bind(fsp);
    let removing: string | undefined;
    const rm = vi.spyOn(fsp, 'rm').mockImplementation(async (p, o) => {
      const target = String(p);
      if (removing === undefined && path.dirname(target) === outboxDir(documenter)) {
        removing = target;
        await real(path.join(target, BUNDLE_FILES.manifest));
        throw new Error('killed while removing');
      }
      return real(p, o);
    });
    try {
      await expect(pushToRemote(documenter, 'org', { recipient: vaultContactCard(lawyer), itemIds: [itemIds[1]!] })).rejects.toThrow('killed while removing');
    } finally {
      rm.mockRestore();
    }
    expect(removing).toBeDefined();
    expect(fs.existsSync(removing!)).toBe(true);
    const next = await pushToRemote(documenter, 'org', undefined);
    expect(next.pushed).toEqual([]);
    expect(await pendingOutbox(documenter)).toEqual([]);
    expect(fs.existsSync(removing!)).toBe(false);
  }, 120_000);

  it('a tampered object on S3 is refused, naming the object; nothing imported; a re-push repairs it', async () => {
    const pushed = await pushToRemote(stranger, 'org', undefined); // nothing pending: a no-op push
    expect(pushed.pushed).toEqual([]);
    const extra = path.join(root, 'inbox2');
    fs.mkdirSync(extra);
    fs.writeFileSync(path.join(extra, 'acta.txt'), 'acta de detención número 7\n');
    const ing = await ingestPaths(documenter, [extra]);
    const bundleDir = path.join(root, 'keep-bundle');
    const made = await createBundle(documenter, bundleDir, { recipient: vaultContactCard(lawyer), itemIds: [ing.results[0]!.itemId!] });
    await pushBundle(openRemote(documenter, 'org'), bundleDir);
    const manifest = parseBundleManifest(fs.readFileSync(path.join(bundleDir, BUNDLE_FILES.manifest)));
    const key = `org/bundles/${manifest.recipient.fingerprint}/${made.bundleId}/objects/${manifest.objects[0]!.name}`;
    const bytes = await getBytes(admin, bucket, key);
    bytes[bytes.length - 20]! ^= 0x40;
    await putBytes(admin, bucket, key, bytes);
    const before = itemCount(lawyer);
    const pulled = await pullBundles(lawyer, openRemote(lawyer, 'org'));
    const b = pulled.bundles.find((x) => x.bundleId === made.bundleId)!;
    expect(b.status).toBe('refused');
    expect(b.status === 'refused' && b.error.message).toContain(manifest.objects[0]!.name.slice(0, 16));
    expect(b.status === 'refused' && b.error.message).toContain('changed in transit');
    expect(itemCount(lawyer)).toBe(before);
    // The sender still has the bundle: pushing it again replaces the damaged object (its recorded hash no longer matches).
    const repaired = await pushBundle(openRemote(documenter, 'org'), bundleDir);
    expect(repaired.uploaded).toBe(1);
    const after = await pullBundles(lawyer, openRemote(lawyer, 'org'));
    expect(after.bundles.find((x) => x.bundleId === made.bundleId)?.status).toBe('received');
  }, 120_000);

  it('a bundle whose bundle.json was replaced and signed by another key is refused', async () => {
    const bundleDir = path.join(root, 'forge-src');
    const made = await createBundle(documenter, bundleDir, { recipient: vaultContactCard(lawyer), itemIds: [itemIds[1]!] });
    const manifest = parseBundleManifest(fs.readFileSync(path.join(bundleDir, BUNDLE_FILES.manifest)));
    const forgedBytes = serializeBundleManifest({ ...manifest, createdAt: '2021-01-01T00:00:00.000Z' });
    fs.writeFileSync(path.join(bundleDir, BUNDLE_FILES.manifest), forgedBytes);
    fs.writeFileSync(path.join(bundleDir, BUNDLE_FILES.signature), await minisignSign(stranger.signingSeed, stranger.log.publicKey, forgedBytes, { trustedComment: signatureComment(made.bundleId) }));
    await pushBundle(openRemote(documenter, 'org'), bundleDir);
    const pulled = await pullBundles(lawyer, openRemote(lawyer, 'org'));
    const b = pulled.bundles.find((x) => x.bundleId === made.bundleId)!;
    expect(b).toMatchObject({ status: 'refused', error: { code: 'SIGNATURE_INVALID', message: expect.stringContaining('another key') } });
  }, 120_000);
});

describe('the outbox holds no copy of the originals', () => {
  it('an outbox bundle holds only new age headers; a push cancelled mid-upload resumes from it, and the lawyer receives the same originals', async () => {
    const controller = new AbortController();
    const push = pushToRemote(documenter, 'org', { recipient: vaultContactCard(lawyer), itemIds }, { signal: controller.signal, onProgress: (p) => (p.bytesDone > 0 ? controller.abort() : undefined) });
    await expect(push).rejects.toBeDefined();
    const [dir] = await pendingOutbox(documenter);
    expect(dir).toBeDefined();
    // No object written to the outbox: the references name the stored objects; the whole folder is a few KiB.
    expect(fs.readdirSync(path.join(dir!, BUNDLE_FILES.objects))).toEqual([]);
    const refs = JSON.parse(fs.readFileSync(path.join(dir!, OUTBOX_REFS), 'utf8')) as { objects: { vaultObject: string; size: number }[] };
    expect(refs.objects).toHaveLength(itemIds.length);
    const outboxBytes = fs.readdirSync(dir!).reduce((a, f) => a + (fs.statSync(path.join(dir!, f)).isFile() ? fs.statSync(path.join(dir!, f)).size : 0), 0);
    expect(outboxBytes).toBeLessThan(64 * 1024);
    expect(refs.objects.reduce((a, o) => a + o.size, 0)).toBeGreaterThan(19 * 1024 * 1024);
    const manifest = parseBundleManifest(fs.readFileSync(path.join(dir!, BUNDLE_FILES.manifest)));

    const resumed = await pushToRemote(documenter, 'org', undefined);
    expect(resumed.pushed.map((r) => r.bundleId)).toEqual([manifest.bundleId]);
    expect(resumed.pushed[0]!.uploaded + resumed.pushed[0]!.alreadyThere).toBe(itemIds.length + 4);
    expect(await pendingOutbox(documenter)).toEqual([]);
    // Every uploaded object is the whole age file bundle.json lists (size and SHA-256), header and payload.
    for (const o of manifest.objects) {
      const bytes = await getBytes(admin, bucket, `org/bundles/${manifest.recipient.fingerprint}/${manifest.bundleId}/objects/${o.name}`);
      expect(bytes.length).toBe(o.size);
      expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(o.sha256);
    }
    const pulled = await pullBundles(lawyer, openRemote(lawyer, 'org'));
    const b = pulled.bundles.find((x) => x.bundleId === manifest.bundleId)!;
    expect(b.status).toBe('received');
    const report = b.status === 'received' ? b.report : undefined;
    expect(report!.items).toHaveLength(itemIds.length);
    for (const it of report!.items) expect(await itemHash(lawyer, it.itemId)).toBe(await itemHash(documenter, it.senderItemId));
    expect((await verifyVault(lawyer)).ok).toBe(true);
  }, 180_000);

  it('an outbox reference whose stored object changed size is refused before anything is sent', async () => {
    const bundleDir = path.join(outboxDir(documenter), '.new-refs-test');
    const made = await createBundle(documenter, bundleDir, { recipient: vaultContactCard(lawyer), itemIds: [itemIds[0]!] }, { objects: 'reference' });
    const refsFile = path.join(made.dir, OUTBOX_REFS);
    const refs = JSON.parse(fs.readFileSync(refsFile, 'utf8')) as { objects: { payloadOffset: number }[] };
    refs.objects[0]!.payloadOffset += 1; // as if the stored object were one byte shorter than when the bundle was made
    fs.writeFileSync(refsFile, JSON.stringify(refs));
    const before = await listKeys(admin, bucket);
    await expect(pushBundle(openRemote(documenter, 'org'), made.dir, { blobs: documenter.blobs })).rejects.toMatchObject({ code: 'OBJECT_CORRUPT', message: expect.stringContaining('not the size it was') });
    await expect(pushBundle(openRemote(documenter, 'org'), made.dir)).rejects.toMatchObject({ message: expect.stringContaining('vault open') });
    expect((await listKeys(admin, bucket)).length).toBe(before.length);
    fs.rmSync(made.dir, { recursive: true });
  }, 60_000);
});

describe('the network stays closed except on purpose', () => {
  it('under the desktop app\'s socket guard, push and pull work: they connect to the endpoint, and only while they run', async () => {
    const uninstall = installSocketGuard({ net, dgram, isPermitted: isConnectionPermitted });
    try {
      const seen: string[] = [];
      const r = await pushToRemote(documenter, 'org', { recipient: vaultContactCard(lawyer), itemIds: [itemIds[2]!] }, { onProgress: () => seen.push(...permittedEndpoints()) });
      expect(r.pushed).toHaveLength(1);
      const u = new URL(env.endpoint);
      expect([...new Set(seen)]).toEqual([`${u.hostname}:${u.port}`]);
      expect(permittedEndpoints()).toEqual([]);
      const pulled = await pullBundles(lawyer, openRemote(lawyer, 'org'), { acceptNewSender: true });
      expect(pulled.bundles.find((b) => b.bundleId === r.pushed[0]!.bundleId)?.status).toBe('received');
      // Outside a push or pull the same endpoint is refused.
      await expect(new Promise((resolve, reject) => net.connect(Number(u.port), u.hostname).on('connect', resolve).on('error', reject))).rejects.toThrow(/never opens network connections/);
    } finally {
      uninstall();
    }
  }, 120_000);
});

describe('Object Lock', () => {
  it('pushed objects are retained: deleting a retained version is refused by the store', async () => {
    const lockBucket = await makeBucket(admin, { objectLock: true });
    addVaultRemote(documenter, { name: 'locked', url: `s3://${lockBucket}/evidence`, endpoint: env.endpoint, retentionDays: 1 });
    const r = await pushToRemote(documenter, 'locked', { recipient: vaultContactCard(lawyer), itemIds: [itemIds[0]!] });
    expect(r.pushed[0]!.retentionDays).toBe(1);
    const keys = await listKeys(admin, lockBucket);
    expect(keys.length).toBe(5);
    for (const k of keys) {
      const head = await admin.send(new HeadObjectCommand({ Bucket: lockBucket, Key: k.key }));
      expect(head.ObjectLockMode).toBe('COMPLIANCE');
      expect(head.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
      await expect(admin.send(new DeleteObjectCommand({ Bucket: lockBucket, Key: k.key, VersionId: head.VersionId! }))).rejects.toMatchObject({ name: 'AccessDenied' });
    }
    // Through Huella's own client the refusal is a message a person can act on.
    const remote = openRemote(documenter, 'locked');
    const head = await remote.head(keys[0]!.key);
    await expect(remote.delete(keys[0]!.key, head!.versionId)).rejects.toMatchObject({ message: expect.stringContaining('retention') });
    expect((await listKeys(admin, lockBucket)).length).toBe(5);
  }, 120_000);

  it('a remote set to retain objects refuses to push to a bucket without Object Lock', async () => {
    const plain = await makeBucket(admin);
    addVaultRemote(documenter, { name: 'nolock', url: `s3://${plain}`, endpoint: env.endpoint, retentionDays: 30 });
    await expect(pushToRemote(documenter, 'nolock', { recipient: vaultContactCard(lawyer), itemIds: [itemIds[0]!] })).rejects.toMatchObject({ message: expect.stringContaining('has no Object Lock') });
    expect(await listKeys(admin, plain)).toEqual([]);
    // The bundle stays in the outbox for a later push to a suitable remote: nothing lost.
    expect((await pendingOutbox(documenter)).length).toBe(1);
    const r = await pushToRemote(documenter, 'org', undefined);
    expect(r.pushed).toHaveLength(1);
  }, 120_000);
});
