/**
 * GIF, lossless by structure. Kept byte-identically: header, logical screen descriptor, colour tables, image
 * descriptors with their LZW data, Graphic Control extensions (frame timing, transparency), the NETSCAPE2.0 /
 * ANIMEXTS1.0 application extensions (loop count of animations) and Plain Text extensions (they are rendered image
 * content by the GIF spec, not metadata). Dropped: Comment extensions, XMP ("XMP DataXMP"), ICC ("ICCRGBG1012"; GIF
 * colours are sRGB in practice), IPTC/8BIM from image editors, any other application extension, data after the
 * trailer.
 */
import type { ByteReader } from './byte-reader';
import type { ByteSink } from './byte-sink';
import { stripFailed, TruncatedInputError } from './errors';
import { RecordBuilder } from './strip-record';
import type { StripOptions, StripRecord } from './types';

const FORMAT = 'GIF';
const KEEP_APPS = new Set(['NETSCAPE2.0', 'ANIMEXTS1.0']);

async function copySubBlocks(r: ByteReader, sink: ByteSink): Promise<void> {
  for (;;) {
    const n = (await r.readExact(1))[0] as number;
    await sink.write(Buffer.from([n]));
    if (n === 0) return;
    await r.copyTo(n, sink);
  }
}

async function skipSubBlocks(r: ByteReader): Promise<void> {
  for (;;) {
    const n = (await r.readExact(1))[0] as number;
    if (n === 0) return;
    await r.skip(n);
  }
}

/** An image descriptor (after its 0x2c): descriptor, local colour table, LZW code size and data, copied. */
async function copyImage(r: ByteReader, sink: ByteSink): Promise<void> {
  const desc = await r.readExact(9);
  await sink.write(Buffer.from([0x2c]));
  await sink.write(desc);
  const p = desc[8] as number;
  if (p & 0x80) await r.copyTo(3 * (1 << ((p & 7) + 1)), sink);
  await r.copyTo(1, sink); // LZW minimum code size
  await copySubBlocks(r, sink);
}

/** An Application extension (after 0x21 0xff): kept for the animation loop, else dropped and named. */
async function copyOrDropApplication(r: ByteReader, sink: ByteSink, rec: RecordBuilder): Promise<void> {
  const size = (await r.readExact(1))[0] as number;
  const id = await r.readExact(size);
  const name = size === 11 ? id.toString('latin1') : '';
  if (KEEP_APPS.has(name)) {
    await sink.write(Buffer.from([0x21, 0xff, size]));
    await sink.write(id);
    await copySubBlocks(r, sink);
    rec.kept(`Application extension ${name} (animation loop)`);
  } else {
    await skipSubBlocks(r);
    rec.removed(name === 'XMP DataXMP' ? 'XMP' : name === 'ICCRGBG1012' ? 'ICC profile' : /^MGK(8BIM|IPTC)/.test(name) ? 'IPTC/8BIM' : 'Application extension');
  }
}

/** An extension (after its 0x21): Graphic Control and Plain Text kept, Application judged, the others dropped. */
async function copyOrDropExtension(r: ByteReader, sink: ByteSink, rec: RecordBuilder): Promise<void> {
  const label = (await r.readExact(1))[0] as number;
  if (label === 0xf9 || label === 0x01) {
    await sink.write(Buffer.from([0x21, label]));
    await copySubBlocks(r, sink);
    if (label === 0x01) rec.kept('Plain Text extension (rendered content)');
    return;
  }
  if (label === 0xff) return copyOrDropApplication(r, sink, rec);
  await skipSubBlocks(r);
  rec.removed(label === 0xfe ? 'Comment extension' : 'unknown extension');
}

export async function stripGif(r: ByteReader, sink: ByteSink, _opts: StripOptions): Promise<StripRecord> {
  const rec = new RecordBuilder('gif', 'lossless-structure');
  try {
    const header = await r.readExact(13);
    const magic = header.toString('latin1', 0, 6);
    if (magic !== 'GIF87a' && magic !== 'GIF89a') throw stripFailed(FORMAT, 'it does not begin with a GIF signature');
    await sink.write(header);
    const packed = header[10] as number;
    if (packed & 0x80) await r.copyTo(3 * (1 << ((packed & 7) + 1)), sink);
    let frames = 0;
    for (;;) {
      const intro = (await r.readExact(1))[0] as number;
      if (intro === 0x3b) {
        await sink.write(Buffer.from([0x3b]));
        break;
      }
      if (intro === 0x2c) {
        await copyImage(r, sink);
        frames++;
      } else if (intro === 0x21) await copyOrDropExtension(r, sink, rec);
      else throw stripFailed(FORMAT, 'an unknown block type (the file is damaged)');
    }
    if (frames === 0) throw stripFailed(FORMAT, 'it contains no image');
    const trailing = await r.drain();
    if (trailing > 0) rec.removed(`data after the GIF trailer (${trailing} bytes)`);
    rec.note('image data byte-identical');
    return rec.build();
  } catch (e) {
    if (e instanceof TruncatedInputError) throw stripFailed(FORMAT, 'the file is truncated (no trailer)', e);
    throw e;
  }
}
