import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupVault, restoreBackup, verifyBackup } from '../../../../../main/archive/backup';
import { GENERATION_FILES } from '../../../../../main/archive/backup/format';
import { parseEvent } from '../../../../../main/archive/custody/log';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { createVault, openVault, type Vault } from '../../../../../main/archive/vault/vault';
import { verifyVault } from '../../../../../main/archive/verify/verify';
import { insertSyntheticItems } from '../../../../fixtures/catalogue-generator';
import { writeGpsPhoto } from '../../../../helpers/photos';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';
import { itemHash, itemHashes, objectPath } from './helpers';
import { itemEditState, iterateItemObjects } from '../../../../../main/archive/db/items';
import { liveObjects } from '../../../../../main/archive/db/objects';

/** Damaged and tampered backups: verify names every problem; restore restores the rest and lists what was lost. */
describe('damaged backups', () => {
  const root = tempDir();
  const pristine = path.join(root, 'pristine-backup');
  let vault: Vault;
  let hashes: Map<string, string>;
  let objectsOf: Map<string, string>; // object name → item id
  let photoItem = '';
  let previewObject = '';
  let firstGeneration = 0;

  beforeAll(async () => {
    vault = (await createVault(path.join(root, 'vault'), TEST_PASSPHRASE)).vault;
    await insertSyntheticItems(vault, Array.from({ length: 60 }, (_, i) => ({ originalName: `acta-${i}.pdf`, mediaType: 'application/pdf', metadata: {} })));
    const photo = await writeGpsPhoto(path.join(root, 'in'), 'foto.jpg', 9);
    const r = await ingestPaths(vault, [photo.file]);
    photoItem = r.results[0]!.itemId!;
    previewObject = itemEditState(vault.store, photoItem)!.preview_object!;
    expect(previewObject).toMatch(/^[0-9a-f]{64}$/);
    firstGeneration = (await backupVault(vault, pristine)).generation;
    await backupVault(vault, pristine);
    hashes = await itemHashes(vault);
    objectsOf = new Map();
    for (const row of iterateItemObjects(vault.store)) {
      objectsOf.set(row.objectName, row.id);
      if (row.previewObject) objectsOf.set(row.previewObject, row.id);
    }
  }, 120_000);

  afterAll(async () => {
    vault.lock();
    await shutdownIngestWorkers();
  });

  let n = 0;
  function copyOfBackup(): string {
    const dir = path.join(root, `backup-${++n}`);
    fs.cpSync(pristine, dir, { recursive: true });
    return dir;
  }

  /** Flips one byte at `at`, or in the last quarter of a smaller file (always inside the age payload). */
  function flipByte(file: string, at: number): void {
    const b = fs.readFileSync(file);
    const i = at < b.length ? at : Math.floor((b.length * 3) / 4);
    b[i] = b[i]! ^ 0x5a;
    fs.writeFileSync(file, b);
  }

  function originals(count: number, skip = 0): string[] {
    return liveObjects(vault.store).filter((o) => o.kind === 'original').map((o) => o.name).slice(skip, skip + count);
  }

  it('objects deleted and bytes flipped: verify names each; restore restores the rest and reports each by object and item id', async () => {
    const dir = copyOfBackup();
    const deleted = [...originals(2), previewObject];
    const flipped = originals(3, 10);
    for (const name of deleted) fs.rmSync(objectPath(dir, name));
    for (const name of flipped) flipByte(objectPath(dir, name), 300);

    const check = await verifyBackup(dir);
    expect(check.ok).toBe(false);
    const byObject = (c: string): string[] => check.problems.filter((p) => p.check === c).map((p) => p.object!).sort();
    expect(byObject('object.missing')).toEqual([...deleted].sort());
    expect(byObject('object.hash')).toEqual([...flipped].sort());
    expect(check.problems).toHaveLength(6);

    const target = path.join(root, 'restored-1');
    const r = await restoreBackup(dir, target, { passphrase: TEST_PASSPHRASE });
    expect(r.manifestTrusted).toBe(true);
    const damaged = new Map(r.objects.damaged.map((d) => [d.object, d]));
    expect([...damaged.keys()].sort()).toEqual([...deleted, ...flipped].sort());
    for (const name of deleted) expect(damaged.get(name)).toMatchObject({ reason: 'missing-from-backup', items: [objectsOf.get(name)] });
    for (const name of flipped) expect(damaged.get(name)).toMatchObject({ reason: 'damaged-in-backup', items: [objectsOf.get(name)], kind: 'original' });
    expect(damaged.get(previewObject)).toMatchObject({ kind: 'preview', items: [photoItem] });
    const lostItems = [...new Set([...deleted, ...flipped].map((o) => objectsOf.get(o)!))].sort();
    expect(r.damagedItems).toEqual(lostItems);
    expect(r.objects.restored).toBe(r.objects.total - 6);

    // The restored vault fails verify for exactly those objects and nothing else; every other item is intact.
    expect(r.verify.problems.every((p) => p.check === 'object.missing')).toBe(true);
    expect(r.verify.problems.map((p) => p.object).sort()).toEqual([...deleted, ...flipped].sort());
    const restored = await openVault(target, { passphrase: TEST_PASSPHRASE });
    try {
      const again = await verifyVault(restored);
      expect(new Set(again.problems.map((p) => p.item))).toEqual(new Set(lostItems));
      const lostOriginals = new Set([...deleted.filter((o) => o !== previewObject), ...flipped].map((o) => objectsOf.get(o)));
      let intact = 0;
      for (const [id, sha] of hashes) {
        if (lostOriginals.has(id)) continue;
        expect(await itemHash(restored, id), id).toBe(sha);
        intact++;
      }
      expect(intact).toBe(hashes.size - lostOriginals.size);
      const ev = parseEvent(restored.log.event(restored.log.size() - 1)!.bytes);
      expect(ev).toMatchObject({ type: 'vault.restored', data: { damagedObjects: 6, damagedItemsTotal: lostItems.length, damagedItems: lostItems, manifestVerified: true } });
    } finally {
      restored.lock();
    }
  }, 120_000);

  it('a deleted signature and a damaged object: verify says so; restore proceeds untrusted and finds the damage by decryption', async () => {
    const dir = copyOfBackup();
    const gen = path.join(dir, 'generations', '000002');
    fs.rmSync(path.join(gen, GENERATION_FILES.signature));
    const [bad] = originals(1, 20);
    flipByte(objectPath(dir, bad!), 500);
    const check = await verifyBackup(dir);
    expect(check.problems.map((p) => p.check).sort()).toEqual(['manifest.signature', 'object.hash']);
    expect(check.problems.find((p) => p.check === 'manifest.signature')!.message).toMatch(/signature.*missing/);

    const r = await restoreBackup(dir, path.join(root, 'restored-2'), { passphrase: TEST_PASSPHRASE });
    expect(r.manifestTrusted).toBe(false);
    expect(r.problems.join(' ')).toMatch(/signature/);
    expect(r.objects.damaged).toEqual([{ object: bad, kind: 'original', items: [objectsOf.get(bad!)], reason: 'failed-verification' }]);
    expect(r.damagedItems).toEqual([objectsOf.get(bad!)]);
    expect(r.verify.problems.map((p) => p.check)).toEqual(['object.decrypt']);
  }, 60_000);

  it('a tampered manifest or object list is named precisely', async () => {
    const dir = copyOfBackup();
    const gen = path.join(dir, 'generations', '000002');
    const manifestFile = path.join(gen, GENERATION_FILES.manifest);
    fs.writeFileSync(manifestFile, fs.readFileSync(manifestFile, 'utf8').replace(/"createdAt":"[^"]+"/, '"createdAt":"2020-01-01T00:00:00.000Z"'));
    let check = await verifyBackup(dir);
    expect(check.problems.map((p) => p.check)).toEqual(['manifest.signature']);
    expect(check.problems[0]!.message).toMatch(/changed after signing|does not match/);

    const dir2 = copyOfBackup();
    const list = path.join(dir2, 'generations', '000002', GENERATION_FILES.objects);
    const [victim] = originals(1, 30);
    fs.writeFileSync(list, fs.readFileSync(list, 'utf8').replace(new RegExp(`(${victim}\\t\\d+\\t)[0-9a-f]{64}`), `$1${'0'.repeat(64)}`));
    check = await verifyBackup(dir2);
    expect(check.problems.map((p) => p.check).sort()).toEqual(['file.hash', 'objects.list']);
    expect(check.problems.find((p) => p.check === 'file.hash')!.message).toMatch(/objects\.tsv/);
  });

  it('an earlier manifest changed after a later generation was built on it breaks the chain', async () => {
    const dir = copyOfBackup();
    const first = path.join(dir, 'generations', String(firstGeneration).padStart(6, '0'), GENERATION_FILES.manifest);
    fs.writeFileSync(first, fs.readFileSync(first, 'utf8').replace(/"createdAt":"[^"]+"/, '"createdAt":"2020-01-01T00:00:00.000Z"'));
    const latest = await verifyBackup(dir);
    expect(latest.problems.map((p) => p.check)).toEqual(['manifest.chain']);
    expect(latest.problems[0]).toMatchObject({ generation: firstGeneration + 1, message: expect.stringMatching(new RegExp(`generation ${firstGeneration} whose manifest has since changed`)) });
    const every = await verifyBackup(dir, { all: true });
    expect(every.problems.map((p) => [p.generation, p.check])).toEqual([[firstGeneration, 'manifest.signature'], [firstGeneration + 1, 'manifest.chain']]);
    expect(every.generations.map((g) => g.ok)).toEqual([false, false]);
  });

  it('checks the key fingerprint given by the person', async () => {
    const fp = (await verifyBackup(pristine)).keyFingerprint!;
    expect((await verifyBackup(pristine, { expectedFingerprint: fp.replace(/ /g, '').toLowerCase() })).ok).toBe(true);
    const other = await verifyBackup(pristine, { expectedFingerprint: '0123 4567 89AB CDEF' });
    expect(other.problems.map((p) => p.check)).toEqual(['manifest.key']);
  });

  it('restores an earlier generation when the newest database copy is damaged', async () => {
    const dir = copyOfBackup();
    flipByte(path.join(dir, 'generations', '000002', GENERATION_FILES.database), 5000);
    const target = path.join(root, 'restored-3');
    await expect(restoreBackup(dir, target, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'VAULT_CORRUPT', message: expect.stringMatching(/earlier generation/) });
    expect(fs.existsSync(target)).toBe(false);
    const r = await restoreBackup(dir, target, { passphrase: TEST_PASSPHRASE }, { generation: firstGeneration });
    expect(r.generation).toBe(firstGeneration);
    expect(r.verify.ok).toBe(true);
    expect(r.objects.damaged).toEqual([]);
  }, 60_000);

  it('never overwrites: an existing non-empty target is refused and left as it was', async () => {
    const target = path.join(root, 'occupied');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep.txt'), 'mine');
    await expect(restoreBackup(pristine, target, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'VAULT_EXISTS' });
    expect(fs.readdirSync(target)).toEqual(['keep.txt']);
    expect(fs.readFileSync(path.join(target, 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('a wrong passphrase is a clear error and leaves nothing behind', async () => {
    const target = path.join(root, 'nothing-here');
    const before = fs.readdirSync(root).sort();
    await expect(restoreBackup(pristine, target, { passphrase: 'not the passphrase at all' })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE', message: 'Wrong passphrase.' });
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.readdirSync(root).sort()).toEqual(before);
  });

  it('one run per folder: a live lock is refused, a stale one (its process is gone) is taken over; no host name is written', async () => {
    const dir = copyOfBackup();
    const lock = path.join(dir, '.lock');
    fs.writeFileSync(lock, `${process.pid}\nabcdef\n`);
    await expect(backupVault(vault, dir)).rejects.toMatchObject({ code: 'CONFLICT' });
    fs.writeFileSync(lock, '2147483646\nabcdef\n');
    let seen = '';
    const r = await backupVault(vault, dir, { onProgress: () => (seen ||= fs.readFileSync(lock, 'utf8')) });
    expect(r.generation).toBe(3);
    expect(seen).toMatch(new RegExp(`^${process.pid}\\n[0-9a-f]{16}\\n$`));
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('refuses to mix vaults in one backup folder, and refuses a non-empty folder that is not a backup', async () => {
    const other = (await createVault(path.join(root, 'other-vault'), TEST_PASSPHRASE)).vault;
    try {
      await expect(backupVault(other, copyOfBackup())).rejects.toMatchObject({ code: 'CONFLICT' });
      const stranger = path.join(root, 'usb-root');
      fs.mkdirSync(stranger);
      fs.writeFileSync(path.join(stranger, 'holiday.jpg'), 'x');
      await expect(backupVault(other, stranger)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(backupVault(other, path.join(root, 'other-vault', 'inside'))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    } finally {
      other.lock();
    }
  });
});
