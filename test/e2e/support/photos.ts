import fs from 'node:fs';
import path from 'node:path';
import { makeJpeg } from '../../fixtures/photos';

export type PhotoSpec = {
  readonly name: string;
  readonly gps?: { readonly lat: number; readonly lon: number };
  readonly serial?: string;
  /** "YYYY:MM:DD HH:MM:SS" */
  readonly dateTime?: string;
  readonly seed?: number;
};

/**
 * A small JPEG with camera EXIF (make, model, capture time, optionally GPS and a body serial), made by the shared
 * fixture script (test/fixtures/photos.ts: sharp pixels, exiftool metadata). Fixtures are generated, never committed.
 */
export async function writePhoto(dir: string, spec: PhotoSpec): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const made = await makeJpeg({
    dir,
    name: spec.name,
    width: 480,
    height: 360,
    seed: spec.seed ?? spec.name.length,
    exif: {
      make: 'Huella Test Camera',
      model: 'HT-1',
      dateTimeOriginal: spec.dateTime ?? '2024:03:05 10:15:00',
      ...(spec.gps ? { gps: spec.gps } : {}),
      ...(spec.serial ? { serial: spec.serial } : {}),
    },
  });
  return made.path;
}

/** A folder of photos, every other one with GPS (Istanbul), the first with a body serial, and one broken JPEG. */
export async function writePhotoFolder(dir: string, count = 4): Promise<{ dir: string; photos: string[]; broken: string }> {
  fs.mkdirSync(dir, { recursive: true });
  const photos: string[] = [];
  for (let i = 0; i < count; i++) {
    photos.push(
      await writePhoto(dir, {
        name: `IMG_${1000 + i}.jpg`,
        ...(i % 2 === 0 ? { gps: { lat: 41.0082 + i * 0.001, lon: 28.9784 + i * 0.001 } } : {}),
        ...(i === 0 ? { serial: 'SN-0042-TEST' } : {}),
        dateTime: `2024:03:0${(i % 9) + 1} 1${i % 10}:15:00`,
        seed: 100 + i,
      }),
    );
  }
  const broken = path.join(dir, 'broken.jpg');
  fs.writeFileSync(broken, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]));
  return { dir, photos, broken };
}

/** A symbolic link inside the folder: ingest refuses to follow it, so the import shows a per-file problem. */
export function addSymlink(dir: string, target: string, name = 'link-to-photo.jpg'): string {
  const p = path.join(dir, name);
  fs.symlinkSync(target, p);
  return p;
}
