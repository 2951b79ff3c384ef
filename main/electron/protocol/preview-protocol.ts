import { isId } from '../../archive/ids';
import { PREVIEW_CSP } from '../policy/csp';
import { isPreviewUrl, parseUrl } from '../policy/origins';

/**
 * huella-preview://item/<itemId> → the item's re-encoded preview, decrypted in memory by main/ipc's
 * previewBytes() and handed to Chromium as a response body: no temporary file, no file:// URL, no plaintext on
 * disk (DESIGN §1 A1, A3). Locked or unknown → 404, indistinguishable from each other.
 */
export type PreviewLookup = (itemId: string) => Promise<{ readonly type: string; readonly data: Buffer } | undefined>;

export type PreviewResponse = {
  readonly status: 200 | 404 | 405;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | undefined;
};

const HEADERS = Object.freeze({
  'content-security-policy': PREVIEW_CSP,
  'x-content-type-options': 'nosniff',
  // Decrypted pixels must not be kept by Chromium's cache after a lock.
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
});

/** Only previews we produced ourselves are ever served, and only in these types. */
const SERVED_TYPES = new Set(['image/webp', 'image/png', 'image/jpeg']);

/** The item id in a preview URL, or undefined if the URL is anything else (query, fragment, extra path, bad id). */
export function parsePreviewUrl(rawUrl: string): string | undefined {
  if (!isPreviewUrl(rawUrl)) return undefined;
  const u = parseUrl(rawUrl)!;
  if (u.search !== '' || u.hash !== '') return undefined;
  const m = /^\/([^/]+)$/.exec(u.pathname);
  if (!m?.[1]) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
  return isId(id, 'it') ? id : undefined;
}

export async function servePreview(rawUrl: string, method: string, lookup: PreviewLookup): Promise<PreviewResponse> {
  if (method !== 'GET') return { status: 405, headers: HEADERS, body: undefined };
  const id = parsePreviewUrl(rawUrl);
  const found = id === undefined ? undefined : await lookup(id);
  if (!found || !SERVED_TYPES.has(found.type)) return { status: 404, headers: HEADERS, body: undefined };
  return { status: 200, headers: { ...HEADERS, 'content-type': found.type, 'content-length': String(found.data.length) }, body: found.data };
}
