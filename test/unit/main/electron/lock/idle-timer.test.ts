import { describe, expect, it } from 'vitest';
import { DEFAULT_IDLE_MINUTES, IdleLockTimer, effectiveIdleMinutes, type LockReason } from '../../../../../main/electron/lock/idle-timer';

const MIN = 60_000;

function harness(minutes = 10) {
  const state = { now: 1_000_000, minutes, unlocked: false, locks: [] as LockReason[] };
  const timer = new IdleLockTimer({
    now: () => state.now,
    idleMinutes: () => state.minutes,
    isUnlocked: () => state.unlocked,
    lock: (reason) => {
      state.locks.push(reason);
      state.unlocked = false;
    },
  });
  const unlock = () => {
    state.unlocked = true;
    timer.unlocked();
  };
  const advance = (ms: number) => {
    state.now += ms;
    return timer.check();
  };
  return { state, timer, unlock, advance };
}

describe('idle auto-lock (fake clock)', () => {
  it('does nothing before a vault is unlocked', () => {
    const h = harness();
    expect(h.advance(60 * MIN)).toBe(false);
    expect(h.state.locks).toEqual([]);
    expect(h.timer.remainingMs()).toBeUndefined();
  });

  it('locks once the idle minutes pass without input, not a moment before', () => {
    const h = harness(10);
    h.unlock();
    expect(h.advance(10 * MIN - 1)).toBe(false);
    expect(h.timer.remainingMs()).toBe(1);
    expect(h.advance(1)).toBe(true);
    expect(h.state.locks).toEqual(['idle']);
  });

  it('input resets the countdown', () => {
    const h = harness(10);
    h.unlock();
    h.advance(9 * MIN);
    h.timer.activity();
    expect(h.advance(9 * MIN)).toBe(false);
    expect(h.advance(1 * MIN)).toBe(true);
    expect(h.state.locks).toEqual(['idle']);
  });

  it('fires once: no second lock until the next unlock re-arms it', () => {
    const h = harness(5);
    h.unlock();
    h.advance(5 * MIN);
    h.state.unlocked = true; // even if something reopened the vault behind the timer's back
    for (let i = 0; i < 10; i++) h.advance(5 * MIN);
    expect(h.state.locks).toEqual(['idle']);
    h.unlock();
    h.advance(5 * MIN);
    expect(h.state.locks).toEqual(['idle', 'idle']);
  });

  it('disarms if the vault was locked by another path (the renderer, the user)', () => {
    const h = harness(5);
    h.unlock();
    h.state.unlocked = false;
    h.advance(5 * MIN);
    expect(h.state.locks).toEqual([]);
    expect(h.timer.remainingMs()).toBeUndefined();
  });

  it('reads the setting at each check, so a shorter setting applies at once', () => {
    const h = harness(30);
    h.unlock();
    h.advance(3 * MIN);
    h.state.minutes = 2;
    expect(h.advance(0)).toBe(true);
  });

  it('uses the default for an out-of-range or garbage setting', () => {
    expect(effectiveIdleMinutes(0)).toBe(DEFAULT_IDLE_MINUTES);
    expect(effectiveIdleMinutes(-5)).toBe(DEFAULT_IDLE_MINUTES);
    expect(effectiveIdleMinutes(241)).toBe(DEFAULT_IDLE_MINUTES);
    expect(effectiveIdleMinutes(Number.NaN)).toBe(DEFAULT_IDLE_MINUTES);
    expect(effectiveIdleMinutes(2.5)).toBe(DEFAULT_IDLE_MINUTES);
    expect(effectiveIdleMinutes(1)).toBe(1);
    expect(effectiveIdleMinutes(240)).toBe(240);
    const h = harness(0);
    h.unlock();
    expect(h.advance(DEFAULT_IDLE_MINUTES * MIN - 1)).toBe(false);
    expect(h.advance(1)).toBe(true);
  });

  it('a wall clock moved backwards delays the lock by at most one idle period', () => {
    const h = harness(10);
    h.unlock();
    h.advance(-24 * 60 * MIN); // clock set back a day
    expect(h.advance(10 * MIN)).toBe(true);
  });

  for (const reason of ['suspend', 'screen-lock', 'shortcut', 'menu', 'user'] as const) {
    it(`locks at once on ${reason}, armed or not`, () => {
      const h = harness(10);
      h.unlock();
      h.advance(1);
      h.timer.lockNow(reason);
      expect(h.state.locks).toEqual([reason]);
      // and the idle timer does not fire again afterwards
      h.advance(60 * MIN);
      expect(h.state.locks).toEqual([reason]);
    });
  }
});
