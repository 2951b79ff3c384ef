import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { GLOBAL_LOCK_SHORTCUT, LOCK_ACCELERATOR, menuTemplate } from '../../../../../main/electron/menu/template';

function flatten(items: readonly MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

describe('application menu', () => {
  for (const isMac of [false, true]) {
    it(`has "Lock now" that locks with reason "menu" (${isMac ? 'macOS' : 'Windows/Linux'})`, () => {
      let locked = 0;
      const items = flatten(menuTemplate({ lockNow: () => locked++ }, { isMac, development: false, productName: 'Huella' }));
      const lock = items.filter((i) => i.id === 'lock-now');
      expect(lock).toHaveLength(1);
      expect(lock[0]!.accelerator).toBe(LOCK_ACCELERATOR);
      (lock[0]!.click as () => void)();
      expect(locked).toBe(1);
    });
  }

  it('offers reload and DevTools only in development builds', () => {
    const roles = (development: boolean) => flatten(menuTemplate({ lockNow: () => undefined }, { isMac: false, development, productName: 'Huella' })).map((i) => i.role);
    for (const r of ['toggleDevTools', 'reload', 'forceReload']) expect(roles(false)).not.toContain(r);
    expect(roles(true)).toContain('toggleDevTools');
  });

  it('links nowhere (no Help menu that would open a browser)', () => {
    const items = flatten(menuTemplate({ lockNow: () => undefined }, { isMac: true, development: true, productName: 'Huella' }));
    expect(items.some((i) => i.role === 'help' || /help|website|learn more/i.test(String(i.label ?? '')))).toBe(false);
  });

  it('uses a global shortcut different from the in-app one, with modifiers', () => {
    expect(GLOBAL_LOCK_SHORTCUT).not.toBe(LOCK_ACCELERATOR);
    expect(GLOBAL_LOCK_SHORTCUT.split('+').length).toBeGreaterThanOrEqual(3);
  });
});
