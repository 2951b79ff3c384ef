import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { HuellaError } from '../errors';

/**
 * A packet to verify, as a folder or a zip, behind one interface: the list of regular files (with sizes) and a
 * stream per file. Nothing is extracted to disk.
 *
 * Folders: walked with lstat, never following links; a symlink, device, socket or pipe is reported as unsafe.
 * Zips (untrusted input): the central directory is checked before any byte is inflated, and refused if
 *   - an entry name is absolute, has '..', a backslash, a NUL, a drive letter, or is not valid UTF-8 / too long;
 *   - an entry is a symlink (Unix mode bits in the external attributes) or any non-regular file;
 *   - an entry is encrypted; two entries have the same name (after stripping the top folder);
 *   - there are too many entries, the declared total is too large, or an entry's ratio of declared size to
 *     compressed size is a zip bomb's.
 * While reading, yauzl checks actual against declared sizes, and we count bytes too and stop at the declared size.
 */

export type PacketFile = { readonly path: string; readonly size: number };

export type PacketSource = {
  readonly format: 'folder' | 'zip';
  readonly files: readonly PacketFile[];
  /** Entries that are not regular files or have unsafe names (folder form; zips are refused whole instead). */
  readonly unsafe: readonly { readonly path: string; readonly reason: string }[];
  open(p: string): Promise<Readable>;
  /** The whole file at once, for small files of a folder (no stream: a packet holds thousands of tiny proof files). */
  readWhole?(p: string): Buffer;
  close(): Promise<void>;
};

export type ZipLimits = { readonly maxEntries: number; readonly maxTotalBytes: number; readonly maxRatio: number; readonly ratioFloorBytes: number };

export const PACKET_ZIP_LIMITS: ZipLimits = {
  maxEntries: 200_000,
  maxTotalBytes: 256 * 1024 ** 3,
  // Evidence is stored (ratio ~1) or deflated text (JSON, manifests: 3–20×). A ratio over 100 on an entry
  // larger than 1 MiB is a bomb, not a packet.
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
};

function unsafeName(name: string): string | undefined {
  if (name.length === 0 || name.length > 1024) return 'has an empty or overlong name';
  if (name.includes('\0')) return 'has a NUL byte in its name';
  if (name.includes('\\')) return 'has a backslash in its name';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'has an absolute path';
  const segs = name.split('/');
  if (segs.some((s) => s === '..')) return 'has a path that escapes the packet (zip-slip: "..")';
  if (segs.some((s, i) => (s === '' && i < segs.length - 1) || s === '.')) return 'has an empty or "." path segment';
  return undefined;
}

export class UnsafeArchiveError extends HuellaError {
  readonly entry: string;
  constructor(entry: string, reason: string) {
    super('UNSAFE_ARCHIVE', `The zip is unsafe and was not opened: entry "${entry.slice(0, 200)}" ${reason}.`);
    this.entry = entry;
  }
}

async function openFolder(root: string): Promise<PacketSource> {
  const files: PacketFile[] = [];
  const unsafe: { path: string; reason: string }[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of (await fsp.readdir(dir)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      // lstatSync: a packet holds a file per event (entries, proofs), and a promise per lstat cost ~4x the CPU.
      const st = fs.lstatSync(path.join(dir, name));
      if (st.isSymbolicLink()) unsafe.push({ path: r, reason: 'is a symbolic link (never followed)' });
      else if (st.isDirectory()) await walk(path.join(dir, name), r);
      else if (st.isFile()) {
        if (name.includes('\\')) unsafe.push({ path: r, reason: 'has a backslash in its name' });
        else files.push({ path: r, size: st.size });
      } else unsafe.push({ path: r, reason: 'is not a regular file (device, socket or pipe)' });
    }
  };
  await walk(root, '');
  const known = new Set(files.map((f) => f.path));
  return {
    format: 'folder',
    files,
    unsafe,
    open: async (p) => {
      if (!known.has(p)) throw new HuellaError('NOT_FOUND', `No file ${p} in the packet.`);
      return fs.createReadStream(path.join(root, ...p.split('/')), { highWaterMark: 1 << 20 });
    },
    readWhole: (p) => {
      if (!known.has(p)) throw new HuellaError('NOT_FOUND', `No file ${p} in the packet.`);
      return fs.readFileSync(path.join(root, ...p.split('/')));
    },
    close: async () => undefined,
  };
}

/** yauzl validates names itself while reading the central directory; name its findings precisely. */
function yauzlError(e: Error): UnsafeArchiveError {
  const m = e.message;
  const name = /: (.*)$/.exec(m)?.[1] ?? '(archive)';
  if (/invalid relative path/i.test(m)) return new UnsafeArchiveError(name, 'has a path that escapes the packet (zip-slip: "..")');
  if (/absolute path/i.test(m)) return new UnsafeArchiveError(name, 'has an absolute path');
  if (/invalid characters/i.test(m)) return new UnsafeArchiveError(name, 'has a backslash or another invalid character in its name');
  return new UnsafeArchiveError('(archive)', `could not be read: ${m.slice(0, 200)}`);
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

async function openZip(file: string, limits: ZipLimits): Promise<PacketSource> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: true });
  } catch (e) {
    throw new HuellaError('PACKET_INVALID', `This is not a readable zip file (${e instanceof Error ? e.message.slice(0, 200) : 'unknown error'}).`, { cause: e });
  }
  const fail = (entry: string, reason: string): never => {
    zip.close();
    throw new UnsafeArchiveError(entry, reason);
  };
  if (zip.entryCount > limits.maxEntries) fail('(archive)', `has ${zip.entryCount} entries, more than the limit of ${limits.maxEntries}`);
  const entries: yauzl.Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', (e: Error) => reject(yauzlError(e)));
    zip.readEntry();
  }).catch((e: unknown) => {
    zip.close();
    throw e;
  });
  let total = 0;
  const names = new Map<string, yauzl.Entry>();
  for (const e of entries) {
    const name = e.fileName;
    const why = unsafeName(name);
    if (why) fail(name, why);
    if (e.isEncrypted()) fail(name, 'is encrypted');
    const madeBy = e.versionMadeBy >> 8;
    const mode = (e.externalFileAttributes >>> 16) & 0xffff;
    const isDir = name.endsWith('/');
    if (madeBy === 3 && mode !== 0) {
      const type = mode & S_IFMT;
      if (type === 0o120000) fail(name, 'is a symbolic link');
      if (!(type === S_IFREG || (isDir && type === S_IFDIR) || type === 0)) fail(name, 'is not a regular file');
    }
    if (isDir) continue;
    total += e.uncompressedSize;
    if (total > limits.maxTotalBytes) fail(name, `brings the total size past the limit of ${limits.maxTotalBytes} bytes`);
    if (e.uncompressedSize > limits.ratioFloorBytes && e.uncompressedSize > limits.maxRatio * Math.max(1, e.compressedSize)) {
      fail(name, `would inflate ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))}× (zip bomb)`);
    }
    if (names.has(name)) fail(name, 'appears twice');
    names.set(name, e);
  }
  // RFC 8493 §4: a serialized bag holds one top-level folder; accept a bag at the root too.
  const all = [...names.keys()];
  const firstSeg = all[0]?.split('/')[0];
  const prefix = all.length > 0 && !names.has('bagit.txt') && all.every((n) => n.startsWith(`${firstSeg}/`)) ? `${firstSeg}/` : '';
  const files: PacketFile[] = [];
  const byPath = new Map<string, yauzl.Entry>();
  for (const [n, e] of names) {
    const p = n.slice(prefix.length);
    if (byPath.has(p)) fail(n, 'appears twice');
    byPath.set(p, e);
    files.push({ path: p, size: e.uncompressedSize });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    format: 'zip',
    files,
    unsafe: [],
    open: async (p) => {
      const e = byPath.get(p);
      if (!e) throw new HuellaError('NOT_FOUND', `No file ${p} in the packet.`);
      return zip.openReadStreamPromise(e);
    },
    close: async () => zip.close(),
  };
}

export async function openPacketSource(p: string, limits: ZipLimits = PACKET_ZIP_LIMITS): Promise<PacketSource> {
  let st: fs.Stats;
  try {
    st = await fsp.lstat(p);
  } catch (e) {
    throw new HuellaError('NOT_FOUND', 'There is no packet at that path.', { cause: e });
  }
  if (st.isSymbolicLink()) throw new HuellaError('UNSAFE_ARCHIVE', 'The packet path is a symbolic link; give the packet itself.');
  if (st.isDirectory()) return openFolder(p);
  if (st.isFile()) return openZip(p, limits);
  throw new HuellaError('PACKET_INVALID', 'The packet is neither a folder nor a zip file.');
}
