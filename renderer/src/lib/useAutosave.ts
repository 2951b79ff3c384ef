import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';

/**
 * The one autosave state machine of the renderer: a value is scheduled on every change, saved a moment after the
 * typing stops (`delayMs`) and never later than `maxWaitMs` after the first unsaved change (so continuous typing is
 * saved too). Saves run one at a time, in order; a save that fails keeps the value pending and is retried on the
 * next change or flush. Leaving the screen flushes what is pending, and so does locking (flushAllAutosaves, called
 * before the vault is locked by hand or by the idle timer).
 */

export type AutosaveStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'pending' }
  | { readonly kind: 'saving' }
  | { readonly kind: 'saved'; readonly at: Date }
  | { readonly kind: 'error'; readonly error: unknown };

export type Autosave<V> = {
  readonly status: AutosaveStatus;
  /** Marks `value` as the latest state to save; the save happens after the delay. */
  schedule(value: V): void;
  /** Saves what is pending now; resolves when nothing is pending any more (or the save failed). */
  flush(): Promise<void>;
  /** Forgets what is pending (e.g. after the record was deleted or the draft discarded). */
  cancel(): void;
};

const registry = new Set<() => Promise<void>>();

/** Saves every pending autosave of the screens on display (before the vault locks). Never rejects. */
export async function flushAllAutosaves(): Promise<void> {
  await Promise.all([...registry].map((f) => f().catch(() => undefined)));
}

export function useAutosave<V>(options: {
  readonly save: (value: V) => Promise<void>;
  readonly delayMs: number;
  readonly maxWaitMs: number;
}): Autosave<V> {
  const [status, setStatus] = useState<AutosaveStatus>({ kind: 'idle' });
  const save = useRef(options.save);
  useLayoutEffect(() => {
    save.current = options.save;
  });
  const pending = useRef<{ value: V } | undefined>(undefined);
  const inflight = useRef<Promise<void> | undefined>(undefined);
  const timer = useRef<number | undefined>(undefined);
  const firstUnsaved = useRef<number | undefined>(undefined);
  const mounted = useRef(true);
  const { delayMs, maxWaitMs } = options;

  const report = useCallback((s: AutosaveStatus) => {
    if (mounted.current) setStatus(s);
  }, []);

  const run = useCallback(async (): Promise<void> => {
    window.clearTimeout(timer.current);
    timer.current = undefined;
    // One save at a time: wait for the one in flight, then save whatever is pending by then.
    while (inflight.current) await inflight.current;
    const next = pending.current;
    if (!next) return;
    pending.current = undefined;
    firstUnsaved.current = undefined;
    report({ kind: 'saving' });
    const p = save.current(next.value).then(
      () => report(pending.current ? { kind: 'pending' } : { kind: 'saved', at: new Date() }),
      (error: unknown) => {
        // Keep the value (unless something newer arrived meanwhile) so the next flush retries it.
        pending.current ??= next;
        report({ kind: 'error', error });
      },
    );
    inflight.current = p;
    try {
      await p;
    } finally {
      inflight.current = undefined;
    }
  }, [report]);

  const schedule = useCallback(
    (value: V) => {
      pending.current = { value };
      const now = Date.now();
      firstUnsaved.current ??= now;
      report({ kind: 'pending' });
      window.clearTimeout(timer.current);
      const wait = Math.max(0, Math.min(delayMs, firstUnsaved.current + maxWaitMs - now));
      timer.current = window.setTimeout(() => void run(), wait);
    },
    [delayMs, maxWaitMs, run, report],
  );

  const flush = useCallback(async () => {
    await run();
    // A save may have failed and kept its value: one more attempt is the caller's decision (next flush).
  }, [run]);

  const cancel = useCallback(() => {
    window.clearTimeout(timer.current);
    timer.current = undefined;
    pending.current = undefined;
    firstUnsaved.current = undefined;
    report({ kind: 'idle' });
  }, [report]);

  useEffect(() => {
    mounted.current = true;
    registry.add(flush);
    return () => {
      registry.delete(flush);
      mounted.current = false;
      // Leaving the screen: save what is pending (the request leaves now; its answer no longer matters here).
      void run();
    };
  }, [flush, run]);

  return useMemo(() => ({ status, schedule, flush, cancel }), [status, schedule, flush, cancel]);
}
