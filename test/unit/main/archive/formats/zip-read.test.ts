/**
 * The one safe-zip reader (formats/zip/read.ts), which documents, imported sets and packets all go through: each
 * hostile zip is refused from memory and from a file, before anything is inflated, with the reason named.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { DEFAULT_ZIP_LIMITS, openZipSafely, readZipSafely, ZipProblem, type ZipLimits } from '../../../../../main/archive/formats/zip/read';
import { deterministicZip, writeZip } from '../../../../../main/archive/formats/zip/write';
import { openPacketSource } from '../../../../../main/archive/packet/source';
import { tempDir } from '../../../../helpers/tmp';
import { rawZip, type RawEntry } from '../../../../reliability/campaigns/hostile';

const dir = tempDir('huella-zip-read-');

async function yazlZip(entries: readonly { name: string; data: Buffer; mode?: number }[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(e.data, e.name, { mode: e.mode ?? 0o100644 });
  zip.end();
  const parts: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

/** The problem openZipSafely throws for these bytes, read from memory and from a file (the same either way). */
async function problemOf(bytes: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS, backslashes: 'refuse' | 'separator' = 'refuse'): Promise<ZipProblem> {
  const file = path.join(dir, `z-${Math.random().toString(36).slice(2)}.zip`);
  fs.writeFileSync(file, bytes);
  const got: ZipProblem[] = [];
  for (const source of [{ buffer: bytes }, { file }]) {
    const err = await openZipSafely(source, limits, { backslashes }).then(
      (z) => {
        z.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(err, `refused from ${'file' in source ? 'a file' : 'memory'}`).toBeInstanceOf(ZipProblem);
    got.push(err as ZipProblem);
  }
  expect({ ...got[1] }).toEqual({ ...got[0] });
  return got[0]!;
}

const ok: RawEntry = { name: 'ok.txt', data: Buffer.from('fine') };

describe('the safe-zip reader', () => {
  it('reads a plain zip: names, sizes, bytes', async () => {
    const zip = await openZipSafely({ buffer: rawZip([ok, { name: 'a/b.xml', data: Buffer.from('<x/>'.repeat(100)), deflate: true }]) }, DEFAULT_ZIP_LIMITS, { backslashes: 'refuse' });
    try {
      expect(zip.entries.map((e) => [e.name, e.size, e.compressed])).toEqual([
        ['ok.txt', 4, false],
        ['a/b.xml', 400, true],
      ]);
      expect((await zip.read(zip.entries[1]!)).toString()).toBe('<x/>'.repeat(100));
    } finally {
      zip.close();
    }
  });

  it.each([
    ['../../../etc/cron.d/huella', /escapes the archive \(zip-slip/],
    ['a/../../b.txt', /escapes the archive \(zip-slip/],
    ['/etc/passwd', /absolute path/],
    ['C:/Windows/evil.dll', /absolute path/],
    ['C:\\Windows\\evil.dll', /backslash/],
    ['a//b.txt', /empty or "\." path segment/],
    ['./b.txt', /empty or "\." path segment/],
  ])('refuses the entry name %s (zip-slip and kin)', async (name, reason) => {
    const p = await problemOf(rawZip([ok, { name, data: Buffer.from('slip') }]));
    expect(p.kind).toBe('unsafe');
    expect(p.reason).toMatch(reason);
  });

  it('reads a backslash as a separator where asked (Office writers), never as a way out of the folder', async () => {
    const zip = await openZipSafely({ buffer: rawZip([{ name: 'word\\document.xml', data: Buffer.from('<x/>') }]) }, DEFAULT_ZIP_LIMITS, { backslashes: 'separator' });
    expect(zip.entries.map((e) => e.name)).toEqual(['word/document.xml']);
    zip.close();
    expect((await problemOf(rawZip([{ name: '..\\..\\evil.txt', data: Buffer.from('x') }]), DEFAULT_ZIP_LIMITS, 'separator')).reason).toMatch(/zip-slip/);
  });

  it('refuses a zip bomb by its ratio before inflating it, and a total past the limit', async () => {
    const bomb: RawEntry = { name: 'zeros.bin', data: Buffer.alloc(16 * 1024 * 1024), deflate: true };
    const started = Date.now();
    expect((await problemOf(rawZip([bomb]))).reason).toMatch(/would inflate \d+× \(zip bomb\)/);
    expect(Date.now() - started).toBeLessThan(5_000);
    // 1000 central-directory entries pointing at one compressed body: each is a bomb, and together far past the total.
    expect((await problemOf(rawZip([bomb], { overlapCopies: 1000 }))).reason).toMatch(/zip bomb/);
    const small = { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: 6 };
    expect((await problemOf(rawZip([ok, { name: 'two.txt', data: Buffer.from('more') }]), small)).reason).toMatch(/total size past the limit of 6 bytes \(zip bomb\)/);
    expect((await problemOf(rawZip([{ name: 'big.bin', data: Buffer.alloc(10), deflate: true, declaredSize: 0xfffffff0 }]))).reason).toMatch(/larger than the limit/);
  });

  it('refuses a header that declares fewer bytes than the entry inflates to', async () => {
    const zip = await openZipSafely({ buffer: rawZip([{ name: 'liar.txt', data: Buffer.alloc(4096, 0x61), deflate: true, declaredSize: 16 }]) }, DEFAULT_ZIP_LIMITS, { backslashes: 'refuse' });
    try {
      await expect(zip.read(zip.entries[0]!)).rejects.toBeInstanceOf(ZipProblem);
    } finally {
      zip.close();
    }
  });

  it('refuses symbolic links, other non-regular files, duplicates and too many entries', async () => {
    expect((await problemOf(await yazlZip([{ name: 'link.jpg', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]))).reason).toBe('is a symbolic link');
    expect((await problemOf(await yazlZip([{ name: 'fifo', data: Buffer.alloc(0), mode: 0o010644 }]))).reason).toBe('is not a regular file');
    expect((await problemOf(rawZip([ok, ok]))).reason).toBe('appears twice');
    const many = await problemOf(rawZip(Array.from({ length: 12 }, (_, i) => ({ name: `f/${i}.txt`, data: Buffer.from(String(i)) }))), { ...DEFAULT_ZIP_LIMITS, maxEntries: 10 });
    expect([many.entry, many.reason]).toEqual([undefined, 'has 12 entries, more than the limit of 10']);
  });

  it('refuses an encrypted entry', async () => {
    const b = rawZip([{ ...ok, deflate: true }]);
    // General-purpose flag bit 0 (encrypted), in the local header (offset 6) and the central directory entry (offset 8).
    b.writeUInt16LE(b.readUInt16LE(6) | 1, 6);
    const cd = b.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    b.writeUInt16LE(b.readUInt16LE(cd + 8) | 1, cd + 8);
    expect((await problemOf(b)).reason).toBe('is encrypted');
  });

  it('tells a file that is no zip from a damaged one', async () => {
    expect((await problemOf(Buffer.from('not a zip at all, just some text that is long enough'))).kind).toBe('unreadable');
  });

  it('documents: a strip failure that says why and never quotes the entry name', async () => {
    const err = await readZipSafely(rawZip([ok, { name: '../secret-witness-name.txt', data: Buffer.from('x') }]), 'DOCX').then(() => new Error('read'), (e: unknown) => e as Error);
    expect(err.message).toBe('Could not strip metadata from this DOCX file: it is an unsafe archive: an entry has a path that escapes the archive (zip-slip: "..").');
    expect(err.message).not.toContain('secret');
  });

  it('packets: UNSAFE_ARCHIVE naming the entry, through the same reader', async () => {
    const file = path.join(dir, 'packet.zip');
    fs.writeFileSync(file, await yazlZip([{ name: 'packet/bagit.txt', data: Buffer.from('BagIt-Version: 1.0\n') }, { name: 'packet/data/link.jpg', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]));
    await expect(openPacketSource(file)).rejects.toMatchObject({ code: 'UNSAFE_ARCHIVE', message: 'The zip is unsafe and was not opened: entry "packet/data/link.jpg" is a symbolic link.' });
  });

  it('the one zip writer: the same entries give the same bytes, each entry dated 1980-01-01 with mode 0644, and read back', async () => {
    const src = path.join(dir, 'on-disk.jpg');
    fs.writeFileSync(src, Buffer.from('jpeg bytes'));
    const entries = [
      { name: 'b/text.xml', data: Buffer.from('<x/>'.repeat(50)), compress: true },
      { name: 'a/photo.jpg', file: src, compress: false },
    ];
    const bytes = async (): Promise<Buffer> => {
      const parts: Buffer[] = [];
      for await (const c of deterministicZip(entries) as AsyncIterable<Buffer>) parts.push(c);
      return Buffer.concat(parts);
    };
    const first = await bytes();
    fs.utimesSync(src, new Date(2024, 5, 1), new Date(2024, 5, 1));
    expect((await bytes()).equals(first)).toBe(true);
    const out = path.join(dir, 'written.zip');
    await writeZip([{ name: 'only.txt', data: Buffer.from('x'), compress: false }], out);
    const zip = await openZipSafely({ buffer: first }, DEFAULT_ZIP_LIMITS, { backslashes: 'refuse' });
    try {
      expect(zip.entries.map((e) => [e.name, e.compressed, e.modified.getTime()])).toEqual([
        ['b/text.xml', true, new Date(1980, 0, 1).getTime()],
        ['a/photo.jpg', false, new Date(1980, 0, 1).getTime()],
      ]);
      expect((await zip.read(zip.entries[1]!)).toString()).toBe('jpeg bytes');
    } finally {
      zip.close();
    }
    // Mode 0644 and no extended-timestamp extra field (0x5455) in any central directory entry.
    for (let at = first.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); at >= 0; at = first.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 4)) {
      expect((first.readUInt32LE(at + 38) >>> 16) & 0o777).toBe(0o644);
      const extra = first.subarray(at + 46 + first.readUInt16LE(at + 28), at + 46 + first.readUInt16LE(at + 28) + first.readUInt16LE(at + 30));
      expect(extra.includes(Buffer.from([0x55, 0x54]))).toBe(false);
    }
    expect((await readZipSafely(fs.readFileSync(out), 'test')).map((e) => e.name)).toEqual(['only.txt']);
  });
});
