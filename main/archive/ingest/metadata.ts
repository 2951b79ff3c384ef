/**
 * Metadata extracted at ingest and kept as evidence (DESIGN §4): capture time, GPS, device, software, orientation,
 * authorship. Pure functions over exifr's segment output, so they run in the parser worker and in tests alike.
 */
import type { ExtractedMetadata, GpsPosition } from '../../../shared/model/items';

export type { ExtractedMetadata, GpsPosition };

type Segment = Record<string, unknown>;

const MAX_SEGMENTS_JSON = 256 * 1024;

function str(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const t = v.replace(/\0+$/, '').trim();
    return t.length > 0 ? t.slice(0, 1000) : undefined;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function textOf(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(textOf);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // XMP language alternatives: { lang: 'x-default', value: '…' }, or rdf:li lists.
    if ('value' in o) return textOf(o.value);
    return Object.values(o).flatMap(textOf);
  }
  const s = str(v);
  return s ? [s] : [];
}

/** "2023:05:01 12:34:56" (+ "+02:00") → "2023-05-01T12:34:56+02:00". */
export function exifDateToIso(value: unknown, offset?: unknown): string | undefined {
  const s = str(value);
  if (!s) return undefined;
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?/.exec(s);
  if (!m) return s.length <= 40 ? s : undefined;
  const off = str(offset);
  const tz = off && /^[+-]\d{2}:\d{2}$/.test(off) ? off : '';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}${tz}`;
}

function dmsToDecimal(v: unknown, ref: unknown): number | undefined {
  let value: number | undefined;
  if (typeof v === 'number') value = v;
  else if (Array.isArray(v) && v.length >= 1 && v.every((x) => typeof x === 'number')) {
    const [d = 0, m = 0, s = 0] = v as number[];
    value = d + m / 60 + s / 3600;
  }
  if (value === undefined || !Number.isFinite(value)) return undefined;
  const r = str(ref)?.toUpperCase();
  return r === 'S' || r === 'W' ? -Math.abs(value) : value;
}

function gpsFrom(gps: Segment | undefined, xmp: Segment | undefined): GpsPosition | undefined {
  if (gps) {
    const lat = num(gps.latitude) ?? dmsToDecimal(gps.GPSLatitude, gps.GPSLatitudeRef);
    const lon = num(gps.longitude) ?? dmsToDecimal(gps.GPSLongitude, gps.GPSLongitudeRef);
    if (lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
      const altRaw = num(gps.GPSAltitude);
      const alt = altRaw === undefined ? undefined : gps.GPSAltitudeRef === 1 ? -altRaw : altRaw;
      return alt === undefined ? { lat, lon } : { lat, lon, alt };
    }
  }
  if (xmp) {
    // XMP exif:GPSLatitude "48,51.5N" form.
    const parse = (s: string | undefined): number | undefined => {
      const m = s ? /^(\d+),(\d+(?:\.\d+)?)([NSEW])$/.exec(s) : null;
      if (!m) return undefined;
      const v = Number(m[1]) + Number(m[2]) / 60;
      return m[3] === 'S' || m[3] === 'W' ? -v : v;
    };
    const lat = parse(str(xmp.GPSLatitude));
    const lon = parse(str(xmp.GPSLongitude));
    if (lat !== undefined && lon !== undefined) return { lat, lon };
  }
  return undefined;
}

function sanitizeSegments(segments: Record<string, unknown>): Record<string, Record<string, unknown>> | undefined {
  const out: Record<string, Record<string, unknown>> = {};
  const clean = (v: unknown, depth: number): unknown => {
    if (v instanceof Uint8Array || ArrayBuffer.isView(v)) return undefined;
    if (typeof v === 'string') return v.slice(0, 2000);
    if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
    if (typeof v === 'boolean' || v === null) return v;
    if (depth > 4) return undefined;
    if (Array.isArray(v)) return v.slice(0, 64).map((x) => clean(x, depth + 1)).filter((x) => x !== undefined);
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
    if (typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>).slice(0, 500)) {
        const c = clean(x, depth + 1);
        if (c !== undefined) o[k] = c;
      }
      return o;
    }
    return undefined;
  };
  for (const [name, seg] of Object.entries(segments)) {
    if (seg && typeof seg === 'object' && !(seg instanceof Uint8Array)) {
      const c = clean(seg, 0);
      if (c && typeof c === 'object' && Object.keys(c).length > 0) out[name] = c as Record<string, unknown>;
    }
  }
  const json = JSON.stringify(out);
  if (json.length > MAX_SEGMENTS_JSON) return undefined;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Normalises exifr's un-merged output (mergeOutput: false) into the evidence record. */
export function normalizeExifrOutput(raw: Record<string, unknown> | undefined): ExtractedMetadata {
  if (!raw) return {};
  const seg = (k: string): Segment | undefined => (raw[k] && typeof raw[k] === 'object' ? (raw[k] as Segment) : undefined);
  const ifd0 = seg('ifd0');
  const exif = seg('exif');
  const gps = seg('gps');
  const xmp = seg('xmp');
  const iptc = seg('iptc');
  const ihdr = seg('ihdr');
  const creators = [
    ...textOf(ifd0?.Artist),
    ...textOf(xmp?.creator),
    ...textOf(iptc?.Byline ?? iptc?.['By-line']),
    ...textOf(exif?.OwnerName ?? exif?.CameraOwnerName),
  ];
  const uniqueCreators = [...new Set(creators)];
  const captureTime =
    exifDateToIso(exif?.DateTimeOriginal, exif?.OffsetTimeOriginal) ??
    exifDateToIso(exif?.CreateDate ?? exif?.DateTimeDigitized, exif?.OffsetTimeDigitized) ??
    exifDateToIso(xmp?.DateCreated ?? xmp?.CreateDate) ??
    exifDateToIso(ifd0?.ModifyDate ?? ifd0?.DateTime, exif?.OffsetTime);
  const meta: Record<string, unknown> = {
    captureTime,
    gps: gpsFrom(gps, xmp),
    make: str(ifd0?.Make) ?? str(xmp?.Make),
    model: str(ifd0?.Model) ?? str(xmp?.Model),
    serial: str(exif?.BodySerialNumber) ?? str(exif?.SerialNumber) ?? str(ifd0?.SerialNumber) ?? str(xmp?.SerialNumber) ?? str(exif?.InternalSerialNumber),
    lensModel: str(exif?.LensModel),
    lensSerial: str(exif?.LensSerialNumber),
    software: str(ifd0?.Software) ?? str(xmp?.CreatorTool),
    orientation: num(ifd0?.Orientation),
    width: num(exif?.ExifImageWidth) ?? num(ifd0?.ImageWidth) ?? num(ihdr?.ImageWidth),
    height: num(exif?.ExifImageHeight) ?? num(ifd0?.ImageHeight) ?? num(ihdr?.ImageHeight),
    creators: uniqueCreators.length > 0 ? uniqueCreators : undefined,
    copyright: str(ifd0?.Copyright) ?? textOf(xmp?.rights)[0],
    segments: sanitizeSegments(raw),
  };
  for (const k of Object.keys(meta)) if (meta[k] === undefined) delete meta[k];
  return meta as ExtractedMetadata;
}
