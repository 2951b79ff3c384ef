import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchCatalogue } from '../../../../../main/archive/catalogue';
import { deleteItem, editItem, purgeItem, restoreItem } from '../../../../../main/archive/items/edit';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { getItem, listItems, readItemPreview } from '../../../../../main/archive/items/items';
import { verifyVault } from '../../../../../main/archive/verify/verify';
import type { Vault } from '../../../../../main/archive/vault/vault';
import { writeGpsPhoto } from '../../../../helpers/photos';
import { tempDir } from '../../../../helpers/tmp';
import { eventsOf, expectNoPlaintext, expectRefused, makeItems, newVault } from './helpers';
import { itemEditState } from '../../../../../main/archive/db/items';
import { objectSha256 } from '../../../../../main/archive/db/objects';

async function ingestOne(vault: Vault, file: string): Promise<string> {
  const report = await ingestPaths(vault, [file]);
  expect(report.ingested).toBe(1);
  return report.results[0]!.itemId!;
}

function objectsOf(vault: Vault, id: string): { original: string; preview: string | null } {
  const r = itemEditState(vault.store, id)!;
  return { original: r.object_name, preview: r.preview_object };
}

describe('item edits, deletion and purge', () => {
  const root = tempDir();
  let vault: Vault;
  beforeAll(async () => {
    vault = await newVault(root);
  });
  afterAll(async () => {
    await shutdownIngestWorkers();
  });

  it('edits title, description and place with one item.updated event (committed) and reindexes', async () => {
    const [id] = await makeItems(vault, [{ originalName: 'IMG_0001.jpg' }]);
    const events = await eventsOf(vault, () =>
      expect(editItem(vault, { id: id!, title: 'Quemaduras en el antebrazo', description: 'Tomada en el hospital de Matagalpa', place: 'Matagalpa' })).toMatchObject({ title: 'Quemaduras en el antebrazo', place: 'Matagalpa' }),
    );
    expect(events.map((e) => [e.type, e.subject, e.data.fields])).toEqual([['item.updated', id, ['description', 'place', 'title']]]);
    expectNoPlaintext(vault, ['Quemaduras', 'Matagalpa', 'antebrazo']);
    expect(searchCatalogue(vault, { text: 'quemaduras antebrazo' }).hits.map((h) => h.id)).toEqual([id]);
    expect(searchCatalogue(vault, { text: 'IMG_0001' }).hits.map((h) => h.id)).toEqual([id]);
    expect(await eventsOf(vault, () => editItem(vault, { id: id!, place: 'Matagalpa' }))).toHaveLength(0);
    editItem(vault, { id: id!, description: null });
    expect(getItem(vault, id!).description).toBeUndefined();
    await expectRefused(vault, () => editItem(vault, { id: id!, title: 't'.repeat(501) }), 'INVALID_INPUT', 'title');
    await expectRefused(vault, () => editItem(vault, { id: 'it_zzzzzzzzzz', title: 'x' }), 'NOT_FOUND', 'id');
    await expectRefused(vault, () => editItem(vault, { id: 'case_zzzzzzzzzz', title: 'x' }), 'INVALID_INPUT', 'id');
  });

  it('deletes (tombstone, reason committed) and restores, each with one event', async () => {
    const [id] = await makeItems(vault, [{ title: 'Foto de la celda de castigo' }]);
    await expectRefused(vault, () => deleteItem(vault, { id: id!, reason: ' ' }), 'INVALID_INPUT', 'reason');
    const del = await eventsOf(vault, () => deleteItem(vault, { id: id!, reason: 'muestra la cara de Julio, riesgo' }));
    expect(del.map((e) => [e.type, e.subject, e.data.fields])).toEqual([['item.deleted', id, ['reason']]]);
    expectNoPlaintext(vault, ['cara de Julio', 'riesgo']);
    expect(searchCatalogue(vault, { text: 'celda castigo' }).total).toBe(0);
    expect(listItems(vault).some((i) => i.id === id)).toBe(false);
    await expectRefused(vault, () => deleteItem(vault, { id: id!, reason: 'otra vez' }), 'CONFLICT', 'id');
    await expectRefused(vault, () => editItem(vault, { id: id!, title: 'x' }), 'CONFLICT', 'id');
    const res = await eventsOf(vault, () => restoreItem(vault, { id: id! }));
    expect(res.map((e) => [e.type, e.subject])).toEqual([['item.restored', id]]);
    expect(searchCatalogue(vault, { text: 'celda castigo' }).hits.map((h) => h.id)).toEqual([id]);
    await expectRefused(vault, () => restoreItem(vault, { id: id! }), 'CONFLICT', 'id');
  });

  it('purges only deleted items: files destroyed, row scrubbed, item.purged names the hashes, verify still passes', async () => {
    const photo = await writeGpsPhoto(path.join(root, 'in'), 'secreto-nombre.jpg', 7);
    const id = await ingestOne(vault, photo.file);
    const { original, preview } = objectsOf(vault, id);
    expect(preview).not.toBeNull();
    await expectRefused(vault, () => purgeItem(vault, { id }), 'CONFLICT', 'id');
    deleteItem(vault, { id, reason: 'peligro' });
    const shas = [original, preview!].map((n) => objectSha256(vault.store, n)!.toString('hex'));
    const events = await eventsOf(vault, async () => expect(await purgeItem(vault, { id })).toEqual({ purgedObjects: 2, alreadyPurged: false }));
    expect(events.map((e) => [e.type, e.subject, e.data.sha256s])).toEqual([['item.purged', id, shas]]);
    expect(fs.existsSync(vault.blobs.pathOf(original))).toBe(false);
    expect(fs.existsSync(vault.blobs.pathOf(preview!))).toBe(false);
    const item = getItem(vault, id);
    expect(item).toMatchObject({ originalName: '', hasGps: false, hasPreview: false, deleted: true, metadata: {} });
    expect(JSON.stringify(vault.db.prepare('SELECT * FROM items WHERE id = ?').get(id))).not.toContain(photo.serial);
    await expectRefused(vault, () => restoreItem(vault, { id }), 'CONFLICT', 'id');
    const report = await verifyVault(vault, {});
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    // Purging again is harmless: nothing left to remove, no second event.
    expect(await eventsOf(vault, async () => expect(await purgeItem(vault, { id })).toEqual({ purgedObjects: 0, alreadyPurged: true }))).toHaveLength(0);
  });

  it('keeps a preview shared with another item, and finishes an interrupted purge', async () => {
    // Same pixels, different metadata: two originals, one identical (shared) preview.
    const raw = Buffer.alloc(96 * 64 * 3, 0).map((_, i) => (i * 7) & 255);
    const a = path.join(root, 'in', 'a.jpg');
    const b = path.join(root, 'in', 'b.jpg');
    await sharp(raw, { raw: { width: 96, height: 64, channels: 3 } }).jpeg({ quality: 90 }).toFile(a);
    await sharp(raw, { raw: { width: 96, height: 64, channels: 3 } }).jpeg({ quality: 90 }).withExif({ IFD0: { Artist: 'Otra persona' } }).toFile(b);
    const idA = await ingestOne(vault, a);
    const idB = await ingestOne(vault, b);
    const pa = objectsOf(vault, idA);
    const pb = objectsOf(vault, idB);
    expect(pa.preview).toBe(pb.preview);
    deleteItem(vault, { id: idA, reason: 'r' });
    const saved = fs.readFileSync(vault.blobs.pathOf(pa.original));
    expect(await purgeItem(vault, { id: idA })).toEqual({ purgedObjects: 1, alreadyPurged: false });
    expect(await readItemPreview(vault, idB)).toBeInstanceOf(Buffer);
    expect((await verifyVault(vault, {})).problems).toEqual([]);
    // Simulate a crash between the commit and the file removal: the file is back, verify sees it, purge finishes.
    fs.writeFileSync(vault.blobs.pathOf(pa.original), saved);
    expect((await verifyVault(vault, {})).problems.map((p) => p.check)).toEqual(['object.orphan']);
    expect(await purgeItem(vault, { id: idA })).toEqual({ purgedObjects: 1, alreadyPurged: true });
    expect((await verifyVault(vault, {})).ok).toBe(true);
    deleteItem(vault, { id: idB, reason: 'r' });
    expect(await purgeItem(vault, { id: idB })).toEqual({ purgedObjects: 2, alreadyPurged: false });
    expect(fs.existsSync(vault.blobs.pathOf(pb.preview!))).toBe(false);
    expect((await verifyVault(vault, {})).problems).toEqual([]);
  });
});
