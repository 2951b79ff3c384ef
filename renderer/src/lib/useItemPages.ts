import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiInput } from '../../../shared/api';
import type { ItemSummary } from '../../../shared/model/items';
import { call, subscribe } from './api';

export const PAGE_SIZE = 250;
const MAX_CACHED_PAGES = 80;

export type ItemQuery = Pick<ApiInput<'items.list'>, 'sort' | 'filters'>;

/**
 * The library's window onto a possibly huge item list: pages of PAGE_SIZE fetched lazily for the visible range,
 * kept in a bounded cache (pages far from the view are dropped), everything reset when the query changes.
 * Answers for an older query are ignored. `reload` changes force a fresh load of the same query (after an action).
 */
export function useItemPages(query: ItemQuery, reload = 0) {
  const key = JSON.stringify([query, reload]);
  // Total and error are stored with the query they belong to: a new query shows "loading" until its first page.
  const [totalFor, setTotalFor] = useState<{ key: string; total: number } | undefined>();
  const [errorFor, setErrorFor] = useState<{ key: string; error: unknown } | undefined>();
  const [version, setVersion] = useState(0);
  const pages = useRef(new Map<number, readonly ItemSummary[]>());
  const inflight = useRef(new Set<number>());
  const generation = useRef(0);

  const fetchPage = useCallback(
    (page: number) => {
      if (pages.current.has(page) || inflight.current.has(page)) return;
      const mine = generation.current;
      inflight.current.add(page);
      call('items.list', { ...(JSON.parse(key) as [ItemQuery, number])[0], offset: page * PAGE_SIZE, limit: PAGE_SIZE }).then(
        (r) => {
          if (generation.current !== mine) return;
          inflight.current.delete(page);
          pages.current.set(page, r.items);
          setTotalFor({ key, total: r.total });
          setVersion((v) => v + 1);
        },
        (e: unknown) => {
          if (generation.current !== mine) return;
          inflight.current.delete(page);
          setErrorFor({ key, error: e });
        },
      );
    },
    [key],
  );

  useEffect(() => {
    generation.current++;
    pages.current = new Map();
    inflight.current = new Set();
    fetchPage(0);
  }, [fetchPage]);

  // Previews made after the originals (issue 19): the cached items named get theirs, without reloading the page.
  useEffect(
    () =>
      subscribe('items.previewsMade', (e) => {
        const made = new Set(e.itemIds);
        let changed = false;
        for (const [p, items] of pages.current) {
          if (!items.some((x) => made.has(x.id) && !x.hasPreview)) continue;
          pages.current.set(
            p,
            items.map((x) => (made.has(x.id) ? { ...x, hasPreview: true, previewPending: false } : x)),
          );
          changed = true;
        }
        if (changed) setVersion((v) => v + 1);
      }),
    [],
  );

  /** Makes sure the items [from, to] are loaded or loading; drops cached pages far from that range. */
  const ensure = useCallback(
    (from: number, to: number) => {
      const first = Math.floor(Math.max(0, from) / PAGE_SIZE);
      const last = Math.floor(Math.max(0, to) / PAGE_SIZE);
      for (let p = first; p <= last; p++) fetchPage(p);
      if (pages.current.size > MAX_CACHED_PAGES) {
        const centre = (first + last) / 2;
        const far = [...pages.current.keys()].sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre));
        for (const p of far.slice(0, pages.current.size - MAX_CACHED_PAGES)) pages.current.delete(p);
      }
    },
    [fetchPage],
  );

  const get = useCallback((index: number): ItemSummary | undefined => pages.current.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE], []);

  const total = totalFor?.key === key ? totalFor.total : undefined;
  const error = errorFor?.key === key ? errorFor.error : undefined;
  return { total, error, version, get, ensure };
}
