import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPacketSource } from '../../../../../main/archive/packet/source';
import { tempDir } from '../../../../helpers/tmp';

/** A folder packet's files read into one reused buffer (what `packet verify` does for the payload it only hashes). */
describe('folder packet source: readInto', () => {
  const root = tempDir();
  const photo = crypto.randomBytes(300_000);
  const note = Buffer.from('a short note\n');
  fs.mkdirSync(path.join(root, 'data', 'evidence'), { recursive: true });
  fs.writeFileSync(path.join(root, 'data', 'evidence', 'E001.jpg'), photo);
  fs.writeFileSync(path.join(root, 'data', 'evidence', 'E002.txt'), note);

  it('gives each whole file as a view of the one buffer, whatever was read into it before', async () => {
    const src = await openPacketSource(root);
    const into = Buffer.alloc(1 << 20, 0xaa);
    const a = src.readInto!('data/evidence/E001.jpg', into);
    expect(a.buffer).toBe(into.buffer);
    expect(a.equals(photo)).toBe(true);
    const b = src.readInto!('data/evidence/E002.txt', into);
    expect(b.equals(note)).toBe(true);
    expect(src.files.map((f) => [f.path, f.size])).toEqual([
      ['data/evidence/E001.jpg', photo.length],
      ['data/evidence/E002.txt', note.length],
    ]);
  });

  it('a file larger than the buffer fills it (the caller sees more than the size it listed); an unknown path is refused', async () => {
    const src = await openPacketSource(root);
    const small = Buffer.alloc(1000);
    const part = src.readInto!('data/evidence/E001.jpg', small);
    expect(part.length).toBe(1000);
    expect(part.equals(photo.subarray(0, 1000))).toBe(true);
    expect(() => src.readInto!('data/evidence/E003.jpg', small)).toThrow(/No file/);
    expect(() => src.readInto!('../outside', small)).toThrow(/No file/);
  });

  it('a file changed since the walk reads as it is now (longer or shorter than listed); an empty file reads empty', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'data'));
    const grown = path.join(dir, 'data', 'grown.bin');
    const shrunk = path.join(dir, 'data', 'shrunk.bin');
    fs.writeFileSync(grown, photo.subarray(0, 5000));
    fs.writeFileSync(shrunk, photo.subarray(0, 5000));
    fs.writeFileSync(path.join(dir, 'data', 'empty.bin'), '');
    // The folder given with a trailing separator: the paths are joined to it as text.
    const src = await openPacketSource(`${dir}${path.sep}`);
    fs.appendFileSync(grown, photo.subarray(5000, 5007));
    fs.truncateSync(shrunk, 4000);
    // What verify gives: one byte more than the listed size, so a grown file reads longer than listed.
    const into = (p: string): Buffer => Buffer.alloc(src.files.find((f) => f.path === p)!.size + 1);
    expect(src.readInto!('data/grown.bin', into('data/grown.bin')).equals(photo.subarray(0, 5001))).toBe(true);
    expect(src.readInto!('data/shrunk.bin', into('data/shrunk.bin')).equals(photo.subarray(0, 4000))).toBe(true);
    expect(src.readInto!('data/empty.bin', into('data/empty.bin')).length).toBe(0);
  });
});
