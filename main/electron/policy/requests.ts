import { isAppUrl, isPreviewUrl, parseUrl } from './origins';

/**
 * The session's request filter (webRequest.onBeforeRequest): the app opens no connection (DESIGN §1 A5), so
 * every request is cancelled unless it goes to one of our two in-process protocols. http(s), ws(s), ftp, file,
 * data, blob, chrome, devtools (outside development) and every other host of our own schemes are refused.
 */
export type RequestPolicy = {
  /** Development builds only: lets DevTools load its own devtools:// front-end. */
  readonly allowDevtools: boolean;
};

export const PRODUCTION_REQUEST_POLICY: RequestPolicy = Object.freeze({ allowDevtools: false });

export function isRequestAllowed(url: string, policy: RequestPolicy = PRODUCTION_REQUEST_POLICY): boolean {
  if (isAppUrl(url) || isPreviewUrl(url)) return true;
  if (policy.allowDevtools) {
    const u = parseUrl(url);
    return u !== undefined && u.protocol === 'devtools:';
  }
  return false;
}

/** The callback response Electron expects: `{ cancel: true }` refuses the request before any socket exists. */
export function requestDecision(url: string, policy: RequestPolicy = PRODUCTION_REQUEST_POLICY): { readonly cancel: boolean } {
  return { cancel: !isRequestAllowed(url, policy) };
}
