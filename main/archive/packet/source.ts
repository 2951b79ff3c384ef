import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { HuellaError } from '../errors';
import type { SafeZip, SafeZipEntry, ZipLimits } from '../formats/zip/read';

export type { ZipLimits };

/**
 * A packet to verify, as a folder or a zip, behind one interface: the list of regular files (with sizes) and a
 * stream per file. Nothing is extracted to disk.
 *
 * Folders: walked with lstat, never following links; a symlink, device, socket or pipe is reported as unsafe.
 * Zips (untrusted input) are opened with the one safe-zip reader, `formats/zip/read.ts`, which checks the central
 * directory before any byte is inflated (names, links, encryption, duplicates, sizes, bombs) with PACKET_ZIP_LIMITS;
 * here two entries that are the same path once the top folder is stripped are refused as well.
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
  /**
   * The whole file read into `into` (from its start, until the file ends or `into` is full), as a view of it: for the
   * files a verifier only hashes, so one buffer serves them all (a fresh buffer per photo cost ~40 ms of page faults
   * in a 200-item packet). A file larger than `into` fills it.
   */
  readInto?(p: string, into: Buffer): Buffer;
  close(): Promise<void>;
};

/** The packet's limits for the one safe-zip reader (formats/zip/read.ts). */
export const PACKET_ZIP_LIMITS: ZipLimits = {
  maxEntries: 200_000,
  maxEntryBytes: 256 * 1024 ** 3,
  maxTotalBytes: 256 * 1024 ** 3,
  // Evidence is stored (ratio ~1) or deflated text (JSON, manifests: 3–20×). A ratio over 100 on an entry
  // larger than 1 MiB is a bomb, not a packet.
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
};

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
  // Packet paths are made by the walk above from the names readdir gave, joined by '/': already normal, so joined to
  // the folder by text (path.join normalised each of the thousands of paths again).
  const base = root.endsWith(path.sep) ? root : `${root}${path.sep}`;
  const fileAt = (p: string): string => {
    if (!known.has(p)) throw new HuellaError('NOT_FOUND', `No file ${p} in the packet.`);
    return `${base}${p}`;
  };
  return {
    format: 'folder',
    files,
    unsafe,
    open: async (p) => fs.createReadStream(fileAt(p), { highWaterMark: 1 << 20 }),
    readWhole: (p) => fs.readFileSync(fileAt(p)),
    readInto: (p, into) => {
      const fd = fs.openSync(fileAt(p), 'r');
      try {
        // One read: a read of a regular file returns less than asked only at the file's end (the callers' buffers are
        // a few MiB, far under Linux's 2 GiB limit per read), so no closing read of 0 bytes confirms it (a system call
        // per file, and a packet has a file per event and per proof). Bytes appended after it go unseen, as before.
        const n = fs.readSync(fd, into, 0, into.length, null);
        return into.subarray(0, n);
      } finally {
        fs.closeSync(fd);
      }
    },
    close: async () => undefined,
  };
}

/** The packet's entry names: RFC 8493 §4 puts a serialized bag in one top-level folder; a bag at the root is accepted too. */
function packetPaths(entries: readonly SafeZipEntry[]): Map<string, SafeZipEntry> {
  const firstSeg = entries[0]?.name.split('/')[0];
  const atRoot = entries.some((e) => e.name === 'bagit.txt');
  const prefix = entries.length > 0 && !atRoot && entries.every((e) => e.name.startsWith(`${firstSeg}/`)) ? `${firstSeg}/` : '';
  const byPath = new Map<string, SafeZipEntry>();
  for (const e of entries) {
    const p = e.name.slice(prefix.length);
    if (byPath.has(p)) throw new UnsafeArchiveError(e.name, 'appears twice');
    byPath.set(p, e);
  }
  return byPath;
}

async function openZip(file: string, limits: ZipLimits): Promise<PacketSource> {
  // Loaded here: the zip reader (yauzl, and Node's streams behind it) is not needed to verify a folder.
  const { openZipSafely, ZipProblem } = await import('../formats/zip/read');
  let zip: SafeZip;
  try {
    zip = await openZipSafely({ file }, limits, { backslashes: 'refuse' });
  } catch (e) {
    if (!(e instanceof ZipProblem)) throw e;
    if (e.kind === 'unreadable') throw new HuellaError('PACKET_INVALID', `This is not a readable zip file (${e.reason}).`, { cause: e });
    if (e.kind === 'damaged') throw new UnsafeArchiveError('(archive)', `could not be read: ${e.reason}`);
    throw new UnsafeArchiveError(e.entry ?? '(archive)', e.reason);
  }
  let byPath: Map<string, SafeZipEntry>;
  try {
    byPath = packetPaths(zip.entries);
  } catch (e) {
    zip.close();
    throw e;
  }
  const files: PacketFile[] = [...byPath].map(([p, e]) => ({ path: p, size: e.size }));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    format: 'zip',
    files,
    unsafe: [],
    open: async (p) => {
      const e = byPath.get(p);
      if (!e) throw new HuellaError('NOT_FOUND', `No file ${p} in the packet.`);
      return zip.open(e);
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
