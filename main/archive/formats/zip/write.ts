import type { Readable } from 'node:stream';
import yazl from 'yazl';
import { withFileSink } from '../output';

/** An entry of a zip to write: its name, and its bytes in memory or the file that holds them. */
export type ZipOutEntry = { readonly name: string; readonly compress: boolean } & ({ readonly data: Buffer } | { readonly file: string });

/**
 * The one deterministic zip writer (stripped Office and OpenDocument files, zipped packets): the same entries give
 * the same bytes. Entries are written in the order given (the caller sorts them), every one with the same timestamp,
 * the DOS epoch (1980-01-01 00:00, in local time as DOS times are), and no extended-timestamp field (a ZIP entry's
 * time is when the author last saved the document, a timestamp exiftool reports as ZipModifyDate), mode 0644, no
 * directory entries, no comment.
 */
const FIXED_TIME = new Date(1980, 0, 1, 0, 0, 0);

export function deterministicZip(entries: readonly ZipOutEntry[]): Readable {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    const options = { mtime: FIXED_TIME, forceDosTimestamp: true, compress: e.compress, mode: 0o100644 };
    if ('data' in e) zip.addBuffer(e.data, e.name, options);
    else zip.addFile(e.file, e.name, options);
  }
  zip.end();
  return zip.outputStream as Readable;
}

/** Writes the zip of these in-memory entries to `tmpPath` (a document's stripped copy). */
export async function writeZip(entries: readonly ZipOutEntry[], tmpPath: string): Promise<void> {
  await withFileSink(tmpPath, async (sink) => {
    for await (const chunk of deterministicZip(entries) as AsyncIterable<Buffer>) await sink.write(chunk);
  });
}
