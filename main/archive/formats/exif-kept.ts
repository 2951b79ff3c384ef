/**
 * The Exif a stripped photo may keep, and nothing else (DESIGN §6):
 *  - Orientation (IFD0 0x0112), always, so a portrait phone photo does not display sideways;
 *  - with keepCaptureDate (the forensic profile by default, or --keep-capture-date), the capture date and its kin
 *    from the Exif IFD: DateTimeOriginal, CreateDate (DateTimeDigitized), their time-zone offsets and sub-seconds.
 *    A reviewer told that dates were kept must find them in the copy (items.json says so only when the re-read copy
 *    holds one).
 * Values are copied only when they have the form Exif defines ("YYYY:MM:DD HH:MM:SS", "+HH:MM", digits): a field
 * that holds anything else (a vendor's free text, bytes) is dropped, never carried along.
 */

/** The capture-date tags of the Exif IFD that may be kept, with the form each value must have. */
export const CAPTURE_DATE_TAGS: ReadonlyMap<number, { readonly name: string; readonly form: RegExp }> = new Map([
  [0x9003, { name: 'DateTimeOriginal', form: /^\d{4}:\d{2}:\d{2} \d{2}:\d{2}:\d{2}$/ }],
  [0x9004, { name: 'CreateDate', form: /^\d{4}:\d{2}:\d{2} \d{2}:\d{2}:\d{2}$/ }],
  [0x9011, { name: 'OffsetTimeOriginal', form: /^[+-]\d{2}:\d{2}$/ }],
  [0x9012, { name: 'OffsetTimeDigitized', form: /^[+-]\d{2}:\d{2}$/ }],
  [0x9291, { name: 'SubSecTimeOriginal', form: /^\d{1,9}$/ }],
  [0x9292, { name: 'SubSecTimeDigitized', form: /^\d{1,9}$/ }],
]);

const TAG_ORIENTATION = 0x0112;
const TAG_EXIF_IFD = 0x8769;
const TYPE_ASCII = 2;
const TYPE_SHORT = 3;
const TYPE_LONG = 4;

export type CaptureTag = { readonly tag: number; readonly value: string };

export type KeptExif = { readonly orientation?: number; readonly capture: readonly CaptureTag[] };

type Tiff = { readonly t: Buffer; readonly u16: (o: number) => number; readonly u32: (o: number) => number };

function tiffOf(t: Buffer): Tiff | undefined {
  if (t.length < 8) return undefined;
  const order = t.toString('latin1', 0, 2);
  const le = order === 'II';
  if (!le && order !== 'MM') return undefined;
  const u16 = (o: number): number => (le ? t.readUInt16LE(o) : t.readUInt16BE(o));
  const u32 = (o: number): number => (le ? t.readUInt32LE(o) : t.readUInt32BE(o));
  return u16(2) === 42 ? { t, u16, u32 } : undefined;
}

/** Each entry of the IFD at `offset` (tag, type, count, value-or-offset position); nothing when malformed. */
function ifdEntries(x: Tiff, offset: number): { tag: number; type: number; count: number; at: number }[] {
  if (offset < 8 || offset + 2 > x.t.length) return [];
  const n = x.u16(offset);
  if (offset + 2 + n * 12 > x.t.length) return [];
  return Array.from({ length: n }, (_, i) => {
    const e = offset + 2 + i * 12;
    return { tag: x.u16(e), type: x.u16(e + 2), count: x.u32(e + 4), at: e + 8 };
  });
}

function asciiValue(x: Tiff, e: { type: number; count: number; at: number }): string | undefined {
  if (e.type !== TYPE_ASCII || e.count === 0 || e.count > 64) return undefined;
  const start = e.count <= 4 ? e.at : x.u32(e.at);
  if (start + e.count > x.t.length) return undefined;
  const raw = x.t.toString('latin1', start, start + e.count);
  return raw.replace(/\0+$/, '').trim();
}

/** Orientation and (when asked) the capture-date tags of a TIFF structure (an Exif payload after "Exif\0\0"). */
export function readKeptExif(tiff: Buffer, keepCaptureDate: boolean): KeptExif {
  const x = tiffOf(tiff);
  if (!x) return { capture: [] };
  let orientation: number | undefined;
  let exifIfd: number | undefined;
  for (const e of ifdEntries(x, x.u32(4))) {
    if (e.tag === TAG_ORIENTATION && e.count === 1) {
      const v = e.type === TYPE_SHORT ? x.u16(e.at) : e.type === TYPE_LONG ? x.u32(e.at) : undefined;
      if (v !== undefined && v >= 1 && v <= 8) orientation = v;
    }
    if (e.tag === TAG_EXIF_IFD && e.count === 1 && (e.type === TYPE_LONG || e.type === 13)) exifIfd = x.u32(e.at);
  }
  const capture: CaptureTag[] = [];
  if (keepCaptureDate && exifIfd !== undefined) {
    for (const e of ifdEntries(x, exifIfd)) {
      const spec = CAPTURE_DATE_TAGS.get(e.tag);
      if (!spec || capture.some((c) => c.tag === e.tag)) continue;
      const v = asciiValue(x, e);
      if (v !== undefined && spec.form.test(v)) capture.push({ tag: e.tag, value: v });
    }
  }
  return { ...(orientation !== undefined ? { orientation } : {}), capture: capture.sort((a, b) => a.tag - b.tag) };
}

/** Whether the kept Exif holds a capture date itself (an offset or sub-seconds alone are not a date). */
export function holdsCaptureDate(k: KeptExif): boolean {
  return k.capture.some((c) => c.tag === 0x9003 || c.tag === 0x9004);
}

/** The capture-date tags worth writing: none when there is no date (an offset alone says nothing). */
function captureToWrite(k: KeptExif): readonly CaptureTag[] {
  return holdsCaptureDate(k) ? k.capture : [];
}

/** Whether anything is worth writing: Orientation other than 1, or a capture date. */
export function keptExifIsEmpty(k: KeptExif): boolean {
  return (k.orientation === undefined || k.orientation === 1) && captureToWrite(k).length === 0;
}

/**
 * A big-endian TIFF holding IFD0 with Orientation (when not 1) and the Exif IFD pointer (when a capture date is
 * kept), and the Exif IFD with the capture-date tags only. No next IFD (no thumbnail IFD1).
 */
export function minimalExifTiff(k: KeptExif): Buffer {
  const capture = captureToWrite(k);
  const ifd0: { tag: number; type: number; count: number; value: number }[] = [];
  if (k.orientation !== undefined && k.orientation !== 1) ifd0.push({ tag: TAG_ORIENTATION, type: TYPE_SHORT, count: 1, value: k.orientation });
  const ifd0Size = 2 + (ifd0.length + (capture.length > 0 ? 1 : 0)) * 12 + 4;
  const exifOffset = 8 + ifd0Size;
  const exifSize = capture.length > 0 ? 2 + capture.length * 12 + 4 : 0;
  let data = exifOffset + exifSize;
  const strings: { at: number; bytes: Buffer }[] = [];
  const exifEntries = capture.map((c) => {
    const bytes = Buffer.from(`${c.value}\0`, 'latin1');
    const inline = bytes.length <= 4;
    const entry = { tag: c.tag, count: bytes.length, bytes, offset: inline ? 0 : data };
    if (!inline) {
      strings.push({ at: data, bytes });
      data += bytes.length + (bytes.length & 1);
    }
    return entry;
  });
  const out = Buffer.alloc(data);
  out.write('MM', 0, 'latin1');
  out.writeUInt16BE(42, 2);
  out.writeUInt32BE(8, 4);
  let p = 8;
  out.writeUInt16BE(ifd0.length + (capture.length > 0 ? 1 : 0), p);
  p += 2;
  for (const e of ifd0) {
    out.writeUInt16BE(e.tag, p);
    out.writeUInt16BE(e.type, p + 2);
    out.writeUInt32BE(e.count, p + 4);
    out.writeUInt16BE(e.value, p + 8);
    p += 12;
  }
  if (capture.length > 0) {
    out.writeUInt16BE(TAG_EXIF_IFD, p);
    out.writeUInt16BE(TYPE_LONG, p + 2);
    out.writeUInt32BE(1, p + 4);
    out.writeUInt32BE(exifOffset, p + 8);
    p += 12;
  }
  out.writeUInt32BE(0, p); // no IFD1
  if (capture.length > 0) {
    p = exifOffset;
    out.writeUInt16BE(exifEntries.length, p);
    p += 2;
    for (const e of exifEntries) {
      out.writeUInt16BE(e.tag, p);
      out.writeUInt16BE(TYPE_ASCII, p + 2);
      out.writeUInt32BE(e.count, p + 4);
      if (e.offset === 0) e.bytes.copy(out, p + 8);
      else out.writeUInt32BE(e.offset, p + 8);
      p += 12;
    }
    out.writeUInt32BE(0, p);
  }
  for (const s of strings) s.bytes.copy(out, s.at);
  return out;
}

/** A complete JPEG APP1 segment (marker, length, "Exif\0\0", the minimal TIFF). */
export function minimalExifApp1(k: KeptExif): Buffer {
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), minimalExifTiff(k)]);
  const seg = Buffer.alloc(4 + payload.length);
  seg[0] = 0xff;
  seg[1] = 0xe1;
  seg.writeUInt16BE(payload.length + 2, 2);
  payload.copy(seg, 4);
  return seg;
}

/** What the record says was kept: "Orientation=6", "capture date (DateTimeOriginal, OffsetTimeOriginal)". */
export function keptExifLabels(k: KeptExif): string[] {
  const out: string[] = [];
  if (k.orientation !== undefined && k.orientation !== 1) out.push(`Orientation=${k.orientation}`);
  const capture = captureToWrite(k);
  if (capture.length > 0) out.push(`capture date (${capture.map((c) => CAPTURE_DATE_TAGS.get(c.tag)!.name).join(', ')})`);
  return out;
}
