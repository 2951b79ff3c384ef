import { isAppUrl, parseUrl } from './origins';

/**
 * What the window may navigate to, open, or be granted (DESIGN §8: navigation and new windows denied,
 * permission requests denied). The app is one page; the only movement allowed is the renderer's own hash
 * routing (a fragment change inside app://huella, which never leaves the document).
 */

export type NavigationRequest = {
  /** Where the frame wants to go. */
  readonly url: string;
  /** Where it is now (webContents.getURL()). */
  readonly currentUrl: string;
  /** Electron's flag for in-page navigations (fragment changes, history.pushState). */
  readonly isSameDocument: boolean;
};

export type Decision = { readonly allow: true } | { readonly allow: false; readonly reason: string };

const deny = (reason: string): Decision => ({ allow: false, reason });

/** will-navigate, will-frame-navigate, will-redirect: deny all except a fragment change on the same page. */
export function decideNavigation(req: NavigationRequest): Decision {
  if (!req.isSameDocument) return deny('the app never leaves its page');
  if (!isAppUrl(req.url) || !isAppUrl(req.currentUrl)) return deny('only app://huella may be shown');
  const to = parseUrl(req.url)!;
  const from = parseUrl(req.currentUrl)!;
  if (to.pathname !== from.pathname || to.search !== from.search) return deny('only the fragment may change');
  return { allow: true };
}

/** setWindowOpenHandler: no new windows, ever, and no hand-off to the system browser (that would be network). */
export function decideWindowOpen(_url: string): { readonly action: 'deny' } {
  return { action: 'deny' };
}

/**
 * Permission requests and checks (camera, microphone, geolocation, notifications, clipboard, HID/USB/serial,
 * fullscreen, openExternal, …): all refused. Clipboard writes too: a copied content hash would land in clipboard
 * history on disk, and a known photo's hash must not be findable there (DESIGN §1 A1). The renderer falls back to
 * selecting the text for an explicit Ctrl+C.
 */
export function decidePermission(_permission: string, _requestingUrl: string): false {
  return false;
}

/** <webview> attachment: refused (webviewTag is off as well; this is the second lock). */
export function decideWebviewAttach(_src: string): Decision {
  return deny('webviews are not used');
}

/**
 * Whether the main process may hand a URL to the OS (shell.openExternal). Never: a link in evidence metadata
 * opened in a browser would be a network connection made on the app's behalf (DESIGN §1 A5).
 */
export function decideOpenExternal(_url: string): false {
  return false;
}
