/**
 * The one Exif value a stripped photo keeps: Orientation (tag 0x0112 in IFD0). Without it a portrait phone photo,
 * stored sideways with Orientation=6, would display sideways (DESIGN §6).
 */

/** Reads Orientation from a TIFF structure (the Exif payload after "Exif\0\0"); undefined when absent or invalid. */
export function readTiffOrientation(tiff: Buffer): number | undefined {
  if (tiff.length < 8) return undefined;
  const order = tiff.toString('latin1', 0, 2);
  const le = order === 'II';
  if (!le && order !== 'MM') return undefined;
  const u16 = (o: number): number => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number): number => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  if (u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd < 8 || ifd + 2 > tiff.length) return undefined;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > tiff.length) return undefined;
    if (u16(e) !== 0x0112) continue;
    const type = u16(e + 2);
    const n = u32(e + 4);
    if (n !== 1) return undefined;
    // SHORT is the specified type; some writers use LONG.
    const v = type === 3 ? u16(e + 8) : type === 4 ? u32(e + 8) : undefined;
    return v !== undefined && v >= 1 && v <= 8 ? v : undefined;
  }
  return undefined;
}

/** Orientation from a JPEG APP1 payload ("Exif\0\0" + TIFF); undefined unless it is Exif. */
export function readExifOrientation(app1Payload: Buffer): number | undefined {
  if (app1Payload.length < 14 || app1Payload.toString('latin1', 0, 6) !== 'Exif\0\0') return undefined;
  return readTiffOrientation(app1Payload.subarray(6));
}

/** A TIFF structure with IFD0 holding only Orientation (big-endian, 26 bytes). */
export function minimalOrientationTiff(orientation: number): Buffer {
  const t = Buffer.alloc(26);
  t.write('MM', 0, 'latin1');
  t.writeUInt16BE(42, 2);
  t.writeUInt32BE(8, 4);
  t.writeUInt16BE(1, 8); // one entry
  t.writeUInt16BE(0x0112, 10);
  t.writeUInt16BE(3, 12); // SHORT
  t.writeUInt32BE(1, 14);
  t.writeUInt16BE(orientation, 18);
  t.writeUInt32BE(0, 22); // no next IFD (so no thumbnail IFD1)
  return t;
}

/** A complete APP1 segment (marker, length, "Exif\0\0", minimal TIFF). */
export function minimalOrientationApp1(orientation: number): Buffer {
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), minimalOrientationTiff(orientation)]);
  const seg = Buffer.alloc(4 + payload.length);
  seg[0] = 0xff;
  seg[1] = 0xe1;
  seg.writeUInt16BE(payload.length + 2, 2);
  payload.copy(seg, 4);
  return seg;
}
