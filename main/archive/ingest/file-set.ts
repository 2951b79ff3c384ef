/**
 * A set of files that arrives together and is imported together (a chat export, a ProofMode bundle): a folder, or
 * a zip read whole into memory with the one safe-zip reader (formats/zip/read.ts) and never unpacked to disk
 * (plaintext evidence must not be left behind). A hostile zip (zip-slip `../`, absolute paths, bombs, too many
 * entries) is refused before anything is imported from it.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { IngestFileResult } from '../../../shared/model/items';
import { HuellaError, isHuellaError } from '../errors';
import { readZipSafely, type ZipEntryData } from '../formats/zip/read';
import type { Vault } from '../vault/vault';
import { ingestBuffer, ingestPaths, type IngestOptions } from './ingest';

/** One file of the set: its '/'-separated path inside the folder or zip, and its bytes (zip) or its path (folder). */
export type SetFile = { readonly name: string; readonly data?: Buffer; readonly path?: string };

/** Every regular file under `root` (recursively, sorted), named relative to it. Symbolic links are not followed. */
export async function listFolderFiles(root: string): Promise<SetFile[]> {
  const out: SetFile[] = [];
  const visit = async (dir: string): Promise<void> => {
    for (const e of (await fsp.readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await visit(full);
      else if (e.isFile()) out.push({ name: path.relative(root, full).split(path.sep).join('/'), path: full });
    }
  };
  await visit(root);
  return out;
}

/** Is `input` a regular file that starts as a zip does? */
export async function isZipFile(input: string): Promise<boolean> {
  const st = await fsp.lstat(input).catch(() => undefined);
  if (!st?.isFile() || st.size < 22) return false;
  const fh = await fsp.open(input, 'r');
  const head = Buffer.alloc(4);
  try {
    await fh.read(head, 0, 4, 0);
  } finally {
    await fh.close();
  }
  return head.readUInt32LE(0) === 0x04034b50;
}

/**
 * The files of the zip at `input`, read safely into memory, or undefined when `mentions` says its raw bytes do not
 * name what the caller looks for (checked before trusting anything in the zip). A hostile zip is refused whole:
 * "This <what> was refused (<reason>). Nothing was imported from it."
 */
export async function readZipSet(input: string, what: string, mentions: (raw: Buffer) => boolean): Promise<SetFile[] | undefined> {
  if (!(await isZipFile(input))) return undefined;
  const buf = await fsp.readFile(input);
  if (!mentions(buf)) return undefined;
  let entries: ZipEntryData[];
  try {
    entries = await readZipSafely(buf, 'ZIP');
  } catch (e) {
    const reason = isHuellaError(e) ? e.message.replace(/^.*?: /, '').replace(/\.$/, '') : 'it could not be read';
    throw new HuellaError('FORMAT_INVALID', `This ${what} was refused (${reason}). Nothing was imported from it.`);
  }
  return entries.filter((e) => !e.name.endsWith('/')).map((e) => ({ name: e.name, data: e.data }));
}

/** How a set file is named in ingest results and item names: its own path (folder) or `<zip>:<entry>`. */
export function setFileLabel(input: string, f: SetFile): string {
  return f.data ? `${input}:${f.name}` : f.path!;
}

/** Ingests every file of the set in the order given; returns one result per file, in that order. */
export async function ingestSetFiles(vault: Vault, input: string, files: readonly SetFile[], options: IngestOptions): Promise<IngestFileResult[]> {
  if (files.every((f) => f.path !== undefined)) {
    // A folder: one ingest batch (one checkpoint), results in the order given.
    const report = await ingestPaths(vault, files.map((f) => f.path!), options);
    const byPath = new Map(report.results.map((r) => [r.path, r]));
    return files.map((f) => byPath.get(f.path!) ?? { path: f.path!, status: 'failed', warnings: [], error: { code: 'FILE_UNREADABLE', message: 'The file could not be read.' } });
  }
  const out: IngestFileResult[] = [];
  for (const f of files) {
    if (options.signal?.aborted) break;
    const label = setFileLabel(input, f);
    let r: IngestFileResult;
    try {
      // A zip entry's item is named as the file was (`photo.jpg`), not after the zip it came in.
      r = f.data ? await ingestBuffer(vault, label, f.data, options, path.posix.basename(f.name)) : (await ingestPaths(vault, [f.path!], options)).results[0]!;
    } catch (e) {
      const err = isHuellaError(e) ? e : new HuellaError('FILE_UNREADABLE', 'The file could not be ingested.');
      r = { path: label, status: 'failed', warnings: [], error: err.toApiError() };
    }
    if (f.data) options.onFile?.(r);
    out.push(r);
  }
  return out;
}
