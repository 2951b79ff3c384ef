import type { ApiEvents } from '../../../shared/api';

export type LockReason = ApiEvents['session.locked']['reason'];

export type IdleLockOptions = {
  /** Milliseconds since some epoch (injected so tests drive time). */
  readonly now: () => number;
  /** The auto-lock setting, read at each check so a change applies at once. */
  readonly idleMinutes: () => number;
  /** Whether a vault is unlocked right now (nothing to lock otherwise). */
  readonly isUnlocked: () => boolean;
  /** Locks the session: closes the database, drops keys, clears the renderer. */
  readonly lock: (reason: LockReason) => void;
};

/** Bounds of the setting (shared/api.ts allows 1–240); anything else falls back to the safe default. */
export const MIN_IDLE_MINUTES = 1;
export const MAX_IDLE_MINUTES = 240;
export const DEFAULT_IDLE_MINUTES = 10;

export function effectiveIdleMinutes(setting: number): number {
  return Number.isInteger(setting) && setting >= MIN_IDLE_MINUTES && setting <= MAX_IDLE_MINUTES ? setting : DEFAULT_IDLE_MINUTES;
}

/**
 * Auto-lock (DESIGN §1 A2), as pure logic: the host feeds it input activity and calls check() periodically;
 * system events lock at once.
 *
 * - Activity is real input reaching our window (key, mouse, wheel, touch: Electron's `input-event`, produced by
 *   the browser process, so page script cannot fake it), not IPC traffic, which a polling page would keep alive.
 * - The idle lock fires once per unlocked period: after it fires nothing more happens until unlocked() re-arms it.
 * - Suspend, screen lock, the global shortcut and the menu lock immediately, armed or not.
 */
export class IdleLockTimer {
  readonly #o: IdleLockOptions;
  #lastActivity: number;
  #armed = false;

  constructor(options: IdleLockOptions) {
    this.#o = options;
    this.#lastActivity = options.now();
  }

  /** A vault was just unlocked: start counting from now. */
  unlocked(): void {
    this.#armed = true;
    this.#lastActivity = this.#o.now();
  }

  /** Input reached the window. */
  activity(): void {
    this.#lastActivity = this.#o.now();
  }

  /** Milliseconds until the idle lock would fire, or undefined when disarmed. */
  remainingMs(): number | undefined {
    if (!this.#armed) return undefined;
    // The wall clock went backwards (NTP, manual change): count from now rather than wait out the jump.
    if (this.#o.now() < this.#lastActivity) this.#lastActivity = this.#o.now();
    return Math.max(0, this.#lastActivity + effectiveIdleMinutes(this.#o.idleMinutes()) * 60_000 - this.#o.now());
  }

  /** Periodic check. Returns true when it locked. */
  check(): boolean {
    if (!this.#armed) return false;
    if (!this.#o.isUnlocked()) {
      // Locked by another path (the renderer's own idle request, the user): nothing to do until the next unlock.
      this.#armed = false;
      return false;
    }
    if ((this.remainingMs() ?? 1) > 0) return false;
    this.#armed = false;
    this.#o.lock('idle');
    return true;
  }

  /** Suspend, screen lock, shortcut, menu, or the user: lock now (the session ignores a lock with no vault). */
  lockNow(reason: Exclude<LockReason, 'idle'>): void {
    this.#armed = false;
    this.#o.lock(reason);
  }
}
