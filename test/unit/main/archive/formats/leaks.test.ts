import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLeaks, inspectCopy } from '../../../../../main/archive/formats/index';
import { isCodingMarker } from '../../../../../main/archive/formats/jpeg';
import { isCodingSegmentMarker } from '../../../../../main/archive/formats/leaks/images';
import { tempDir } from '../../../../helpers/tmp';
import { makeJpeg, RICH_EXIF } from '../../../../fixtures/photos';
import { OPTS, strip } from './strip-helpers';

const dir = tempDir('huella-leaks-');

describe('findLeaks', () => {
  it('the JPEG re-read and the stripper agree on which markers code the image, over all 256 (APPn and COM aside)', () => {
    const apart = (m: number): boolean => (m >= 0xe0 && m <= 0xef) || m === 0xfe;
    const differ = Array.from({ length: 256 }, (_, m) => m).filter((m) => !apart(m) && isCodingMarker(m) !== isCodingSegmentMarker(m));
    expect(differ).toEqual([]);
    expect(Array.from({ length: 256 }, (_, m) => m).filter(isCodingMarker).length).toBe(23);
  });

  it('names each kind of metadata in an original photo; only a found original value is quoted, with its field', async () => {
    const fx = await makeJpeg({ dir, width: 64, height: 48, seed: 1, exif: RICH_EXIF, xmp: true, iptc: true, makerNotes: true, thumbnail: true, comment: true });
    const leaks = await findLeaks(fx.path, 'image/jpeg', { ...OPTS, originalValues: fx.originalValues });
    const kinds = new Set(leaks.map((l) => l.kind));
    for (const k of ['gps', 'serial', 'make-model', 'owner', 'software', 'timestamp', 'xmp', 'iptc', 'comment', 'thumbnail', 'unknown-metadata', 'original-value'] as const) {
      expect(kinds.has(k), k).toBe(true);
    }
    const text = JSON.stringify(leaks.filter((l) => l.kind !== 'original-value'));
    for (const v of fx.originalValues) expect(text.includes(v), v).toBe(false);
    const named = await findLeaks(fx.path, 'image/jpeg', { ...OPTS, originalValues: [{ field: 'Make', value: RICH_EXIF.make }] });
    expect(named.filter((l) => l.kind === 'original-value').map((l) => l.detail)).toEqual([expect.stringMatching(new RegExp(`^the original's Make "${RICH_EXIF.make}" appears in the copy \\(APP1, byte \\d+\\)$`))]);
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
    expect(leaks).toContainEqual({ kind: 'original-value', detail: expect.stringMatching(/^the original's value #2 "Quispe" appears in the copy \(inside the coded image data, byte \d+\)$/) as unknown as string });
  });

  it('does not read a 4-letter value into compressed pixels (a chance match would block a good photo)', async () => {
    const fx = await makeJpeg({ dir, name: 'sony.jpg', width: 32, height: 32, seed: 5 });
    const { out } = await strip(fx, dir);
    const b = fs.readFileSync(out);
    Buffer.from('Sony', 'latin1').copy(b, b.length - 200);
    const planted = path.join(dir, 'sony-in-pixels.jpg');
    fs.writeFileSync(planted, b);
    expect(await findLeaks(planted, 'image/jpeg', { ...OPTS, originalValues: [{ field: 'Make', value: 'Sony' }] })).toEqual([]);
    // The same value in a metadata structure is found, and located.
    const app = Buffer.concat([Buffer.from([0xff, 0xe4, 0, 10]), Buffer.from('xxSonyxx', 'latin1')]);
    const withApp = path.join(dir, 'sony-in-app4.jpg');
    fs.writeFileSync(withApp, Buffer.concat([b.subarray(0, 2), app, b.subarray(2)]));
    expect((await findLeaks(withApp, 'image/jpeg', { ...OPTS, originalValues: [{ field: 'Make', value: 'Sony' }] })).map((l) => l.detail)).toContain(`the original's Make "Sony" appears in the copy (APP4, byte 8)`);
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
    // A segment under a reserved marker (a damaged APP1 marker, 0xE1 read as 0xA1), after SOI.
    const reserved = Buffer.from([0xff, 0xa1, 0x00, 0x08, ...Buffer.from('Exif\0\0', 'latin1')]);
    const withReserved = path.join(dir, 'with-reserved.jpg');
    fs.writeFileSync(withReserved, Buffer.concat([fs.readFileSync(out).subarray(0, 2), reserved, fs.readFileSync(out).subarray(2)]));
    expect(await findLeaks(withReserved, 'image/jpeg', OPTS)).toContainEqual({ kind: 'unknown-metadata', detail: 'JPEG: segment of unknown marker 0xA1' });
  });

  it('hashes the bytes it read whole (the packet uses this hash of the copy, not a second read); a streamed re-read says none', async () => {
    const fx = await makeJpeg({ dir, name: 'hashed.jpg', width: 48, height: 32, seed: 5, exif: { orientation: 3 } });
    const { out } = await strip(fx, dir);
    const bytes = fs.readFileSync(out);
    const inspected = await inspectCopy(out, 'image/jpeg', OPTS);
    expect(inspected.leaks).toEqual([]);
    expect(inspected.hashed).toEqual({ sha256: crypto.createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
    const text = path.join(dir, 'note.txt');
    fs.writeFileSync(text, 'a note');
    expect((await inspectCopy(text, 'text/plain', OPTS)).hashed).toBeUndefined();
  });
});
