import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { canStrip, findLeaks, stripToFile } from '../../../../../main/archive/formats/index';
import { isHuellaError } from '../../../../../main/archive/errors';
import { tempDir } from '../../../../helpers/tmp';
import { makeJpeg, RICH_EXIF } from '../../../../fixtures/photos';
import { OPTS } from './strip-helpers';

const dir = tempDir('huella-strip-api-');

describe('canStrip', () => {
  it('says yes for every format with a stripper', () => {
    for (const t of [
      'image/jpeg', 'image/png', 'image/apng', 'image/webp', 'image/gif', 'image/bmp', 'image/tiff', 'image/avif', 'application/pdf',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation', 'application/vnd.oasis.opendocument.text',
      'video/mp4', 'video/quicktime', 'audio/x-m4a', 'video/3gpp', 'audio/mpeg', 'audio/wav', 'audio/flac', 'text/plain', 'IMAGE/JPEG; charset=binary',
      'image/heic', 'image/heif', 'audio/ogg', 'audio/ogg; codecs=opus', 'audio/opus', 'video/webm', 'audio/webm', 'video/matroska', 'video/x-matroska',
    ]) {
      expect(canStrip(t), t).toEqual({ ok: true });
    }
  });

  it('refuses HEIF image sequences, generic ZIP and unknown types, with a reason', () => {
    const seq = canStrip('image/heic-sequence');
    expect(seq.ok).toBe(false);
    expect(!seq.ok && seq.reason).toMatch(/sequences/);
    for (const t of ['image/heif-sequence', 'application/zip', 'application/x-msdownload', 'text/html', 'application/msword', '']) {
      const r = canStrip(t);
      expect(r.ok, t).toBe(false);
      expect(!r.ok && r.reason.length, t).toBeGreaterThan(20);
    }
  });
});

describe('stripToFile', () => {
  it('refuses an unsupported type with STRIP_UNSUPPORTED, without reading it or writing anything', async () => {
    const out = path.join(dir, 'x.heics');
    let opened = false;
    const err = await stripToFile(
      () => {
        opened = true;
        return Readable.from([Buffer.from('x')]);
      },
      'image/heic-sequence',
      out,
      OPTS,
    ).catch((e: unknown) => e);
    expect(isHuellaError(err, 'STRIP_UNSUPPORTED')).toBe(true);
    expect((err as Error).message).toMatch(/HEIC/);
    expect(opened).toBe(false);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('copies plain text unchanged and records that it has no metadata container', async () => {
    const src = path.join(dir, 'note.txt');
    fs.writeFileSync(src, 'Testimony transcript, line 1\nline 2\n');
    const out = path.join(dir, 'note-out.txt');
    const r = await stripToFile(() => fs.createReadStream(src), 'text/plain', out, OPTS);
    expect(fs.readFileSync(out).equals(fs.readFileSync(src))).toBe(true);
    expect(r.record).toEqual({ method: 'lossless-structure', format: 'text', removed: [], kept: [], notes: 'no metadata container in this format; content copied unchanged' });
    expect(await findLeaks(out, 'text/plain', OPTS)).toEqual([]);
  });

  it('never alters the original, and writes the copy owner-only', async () => {
    const fx = await makeJpeg({ dir, name: 'orig.jpg', width: 64, height: 48, seed: 1, exif: RICH_EXIF });
    const before = fs.readFileSync(fx.path);
    const mtime = fs.statSync(fx.path).mtimeMs;
    const out = path.join(dir, 'copy.jpg');
    await stripToFile(() => fs.createReadStream(fx.path), 'image/jpeg', out, OPTS);
    expect(fs.readFileSync(fx.path).equals(before)).toBe(true);
    expect(fs.statSync(fx.path).mtimeMs).toBe(mtime);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
  });

  it('passes a source stream failure through, leaving no partial file', async () => {
    const out = path.join(dir, 'broken-source.jpg');
    const err = await stripToFile(
      () =>
        new Readable({
          read() {
            this.push(Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x10]));
            this.destroy(new Error('decryption failed'));
          },
        }),
      'image/jpeg',
      out,
      OPTS,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('does not overwrite or keep a partial copy when the output folder is missing', async () => {
    const fx = await makeJpeg({ dir, name: 'o2.jpg', width: 32, height: 32, seed: 2 });
    const err = await stripToFile(() => fs.createReadStream(fx.path), 'image/jpeg', path.join(dir, 'missing', 'x.jpg'), OPTS).catch((e: unknown) => e);
    expect(isHuellaError(err, 'FILE_UNREADABLE')).toBe(true);
  });
});
