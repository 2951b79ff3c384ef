import path from 'node:path';
import { SECURITY_HEADERS } from './headers';
import { isAppUrl, parseUrl } from '../policy/origins';

/**
 * app://huella/<path> → a file inside the built renderer (dist/renderer), as pure decisions; main.ts only reads
 * the file. Served: known static types, by exact path. Refused: anything outside the folder (`..`, encoded
 * `%2e%2e` or `%2f`, backslashes, drive letters, NUL), dot-files, unknown extensions, other hosts, non-GET.
 */
export const MIME_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
});

export type AppResource =
  | { readonly kind: 'file'; readonly file: string; readonly status: 200; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: 'refused'; readonly status: 400 | 404 | 405; readonly headers: Readonly<Record<string, string>> };

const refused = (status: 400 | 404 | 405): AppResource => ({ kind: 'refused', status, headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' } });

/** A path segment we are willing to look up: plain names only. */
function safeSegment(seg: string): boolean {
  if (seg.length === 0 || seg.length > 255 || seg.startsWith('.')) return false;
  for (const ch of seg) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || c === 0x7f || ch === '/' || ch === '\\' || ch === ':') return false;
  }
  return true;
}

/**
 * @param rendererRoot absolute path of the built renderer folder.
 */
export function resolveAppRequest(rawUrl: string, method: string, rendererRoot: string): AppResource {
  if (method !== 'GET' && method !== 'HEAD') return refused(405);
  if (!isAppUrl(rawUrl)) return refused(404);
  const url = parseUrl(rawUrl)!;
  const rawSegments = url.pathname.split('/').slice(1);
  if (rawSegments.length === 1 && rawSegments[0] === '') rawSegments[0] = 'index.html';
  const segments: string[] = [];
  for (const raw of rawSegments) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return refused(400);
    }
    if (!safeSegment(seg)) return refused(404);
    segments.push(seg);
  }
  const root = path.resolve(rendererRoot);
  const file = path.resolve(root, ...segments);
  // Belt and braces: the checks above already exclude every way out, this catches the ones we did not think of.
  if (!file.startsWith(root + path.sep)) return refused(404);
  const type = MIME_TYPES[path.extname(file).toLowerCase()];
  if (!type) return refused(404);
  return { kind: 'file', file, status: 200, headers: { ...SECURITY_HEADERS, 'content-type': type } };
}
