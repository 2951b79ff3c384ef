import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HuellaError } from '../errors';

/**
 * Fonts embedded (subset) in the PDFs we make (packet cover documents, recovery sheet): Noto Sans (Latin, Greek, Cyrillic) and Noto Naskh Arabic,
 * regular and bold, SIL Open Font License 1.1. They come from the npm packages @expo-google-fonts/noto-sans and
 * @expo-google-fonts/noto-naskh-arabic (plain TTF files; the @fontsource packages ship only WOFF/WOFF2), so no
 * font binary is committed to this repository and none is ever fetched at run time (DESIGN §1 A5).
 *
 * Lookup: first `fonts/` beside the running bundle (scripts/build-main.js copies the four files there for the
 * packaged app), then the npm packages (development, tests, CLI).
 */
export const FONT_FILES = {
  sans: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  sansBold: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
  arabic: '@expo-google-fonts/noto-naskh-arabic/400Regular/NotoNaskhArabic_400Regular.ttf',
  arabicBold: '@expo-google-fonts/noto-naskh-arabic/700Bold/NotoNaskhArabic_700Bold.ttf',
} as const;

export type FontKey = keyof typeof FONT_FILES;
export type FontSet = Readonly<Record<FontKey, Buffer>>;

let cached: FontSet | undefined;

function locate(spec: string): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const beside = path.join(here, 'fonts', path.basename(spec));
  if (fs.existsSync(beside)) return beside;
  try {
    return createRequire(import.meta.url).resolve(spec);
  } catch (e) {
    throw new HuellaError('INTERNAL', `A font for the cover documents is missing (${path.basename(spec)}); reinstall the application.`, { cause: e });
  }
}

export function loadFonts(): FontSet {
  cached ??= Object.fromEntries(Object.entries(FONT_FILES).map(([k, spec]) => [k, fs.readFileSync(locate(spec))])) as FontSet;
  return cached;
}
