import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVault, type Vault } from '../../../../../main/archive/vault/vault';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { getItem, listItems, openItemContent, readItemPreview } from '../../../../../main/archive/items/items';
import { verifyVault } from '../../../../../main/archive/verify/verify';
import { allFiles, tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';
import { writeGpsPhoto, type SimplePhoto } from '../../../../helpers/photos';
import sharp from 'sharp';
import { deleteItem, purgeItem } from '../../../../../main/archive/items/edit';
import { itemEditState } from '../../../../../main/archive/db/items';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** A PNG that declares 60000 × 60000 pixels (a decompression bomb for naive decoders). */
function pngBomb(): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32 ? zlib.crc32(body) >>> 0 : 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(60000, 0);
  ihdr.writeUInt32BE(60000, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const idat = zlib.deflateSync(Buffer.alloc(1024 * 1024));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

/** A JPEG whose EXIF IFD0 points to itself and claims 65535 entries. */
function jpegWithLoopingExif(base: Buffer): Buffer {
  const tiff = Buffer.alloc(64);
  tiff.write('MM', 0, 'ascii');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(0xffff, 8); // entry count far beyond the segment
  const app1 = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(app1.length + 2, 2);
  return Buffer.concat([base.subarray(0, 2), header, app1, base.subarray(2)]);
}

describe('ingest', () => {
  const root = tempDir();
  const photosDir = path.join(root, 'Fotos de María López');
  let vault: Vault;
  const photos: SimplePhoto[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 5; i++) photos.push(await writeGpsPhoto(photosDir, i < 3 ? `detención_${i}_juan_pérez.jpg` : `sub/celda_${i}.jpg`, i + 1));
    vault = (await createVault(path.join(root, 'vault'), TEST_PASSPHRASE)).vault;
  });
  afterAll(async () => {
    vault?.lock();
    await shutdownIngestWorkers();
  });

  it('ingests a folder recursively, with metadata as evidence and EXIF-free oriented previews', async () => {
    const progress: number[] = [];
    const report = await ingestPaths(vault, [photosDir], { onProgress: (p) => progress.push(p.bytesDone) });
    expect(report.ingested).toBe(5);
    expect(report.failed).toBe(0);
    expect(report.checkpointSize).toBe(vault.log.size());
    expect(progress.at(-1)).toBe(photos.reduce((a, p) => a + fs.statSync(p.file).size, 0));
    for (const r of report.results) {
      const photo = photos.find((p) => p.file.endsWith(path.basename(r.path)))!;
      const original = fs.readFileSync(photo.file);
      expect(r.sha256).toBe(crypto.createHash('sha256').update(original).digest('hex'));
      const item = getItem(vault, r.itemId!);
      expect(item.mediaType).toBe('image/jpeg');
      expect(item.metadata).toMatchObject({ make: photo.make, model: photo.model, serial: photo.serial, captureTime: '2024-03-01T10:11:12', creators: [photo.artist] });
      expect(item.metadata.gps!.lat).toBeCloseTo(photo.gps.lat, 4);
      expect(item.metadata.gps!.lon).toBeCloseTo(photo.gps.lon, 4);
      expect((await readAll(openItemContent(vault, r.itemId!))).equals(original)).toBe(true);
      const preview = (await readItemPreview(vault, r.itemId!))!;
      const meta = await sharp(preview).metadata();
      expect(meta.format).toBe('webp');
      expect(meta.exif).toBeUndefined();
      expect(meta.width).toBeLessThanOrEqual(512);
    }
    const v = await verifyVault(vault);
    expect(v.problems).toEqual([]);
  });

  it('stores the same bytes once and says so', async () => {
    const report = await ingestPaths(vault, [photos[0]!.file]);
    expect(report.results[0]).toMatchObject({ status: 'duplicate', itemId: listItems(vault).find((i) => i.originalName === path.basename(photos[0]!.file))!.id });
    expect(listItems(vault)).toHaveLength(5);
  });

  it('leaves no file name, EXIF string or plain SHA-256 anywhere under the vault, WAL included', async () => {
    const needles: { what: string; bytes: Buffer }[] = [];
    for (const p of photos) {
      const original = fs.readFileSync(p.file);
      const sha = crypto.createHash('sha256').update(original).digest();
      needles.push(
        { what: 'file name', bytes: Buffer.from(path.basename(p.file, '.jpg')) },
        { what: 'file name (NFD)', bytes: Buffer.from(path.basename(p.file, '.jpg').normalize('NFD')) },
        { what: 'folder name', bytes: Buffer.from('María López') },
        { what: 'camera model', bytes: Buffer.from(p.model) },
        { what: 'serial', bytes: Buffer.from(p.serial) },
        { what: 'artist', bytes: Buffer.from(p.artist) },
        { what: 'sha256 hex', bytes: Buffer.from(sha.toString('hex')) },
        { what: 'sha256 HEX', bytes: Buffer.from(sha.toString('hex').toUpperCase()) },
        { what: 'sha256 raw', bytes: sha },
        { what: 'sha256 base64', bytes: Buffer.from(sha.toString('base64')) },
        { what: 'JPEG content', bytes: original.subarray(original.length - 64) },
      );
    }
    const files = allFiles(vault.dir);
    expect(files.some((f) => f.endsWith('archive.db-wal'))).toBe(true); // the vault is open: the WAL is there
    const hits: string[] = [];
    for (const f of files) {
      const data = fs.readFileSync(f);
      for (const n of needles) if (data.includes(n.bytes)) hits.push(`${n.what} in ${path.relative(vault.dir, f)}`);
    }
    expect(hits).toEqual([]);
  });

  it('writes age files that the age CLI decrypts with the exported identity, and reads files age encrypted', async () => {
    const identityFile = path.join(root, 'identity.txt');
    fs.writeFileSync(identityFile, vault.exportAgeIdentity() + '\n', { mode: 0o600 });
    const { execFileSync } = await import('node:child_process');
    for (const it of listItems(vault)) {
      const blob = vault.blobs.pathOf(itemEditState(vault.store, it.id)!.object_name);
      const plain = execFileSync('age', ['-d', '-i', identityFile, blob], { maxBuffer: 64 * 1024 * 1024 });
      expect(crypto.createHash('sha256').update(plain).digest('hex')).toBe(it.sha256);
    }
    // The other direction: a file encrypted by the age CLI to the vault's recipient is readable through the store.
    const content = crypto.randomBytes(200_000);
    const sha = crypto.createHash('sha256').update(content).digest();
    const name = vault.blobs.objectName(sha);
    const dest = vault.blobs.pathOf(name);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    execFileSync('age', ['-r', vault.ageRecipient, '-o', dest], { input: content });
    expect((await readAll(vault.blobs.openPlaintext(name))).equals(content)).toBe(true);
    fs.rmSync(dest);
  });

  it('reports truncated, corrupt and hostile files one by one and ingests the rest', async () => {
    const bad = path.join(root, 'bad');
    fs.mkdirSync(bad);
    const good = await writeGpsPhoto(bad, 'good.jpg', 77);
    const goodBytes = fs.readFileSync(good.file);
    fs.writeFileSync(path.join(bad, 'truncated.jpg'), goodBytes.subarray(0, 700));
    fs.writeFileSync(path.join(bad, 'random.jpg'), crypto.randomBytes(5000));
    fs.writeFileSync(path.join(bad, 'empty.jpg'), Buffer.alloc(0));
    fs.writeFileSync(path.join(bad, 'bomb.png'), pngBomb());
    fs.writeFileSync(path.join(bad, 'looping-exif.jpg'), jpegWithLoopingExif(goodBytes));
    fs.symlinkSync(good.file, path.join(bad, 'link.jpg'));
    const started = Date.now();
    const report = await ingestPaths(vault, [bad], { parseTimeoutMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(30_000);
    const by = (n: string) => report.results.find((r) => path.basename(r.path) === n)!;
    expect(by('good.jpg').status).toBe('ingested');
    expect(by('good.jpg').warnings).toEqual([]);
    expect(by('link.jpg')).toMatchObject({ status: 'skipped', error: { code: 'FILE_UNREADABLE', key: 'problem.ingest.symlink' } });
    // Evidence is never dropped because a parser choked: bytes preserved, problem reported.
    for (const n of ['truncated.jpg', 'bomb.png']) {
      expect(by(n).status).toBe('ingested');
      expect(by(n).warnings.length).toBeGreaterThan(0);
    }
    expect(by('random.jpg')).toMatchObject({ status: 'ingested', mediaType: 'application/octet-stream' });
    expect(by('random.jpg').warnings.map((w) => w.code)).toContain('TYPE_MISMATCH');
    expect(by('empty.jpg').status).toBe('ingested');
    expect(['ingested']).toContain(by('looping-exif.jpg').status);
    expect((await verifyVault(vault)).problems).toEqual([]);
  });

  it('stops a parser that overruns its time limit and keeps the file', async () => {
    const dir = path.join(root, 'slow');
    const p = await writeGpsPhoto(dir, 'slow.jpg', 91, { width: 2000, height: 1500 });
    const report = await ingestPaths(vault, [p.file], { parseTimeoutMs: 1 });
    expect(report.results[0]!.status).toBe('ingested');
    expect(report.results[0]!.warnings.map((w) => w.code)).toContain('PARSER_TIMEOUT');
  });

  it('a parser time limit overrun fails each file it stopped alone, the files queued behind it in the thread too, and keeps them all', async () => {
    // Every parse overruns 1 ms: the files waiting in the parser thread behind the one stopped are sent again (those
    // whose bytes were moved to the thread, by their path) and each reports its own overrun; nothing is lost.
    const dir = path.join(root, 'slow-many');
    const photos = await Promise.all(Array.from({ length: 6 }, (_, i) => writeGpsPhoto(dir, `slow-${i}.jpg`, 200 + i)));
    const report = await ingestPaths(vault, [dir], { parseTimeoutMs: 1 });
    expect(report.results).toHaveLength(photos.length);
    for (const r of report.results) {
      expect(r.status).toBe('ingested');
      expect(r.warnings.map((w) => w.code)).toContain('PARSER_TIMEOUT');
    }
  });

  it('refuses a file over the size limit and stores nothing of it', async () => {
    const dir = path.join(root, 'big');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'big.bin'), crypto.randomBytes(300_000));
    const before = vault.log.size();
    const report = await ingestPaths(vault, [dir], { maxFileBytes: 100_000 });
    expect(report.results[0]).toMatchObject({ status: 'failed', error: { code: 'FILE_TOO_LARGE' } });
    expect(vault.log.size()).toBe(before);
    expect(fs.readdirSync(vault.blobs.tmpDir)).toEqual([]);
  });

  it('can be cancelled: what was committed stays, the rest is not half-present', async () => {
    const dir = path.join(root, 'many');
    fs.mkdirSync(dir);
    for (let i = 0; i < 6; i++) fs.writeFileSync(path.join(dir, `f${i}.bin`), crypto.randomBytes(2_000_000));
    const controller = new AbortController();
    let seen = 0;
    const report = await ingestPaths(vault, [dir], {
      signal: controller.signal,
      onFile: () => {
        seen++;
        if (seen === 2) controller.abort();
      },
    });
    expect(report.cancelled).toBe(true);
    expect(report.ingested).toBeGreaterThanOrEqual(2);
    expect(report.ingested).toBeLessThan(6);
    expect(fs.readdirSync(vault.blobs.tmpDir)).toEqual([]);
    expect((await verifyVault(vault)).problems).toEqual([]);
  });

  it('revives a purged item when its content is ingested again (same id, new signed ingest event)', async () => {
    const p = await writeGpsPhoto(path.join(root, 'purge'), 'again.jpg', 55);
    const first = (await ingestPaths(vault, [p.file])).results[0]!;
    deleteItem(vault, { id: first.itemId!, reason: 'endangers a witness' });
    await purgeItem(vault, { id: first.itemId! });
    expect((await verifyVault(vault)).problems).toEqual([]);
    const again = (await ingestPaths(vault, [p.file])).results[0]!;
    expect(again).toMatchObject({ status: 'ingested', itemId: first.itemId });
    expect((await readAll(openItemContent(vault, first.itemId!))).equals(fs.readFileSync(p.file))).toBe(true);
    expect(getItem(vault, first.itemId!)).toMatchObject({ deleted: false, hasPreview: true });
    expect((await verifyVault(vault)).problems).toEqual([]);
  });
});
