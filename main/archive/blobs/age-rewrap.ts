/**
 * Re-wrapping an age v1 file to another recipient without touching its payload (DESIGN §9, transfer bundles).
 *
 * An age file is header ‖ 16-byte payload nonce ‖ STREAM chunks; the payload key is HKDF(file key, nonce), so the
 * payload depends only on the file key. Re-wrapping opens the file key with the vault's identity, checks the old
 * header's MAC (an altered header is refused, never laundered into a fresh MAC), wraps the same file key to the new
 * recipients with fresh ephemeral keys, and computes the new header's MAC. The vault's own stanza is not copied:
 * the re-wrapped file opens only for the new recipients. The payload bytes follow unchanged, so nothing is
 * re-encrypted and a 1 GiB original costs one header (~200 bytes) of work plus the copy.
 *
 * Who holds the file key can read the payload either way; what re-wrapping gives away is only that the sender and
 * the recipient can read the same payload, which is the point of a transfer.
 */
import type fsp from 'node:fs/promises';
import { HuellaError } from '../errors';
import { AGE_MAX_HEADER_BYTES, buildAgeHeader, checkAgeVersionPrefix, findAgeHeaderEnd, parseAgeHeader, unwrapFileKey, verifyHeaderMac, wrapFileKeyX25519 } from './age-header';

/** A new header for the same file key, to `recipients` only. Throws AGE_FORMAT / AGE_NO_IDENTITY_MATCHED / AGE_INTEGRITY. */
export function rewrapAgeHeader(header: Uint8Array, identities: readonly Uint8Array[], recipients: readonly Uint8Array[]): Buffer {
  if (recipients.length === 0) throw new HuellaError('INTERNAL', 'Re-wrapping needs at least one recipient.');
  const parsed = parseAgeHeader(header);
  const fileKey = unwrapFileKey(parsed.stanzas, identities);
  try {
    verifyHeaderMac(fileKey, parsed);
    return buildAgeHeader(
      fileKey,
      recipients.map((r) => wrapFileKeyX25519(fileKey, r)),
    );
  } finally {
    fileKey.fill(0);
  }
}

/** How much of the file to read at a time while looking for the end of the header (ours are ~200 bytes). */
const HEADER_PROBE_BYTES = 4096;

/**
 * Reads the header of the age file open as `file`: its bytes and where the payload starts. Reads at most
 * AGE_MAX_HEADER_BYTES; throws AGE_FORMAT for anything that is not an age v1 file or is cut inside its header.
 */
export async function readAgeHeader(file: fsp.FileHandle): Promise<{ readonly header: Buffer; readonly payloadOffset: number }> {
  let buf = Buffer.alloc(0);
  let scanFrom = 0;
  for (;;) {
    const piece = Buffer.alloc(HEADER_PROBE_BYTES);
    const { bytesRead } = await file.read(piece, 0, piece.length, buf.length);
    if (bytesRead === 0) {
      if (buf.length === 0) throw new HuellaError('AGE_FORMAT', 'The age file is empty.');
      throw new HuellaError('AGE_FORMAT', 'The age file is truncated: its header is incomplete.');
    }
    buf = Buffer.concat([buf, piece.subarray(0, bytesRead)]);
    checkAgeVersionPrefix(buf);
    const end = findAgeHeaderEnd(buf, scanFrom);
    if (end >= 0) return { header: buf.subarray(0, end), payloadOffset: end };
    if (buf.length > AGE_MAX_HEADER_BYTES) throw new HuellaError('AGE_FORMAT', 'Malformed age header: it is too large.');
    const lf = buf.lastIndexOf(0x0a);
    scanFrom = lf < scanFrom ? scanFrom : lf + 1;
  }
}
