/**
 * Names of exported files. They must not leak: the default is a neutral label (E001.jpg), optionally followed by
 * the documenter's title for the item (already pseudonymised by the caller); the original file name only when the
 * person exporting asks for it (it often carries a date, a device or a name).
 */
const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/apng': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/bmp': 'bmp',
  'image/tiff': 'tif',
  'image/avif': 'avif',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.presentation': 'odp',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/x-m4v': 'm4v',
  'video/3gpp': '3gp',
  'video/3gpp2': '3g2',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/3gpp': '3gp',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/wave': 'wav',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
  'audio/ogg': 'ogg',
  'audio/opus': 'opus',
  'video/ogg': 'ogv',
  'application/ogg': 'ogg',
  'video/webm': 'webm',
  'audio/webm': 'webm',
  'video/x-matroska': 'mkv',
  'video/matroska': 'mkv',
  'audio/x-matroska': 'mka',
  'audio/matroska': 'mka',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'application/zip': 'zip',
};

export function extensionFor(mediaType: string): string {
  return EXTENSIONS[mediaType.toLowerCase().split(';')[0]?.trim() ?? ''] ?? 'bin';
}

export function itemLabel(index: number): string {
  return `E${String(index + 1).padStart(3, '0')}`;
}

export function testimonyLabel(index: number): string {
  return `T${String(index + 1).padStart(2, '0')}`;
}

const MAX_SLUG = 48;

/**
 * A file-name-safe form of a title: letters and digits of any script (NFC), joined by '-', at most 48 characters.
 * Never a path separator, dot, space, control or bidi character, so manifests, zips and every OS accept it.
 */
export function slug(text: string): string {
  const words = text.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? [];
  let out = '';
  for (const w of words) {
    const next = out ? `${out}-${w}` : w;
    if ([...next].length > MAX_SLUG) break;
    out = next;
  }
  return out;
}

/** E001.jpg, E001-title.jpg, E001-title-originalname.jpg. */
export function exportFileName(label: string, mediaType: string, parts: readonly (string | undefined)[]): string {
  const slugs = parts.filter((p): p is string => typeof p === 'string').map(slug).filter((s) => s.length > 0);
  return `${[label, ...slugs].join('-')}.${extensionFor(mediaType)}`;
}

/** The original name without its extension (the exported extension follows the sniffed type, not the name). */
export function baseNameWithoutExtension(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
