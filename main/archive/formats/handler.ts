import type { ByteReader } from './byte-reader';
import type { ByteSink } from './byte-sink';
import { withFileSink, withReader } from './output';
import type { StreamSource, StripOptions, StripRecord } from './types';

/** Writes a stripped copy of `source` to `tmpPath` (which the caller renames into place on success). */
export type StripHandler = (source: StreamSource, tmpPath: string, opts: StripOptions) => Promise<{ readonly record: StripRecord; readonly bytesIn: number }>;

/** A one-pass streaming stripper: structure in from a reader, structure out to a sink. */
export type StructuralStripper = (r: ByteReader, sink: ByteSink, opts: StripOptions) => Promise<StripRecord>;

export function streaming(strip: StructuralStripper): StripHandler {
  return (source, tmpPath, opts) =>
    withFileSink(tmpPath, async (sink) => {
      const { value, bytesIn } = await withReader(source, (r) => strip(r, sink, opts));
      return { record: value, bytesIn };
    });
}
