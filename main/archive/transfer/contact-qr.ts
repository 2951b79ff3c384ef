import encodeQR from 'qr';
import decodeQR from 'qr/decode.js';
import sharp from 'sharp';
import { HuellaError } from '../errors';
import { contactLine, parseContactCard, type ContactCard } from './contact';

/**
 * A contact card as a QR code (the card line only: ~130 characters) and back from a photo or screenshot of one.
 * Decoding uses the same QR library as the recovery sheet, on pixels that sharp reads from the image file; a file
 * that is not an image or holds no QR code is FORMAT_INVALID.
 */

export function contactCardQrSvg(card: ContactCard): string {
  return encodeQR(contactLine(card), 'svg', { ecc: 'medium', border: 4 });
}

export function contactCardQrGif(card: ContactCard, scale = 6): Uint8Array {
  return encodeQR(contactLine(card), 'gif', { ecc: 'medium', border: 4, scale });
}

/** Reads a contact card from an image file (PNG, JPEG, GIF, WebP…) showing its QR code. */
export async function readContactCardFromImage(file: string): Promise<ContactCard> {
  let image: { data: Buffer; info: { width: number; height: number } };
  try {
    image = await sharp(file, { limitInputPixels: 40_000_000 }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new HuellaError('FORMAT_INVALID', 'That file is not an image this app can read.', { cause: e });
  }
  let text: string;
  try {
    text = decodeQR({ width: image.info.width, height: image.info.height, data: image.data });
  } catch (e) {
    throw new HuellaError('FORMAT_INVALID', 'No QR code could be read in that image. Try a sharper, larger picture of the card.', { cause: e });
  }
  return parseContactCard(text);
}
