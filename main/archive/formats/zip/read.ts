/**
 * The one reader of untrusted zips (DESIGN §1 A3): Office and OpenDocument files to strip, chat exports and ProofMode
 * bundles to import (read whole into memory, never unpacked to disk), packets to verify (streamed from the file).
 *
 * The central directory is checked whole before any byte is inflated, and the zip is refused if
 *   - an entry name is empty, overlong, absolute, has '..' (zip-slip), a backslash, a NUL, a drive letter, an empty or
 *     '.' segment, or is not valid UTF-8;
 *   - an entry is a symbolic link or another non-regular file (Unix mode bits in the external attributes);
 *   - an entry is encrypted, uses a compression method other than stored or deflate, or appears twice;
 *   - there are too many entries, an entry or the declared total is too large, or an entry's ratio of declared to
 *     compressed size is a zip bomb's.
 * While inflating, yauzl checks actual against declared sizes; `read` counts the bytes as well and stops at the first
 * one over the declared size, so a lying header cannot make us inflate more than the limits allow.
 *
 * Problems are thrown as `ZipProblem` (unreadable, damaged or unsafe); each caller words them for its own user:
 * `readZipSafely` below as a strip failure that never quotes an entry name (names may be evidence), the packet
 * verifier (`packet/source.ts`) as UNSAFE_ARCHIVE naming the entry.
 */
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { stripFailed } from '../errors';

export type ZipLimits = {
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
  readonly maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio accepted for entries over `ratioFloorBytes` (XML compresses ~10–30×, bombs ~1000×). */
  readonly maxRatio: number;
  readonly ratioFloorBytes: number;
};

/** Documents (OOXML, ODF) and imported sets (chat exports, ProofMode bundles), read whole into memory. */
export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 10_000, maxEntryBytes: 256 * 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024, maxRatio: 200, ratioFloorBytes: 1024 * 1024 };

/**
 * Why a zip is not read: `unreadable` (not a zip at all), `damaged` (its structure breaks while reading), `unsafe`
 * (a check above). `entry` is the entry's name (undefined for the archive as a whole); `reason` completes a sentence
 * whose subject is the entry ("has an absolute path") or, without an entry, the archive ("has 12000 entries, …").
 */
export class ZipProblem extends Error {
  constructor(
    readonly kind: 'unreadable' | 'damaged' | 'unsafe',
    readonly reason: string,
    readonly entry?: string,
  ) {
    super(`zip ${kind}: ${reason}`);
    this.name = 'ZipProblem';
  }
}

const ZIP_SLIP = 'has a path that escapes the archive (zip-slip: "..")';

/** Why an entry name is unsafe, or undefined when it is a plain relative path ('a/b/c', or 'a/b/' for a folder). */
export function unsafeEntryName(name: string): string | undefined {
  if (name.length === 0 || name.length > 1024) return 'has an empty or overlong name';
  if (name.includes('\0')) return 'has a NUL byte in its name';
  if (name.includes('\\')) return 'has a backslash in its name';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'has an absolute path';
  const segs = name.split('/');
  if (segs.some((s) => s === '..')) return ZIP_SLIP;
  if (segs.some((s, i) => (s === '' && i < segs.length - 1) || s === '.')) return 'has an empty or "." path segment';
  return undefined;
}

/** yauzl validates names itself while reading the central directory; name its findings as ours. */
function fromYauzl(e: unknown): ZipProblem {
  if (e instanceof ZipProblem) return e;
  const m = e instanceof Error ? e.message : String(e);
  const entry = /: (.*)$/.exec(m)?.[1];
  if (/invalid relative path/i.test(m)) return new ZipProblem('unsafe', ZIP_SLIP, entry);
  if (/absolute path/i.test(m)) return new ZipProblem('unsafe', 'has an absolute path', entry);
  if (/invalid characters/i.test(m)) return new ZipProblem('unsafe', 'has a backslash or another invalid character in its name', entry);
  return new ZipProblem('damaged', m.slice(0, 200));
}

export type SafeZipEntry = {
  /** The entry's name as stored: '/'-separated, checked by `unsafeEntryName`. */
  readonly name: string;
  readonly size: number;
  readonly compressed: boolean;
  readonly modified: Date;
};

export type SafeZip = {
  /** The regular files, in the zip's order (folder entries carry no data and are left out). */
  readonly entries: readonly SafeZipEntry[];
  /** A stream of the entry's bytes (yauzl fails it on more bytes than declared). */
  open(entry: SafeZipEntry): Promise<Readable>;
  /** The entry's bytes, counted as they inflate: refused at the first byte past its declared size. */
  read(entry: SafeZipEntry): Promise<Buffer>;
  close(): void;
};

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** The central directory, read whole (nothing inflated yet). */
async function centralDirectory(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  const entries: yauzl.Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', (e: unknown) => reject(fromYauzl(e)));
    zip.readEntry();
  });
  return entries;
}

/** Why this entry (a file or folder) is refused on its own, or undefined. */
function unsafeEntry(e: yauzl.Entry): string | undefined {
  const why = unsafeEntryName(e.fileName);
  if (why) return why;
  if (e.isEncrypted()) return 'is encrypted';
  const mode = (e.externalFileAttributes >>> 16) & 0xffff;
  if (e.versionMadeBy >> 8 === 3 && mode !== 0) {
    const type = mode & S_IFMT;
    if (type === S_IFLNK) return 'is a symbolic link';
    if (!(type === S_IFREG || type === 0 || (e.fileName.endsWith('/') && type === S_IFDIR))) return 'is not a regular file';
  }
  if (e.compressionMethod !== 0 && e.compressionMethod !== 8) return 'uses an unsupported compression method';
  return undefined;
}

/** The sizes: per entry, in total (declared), and the ratio of a bomb. Throws at the first entry past a limit. */
function checkSizes(files: readonly yauzl.Entry[], limits: ZipLimits): void {
  let total = 0;
  for (const e of files) {
    const name = e.fileName;
    if (e.uncompressedSize > limits.maxEntryBytes) throw new ZipProblem('unsafe', `is larger than the limit of ${limits.maxEntryBytes} bytes (zip bomb)`, name);
    total += e.uncompressedSize;
    if (total > limits.maxTotalBytes) throw new ZipProblem('unsafe', `brings the total size past the limit of ${limits.maxTotalBytes} bytes (zip bomb)`, name);
    if (e.uncompressedSize > limits.ratioFloorBytes && e.uncompressedSize > limits.maxRatio * Math.max(1, e.compressedSize)) {
      throw new ZipProblem('unsafe', `would inflate ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))}× (zip bomb)`, name);
    }
  }
}

/** The regular files of a checked central directory; throws the first unsafe entry or a name that appears twice. */
function checkedFiles(entries: readonly yauzl.Entry[], limits: ZipLimits): yauzl.Entry[] {
  const seen = new Set<string>();
  const files: yauzl.Entry[] = [];
  for (const e of entries) {
    const why = unsafeEntry(e);
    if (why) throw new ZipProblem('unsafe', why, e.fileName);
    if (seen.has(e.fileName)) throw new ZipProblem('unsafe', 'appears twice', e.fileName);
    seen.add(e.fileName);
    if (!e.fileName.endsWith('/')) files.push(e);
  }
  checkSizes(files, limits);
  return files;
}

async function readCounted(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const stream = await zip.openReadStreamPromise(entry);
  const parts: Buffer[] = [];
  let n = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      n += chunk.length;
      if (n > entry.uncompressedSize) throw new ZipProblem('unsafe', 'inflates beyond its declared size (zip bomb)', entry.fileName);
      parts.push(chunk);
    }
  } catch (e) {
    throw fromYauzl(e);
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts, n);
}

export type ZipSource = { readonly file: string } | { readonly buffer: Buffer };

/**
 * Opens a zip from a file or from memory and checks its central directory (above). `backslashes: 'separator'` reads
 * a '\' in a name as '/' (some Office writers put them there; yauzl converts them), 'refuse' refuses the zip.
 * Throws ZipProblem; on success the caller closes the zip.
 */
export async function openZipSafely(source: ZipSource, limits: ZipLimits, options: { readonly backslashes: 'refuse' | 'separator' }): Promise<SafeZip> {
  const yauzlOptions: yauzl.Options = { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: options.backslashes === 'refuse' };
  let zip: yauzl.ZipFile;
  try {
    zip = 'file' in source ? await yauzl.openPromise(source.file, yauzlOptions) : await yauzl.fromBufferPromise(source.buffer, yauzlOptions);
  } catch (e) {
    throw new ZipProblem('unreadable', e instanceof Error ? e.message.slice(0, 200) : 'unknown error');
  }
  try {
    if (zip.entryCount > limits.maxEntries) throw new ZipProblem('unsafe', `has ${zip.entryCount} entries, more than the limit of ${limits.maxEntries}`);
    const files = checkedFiles(await centralDirectory(zip), limits);
    const byEntry = new Map<SafeZipEntry, yauzl.Entry>(
      files.map((e) => [{ name: e.fileName, size: e.uncompressedSize, compressed: e.compressionMethod !== 0, modified: e.getLastModDate() }, e]),
    );
    const raw = (entry: SafeZipEntry): yauzl.Entry => {
      const e = byEntry.get(entry);
      if (!e) throw new ZipProblem('damaged', 'an entry that this zip does not hold was asked for');
      return e;
    };
    return {
      entries: [...byEntry.keys()],
      open: (entry) => zip.openReadStreamPromise(raw(entry)),
      read: (entry) => readCounted(zip, raw(entry)),
      close: () => zip.close(),
    };
  } catch (e) {
    zip.close();
    throw e;
  }
}

export type ZipEntryData = { readonly name: string; readonly data: Buffer; readonly compressed: boolean; readonly modified: Date };

/** A document's or an imported set's zip, read whole into memory; problems are strip failures that name no entry. */
export async function readZipSafely(buf: Buffer, label: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipEntryData[]> {
  try {
    const zip = await openZipSafely({ buffer: buf }, limits, { backslashes: 'separator' });
    try {
      const out: ZipEntryData[] = [];
      for (const e of zip.entries) out.push({ name: e.name, data: await zip.read(e), compressed: e.compressed, modified: e.modified });
      return out;
    } finally {
      zip.close();
    }
  } catch (e) {
    if (!(e instanceof ZipProblem)) throw stripFailed(label, 'its ZIP structure is damaged');
    // yauzl's own messages quote the entry name, which may be evidence: keep names out of ours and of `cause`.
    if (e.kind === 'unreadable') throw stripFailed(label, 'it is not a readable ZIP container');
    if (e.kind === 'damaged') throw stripFailed(label, 'its ZIP structure is damaged');
    throw stripFailed(label, `it is an unsafe archive: ${e.entry === undefined ? 'it' : 'an entry'} ${e.reason}`);
  }
}
