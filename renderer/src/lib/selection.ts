import { useCallback, useMemo, useState } from 'react';
import type { ItemSelection } from '../../../shared/model/selection';
import { recall, remember } from './memory';
import { navigate, SHARE_SELECTION } from './router';

/**
 * Which items are selected in a long list (library, search results): either a set of ids, or "everything that
 * matches" minus a set of unticked ids, so selecting 100,000 items costs nothing until an action is taken. Reset
 * when the list's query changes (the caller passes it as `key`).
 */
export type SelectionState = { readonly key: string; readonly all: boolean; readonly ids: ReadonlySet<string> };

export type Selection = {
  readonly all: boolean;
  isSelected(id: string): boolean;
  /** How many are selected, given the list's total. */
  count(total: number): number;
  toggle(id: string): void;
  /** Selects (or unselects) these ids, keeping the rest as it is. */
  set(ids: readonly string[], on: boolean): void;
  /** Selects exactly these ids. */
  only(ids: readonly string[]): void;
  selectAll(): void;
  clear(): void;
  /** The selection as the API takes it, given what "everything that matches" means for this list. */
  toApi(matching: Exclude<ItemSelection, { ids: unknown }>): ItemSelection | undefined;
};

const EMPTY: ReadonlySet<string> = new Set();

export function useSelection(key: string): Selection {
  const [state, setState] = useState<SelectionState>({ key, all: false, ids: EMPTY });
  const current = useMemo(() => (state.key === key ? state : { key, all: false, ids: EMPTY }), [state, key]);
  const update = useCallback((fn: (s: SelectionState) => SelectionState) => setState((s) => fn(s.key === key ? s : { key, all: false, ids: EMPTY })), [key]);
  return useMemo<Selection>(() => {
    const { all, ids } = current;
    return {
      all,
      isSelected: (id) => (all ? !ids.has(id) : ids.has(id)),
      count: (total) => (all ? Math.max(0, total - ids.size) : ids.size),
      toggle: (id) =>
        update((s) => {
          const next = new Set(s.ids);
          if (next.has(id)) next.delete(id);
          else next.add(id);
          return { ...s, ids: next };
        }),
      set: (list, on) =>
        update((s) => {
          const next = new Set(s.ids);
          // In "all" mode the set holds the unticked ids, so selecting removes from it.
          for (const id of list) if (on !== s.all) next.add(id);
          else next.delete(id);
          return { ...s, ids: next };
        }),
      only: (list) => update((s) => ({ ...s, all: false, ids: new Set(list) })),
      selectAll: () => update((s) => ({ ...s, all: true, ids: EMPTY })),
      clear: () => update((s) => ({ ...s, all: false, ids: EMPTY })),
      toApi: (matching) => {
        if (all) return { ...matching, ...(ids.size > 0 ? { except: [...ids] } : {}) } as ItemSelection;
        return ids.size > 0 ? { ids: [...ids] } : undefined;
      },
    };
  }, [current, update]);
}

const SHARE_KEY = 'share.selection';

/** Opens Share for the chosen items (kept in memory only, like the library's filters; forgotten on lock). */
export function shareSelection(selection: ItemSelection): void {
  remember(SHARE_KEY, selection);
  navigate({ name: 'share', id: SHARE_SELECTION });
}

/** The items last chosen for Share, if any. */
export function selectionToShare(): ItemSelection | undefined {
  return recall<ItemSelection>(SHARE_KEY);
}
