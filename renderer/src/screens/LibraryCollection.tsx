import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiInput } from '../../../shared/api';
import type { ItemSummary } from '../../../shared/model/items';
import { PreviewPlaceholder } from '../components/PreviewPlaceholder';
import { call, previewUrl } from '../lib/api';
import type { Formatters } from '../lib/format';
import { mediaFamily } from '../lib/media';
import { recall, remember } from '../lib/memory';
import { href } from '../lib/router';
import type { Selection } from '../lib/selection';

export type View = 'grid' | 'list';
const CELL_MIN = 176;
const GRID_ROW = 212;
const LIST_ROW = 48;

/**
 * The library's items, virtualised (only the visible rows exist in the DOM; pages load as they come into view), as
 * a grid of thumbnails or as a list. One tab stop; arrow keys, Home/End and Page Up/Down move within it.
 */
export function ItemCollection({
  view,
  total,
  get,
  ensure,
  version,
  f,
  selection,
  query,
}: {
  readonly view: View;
  readonly total: number;
  readonly get: (i: number) => ItemSummary | undefined;
  readonly ensure: (from: number, to: number) => void;
  readonly version: number;
  readonly f: Formatters;
  readonly selection: Selection;
  readonly query: Pick<ApiInput<'items.list'>, 'sort' | 'filters'>;
}) {
  const { t } = useTranslation();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);
  const columns = view === 'grid' ? Math.max(1, Math.floor(width / CELL_MIN)) : 1;
  const cellWidth = width > 0 ? width / columns : CELL_MIN;
  const rowHeight = view === 'grid' ? GRID_ROW : LIST_ROW;
  const rowCount = Math.ceil(total / columns);
  // TanStack Virtual returns new functions on every render by design; this component is not memoised by the React
  // Compiler, which is what the rule warns about.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: view === 'grid' ? 2 : 8,
    // Coming back from an item, the library opens where it was left.
    initialOffset: () => recall<number>('library.scroll') ?? 0,
    onChange: (v) => {
      if (v.scrollOffset !== null) remember('library.scroll', v.scrollOffset);
    },
  });
  useEffect(() => virtualizer.measure(), [rowHeight, columns, virtualizer]);

  const rows = virtualizer.getVirtualItems();
  const firstIndex = rows.length > 0 ? rows[0]!.index * columns : 0;
  const lastIndex = rows.length > 0 ? Math.min(total - 1, (rows[rows.length - 1]!.index + 1) * columns - 1) : 0;

  // Load what is visible; during a fast scroll, at most every 80 ms for the latest range.
  const range = useRef({ from: 0, to: 0 });
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => {
    range.current = { from: firstIndex, to: lastIndex };
    if (timer.current !== undefined) return;
    timer.current = window.setTimeout(() => {
      timer.current = undefined;
      ensure(range.current.from, range.current.to);
    }, 80);
  }, [firstIndex, lastIndex, ensure]);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  useEffect(() => {
    if (total > 0 && get(0) && !performance.getEntriesByName('library:first-items').length) performance.mark('library:first-items');
  }, [version, total, get]);

  const [focusIndex, setFocusIndex] = useState(0);
  const wantFocus = useRef(false);
  const tabTarget = focusIndex >= firstIndex && focusIndex <= lastIndex ? focusIndex : firstIndex;
  useEffect(() => {
    if (!wantFocus.current) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${focusIndex}"] .cell-link`);
    if (el) {
      el.focus({ preventScroll: true });
      wantFocus.current = false;
    }
  });
  // Selection: Space toggles the focused item, Shift extends from the anchor (the last item toggled or moved to
  // without Shift), Ctrl/Cmd+A selects everything that matches, Escape clears. Ctrl/Cmd-click and Shift-click do
  // the same with the mouse; a plain click still opens the item.
  const anchor = useRef(0);
  const idsBetween = useCallback(
    async (a: number, b: number): Promise<string[]> => {
      const from = Math.min(a, b);
      const to = Math.max(a, b);
      const ids: string[] = [];
      for (let i = from; i <= to; ) {
        const item = get(i);
        if (item) {
          ids.push(item.id);
          i++;
          continue;
        }
        // Not loaded (far away in a long list): fetch the rest of the range from here, 1,000 at a time.
        const page = await call('items.list', { ...query, offset: i, limit: Math.min(1000, to - i + 1) });
        if (page.items.length === 0) break;
        ids.push(...page.items.map((x) => x.id));
        i += page.items.length;
      }
      return ids;
    },
    [get, query],
  );
  const selectRange = (to: number, add: boolean) => {
    void idsBetween(anchor.current, to).then((ids) => (add ? selection.set(ids, true) : selection.only(ids)));
  };
  const onItemClick = (e: MouseEvent, i: number, id: string) => {
    if (e.shiftKey) {
      e.preventDefault();
      selectRange(i, e.ctrlKey || e.metaKey);
    } else if (e.ctrlKey || e.metaKey) {
      e.preventDefault();
      selection.toggle(id);
      anchor.current = i;
    }
  };
  const onCheck = (e: MouseEvent, i: number, id: string) => {
    if (e.shiftKey) selectRange(i, true);
    else {
      selection.toggle(id);
      anchor.current = i;
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    if (e.key === ' ' || e.key === 'Spacebar') {
      e.preventDefault();
      const item = get(tabTarget);
      if (item) {
        if (e.shiftKey) selectRange(tabTarget, true);
        else {
          selection.toggle(item.id);
          anchor.current = tabTarget;
        }
      }
      return;
    }
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      selection.selectAll();
      return;
    }
    if (e.key === 'Escape' && selection.count(total) > 0) {
      e.preventDefault();
      selection.clear();
      return;
    }
    const rtl = document.documentElement.dir === 'rtl';
    const perPage = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? rowHeight) / rowHeight)) * columns;
    let next: number | undefined;
    switch (e.key) {
      case 'ArrowRight':
        next = tabTarget + (rtl ? -1 : 1);
        break;
      case 'ArrowLeft':
        next = tabTarget + (rtl ? 1 : -1);
        break;
      case 'ArrowDown':
        next = tabTarget + columns;
        break;
      case 'ArrowUp':
        next = tabTarget - columns;
        break;
      case 'PageDown':
        next = tabTarget + perPage;
        break;
      case 'PageUp':
        next = tabTarget - perPage;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = total - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    const clamped = Math.max(0, Math.min(total - 1, next));
    if (e.shiftKey) selectRange(clamped, e.ctrlKey || e.metaKey);
    else anchor.current = clamped;
    wantFocus.current = true;
    setFocusIndex(clamped);
    virtualizer.scrollToIndex(Math.floor(clamped / columns), { align: 'auto' });
  };

  const cells: number[] = [];
  for (const row of rows) {
    for (let c = 0; c < columns; c++) {
      const i = row.index * columns + c;
      if (i < total) cells.push(i);
    }
  }

  return (
    <>
      {view === 'list' ? (
        <div className="list-head" aria-hidden="true">
          <span>{t('library.col.name')}</span>
          <span>{t('library.col.type')}</span>
          <span>{t('library.col.captured')}</span>
          <span>{t('library.col.ingested')}</span>
          <span>{t('library.col.size')}</span>
          <span>{t('library.col.flags')}</span>
        </div>
      ) : null}
      <div className="library-scroll" ref={scrollRef} data-testid="library-scroll">
        <ul
          className={`items items-${view}${selection.count(total) > 0 ? ' selecting' : ''}`}
          aria-label={t('library.itemsLabel')}
          aria-describedby="library-count library-keys"
          onKeyDown={onKeyDown}
          style={{ height: virtualizer.getTotalSize() }}
        >
          {cells.map((i) => {
            const row = Math.floor(i / columns);
            const col = i % columns;
            const start = rows.find((r) => r.index === row)?.start ?? row * rowHeight;
            const item = get(i);
            const selected = item ? selection.isSelected(item.id) : false;
            const cell = { tabIndex: i === tabTarget ? 0 : -1, onFocus: () => setFocusIndex(i), selected, onClick: (e: MouseEvent) => item && onItemClick(e, i, item.id) };
            return (
              <li
                key={item?.id ?? `p${i}`}
                data-index={i}
                aria-setsize={total}
                aria-posinset={i + 1}
                className={`${view === 'grid' ? 'grid-cell' : 'list-row'}${selected ? ' selected' : ''}`}
                style={{ top: start, insetInlineStart: col * cellWidth, width: cellWidth, height: rowHeight }}
              >
                {item ? (
                  <input
                    type="checkbox"
                    className="cell-check"
                    tabIndex={-1}
                    checked={selected}
                    aria-label={t('selection.select', { name: item.title ?? item.originalName })}
                    onChange={() => undefined}
                    onClick={(e) => onCheck(e, i, item.id)}
                  />
                ) : null}
                {item ? (
                  view === 'grid' ? <GridCell item={item} {...cell} /> : <ListRow item={item} f={f} {...cell} />
                ) : (
                  <span className="cell-link placeholder" tabIndex={i === tabTarget ? 0 : -1} onFocus={() => setFocusIndex(i)}>
                    {t('common.loading')}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      </div>
      <p className="hint" id="library-keys">
        {t('library.keys')} {t('selection.keys')}
      </p>
    </>
  );
}

function Flags({ item }: { readonly item: ItemSummary }) {
  const { t } = useTranslation();
  return (
    <span className="flags">
      {item.hasGps ? <span className="badge badge-gps">{t('library.gpsBadge')}</span> : null}
      {item.deleted ? <span className="badge">{t('library.deletedBadge')}</span> : null}
    </span>
  );
}

type CellProps = { readonly tabIndex: number; readonly onFocus: () => void; readonly selected: boolean; readonly onClick: (e: MouseEvent) => void };

/** Screen readers hear "selected" with the item's name (the checkbox beside it is for the mouse). */
function SelectedMark({ selected }: { readonly selected: boolean }) {
  const { t } = useTranslation();
  return selected ? <span className="visually-hidden">{t('selection.selectedMark')}</span> : null;
}

function GridCell({ item, tabIndex, onFocus, selected, onClick }: { readonly item: ItemSummary } & CellProps) {
  return (
    <a className="cell-link" href={href({ name: 'item', id: item.id })} tabIndex={tabIndex} onFocus={onFocus} onClick={onClick}>
      <span className="thumb">
        {item.hasPreview ? <img src={previewUrl(item.id)} alt="" loading="lazy" decoding="async" draggable={false} /> : <PreviewPlaceholder mediaType={item.mediaType} pending={item.previewPending === true} />}
      </span>
      <span className="cell-name">
        <bdi>{item.title ?? item.originalName}</bdi>
        <SelectedMark selected={selected} />
      </span>
      <Flags item={item} />
    </a>
  );
}

function ListRow({ item, f, tabIndex, onFocus, selected, onClick }: { readonly item: ItemSummary; readonly f: Formatters } & CellProps) {
  const { t } = useTranslation();
  return (
    <a className="cell-link row-link" href={href({ name: 'item', id: item.id })} tabIndex={tabIndex} onFocus={onFocus} onClick={onClick}>
      <span className="row-name">
        <bdi>{item.title ?? item.originalName}</bdi>
        <SelectedMark selected={selected} />
      </span>
      <span>{t(`media.${mediaFamily(item.mediaType)}`)}</span>
      <span>{f.recordedDate(item.captureTime)}</span>
      <span>{f.date(item.ingestedAt)}</span>
      <span>{f.bytes(item.size)}</span>
      <Flags item={item} />
    </a>
  );
}
