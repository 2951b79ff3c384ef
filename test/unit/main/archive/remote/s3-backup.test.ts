// Backups on a REAL S3 server (the Ceph RGW that .ci/run starts; test/helpers/s3.ts): the backup format of a drive,
// under a prefix of a bucket. Incremental, verified without the passphrase, restored; a kill -9 in the middle of an
// upload resumes without sending again what was stored whole; a tampered object is named; the bucket holds no
// plaintext; Object Lock retention holds on every object a generation needs.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DeleteObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupVault, restoreBackup, verifyBackup } from '../../../../../main/archive/backup';
import { createCase } from '../../../../../main/archive/catalogue/cases';
import { liveObjects as liveObjectRows } from '../../../../../main/archive/db/objects';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { openS3Backup } from '../../../../../main/archive/remote/s3-backup';
import { createVault, openVault, type Vault } from '../../../../../main/archive/vault/vault';
import { verifyVault } from '../../../../../main/archive/verify/verify';
import { huellaSpawn } from '../../../../helpers/cli';
import { writeGpsPhoto, type SimplePhoto } from '../../../../helpers/photos';
import { adminClient, getBytes, listKeys, makeBucket, putBytes, requireS3 } from '../../../../helpers/s3';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';
import { findNeedles, hashNeedles, itemHashes, textNeedles, type Needle } from '../backup/helpers';

const env = requireS3();
const root = tempDir('huella-s3-backup-');
const PERSON = 'Aurelio Benítez Quispe';
let admin: S3Client;
let bucket: string;
let vault: Vault;
let photos: SimplePhoto[];

const at = (prefix: string, options: { retentionDays?: number; bucket?: string } = {}) =>
  openS3Backup({ url: `s3://${options.bucket ?? bucket}/${prefix}`, endpoint: env.endpoint, ...(options.retentionDays ? { retentionDays: options.retentionDays } : {}) });

function liveObjects(v: Vault): number {
  return liveObjectRows(v.store).length;
}

beforeAll(async () => {
  admin = adminClient(env);
  bucket = await makeBucket(admin);
  vault = (await createVault(path.join(root, 'vault'), TEST_PASSPHRASE)).vault;
  const inbox = path.join(root, 'inbox');
  photos = await Promise.all([1, 2].map((i) => writeGpsPhoto(inbox, `retencion-comisaria-${i}.jpg`, 30 + i)));
  fs.writeFileSync(path.join(inbox, 'declaracion-benitez.txt'), `Declaración de ${PERSON}.\n`);
  // Four originals large enough that a kill lands in the middle of the uploads; one above the multipart threshold.
  for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(inbox, `grabacion-${i}.bin`), crypto.randomBytes(6 * 1024 * 1024 + i));
  fs.writeFileSync(path.join(inbox, 'video-largo.bin'), crypto.randomBytes(17 * 1024 * 1024 + 5));
  await ingestPaths(vault, [inbox]);
  createCase(vault, { title: `Detención de ${PERSON}` });
}, 180_000);

afterAll(async () => {
  vault?.lock();
  await shutdownIngestWorkers();
  admin?.destroy();
});

describe('backup to an S3 prefix', () => {
  it('writes the backup format there, incrementally; verify needs no passphrase; restore gives back every original', async () => {
    const first = await backupVault(vault, at('org/backup'));
    expect(first).toMatchObject({ backupDir: `s3://${bucket}/org/backup`, generation: 1, firstBackup: true, objects: { copied: liveObjects(vault), reused: 0, missingAtSource: [] } });
    const keys = (await listKeys(admin, bucket)).map((k) => k.key);
    expect(keys).toContain('org/backup/huella-backup.json');
    expect(keys).toContain('org/backup/backup-key.pub');
    expect(keys).toContain('org/backup/generations/000001/manifest.json.minisig');
    expect(keys.filter((k) => k.startsWith('org/backup/blobs/'))).toHaveLength(liveObjects(vault));
    // Every byte the report says it wrote is on the bucket (objects + database + small files).
    expect(first.bytesWritten).toBe((await listKeys(admin, bucket, 'org/backup/')).reduce((a, k) => a + k.size, 0));

    const second = await backupVault(vault, at('org/backup'));
    expect(second).toMatchObject({ generation: 2, objects: { copied: 0, bytesCopied: 0, reused: first.objects.total } });
    expect(second.bytesWritten).toBe(second.database.bytes + second.metadataBytes);

    const verified = await verifyBackup(at('org/backup'), { all: true, expectedFingerprint: first.keyFingerprint });
    expect(verified.problems).toEqual([]);
    expect(verified).toMatchObject({ ok: true, objectsChecked: first.objects.total, keyFingerprint: first.keyFingerprint });

    const restored = await restoreBackup(at('org/backup'), path.join(root, 'restored'), { passphrase: TEST_PASSPHRASE });
    expect(restored).toMatchObject({ generation: 2, manifestTrusted: true, problems: [], objects: { damaged: [] }, verify: { ok: true } });
    const back = await openVault(path.join(root, 'restored'), { passphrase: TEST_PASSPHRASE });
    try {
      expect(await itemHashes(back)).toEqual(await itemHashes(vault));
    } finally {
      back.lock();
    }
  }, 240_000);

  it('kill -9 in the middle of the uploads: no generation appears; the next run stores the rest and sends nothing twice', async () => {
    const prefix = 'org/killed';
    const child = huellaSpawn(['backup', vault.dir, `s3://${bucket}/${prefix}`, '--endpoint', env.endpoint, '--json']);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Kill as soon as the first object is on the bucket (the uploads take seconds: several MiB each).
    let stored: string[] = [];
    const deadline = Date.now() + 120_000;
    while (stored.length === 0 && child.exitCode === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 40));
      stored = (await listKeys(admin, bucket, `${prefix}/blobs/`)).map((k) => k.key);
    }
    expect(child.kill('SIGKILL'), stderr).toBe(true);
    await exited;
    const afterKill = (await listKeys(admin, bucket, `${prefix}/`)).map((k) => k.key);
    expect(afterKill.filter((k) => k.includes('/generations/'))).toEqual([]);
    const storedObjects = afterKill.filter((k) => k.startsWith(`${prefix}/blobs/`));
    expect(storedObjects.length).toBeGreaterThan(0);
    expect(storedObjects.length).toBeLessThan(liveObjects(vault));
    expect((await verifyBackup(at(prefix))).problems.map((p) => p.check)).toEqual(['backup.empty']);

    const resumed = await backupVault(vault, at(prefix));
    expect(resumed.generation).toBe(1);
    // What the killed run stored whole is proven identical (recorded SHA-256) and not sent again.
    expect(resumed.objects.reused).toBe(storedObjects.length);
    expect(resumed.objects.copied).toBe(liveObjects(vault) - storedObjects.length);
    const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: `${prefix}/` }));
    expect(uploads.Uploads ?? []).toEqual([]);
    expect((await verifyBackup(at(prefix))).ok).toBe(true);
    const restored = await restoreBackup(at(prefix), path.join(root, 'restored-after-kill'), { passphrase: TEST_PASSPHRASE });
    expect(restored.verify.ok).toBe(true);
    expect(restored.objects.damaged).toEqual([]);
  }, 240_000);

  it('a tampered object on S3: verify names it without the passphrase, restore reports the item, a rehash run repairs it', async () => {
    const prefix = 'org/backup';
    const list = (await getBytes(admin, bucket, `${prefix}/generations/000002/objects.tsv`)).toString('utf8').trim().split('\n');
    const [name] = list.sort((a, b) => Number(b.split('\t')[1]) - Number(a.split('\t')[1]))[0]!.split('\t');
    const key = `${prefix}/blobs/${name!.slice(0, 2)}/${name}`;
    const bytes = await getBytes(admin, bucket, key);
    bytes[bytes.length - 100]! ^= 0x01;
    await putBytes(admin, bucket, key, bytes);

    const report = await verifyBackup(at(prefix));
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ check: 'object.hash', object: name, message: expect.stringContaining(name!) })]);

    const restored = await restoreBackup(at(prefix), path.join(root, 'restored-damaged'), { passphrase: TEST_PASSPHRASE });
    expect(restored.objects.damaged).toEqual([expect.objectContaining({ object: name, reason: 'damaged-in-backup' })]);
    expect(restored.damagedItems).toHaveLength(1);

    const repaired = await backupVault(vault, at(prefix), { rehash: true });
    expect(repaired.objects.copied).toBe(1);
    expect((await verifyBackup(at(prefix))).ok).toBe(true);
  }, 240_000);

  it('the bucket holds no plaintext: every object and key grepped for names, EXIF strings, plain hashes, the vault id', async () => {
    const needles: Needle[] = [...textNeedles('person', PERSON), ...textNeedles('surname', 'Benítez Quispe'), ...textNeedles('file name', 'declaracion-benitez.txt'), ...textNeedles('file name', 'video-largo.bin')];
    for (const p of photos) needles.push(...textNeedles('file name', path.basename(p.file)), ...textNeedles('make', p.make), ...textNeedles('model', p.model), ...textNeedles('serial', p.serial), ...textNeedles('artist', p.artist));
    for (const [id, hash] of await itemHashes(vault)) needles.push(...hashNeedles(`sha256 of ${id}`, Buffer.from(hash, 'hex')));
    needles.push(...textNeedles('vault id', vault.id));
    const dump = path.join(root, 'bucket-dump');
    fs.mkdirSync(dump);
    const keys = await listKeys(admin, bucket);
    expect(keys.length).toBeGreaterThan(20);
    const files: string[] = [];
    for (const [i, k] of keys.entries()) {
      const f = path.join(dump, String(i));
      fs.writeFileSync(f, await getBytes(admin, bucket, k.key));
      files.push(f);
    }
    fs.writeFileSync(path.join(dump, 'keys.txt'), keys.map((k) => k.key).join('\n'));
    expect(findNeedles([...files, path.join(dump, 'keys.txt')], needles)).toEqual([]);
    fs.rmSync(dump, { recursive: true });
  }, 120_000);

  it('prunes on S3 as on a drive: older generations and the objects only they listed leave the bucket', async () => {
    const pruned = await backupVault(vault, at('org/backup'), { keep: 1 });
    expect(pruned.pruned.generations.length).toBeGreaterThan(0);
    const gens = new Set((await listKeys(admin, bucket, 'org/backup/generations/')).map((k) => k.key.split('/')[3]));
    expect([...gens]).toEqual([String(pruned.generation).padStart(6, '0')]);
    expect((await verifyBackup(at('org/backup'), { all: true })).ok).toBe(true);
  }, 120_000);

  it('refuses a prefix that holds something else, and a backup of another vault', async () => {
    await putBytes(admin, bucket, 'other/notes.txt', Buffer.from('not a backup'));
    await expect(backupVault(vault, at('other'))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('not empty') });
    const stranger = (await createVault(path.join(root, 'stranger'), TEST_PASSPHRASE)).vault;
    try {
      await expect(backupVault(stranger, at('org/backup'))).rejects.toMatchObject({ code: 'CONFLICT' });
    } finally {
      stranger.lock();
    }
  }, 120_000);
});

describe('backup to S3 with Object Lock', () => {
  it('every object a generation needs is retained (COMPLIANCE): its deletion is refused; the next run extends the retention of what it reuses', async () => {
    const lockBucket = await makeBucket(admin, { objectLock: true });
    const first = await backupVault(vault, at('vault', { bucket: lockBucket, retentionDays: 2 }));
    const keys = await listKeys(admin, lockBucket);
    expect(keys.length).toBe(first.objects.total + 6 + 2);
    const until = new Map<string, number>();
    for (const k of keys) {
      const head = await admin.send(new HeadObjectCommand({ Bucket: lockBucket, Key: k.key }));
      expect(head.ObjectLockMode, k.key).toBe('COMPLIANCE');
      expect(head.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(Date.now() + 47 * 3600_000);
      until.set(k.key, head.ObjectLockRetainUntilDate!.getTime());
    }
    const anObject = keys.find((k) => k.key.includes('/blobs/'))!.key;
    const version = (await admin.send(new HeadObjectCommand({ Bucket: lockBucket, Key: anObject }))).VersionId!;
    await expect(admin.send(new DeleteObjectCommand({ Bucket: lockBucket, Key: anObject, VersionId: version }))).rejects.toMatchObject({ name: 'AccessDenied' });

    await new Promise((r) => setTimeout(r, 1100));
    const second = await backupVault(vault, at('vault', { bucket: lockBucket, retentionDays: 2 }));
    expect(second.objects.copied).toBe(0);
    const extended = (await admin.send(new HeadObjectCommand({ Bucket: lockBucket, Key: anObject }))).ObjectLockRetainUntilDate!.getTime();
    expect(extended).toBeGreaterThan(until.get(anObject)!);
  }, 180_000);

  it('asking for retention on a bucket without Object Lock is refused before anything is written', async () => {
    const plain = await makeBucket(admin);
    await expect(backupVault(vault, at('vault', { bucket: plain, retentionDays: 30 }))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('has no Object Lock') });
    expect(await listKeys(admin, plain)).toEqual([]);
  }, 60_000);
});

describe('the vault after all of this', () => {
  it('still verifies, and its log records every backup', async () => {
    expect((await verifyVault(vault)).ok).toBe(true);
  }, 120_000);
});
