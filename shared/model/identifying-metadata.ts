/**
 * The media types whose identifying metadata (GPS position, device make, model and serial, author, software) is
 * read at import: images through exifr and the HEIF reader (main/archive/ingest: EXIFR_TYPES and HEIF_TYPES, kept
 * equal to this set by a test). For any other type (PDF, audio, video, documents) an empty record means "not
 * read", never "none there": a PDF's author or an MP3's recorded place are not looked for, so the app must not
 * tell the documenter that the file names no place, device or person.
 */
export const IDENTIFYING_METADATA_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/tiff', 'image/png', 'image/webp', 'image/heic', 'image/heif', 'image/avif']);

/** Whether an import reads this media type's identifying metadata (parameters and case ignored). */
export function readsIdentifyingMetadata(mediaType: string): boolean {
  return IDENTIFYING_METADATA_TYPES.has(mediaType.split(';')[0]!.trim().toLowerCase());
}
