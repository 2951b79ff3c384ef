import fs from 'node:fs';
import { HuellaError, fromSystemError } from '../errors';
import { stripFailed, stripUnsupported, TruncatedInputError } from './errors';
import { formatFor } from './formats';
import { writeAtomically } from './output';
import { readWholeElsewhere, readWholeFile, type ReadWholeElsewhere } from './whole-file';
import type { StreamSource, StripFileOptions, StripResult, StripSupport } from './types';

export function canStrip(mediaType: string): StripSupport {
  const entry = formatFor(mediaType);
  if (entry === undefined) {
    return { ok: false, reason: `no metadata stripper exists for ${mediaType || 'this type'}; it cannot be exported as a stripped copy (export the original encrypted to the recipient instead)` };
  }
  return entry.kind === 'strip' ? { ok: true } : { ok: false, reason: entry.reason };
}

/** A plaintext file on disk as a strip source: a stream when a stripper wants one, else read into reused buffers. */
export function fileSource(file: string): StreamSource {
  return Object.assign(() => fs.createReadStream(file, { highWaterMark: 1 << 20 }), { file, whole: () => readWholeFile(file) });
}

/**
 * A vault object as a strip source (the export): `open` gives its decrypting stream (BlobStore.openPlaintext), and
 * `readWhole` decrypts it whole into a buffer it is given (BlobStore.readPlaintextWholeOnWorker, or in this thread
 * readPlaintextWhole), so that the JPEG stripper works from one buffer as it does for a file. An object larger than
 * WHOLE_FILE_LIMIT, or one that fails to decrypt whole, is streamed, and the stream reports any failure as it always
 * did. An export strips its items through StripAhead (strip-ahead.ts), which starts the next items' reads early.
 */
export function vaultObjectSource(open: () => NodeJS.ReadableStream, readWhole: ReadWholeElsewhere): StreamSource {
  return Object.assign(() => open(), { whole: () => readWholeElsewhere(readWhole) });
}

/**
 * Writes a metadata-stripped working copy of `source` (the plaintext original, opened fresh on each call) to
 * `outPath`. The original is only read. On any failure nothing is left at `outPath`.
 */
export async function stripToFile(source: StreamSource, mediaType: string, outPath: string, opts: StripFileOptions): Promise<StripResult> {
  const entry = formatFor(mediaType);
  if (entry === undefined || entry.kind === 'refuse') {
    const support = canStrip(mediaType);
    throw stripUnsupported(entry?.label ?? 'file', support.ok ? 'unsupported' : support.reason);
  }
  try {
    const { value, bytesOut } = await writeAtomically(outPath, (tmp) => entry.handler(source, tmp, opts), opts.durable === true);
    return { record: value.record, bytesIn: value.bytesIn, bytesOut };
  } catch (e) {
    if (e instanceof HuellaError) throw e;
    if (e instanceof TruncatedInputError) throw stripFailed(entry.label, 'the file is truncated', e);
    const code = (e as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) throw fromSystemError(e, `writing a stripped ${entry.label} copy`);
    throw stripFailed(entry.label, 'its structure could not be parsed', e);
  }
}

const CAPTURE_DATE_FORMATS = /^(image\/jpeg|application\/pdf|application\/vnd\.openxmlformats-officedocument\.|application\/vnd\.oasis\.opendocument\.|video\/(mp4|quicktime|x-m4v|3gpp2?)$|audio\/(mp4|x-m4a|3gpp)$)/;

/**
 * Whether a stripped copy of this type can hold the capture date when the profile keeps it (JPEG Exif, PDF
 * CreationDate, OOXML/ODF creation date, MP4/QuickTime creation times). Other copies never carry one, whatever the
 * profile: the plan says so per item, and items.json states only what the written copy holds.
 */
export function canKeepCaptureDate(mediaType: string): boolean {
  return CAPTURE_DATE_FORMATS.test(mediaType.toLowerCase().split(';')[0]?.trim() ?? '');
}
