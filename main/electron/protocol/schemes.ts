import type { CustomScheme } from 'electron';
import { APP_SCHEME, PREVIEW_SCHEME } from '../policy/origins';

/**
 * The two custom schemes and the privileges each gets, registered in ONE call before app ready (Electron honours
 * only one registerSchemesAsPrivileged call). Privileges only as needed:
 * - app: `standard` (relative URLs and a real origin for 'self'), `secure` (a secure context, so nothing is
 *   treated as mixed content), `supportFetchAPI` and `corsEnabled` because Chromium loads ES module scripts
 *   (Vite's output, with its `crossorigin` attribute) through fetch in CORS mode. Never `bypassCSP`, never
 *   service workers (they would persist and intercept), no code cache on disk.
 * - huella-preview: `standard` + `secure` only, so <img> from a secure page may load it; no fetch, no CORS, so
 *   page script can draw a preview but never read its bytes back through fetch.
 */
export const PRIVILEGED_SCHEMES: readonly CustomScheme[] = Object.freeze([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, bypassCSP: false, allowServiceWorkers: false, stream: false, codeCache: false } },
  { scheme: PREVIEW_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false, bypassCSP: false, allowServiceWorkers: false, stream: false, codeCache: false } },
]);

/**
 * The window's session partition. No "persist:" prefix: Chromium keeps this session's cache, storage and cookies
 * in memory only, so decrypted previews and UI state never reach the disk through Chromium (DESIGN §1 A1).
 */
export const WINDOW_PARTITION = 'huella-window';
