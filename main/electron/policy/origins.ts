/**
 * The only two origins the window ever talks to (DESIGN §8). Pure constants shared by the main process, the
 * policies and the preload, so the allow-lists cannot drift apart.
 *
 * - `app://huella/…` serves the built renderer from inside the app (never file://, which would give the page
 *   a filesystem origin and, with the GrantFileProtocolExtraPrivileges fuse, extra powers).
 * - `huella-preview://item/<id>` streams an item's re-encoded preview, decrypted in memory by the main process.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'huella';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export const PREVIEW_SCHEME = 'huella-preview';
export const PREVIEW_HOST = 'item';

/** Parses a URL, returning undefined instead of throwing on garbage (every policy treats garbage as "deny"). */
export function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/**
 * True for app://huella/… exactly: our scheme, our host, no credentials, no port. (WHATWG gives non-special
 * schemes an opaque origin, so `URL.origin` is "null" here and cannot be compared; we compare the parts.)
 */
export function isAppUrl(raw: string): boolean {
  const u = parseUrl(raw);
  return u !== undefined && u.protocol === `${APP_SCHEME}:` && u.hostname === APP_HOST && u.port === '' && u.username === '' && u.password === '';
}

/** True for huella-preview://item/… exactly. */
export function isPreviewUrl(raw: string): boolean {
  const u = parseUrl(raw);
  return u !== undefined && u.protocol === `${PREVIEW_SCHEME}:` && u.hostname === PREVIEW_HOST && u.port === '' && u.username === '' && u.password === '';
}

/** The URL the renderer puts in <img src> for an item's preview. */
export function previewUrlFor(itemId: string): string {
  return `${PREVIEW_SCHEME}://${PREVIEW_HOST}/${encodeURIComponent(itemId)}`;
}

/** What a log line may say about a URL: its scheme only (a path can hold an evidence file name). */
export function schemeOf(raw: string): string {
  return parseUrl(raw)?.protocol ?? 'invalid:';
}
