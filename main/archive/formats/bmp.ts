/**
 * BMP, lossless by structure. A BMP has no metadata container except the colour-space fields of the V5 header: a
 * *linked* profile is a file path (on Windows it names the user's profile folder) and an *embedded* one may be a
 * device profile. Those are neutralised in place (colour space set to sRGB, profile bytes zeroed) so no offset
 * moves and the pixel array is copied byte-identically. The two reserved header fields, which some writers use
 * for their own data, are zeroed. Data after the declared file size is dropped.
 */
import type { ByteReader } from './byte-reader';
import type { ByteSink } from './byte-sink';
import { stripFailed, TruncatedInputError } from './errors';
import { RecordBuilder } from './strip-record';
import type { StripOptions, StripRecord } from './types';

const FORMAT = 'BMP';
const LCS_SRGB = 0x73524742;
const PROFILE_LINKED = 0x4c494e4b;
const PROFILE_EMBEDDED = 0x4d424544;
const MAX_PROFILE = 16 * 1024 * 1024;

type Headers = { readonly fileHeader: Buffer; readonly dib: Buffer; readonly declaredSize: number; readonly dataOffset: number };
/** The bytes [from, to) of the file to write as zeros: a colour profile's. */
type ZeroRange = { readonly from: number; readonly to: number };

/** The 14-byte file header and the DIB header read and checked (signature, known header version, pixel offset). */
async function readHeaders(r: ByteReader): Promise<Headers> {
  const fileHeader = Buffer.from(await r.readExact(14));
  if (fileHeader.toString('latin1', 0, 2) !== 'BM') throw stripFailed(FORMAT, 'it does not begin with the BMP signature');
  const declaredSize = fileHeader.readUInt32LE(2);
  const dataOffset = fileHeader.readUInt32LE(10);
  const dibSize = (await r.peek(4)).readUInt32LE(0);
  if (![12, 40, 52, 56, 64, 108, 124].includes(dibSize)) throw stripFailed(FORMAT, 'unknown header version');
  if (dataOffset < 14 + dibSize) throw stripFailed(FORMAT, 'the pixel data offset is inside the header');
  const dib = Buffer.from(await r.readExact(dibSize));
  return { fileHeader, dib, declaredSize, dataOffset };
}

/**
 * A V5 header's linked or embedded profile neutralised in `dib` (colour space sRGB, profile fields zeroed); returns
 * where the profile's bytes lie in the file, to be zeroed, or undefined when there is none.
 */
function neutraliseProfile(dib: Buffer, rec: RecordBuilder): ZeroRange | undefined {
  if (dib.length !== 124) return undefined;
  const csType = dib.readUInt32LE(56);
  const profileAt = 14 + dib.readUInt32LE(112);
  const profileSize = dib.readUInt32LE(116);
  if (csType !== PROFILE_LINKED && csType !== PROFILE_EMBEDDED) return undefined;
  if (profileSize > MAX_PROFILE || profileAt < 14 + dib.length) throw stripFailed(FORMAT, 'the colour profile fields are inconsistent');
  // An embedded profile usually sits after the pixels, where judging it would mean buffering the image:
  // BMP profiles are rare enough that we neutralise them all rather than guess.
  dib.writeUInt32LE(LCS_SRGB, 56);
  dib.writeUInt32LE(0, 112);
  dib.writeUInt32LE(0, 116);
  rec.removed(csType === PROFILE_LINKED ? 'linked colour profile (file path)' : 'embedded colour profile');
  rec.note('colour space set to sRGB; profile bytes zeroed in place so no offset moves');
  return { from: profileAt, to: profileAt + profileSize };
}

/** Copies from the reader's position up to the file offset `limit`, or to the end of the input when it is infinite. */
async function copyUntil(r: ByteReader, sink: ByteSink, limit: number): Promise<void> {
  if (limit === Number.POSITIVE_INFINITY) {
    for (;;) {
      const c = await r.nextChunk();
      if (c === null) return;
      await sink.write(c);
    }
  }
  if (limit > r.position) await r.copyTo(limit - r.position, sink);
}

/** Everything after the headers up to `end` copied, the profile's bytes (when inside) written as zeros. */
async function copyBody(r: ByteReader, sink: ByteSink, end: number, zero: ZeroRange | undefined): Promise<void> {
  if (zero !== undefined && zero.to <= end) {
    await copyUntil(r, sink, zero.from);
    await r.skip(zero.to - zero.from);
    await sink.write(Buffer.alloc(zero.to - zero.from));
  }
  await copyUntil(r, sink, end);
}

export async function stripBmp(r: ByteReader, sink: ByteSink, _opts: StripOptions): Promise<StripRecord> {
  const rec = new RecordBuilder('bmp', 'lossless-structure');
  try {
    const { fileHeader, dib, declaredSize, dataOffset } = await readHeaders(r);
    if (fileHeader.readUInt32LE(6) !== 0) {
      fileHeader.writeUInt32LE(0, 6);
      rec.removed('reserved header fields');
    }
    const zero = neutraliseProfile(dib, rec);
    await sink.write(fileHeader);
    await sink.write(dib);
    const end = declaredSize >= dataOffset ? declaredSize : Number.POSITIVE_INFINITY;
    await copyBody(r, sink, end, zero);
    if (end !== Number.POSITIVE_INFINITY) {
      const trailing = await r.drain();
      if (trailing > 0) rec.removed(`data after the declared file size (${trailing} bytes)`);
    }
    rec.note('pixel data byte-identical');
    return rec.build();
  } catch (e) {
    if (e instanceof TruncatedInputError) throw stripFailed(FORMAT, 'the file is truncated', e);
    throw e;
  }
}
