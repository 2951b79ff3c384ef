import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLeaks } from '../../../../../main/archive/formats/index';
import { tempDir } from '../../../../helpers/tmp';
import { makeJpeg, RICH_EXIF } from '../../../../fixtures/photos';
import { OPTS, strip } from './strip-helpers';

const dir = tempDir('huella-leaks-');

describe('findLeaks', () => {
  it('names each kind of metadata in an original photo, without quoting any value', async () => {
    const fx = await makeJpeg({ dir, width: 64, height: 48, seed: 1, exif: RICH_EXIF, xmp: true, iptc: true, makerNotes: true, thumbnail: true, comment: true });
    const leaks = await findLeaks(fx.path, 'image/jpeg', { ...OPTS, originalValues: fx.originalValues });
    const kinds = new Set(leaks.map((l) => l.kind));
    for (const k of ['gps', 'serial', 'make-model', 'owner', 'software', 'timestamp', 'xmp', 'iptc', 'comment', 'thumbnail', 'unknown-metadata', 'original-value'] as const) {
      expect(kinds.has(k), k).toBe(true);
    }
    const text = JSON.stringify(leaks);
    for (const v of fx.originalValues) expect(text.includes(v), v).toBe(false);
  });

  it('treats capture dates as allowed only when the profile keeps them', async () => {
    const fx = await makeJpeg({ dir, name: 'dates.jpg', width: 32, height: 32, seed: 2, exif: { dateTimeOriginal: '2024:03:05 14:22:10' } });
    const strict = await findLeaks(fx.path, 'image/jpeg', OPTS);
    expect(strict.filter((l) => l.kind === 'timestamp').map((l) => l.detail)).toEqual(expect.arrayContaining(['Exif:DateTimeOriginal', 'IFD0:ModifyDate']));
    const kept = await findLeaks(fx.path, 'image/jpeg', { keepCaptureDate: true, keepOrientation: true });
    expect(kept.map((l) => l.detail)).not.toContain('Exif:DateTimeOriginal');
    expect(kept.map((l) => l.detail)).toContain('IFD0:ModifyDate');
  });

  it('finds an original value hidden where no parser looks, in UTF-8 and UTF-16', async () => {
    const fx = await makeJpeg({ dir, name: 'hidden.jpg', width: 32, height: 32, seed: 3 });
    const { out } = await strip(fx, dir);
    expect(await findLeaks(out, 'image/jpeg', { ...OPTS, originalValues: ['Quispe'] })).toEqual([]);
    // Hide the owner's name inside the entropy-coded data region of a copy, as UTF-16LE.
    const b = fs.readFileSync(out);
    const planted = path.join(dir, 'planted.jpg');
    const name = Buffer.from('Quispe', 'utf16le');
    name.copy(b, b.length - 200);
    fs.writeFileSync(planted, b);
    const leaks = await findLeaks(planted, 'image/jpeg', { ...OPTS, originalValues: ['abc', 'Quispe'] });
    expect(leaks).toContainEqual({ kind: 'original-value', detail: 'original metadata value #2 appears in the file bytes' });
  });

  it('reports a type it cannot check instead of calling it clean', async () => {
    const f = path.join(dir, 'x.bin');
    fs.writeFileSync(f, 'whatever');
    expect(await findLeaks(f, 'application/x-unknown', OPTS)).toEqual([{ kind: 'unknown-metadata', detail: 'no leak check exists for this type' }]);
  });

  it('flags data after EOI and extra Exif tags in an otherwise stripped JPEG', async () => {
    const fx = await makeJpeg({ dir, name: 'tail.jpg', width: 32, height: 32, seed: 4, exif: { orientation: 6 } });
    const { out } = await strip(fx, dir);
    expect(await findLeaks(out, 'image/jpeg', OPTS)).toEqual([]);
    const withTail = path.join(dir, 'with-tail.jpg');
    fs.writeFileSync(withTail, Buffer.concat([fs.readFileSync(out), Buffer.from('trailer')]));
    expect(await findLeaks(withTail, 'image/jpeg', OPTS)).toContainEqual({ kind: 'unknown-metadata', detail: 'JPEG: 7 bytes after end-of-image' });
    const withMake = path.join(dir, 'with-make.jpg');
    fs.copyFileSync(fx.path, withMake);
    const leaks = await findLeaks(withMake, 'image/jpeg', OPTS);
    expect(leaks).toContainEqual({ kind: 'unknown-metadata', detail: 'JPEG: Exif with more than Orientation' });
  });
});
