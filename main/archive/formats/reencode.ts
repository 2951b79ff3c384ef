/**
 * TIFF and AVIF: re-encoded from decoded pixels with sharp (libvips), which writes no metadata unless asked, with
 * the orientation applied to the pixels. Recorded as method 'reencode'.
 *
 * Why not by structure: a TIFF's metadata lives in the same IFDs as its strip offsets, and private IFDs (Exif, GPS,
 * MakerNotes, DNG) can sit anywhere in the file with pointers into each other; rewriting that safely is a TIFF
 * writer of its own. AVIF metadata are HEIF items located by 'iloc'; same story. Re-encoding is exact here: both
 * are re-encoded losslessly (TIFF deflate, AVIF lossless), so the decoded pixels of the copy are the decoded
 * pixels of the original (after orientation and conversion to sRGB when the original carried a profile).
 * Refused: multi-page TIFFs (libvips would keep one page), CMYK, float or other sample formats we would have to
 * convert, and anything over the pixel limit.
 */
import './vips-env';
import sharp from 'sharp';
import { MAX_INPUT_PIXELS } from './vips-env';
import { stripFailed, stripUnsupported } from './errors';
import type { StripHandler } from './handler';
import { readAllLimited, withFileSink } from './output';
import { RecordBuilder } from './strip-record';

const MAX_INPUT_BYTES = 512 * 1024 * 1024;

export function reencodeImage(kind: 'tiff' | 'avif'): StripHandler {
  const label = kind === 'tiff' ? 'TIFF' : 'AVIF';
  return async (source, tmpPath) => {
    const input = await readAllLimited(source, MAX_INPUT_BYTES, () => stripUnsupported(label, 'it is larger than 512 MiB'));
    let meta: sharp.Metadata;
    try {
      meta = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).metadata();
    } catch (e) {
      throw stripFailed(label, 'the image could not be decoded', e);
    }
    if ((meta.pages ?? 1) > 1) throw stripUnsupported(label, 'it has several pages or frames, and re-encoding would keep only the first');
    if (meta.depth !== 'uchar' && meta.depth !== 'ushort') throw stripUnsupported(label, 'its sample format would have to be converted to re-encode it');
    if (meta.space === 'cmyk' || meta.space === 'lab' || meta.space === 'labs') throw stripUnsupported(label, 'its colour space would have to be converted to re-encode it');
    const rec = new RecordBuilder(kind, 'reencode');
    if (meta.exif) rec.removed('Exif (incl. GPS, maker notes, thumbnail)');
    if (meta.xmp) rec.removed('XMP');
    if (meta.iptc) rec.removed('IPTC');
    if (meta.tifftagPhotoshop) rec.removed('Photoshop image resources');
    rec.removed('all other tags and boxes (the file is written anew)');
    if (meta.icc) rec.note('colours converted from the embedded profile to sRGB, profile not embedded');
    const orientation = meta.orientation ?? 1;
    if (orientation !== 1) rec.kept(`orientation applied to the pixels (was Orientation=${orientation})`);
    let pipeline = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).rotate();
    if (meta.depth === 'ushort') pipeline = pipeline.toColourspace((meta.channels ?? 3) <= 2 ? 'grey16' : 'rgb16');
    pipeline = kind === 'tiff' ? pipeline.tiff({ compression: 'deflate', predictor: 'horizontal' }) : pipeline.avif({ lossless: true, effort: 2 });
    let out: Buffer;
    try {
      out = await pipeline.toBuffer();
    } catch (e) {
      throw stripFailed(label, 'the image could not be re-encoded', e);
    }
    rec.note(kind === 'tiff' ? 'pixels re-encoded losslessly (TIFF, deflate)' : 'pixels re-encoded losslessly (AVIF lossless)');
    await withFileSink(tmpPath, (sink) => sink.write(out));
    return { record: rec.build(), bytesIn: input.length };
  };
}
