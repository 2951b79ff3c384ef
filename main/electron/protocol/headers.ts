import { CONTENT_SECURITY_POLICY } from '../policy/csp';

/**
 * Headers on every app:// response. The CSP rides on every response, not only HTML, so a document that somehow
 * came from another file type would still be bound by it.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': CONTENT_SECURITY_POLICY,
  // Never guess a type: a file is what its extension says or it is not served.
  'x-content-type-options': 'nosniff',
  // Nothing we serve is worth caching, and a cache is one more copy (the session is in memory anyway).
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), bluetooth=(), payment=(), clipboard-read=(), display-capture=()',
});

/**
 * For the session's onHeadersReceived hook: our security headers replace whatever a response carried (matched
 * case-insensitively), so no response can loosen the CSP by sending its own.
 */
export function withSecurityHeaders(headers: Readonly<Record<string, readonly string[] | string>> | undefined): Record<string, string[]> {
  const ours = new Set(Object.keys(SECURITY_HEADERS));
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (!ours.has(k.toLowerCase())) out[k] = Array.isArray(v) ? [...(v as readonly string[])] : [v as string];
  }
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) out[k] = [v];
  return out;
}
