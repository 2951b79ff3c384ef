import { useEffect } from 'react';

const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'focusin'] as const;

/**
 * Calls onIdle after `minutes` without user activity (DESIGN §1 A2). The main process also locks on suspend,
 * screen lock and the global shortcut; this covers the person who walks away.
 */
export function useIdleTimer(minutes: number, onIdle: () => void): void {
  useEffect(() => {
    const ms = Math.max(1, minutes) * 60_000;
    let timer = window.setTimeout(onIdle, ms);
    let lastReset = Date.now();
    const reset = () => {
      // pointermove fires constantly; re-arming at most once a second is plenty.
      const now = Date.now();
      if (now - lastReset < 1000) return;
      lastReset = now;
      window.clearTimeout(timer);
      timer = window.setTimeout(onIdle, ms);
    };
    for (const e of ACTIVITY) window.addEventListener(e, reset, { passive: true, capture: true });
    return () => {
      window.clearTimeout(timer);
      for (const e of ACTIVITY) window.removeEventListener(e, reset, { capture: true });
    };
  }, [minutes, onIdle]);
}
