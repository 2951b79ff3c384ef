import encodeQR from 'qr';

/**
 * The text as one QR code (dark modules, quiet zone included), so a phone can carry a witness request or a
 * cosignature through a messenger; null when it does not fit in one code (then the file is handed over instead).
 * Error correction "low" gives the most room (2,953 bytes at version 40): a request from a log of a million events
 * needs about 1,200.
 */
export function qrMatrix(text: string): boolean[][] | null {
  try {
    return encodeQR(text, 'raw', { ecc: 'low', border: 4 });
  } catch {
    return null;
  }
}
