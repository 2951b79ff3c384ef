import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { backupVault, restoreBackup, verifyBackup, type BackupReport } from '../../../../../main/archive/backup';
import { BACKUP_FILES, GENERATION_FILES } from '../../../../../main/archive/backup/format';
import { listGenerations } from '../../../../../main/archive/backup/folder';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { parseEvent } from '../../../../../main/archive/custody/log';
import { createVault, openVault, type Vault } from '../../../../../main/archive/vault/vault';
import { verifyVault } from '../../../../../main/archive/verify/verify';
import { generateCatalogue, insertSyntheticItems } from '../../../../fixtures/catalogue-generator';
import { writeGpsPhoto, type SimplePhoto } from '../../../../helpers/photos';
import { allFiles, tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';
import { findNeedles, hashNeedles, itemHashes, objectFiles, textNeedles, type Needle } from './helpers';
import { itemEditState, itemIngestRecords, iterateItemObjects } from '../../../../../main/archive/db/items';
import { liveObjects, markObjectPurged } from '../../../../../main/archive/db/objects';

/**
 * The backup round trip at volume (2,000+ items with cases, people and testimonies, plus real photos with EXIF),
 * incremental runs, the seized-drive grep, and generations.
 */
describe('backup and restore round trip', () => {
  const root = tempDir();
  const vaultDir = path.join(root, 'vault');
  const backupDir = path.join(root, 'usb', 'huella-backup');
  let vault: Vault;
  let recoveryKey = '';
  let photos: SimplePhoto[] = [];
  let testimonyText = '';
  const ITEMS = 2000;

  beforeAll(async () => {
    const created = await createVault(vaultDir, TEST_PASSPHRASE);
    vault = created.vault;
    recoveryKey = created.recoveryKey;
    const gen = await generateCatalogue(vault, { items: ITEMS, casesEvery: 50, testimoniesPerCase: 2, seed: 7 });
    expect(gen.testimonies).toBe(80);
    const inbox = path.join(root, 'inbox');
    photos = await Promise.all([1, 2, 3, 4, 5].map((i) => writeGpsPhoto(inbox, `detencion-plaza-${i}.jpg`, 40 + i)));
    testimonyText = 'Testimonio de la señora Ramírez: fue detenida el 3 de marzo frente al mercado central.';
    fs.writeFileSync(path.join(inbox, 'testimonio-ramirez.txt'), `${testimonyText}\n`);
    const report = await ingestPaths(vault, [inbox]);
    expect(report.ingested).toBe(6);
  }, 240_000);

  let first: BackupReport;
  let second: BackupReport;

  it('makes a first backup of everything: every object, an encrypted database snapshot, a signed manifest', async () => {
    first = await backupVault(vault, backupDir);
    const objectCount = liveObjects(vault.store).length;
    expect(objectCount).toBeGreaterThanOrEqual(ITEMS + 6 + 5); // items, the photos' previews
    expect(first).toMatchObject({ generation: 1, firstBackup: true, objects: { total: objectCount, copied: objectCount, reused: 0, missingAtSource: [] } });
    expect(objectFiles(backupDir)).toHaveLength(objectCount);
    // Every byte written is accounted for: objects + database + the generation's small files + marker and key file.
    const onDisk = allFiles(backupDir).filter((f) => !f.endsWith(BACKUP_FILES.lock)).reduce((a, f) => a + fs.statSync(f).size, 0);
    expect(first.bytesWritten).toBe(onDisk);
    expect(first.bytesWritten).toBe(first.objects.bytesCopied + first.database.bytes + first.metadataBytes);
    // The database copy is encrypted: not an SQLite file in clear.
    const db = fs.readFileSync(path.join(backupDir, BACKUP_FILES.generations, '000001', GENERATION_FILES.database));
    expect(db.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
    const verified = await verifyBackup(backupDir);
    expect(verified.problems).toEqual([]);
    expect(verified).toMatchObject({ ok: true, objectsChecked: objectCount, keyFingerprint: first.keyFingerprint });
  }, 120_000);

  it('a second backup of an unchanged vault copies no object: only the new database snapshot and small files', async () => {
    second = await backupVault(vault, backupDir);
    expect(second).toMatchObject({ generation: 2, firstBackup: false, objects: { copied: 0, bytesCopied: 0, reused: first.objects.total } });
    expect(second.bytesWritten).toBe(second.database.bytes + second.metadataBytes);
    expect(second.bytesWritten).toBeLessThan(first.bytesWritten);
  }, 60_000);

  it('after adding 10 files, copies exactly those 10 objects plus the database (bytes stated)', async () => {
    const before = new Set(objectFiles(backupDir).map((f) => path.basename(f)));
    const ids = await insertSyntheticItems(vault, Array.from({ length: 10 }, (_, i) => ({ originalName: `nuevo-${i}.jpg`, mediaType: 'image/jpeg', metadata: {} })));
    const third = await backupVault(vault, backupDir);
    expect(third.objects.copied).toBe(10);
    expect(third.objects.reused).toBe(first.objects.total);
    const added = objectFiles(backupDir).filter((f) => !before.has(path.basename(f)));
    expect(added).toHaveLength(10);
    const addedBytes = added.reduce((a, f) => a + fs.statSync(f).size, 0);
    expect(third.objects.bytesCopied).toBe(addedBytes);
    expect(third.bytesWritten).toBe(addedBytes + third.database.bytes + third.metadataBytes);
    const names = new Set(ids.map((id) => itemEditState(vault.store, id)!.object_name));
    expect(new Set(added.map((f) => path.basename(f)))).toEqual(names);
    // The custody log records each backup.
    const written = [...vault.log.events(0)].map((e) => parseEvent(e.bytes)).filter((e) => e.type === 'backup.written');
    expect(written.map((e) => e.data.generation)).toEqual([1, 2, 3]);
    expect(written[2]!.data).toMatchObject({ objectsCopied: 10, bytesWritten: third.bytesWritten, keyFingerprint: first.keyFingerprint });
  }, 60_000);

  it('a seized backup drive reveals no evidence bytes, file names, person names, EXIF strings, plain hashes, vault id or custody key', async () => {
    const needles: Needle[] = [];
    for (const p of photos) {
      const bytes = fs.readFileSync(p.file);
      needles.push({ label: `photo bytes ${path.basename(p.file)}`, bytes: bytes.subarray(Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 64) });
      for (const s of [p.make, p.model, p.serial, p.artist, 'TestFirmware']) needles.push(...textNeedles(`EXIF ${s}`, s));
    }
    needles.push(...textNeedles('testimony file', testimonyText));
    const rows = <T>(sql: string): T[] => vault.db.prepare(sql).all() as T[];
    for (const r of rows<{ original_name: string }>('SELECT DISTINCT original_name FROM items')) needles.push(...textNeedles(`file name ${r.original_name}`, r.original_name));
    for (const r of rows<{ real_name: string }>('SELECT real_name FROM persons')) needles.push(...textNeedles(`person ${r.real_name}`, r.real_name));
    for (const r of rows<{ text: string }>('SELECT text FROM testimonies LIMIT 40')) needles.push(...textNeedles('testimony text', r.text.slice(0, 48)));
    for (const r of rows<{ sha256: Buffer }>('SELECT sha256 FROM objects')) needles.push(...hashNeedles('plain sha256', r.sha256));
    // Synthetic items' plaintext, read back through decryption.
    for (const r of rows<{ object_name: string }>('SELECT object_name FROM items LIMIT 100')) needles.push({ label: 'item plaintext', bytes: await vault.blobs.readPlaintext(r.object_name) });
    needles.push(...textNeedles('vault id', vault.id));
    needles.push(...hashNeedles('custody public key', vault.log.publicKey));
    const cp = vault.log.latestCheckpoint()!;
    needles.push({ label: 'checkpoint root', bytes: Buffer.from(cp.note.split('\n')[2]!) }, ...textNeedles('checkpoint origin', vault.log.origin));
    expect(needles.length).toBeGreaterThan(20_000);

    // Positive control: the search finds what is there.
    expect(findNeedles([photos[0]!.file], needles).some((h) => h.startsWith('EXIF Testmaker'))).toBe(true);
    expect(findNeedles([path.join(root, 'inbox', 'testimonio-ramirez.txt')], needles).length).toBeGreaterThan(0);

    const files = allFiles(backupDir);
    expect(files.length).toBeGreaterThan(ITEMS);
    expect(findNeedles(files, needles)).toEqual([]);
  }, 120_000);

  it('round trip: wipe the original, restore, verify passes and every item is byte-identical (by hashes)', async () => {
    const expected = await itemHashes(vault);
    expect(expected.size).toBe(ITEMS + 6 + 10);
    const recorded = new Map(itemIngestRecords(vault.store).map((r) => [r.id, r.sha256.toString('hex')]));
    const counts = (v: Vault): Record<string, number> =>
      Object.fromEntries(['items', 'persons', 'testimonies', 'testimony_revisions', 'cases', 'consents', 'tag_assignments', 'objects'].map((t) => [t, (v.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
    const before = counts(vault);
    const latest = await backupVault(vault, backupDir);
    vault.lock();
    fs.rmSync(vaultDir, { recursive: true, force: true });
    expect(fs.existsSync(vaultDir)).toBe(false);

    const restored = await restoreBackup(backupDir, vaultDir, { passphrase: TEST_PASSPHRASE });
    expect(restored.problems).toEqual([]);
    expect(restored).toMatchObject({ generation: latest.generation, manifestTrusted: true, damagedItems: [], objects: { damaged: [], restored: latest.objects.total } });
    expect(restored.verify.problems).toEqual([]);
    expect(restored.custodyCheckpointSize).toBeGreaterThan(ITEMS);

    vault = await openVault(vaultDir, { recoveryKey }); // the same recovery key opens it
    expect(counts(vault)).toEqual(before);
    const actual = await itemHashes(vault);
    expect(actual).toEqual(expected);
    for (const [id, sha] of actual) expect(sha, id).toBe(recorded.get(id));
    for (const p of photos) {
      const sha = crypto.createHash('sha256').update(fs.readFileSync(p.file)).digest('hex');
      expect([...actual.values()]).toContain(sha);
    }
    const report = await verifyVault(vault);
    expect(report.problems).toEqual([]);
    const last = parseEvent(vault.log.event(vault.log.size() - 1)!.bytes);
    expect(last).toMatchObject({ type: 'vault.restored', data: { backupId: latest.backupId, generation: latest.generation, manifestVerified: true, damagedObjects: 0, damagedItems: [] } });
  }, 180_000);

  it('keeps `keep` generations, prunes older ones, and removes objects only no kept generation lists', async () => {
    const gensBefore = await listGenerations(backupDir);
    const doomed = [...iterateItemObjects(vault.store)][0]!.objectName;
    // Simulate a purge in the vault: the object is gone from the database's live set.
    markObjectPurged(vault.store, doomed, new Date().toISOString());
    const r = await backupVault(vault, backupDir, { keep: 2 });
    expect(r.objects.total).toBe(restoredTotal(vault));
    expect(r.pruned.generations).toEqual(gensBefore.slice(0, gensBefore.length - 1));
    expect(await listGenerations(backupDir)).toEqual([gensBefore.at(-1)!, r.generation]);
    // Still listed by the older kept generation: kept.
    expect(fs.existsSync(path.join(backupDir, 'blobs', doomed.slice(0, 2), doomed))).toBe(true);
    const r2 = await backupVault(vault, backupDir, { keep: 1 });
    expect(r2.pruned.objects).toBe(1);
    expect(fs.existsSync(path.join(backupDir, 'blobs', doomed.slice(0, 2), doomed))).toBe(false);
    expect((await verifyBackup(backupDir, { all: true })).ok).toBe(true);
  }, 120_000);

  it('an interrupted backup leaves the previous generation valid, and the next run cleans up after it', async () => {
    const controller = new AbortController();
    await insertSyntheticItems(vault, Array.from({ length: 30 }, (_, i) => ({ originalName: `x-${i}.pdf`, mediaType: 'application/pdf', metadata: {} })));
    const gens = await listGenerations(backupDir);
    let seen = 0;
    await expect(
      backupVault(vault, backupDir, {
        concurrency: 1,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase === 'objects' && ++seen === 5) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await listGenerations(backupDir)).toEqual(gens);
    expect((await verifyBackup(backupDir)).ok).toBe(true);
    const next = await backupVault(vault, backupDir);
    expect(next.generation).toBe(gens.at(-1)! + 1);
    expect(fs.readdirSync(path.join(backupDir, BACKUP_FILES.generations)).filter((n) => n.startsWith('.'))).toEqual([]);
    expect((await verifyBackup(backupDir)).ok).toBe(true);
    vault.lock();
    await shutdownIngestWorkers();
  }, 60_000);
});

function restoredTotal(vault: Vault): number {
  return liveObjects(vault.store).length;
}
