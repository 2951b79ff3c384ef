import { PREVIEW_SCHEME } from './origins';

/**
 * The Content-Security-Policy of the renderer (DESIGN §8), sent as a response header by the app:// protocol on
 * every response and again by the session's header hook. Start from nothing and allow only what the built
 * renderer needs; each line says why.
 */
export const CSP_DIRECTIVES: readonly (readonly [directive: string, sources: string])[] = [
  // Everything not listed below is refused: media, frames, workers, manifests, prefetch.
  ['default-src', "'none'"],
  // Only the bundled scripts from app://huella. No 'unsafe-inline', no 'unsafe-eval', no 'wasm-unsafe-eval':
  // the renderer compiles nothing at run time, so an injected string can never become code.
  ['script-src', "'self'"],
  // Only the bundled stylesheets. Vite emits no <style> element and React's style props go through CSSOM,
  // which CSP does not govern, so 'unsafe-inline' is not needed.
  ['style-src', "'self'"],
  // Bundled images, and previews we re-encoded, streamed by the main process (never data:, blob: or file:).
  ['img-src', `'self' ${PREVIEW_SCHEME}:`],
  // Bundled fonts only (no remote font services: DESIGN §1 A5).
  ['font-src', "'self'"],
  // The renderer talks only through window.huella (IPC): fetch, XHR, WebSocket, EventSource and beacons are refused.
  ['connect-src', "'none'"],
  // Repeated although default-src covers them: some evaluators (and older engines) look for these explicitly.
  ['object-src', "'none'"],
  ['frame-src', "'none'"],
  ['worker-src', "'none'"],
  ['media-src', "'none'"],
  ['manifest-src', "'none'"],
  // An injected <base> could redirect every relative script URL.
  ['base-uri', "'none'"],
  // No form may submit anywhere (a form POST is a navigation and a network request).
  ['form-action', "'none'"],
  // Nothing may frame the app (clickjacking); only honoured as a header, which is how we send it.
  ['frame-ancestors', "'none'"],
];

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.map(([d, s]) => `${d} ${s}`).join('; ');

/** A preview is an image and nothing else: if one were ever opened as a document it could run nothing. */
export const PREVIEW_CSP = "default-src 'none'; sandbox";

/** Parses a policy string into directive → sources (for tests and for the header check). */
export function parseCsp(policy: string): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !out.has(name.toLowerCase())) out.set(name.toLowerCase(), sources);
  }
  return out;
}
