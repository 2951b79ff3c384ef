import type { ExtractedMetadata } from './metadata';

/** Messages between the ingest code and the parser worker. */
export type ParseRequest = {
  /** The file to parse, or '' when `data` holds its bytes (an attachment read from a chat export's zip). */
  readonly path: string;
  readonly data?: Uint8Array;
  readonly mediaType: string;
  readonly wantMetadata: boolean;
  readonly wantPreview: boolean;
  readonly previewSize: number;
  readonly maxPixels: number;
  /** Return the file's C2PA manifest store as embedded (a packet keeping Content Credentials ships it as a sidecar). */
  readonly wantManifestStore?: boolean;
  /**
   * The caller read every byte of the file (ingest, while encrypting it) and none is JUMBF_BOX_TYPE: the file holds no
   * C2PA manifest store, and the parser need not read it whole again to look for one.
   */
  readonly holdsNoJumbf?: boolean;
};

/** Every C2PA manifest store is a JUMBF superbox (box type 'jumb'), stored as is in each format the reader supports. */
export const JUMBF_BOX_TYPE = Buffer.from('jumb', 'latin1');

export type ParseResponse = {
  readonly metadata: ExtractedMetadata;
  readonly metadataError?: string;
  readonly preview?: Uint8Array; // WebP, re-encoded, orientation applied, no metadata
  readonly previewWidth?: number;
  readonly previewHeight?: number;
  readonly previewError?: string;
  readonly manifestStore?: Uint8Array;
};

/** Media types whose metadata exifr can read. */
export const METADATA_TYPES = new Set([
  'image/jpeg', 'image/tiff', 'image/png', 'image/webp', 'image/heic', 'image/heif', 'image/avif',
  'audio/ogg', 'audio/opus', 'video/ogg', 'application/ogg', 'video/webm', 'audio/webm', 'video/x-matroska', 'audio/x-matroska', 'video/matroska', 'audio/matroska',
  // Content Credentials only (content-credentials.ts):
  'video/mp4', 'video/quicktime', 'audio/mp4', 'audio/x-m4a', 'audio/mpeg',
]);
/** Media types exifr reads directly. */
export const EXIFR_TYPES = new Set(['image/jpeg', 'image/tiff', 'image/png', 'image/webp']);
/** Media types we re-encode into previews with sharp (SVG is excluded: a scriptable document, not a photo). */
export const PREVIEW_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/tiff', 'image/gif', 'image/avif', 'image/heic', 'image/heif']);

/** ISO-BMFF image formats whose items we read ourselves (heif-metadata.ts). */
export const HEIF_TYPES = new Set(['image/heic', 'image/heif', 'image/avif']);
/** HEVC-coded HEIF, which only libheif-js decodes here (heif-preview.ts). */
export const HEVC_TYPES = new Set(['image/heic', 'image/heif']);

/** The media type without parameters, lower-case: what the type tables above are keyed by. */
export function baseMediaType(mediaType: string): string {
  return mediaType.split(';')[0]!.trim().toLowerCase();
}

/** Media types whose C2PA manifests we read (the formats the library supports). */
export const C2PA_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg', 'image/png', 'image/heic', 'image/heif', 'image/avif', 'video/mp4', 'video/quicktime', 'audio/mp4', 'audio/x-m4a', 'audio/mpeg',
]);
