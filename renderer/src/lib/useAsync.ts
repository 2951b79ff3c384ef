import { useCallback, useEffect, useState } from 'react';

export type AsyncState<T> =
  | { readonly status: 'loading'; readonly value?: T }
  | { readonly status: 'ok'; readonly value: T }
  | { readonly status: 'error'; readonly error: unknown; readonly value?: T };

type Settled<T> = { readonly key: string } & ({ readonly status: 'ok'; readonly value: T } | { readonly status: 'error'; readonly error: unknown; readonly value?: T });

/**
 * Runs an async load when deps change. The answer is stored with the deps it was for, so an answer for older deps
 * is never shown as current (the previous value stays visible, marked loading, until the new one arrives).
 * Deps must be JSON-serialisable (ids, filters, counters).
 */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> & { reload(): void } {
  const [tick, setTick] = useState(0);
  const key = JSON.stringify([...deps, tick]);
  const [settled, setSettled] = useState<Settled<T> | undefined>();
  useEffect(() => {
    let current = true;
    load().then(
      (value) => {
        if (current) setSettled({ key, status: 'ok', value });
      },
      (error: unknown) => {
        if (current) setSettled((s) => ({ key, status: 'error', error, ...(s && s.status === 'ok' ? { value: s.value } : {}) }));
      },
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for the caller's deps of `load`
  }, [key]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  if (!settled) return { status: 'loading', reload };
  if (settled.key === key) return { ...settled, reload };
  return settled.value !== undefined ? { status: 'loading', value: settled.value, reload } : { status: 'loading', reload };
}
