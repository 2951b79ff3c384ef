/**
 * UI state worth keeping while moving between screens (library filters, view, scroll position), in memory only:
 * never written to storage, and forgotten when the vault locks.
 */
const store = new Map<string, unknown>();

export function recall<T>(key: string): T | undefined {
  return store.get(key) as T | undefined;
}

export function remember<T>(key: string, value: T): void {
  store.set(key, value);
}

export function forgetAll(): void {
  store.clear();
}
