import fsp from 'node:fs/promises';
import { ByteReader } from './byte-reader';
import type { ByteSink } from './byte-sink';
import { withFileSink, withReader } from './output';
import type { StreamSource, StripOptions, StripRecord } from './types';

/** Writes a stripped copy of `source` to `tmpPath` (which the caller renames into place on success). */
export type StripHandler = (source: StreamSource, tmpPath: string, opts: StripOptions) => Promise<{ readonly record: StripRecord; readonly bytesIn: number }>;

/** A one-pass streaming stripper: structure in from a reader, structure out to a sink. */
export type StructuralStripper = (r: ByteReader, sink: ByteSink, opts: StripOptions) => Promise<StripRecord>;

/**
 * `reuseBuffers`: when the source is a file (fileSource), read it into reused buffers (ByteReader.fromFileReusing).
 * Only for a stripper that keeps nothing it got from nextChunk/copyTo past its next read, and writes it at once.
 */
export function streaming(strip: StructuralStripper, opts: { readonly reuseBuffers?: boolean } = {}): StripHandler {
  return (source, tmpPath, stripOpts) =>
    withFileSink(tmpPath, async (sink) => {
      if (opts.reuseBuffers === true && source.file !== undefined) {
        const fh = await fsp.open(source.file, 'r');
        const r = ByteReader.fromFileReusing(fh, sink);
        try {
          const record = await strip(r, sink, stripOpts);
          // Written before the reader's buffers go back for another file to read into.
          await sink.flush();
          return { record, bytesIn: r.position };
        } finally {
          await r.close();
          await fh.close();
        }
      }
      const { value, bytesIn } = await withReader(source, (r) => strip(r, sink, stripOpts));
      return { record: value, bytesIn };
    });
}
