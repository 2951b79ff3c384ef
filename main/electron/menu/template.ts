import type { MenuItemConstructorOptions } from 'electron';

/** The lock shortcut inside the app menu, and the global one that works even when Huella is in the background. */
export const LOCK_ACCELERATOR = 'CommandOrControl+L';
export const GLOBAL_LOCK_SHORTCUT = 'CommandOrControl+Alt+Shift+L';

export type MenuActions = { readonly lockNow: () => void };
export type MenuContext = { readonly isMac: boolean; readonly development: boolean; readonly productName: string };

/**
 * The application menu. Edit roles are there because macOS needs them for copy/paste in text fields. No Help
 * links (they would open a browser: network), and reload / DevTools only in development builds.
 */
export function menuTemplate(actions: MenuActions, ctx: MenuContext): MenuItemConstructorOptions[] {
  const lockItem: MenuItemConstructorOptions = { id: 'lock-now', label: 'Lock now', accelerator: LOCK_ACCELERATOR, click: () => actions.lockNow() };
  const template: MenuItemConstructorOptions[] = [];
  if (ctx.isMac) {
    template.push({ label: ctx.productName, submenu: [{ role: 'about' }, { type: 'separator' }, lockItem, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] });
  } else {
    template.push({ label: '&File', submenu: [lockItem, { type: 'separator' }, { role: 'quit' }] });
  }
  template.push({
    label: '&Edit',
    submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  });
  const view: MenuItemConstructorOptions[] = [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }];
  if (ctx.development) view.unshift({ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  template.push({ label: '&View', submenu: view });
  template.push({ label: '&Window', submenu: [{ role: 'minimize' }, { role: 'close' }] });
  return template;
}
