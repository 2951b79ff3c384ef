import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';

/**
 * Media type from the bytes, never from the extension (DESIGN §4). Falls back to text/plain for valid UTF-8
 * without control bytes, else application/octet-stream. Also says when the extension disagrees with the content,
 * which a documenter should know (a ".jpg" that is not a JPEG may be a renamed or damaged file).
 */
export type SniffResult = { readonly mediaType: string; readonly extension?: string; readonly mismatch?: string };

const EXTENSION_TYPES: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', tif: 'image/tiff', tiff: 'image/tiff',
  heic: 'image/heic', heif: 'image/heif', avif: 'image/avif', pdf: 'application/pdf', mp4: 'video/mp4', mov: 'video/quicktime',
  mp3: 'audio/mpeg', wav: 'audio/wav', m4a: 'audio/x-m4a', ogg: 'audio/ogg', opus: 'audio/ogg', oga: 'audio/ogg', webm: 'video/webm', mkv: 'video/matroska',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', odt: 'application/vnd.oasis.opendocument.text',
  txt: 'text/plain', md: 'text/plain', zip: 'application/zip',
};

function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return true;
  // Ignore a possibly cut multi-byte sequence at the end of the head.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  const bad = [...text.slice(0, -1)].filter((c) => c === '\uFFFD' || (c < ' ' && c !== '\n' && c !== '\r' && c !== '\t' && c !== '\f')).length;
  return bad === 0;
}

export async function sniffMediaType(head: Buffer, fileName: string): Promise<SniffResult> {
  const ft = await fileTypeFromBuffer(head);
  let mediaType = ft?.mime ?? (looksLikeText(head) ? 'text/plain' : 'application/octet-stream');
  // file-type reports HEIC brands as image/heic or image/heif; AVIF as image/avif. Keep as reported.
  if (mediaType === 'application/x-cfb') mediaType = 'application/x-ole-storage';
  const ext = path.extname(fileName).slice(1).toLowerCase();
  const expected = EXTENSION_TYPES[ext];
  const result: { mediaType: string; extension?: string; mismatch?: string } = { mediaType };
  if (ft?.ext) result.extension = ft.ext;
  const base = mediaType.split(';')[0]!.trim();
  if (expected && expected !== base && !(expected === 'text/plain' && mediaType.startsWith('text/'))) {
    const zipFamily = expected.startsWith('application/vnd.') && mediaType === 'application/zip';
    if (!zipFamily) result.mismatch = `The file is named .${ext} but its content is ${mediaType}.`;
  }
  return result;
}
