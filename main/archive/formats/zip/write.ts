import yazl from 'yazl';
import { withFileSink } from '../output';

export type ZipOutEntry = { readonly name: string; readonly data: Buffer; readonly compress: boolean };

/**
 * Every entry gets the same timestamp, the DOS epoch (1980-01-01 00:00), and no extended-timestamp field: a ZIP
 * entry's time is when the author last saved the document, a timestamp exiftool reports (ZipModifyDate).
 */
const FIXED_TIME = new Date(1980, 0, 1, 0, 0, 0);

export async function writeZip(entries: readonly ZipOutEntry[], tmpPath: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(e.data, e.name, { mtime: FIXED_TIME, forceDosTimestamp: true, compress: e.compress, mode: 0o100644 });
  zip.end();
  await withFileSink(tmpPath, async (sink) => {
    for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) await sink.write(chunk);
  });
}
