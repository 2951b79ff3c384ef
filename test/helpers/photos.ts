import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/**
 * Small photo-like JPEGs with identifying EXIF (make, model, serial, artist, GPS, capture time), written with
 * sharp's EXIF writer. Deterministic from `seed`. For rich metadata (XMP, IPTC, MakerNotes) see test/fixtures/photos.ts.
 */
export type SimplePhoto = { readonly file: string; readonly make: string; readonly model: string; readonly serial: string; readonly artist: string; readonly gps: { lat: number; lon: number } };

export async function writeGpsPhoto(dir: string, name: string, seed: number, size = { width: 320, height: 240 }): Promise<SimplePhoto> {
  const { width, height } = size;
  const raw = Buffer.alloc(width * height * 3);
  let x = seed * 2654435761;
  for (let i = 0; i < raw.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    raw[i] = ((i % (width * 3)) + (x >>> 24)) & 255;
  }
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const serial = `SN${900000 + seed}X`;
  const lat = 10 + (seed % 50) / 100;
  const lon = -(66 + (seed % 30) / 100);
  const deg = (v: number): string => {
    const a = Math.abs(v);
    const d = Math.floor(a);
    const m = Math.round((a - d) * 60 * 1000);
    return `${d}/1 ${m}/1000 0/1`;
  };
  await sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 80 })
    .withExif({
      IFD0: { Make: 'Testmaker', Model: `Testcam Model ${seed}`, Software: 'TestFirmware 9.9', Artist: `Photographer Number${seed}` },
      IFD2: { DateTimeOriginal: '2024:03:01 10:11:12', BodySerialNumber: serial },
      IFD3: { GPSLatitudeRef: lat >= 0 ? 'N' : 'S', GPSLatitude: deg(lat), GPSLongitudeRef: lon >= 0 ? 'E' : 'W', GPSLongitude: deg(lon) },
    })
    .toFile(file);
  return { file, make: 'Testmaker', model: `Testcam Model ${seed}`, serial, artist: `Photographer Number${seed}`, gps: { lat, lon } };
}
