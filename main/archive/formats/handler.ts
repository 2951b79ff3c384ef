import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { writevFullySync } from '../fs/writev';
import { ByteReader } from './byte-reader';
import { BufferSink, FileSink, type ByteSink } from './byte-sink';
import { withFileSink, withReader } from './output';
import { readWholeFile } from './whole-file';
import type { StreamSource, StripOptions, StripRecord } from './types';

type Stripped = { readonly record: StripRecord; readonly bytesIn: number; readonly bytesOut?: number };

/** Writes a stripped copy of `source` to `tmpPath` (which the caller renames into place on success). */
export type StripHandler = (source: StreamSource, tmpPath: string, opts: StripOptions) => Promise<Stripped>;

/** A one-pass streaming stripper: structure in from a reader, structure out to a sink. */
export type StructuralStripper = (r: ByteReader, sink: ByteSink, opts: StripOptions) => Promise<StripRecord>;

/**
 * `reuseBuffers`: when the source is a file (fileSource), read it whole into a reused buffer and write the copy at
 * once (fromWholeFile), or, when it is larger than that buffer may be, through reused 1 MiB buffers
 * (ByteReader.fromFileReusing). Only for a stripper that keeps nothing it got from nextChunk/copyTo past its next
 * read, and writes it at once.
 */
export function streaming(strip: StructuralStripper, opts: { readonly reuseBuffers?: boolean } = {}): StripHandler {
  return async (source, tmpPath, stripOpts) => {
    if (opts.reuseBuffers === true && source.file !== undefined) {
      return (await fromWholeFile(strip, source.file, tmpPath, stripOpts)) ?? fromFileReusing(strip, source.file, tmpPath, stripOpts);
    }
    return withFileSink(tmpPath, async (sink) => {
      const { value, bytesIn } = await withReader(source, (r) => strip(r, sink, stripOpts));
      return { record: value, bytesIn, bytesOut: sink.bytesWritten };
    });
  };
}

/**
 * `file` read whole into a reused buffer (whole-file.ts), stripped into memory (views of that buffer and the new
 * segments) and written to `tmpPath` (a new file, owner-only) with one writev: the file system is called in this
 * thread, a few times per photo. Null, having written nothing, when the file is not a regular file of at most
 * WHOLE_FILE_LIMIT bytes. The copy is opened before the strip, as fromFileReusing does, so the same error wins.
 */
async function fromWholeFile(strip: StructuralStripper, file: string, tmpPath: string, opts: StripOptions): Promise<Stripped | null> {
  const whole = readWholeFile(file);
  if (whole === null) return null;
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
