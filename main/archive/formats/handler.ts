import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { writevFullySync } from '../fs/writev';
import { ByteReader } from './byte-reader';
import { BufferSink, FileSink, type ByteSink } from './byte-sink';
import { withFileSink, withReader } from './output';
import type { WholeFile } from './whole-file';
import type { StreamSource, StripOptions, StripRecord } from './types';

type Stripped = { readonly record: StripRecord; readonly bytesIn: number; readonly bytesOut?: number };

/** Writes a stripped copy of `source` to `tmpPath` (which the caller renames into place on success). */
export type StripHandler = ((source: StreamSource, tmpPath: string, opts: StripOptions) => Promise<Stripped>) & {
  /** Whether it asks its source for the plaintext whole (source.whole) first: an export then reads it ahead. */
  readonly takesWhole?: boolean;
};

/** A one-pass streaming stripper: structure in from a reader, structure out to a sink. */
export type StructuralStripper = (r: ByteReader, sink: ByteSink, opts: StripOptions) => Promise<StripRecord>;

/**
 * `reuseBuffers`: when the source can be had whole (source.whole: a file, or a vault object decrypted whole), strip
 * it from that reused buffer and write the copy at once (fromWhole); else, when it is a file (fileSource), through
 * reused 1 MiB buffers (ByteReader.fromFileReusing). Only for a stripper that keeps nothing it got from
 * nextChunk/copyTo past its next read, and writes it at once.
 */
export function streaming(strip: StructuralStripper, opts: { readonly reuseBuffers?: boolean } = {}): StripHandler {
  const handler: StripHandler = async (source, tmpPath, stripOpts) => {
    if (opts.reuseBuffers === true) {
      const whole = (await source.whole?.()) ?? null;
      if (whole !== null) return fromWhole(strip, whole, tmpPath, stripOpts);
      if (source.file !== undefined) return fromFileReusing(strip, source.file, tmpPath, stripOpts);
    }
    return withFileSink(tmpPath, async (sink) => {
      const { value, bytesIn } = await withReader(source, (r) => strip(r, sink, stripOpts));
      return { record: value, bytesIn, bytesOut: sink.bytesWritten };
    });
  };
  return Object.assign(handler, { takesWhole: opts.reuseBuffers === true });
}

/**
 * A plaintext had whole (whole-file.ts), stripped into memory (views of its buffer and the new segments) and written
 * to `tmpPath` (a new file, owner-only) with one writev: the file system is called in this thread, a few times per
 * photo. The buffer goes back afterwards, whatever happens.
 */
async function fromWhole(strip: StructuralStripper, whole: WholeFile, tmpPath: string, opts: StripOptions): Promise<Stripped> {
  try {
    const out = fs.openSync(tmpPath, 'wx', 0o600);
    try {
      const sink = new BufferSink();
      const r = ByteReader.fromBuffer(whole.bytes);
      const record = await strip(r, sink, opts);
      writevFullySync(out, sink.parts(), 0);
      return { record, bytesIn: r.position, bytesOut: sink.bytesWritten };
    } finally {
      fs.closeSync(out);
    }
  } finally {
    whole.release();
  }
}

/**
 * `file` stripped into `tmpPath` (a new file, owner-only) through reused buffers. Both files are opened at once and
 * closed at once: for a photo of a few MB, each wait for the file system is a measurable part of the strip.
 */
async function fromFileReusing(strip: StructuralStripper, file: string, tmpPath: string, opts: StripOptions): Promise<Stripped> {
  const [output, input] = await Promise.allSettled([fsp.open(tmpPath, 'wx', 0o600), fsp.open(file, 'r')]);
  if (output.status === 'rejected' || input.status === 'rejected') {
    await Promise.all([output, input].map((o) => (o.status === 'fulfilled' ? o.value.close() : undefined)));
    throw output.status === 'rejected' ? output.reason : (input as PromiseRejectedResult).reason;
  }
  const sink = new FileSink(output.value);
  const r = ByteReader.fromFileReusing(input.value, sink);
  try {
    const record = await strip(r, sink, opts);
    // Written before the reader's buffers go back for another file to read into.
    await sink.flush();
    return { record, bytesIn: r.position, bytesOut: sink.bytesWritten };
  } finally {
    // After a failure, writes still under way hold views of the reader's buffers: they end first.
    await sink.settle();
    await r.close();
    await Promise.all([input.value.close(), output.value.close()]);
  }
}
