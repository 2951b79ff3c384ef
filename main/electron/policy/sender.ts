import { isAppUrl } from './origins';

/**
 * Who may call the API over IPC (STYLE 4): only the main frame of our own window, showing app://huella.
 * An iframe (there should be none: frame-src 'none'), another window, a page that somehow navigated away, or a
 * frame already gone are refused before the input is even parsed.
 */
export type IpcSender = {
  /** The sending frame's URL, or undefined when Electron no longer knows the frame (navigated or destroyed). */
  readonly frameUrl: string | undefined;
  /** The sending frame is its page's top frame. */
  readonly isMainFrame: boolean;
  /** The sending webContents is the one of the window we created. */
  readonly isOurWindow: boolean;
};

export function isTrustedSender(sender: IpcSender): boolean {
  return sender.isOurWindow && sender.isMainFrame && sender.frameUrl !== undefined && isAppUrl(sender.frameUrl);
}
