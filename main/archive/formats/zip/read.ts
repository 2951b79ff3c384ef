/**
 * Reads a ZIP-based document (OOXML, ODF) into memory with safety limits, because the file is attacker-controlled
 * (DESIGN §1 A3): entry count, per-entry and total uncompressed size, compression ratio (zip bombs), encrypted
 * entries, duplicate names and paths that escape the folder (zip-slip: absolute, "..", backslashes, drive letters).
 * yauzl checks declared against actual sizes while inflating; we count bytes ourselves as well and stop at the
 * first byte over a limit, so a lying header cannot make us inflate more than the limit.
 */
import yauzl from 'yauzl';
import { stripFailed } from '../errors';

export type ZipEntryData = { readonly name: string; readonly data: Buffer; readonly compressed: boolean; readonly modified: Date };

export type ZipLimits = {
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
  readonly maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio accepted for entries over 1 MiB (XML compresses ~10–30×, bombs ~1000×). */
  readonly maxRatio: number;
};

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 10_000, maxEntryBytes: 256 * 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024, maxRatio: 200 };

/** Why an entry name is unsafe, or undefined when it is a plain relative path. */
export function unsafeEntryName(name: string): string | undefined {
  if (name.length === 0 || name.length > 1024) return 'an entry has an empty or overlong name';
  if (name.includes('\0')) return 'an entry name contains a NUL byte';
  if (name.includes('\\')) return 'an entry name contains a backslash';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'an entry has an absolute path';
  if (name.split('/').some((seg) => seg === '..')) return 'an entry path escapes the folder (zip-slip)';
  return undefined;
}

function unsafe(label: string, reason: string): Error {
  return stripFailed(label, `it is an unsafe archive: ${reason}`);
}

async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, label: string, limit: number): Promise<Buffer> {
  const stream = await zip.openReadStreamPromise(entry);
  const parts: Buffer[] = [];
  let n = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      n += chunk.length;
      if (n > limit) throw unsafe(label, 'an entry inflates beyond the size limit (zip bomb)');
      parts.push(chunk);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts, n);
}

export async function readZipSafely(buf: Buffer, label: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipEntryData[]> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(buf, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: false });
  } catch {
    throw stripFailed(label, 'it is not a readable ZIP container');
  }
  if (zip.entryCount > limits.maxEntries) throw unsafe(label, 'too many entries');
  const out: ZipEntryData[] = [];
  const seen = new Set<string>();
  let total = 0;
  try {
    for (;;) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        const onEntry = (e: yauzl.Entry): void => {
          cleanup();
          resolve(e);
        };
        const onEnd = (): void => {
          cleanup();
          resolve(null);
        };
        const onError = (err: Error): void => {
          cleanup();
          reject(err);
        };
        const cleanup = (): void => {
          zip.off('entry', onEntry);
          zip.off('end', onEnd);
          zip.off('error', onError);
        };
        zip.on('entry', onEntry);
        zip.on('end', onEnd);
        zip.on('error', onError);
        zip.readEntry();
      });
      if (entry === null) break;
      const name = entry.fileName;
      const bad = unsafeEntryName(name);
      if (bad) throw unsafe(label, bad);
      if (seen.has(name)) throw unsafe(label, 'two entries have the same name');
      seen.add(name);
      if (name.endsWith('/')) continue; // directory entries carry no data; the writer recreates none
      if (entry.isEncrypted()) throw stripFailed(label, 'it contains encrypted entries');
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw stripFailed(label, 'it uses an unsupported ZIP compression method');
      if (entry.uncompressedSize > limits.maxEntryBytes) throw unsafe(label, 'an entry is larger than the size limit');
      total += entry.uncompressedSize;
      if (total > limits.maxTotalBytes) throw unsafe(label, 'the entries are larger in total than the size limit (zip bomb)');
      if (entry.uncompressedSize > 1024 * 1024 && entry.uncompressedSize > limits.maxRatio * Math.max(1, entry.compressedSize)) {
        throw unsafe(label, 'an entry has an implausible compression ratio (zip bomb)');
      }
      const data = await readEntry(zip, entry, label, Math.min(limits.maxEntryBytes, entry.uncompressedSize));
      out.push({ name, data, compressed: entry.compressionMethod !== 0, modified: entry.getLastModDate() });
    }
  } catch (e) {
    if (e instanceof Error && e.name === 'HuellaError') throw e;
    // yauzl's own messages quote the entry name, which may be evidence: keep them out of ours and of `cause`.
    const msg = e instanceof Error ? e.message : '';
    if (/^(invalid characters in fileName|absolute path|invalid relative path)/.test(msg)) throw unsafe(label, 'an entry path escapes the folder (zip-slip)');
    throw stripFailed(label, 'its ZIP structure is damaged');
  } finally {
    zip.close();
  }
  return out;
}
