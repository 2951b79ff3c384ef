import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary } from '../../../shared/model/items';
import { previewUrl } from '../lib/api';
import type { Formatters } from '../lib/format';
import { mediaFamily } from '../lib/media';
import { recall, remember } from '../lib/memory';
import { href } from '../lib/router';

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
}: {
  readonly view: View;
  readonly total: number;
  readonly get: (i: number) => ItemSummary | undefined;
  readonly ensure: (from: number, to: number) => void;
  readonly version: number;
  readonly f: Formatters;
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
  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
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
          className={`items items-${view}`}
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
            return (
              <li
                key={item?.id ?? `p${i}`}
                data-index={i}
                aria-setsize={total}
                aria-posinset={i + 1}
                className={view === 'grid' ? 'grid-cell' : 'list-row'}
                style={{ top: start, insetInlineStart: col * cellWidth, width: cellWidth, height: rowHeight }}
              >
                {item ? (
                  view === 'grid' ? <GridCell item={item} tabIndex={i === tabTarget ? 0 : -1} onFocus={() => setFocusIndex(i)} /> : <ListRow item={item} f={f} tabIndex={i === tabTarget ? 0 : -1} onFocus={() => setFocusIndex(i)} />
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
        {t('library.keys')}
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

function GridCell({ item, tabIndex, onFocus }: { readonly item: ItemSummary; readonly tabIndex: number; readonly onFocus: () => void }) {
  const { t } = useTranslation();
  return (
    <a className="cell-link" href={href({ name: 'item', id: item.id })} tabIndex={tabIndex} onFocus={onFocus}>
      <span className="thumb">
        {item.hasPreview ? <img src={previewUrl(item.id)} alt="" loading="lazy" decoding="async" draggable={false} /> : <span className="thumb-type">{t(`media.${mediaFamily(item.mediaType)}`)}</span>}
      </span>
      <span className="cell-name">
        <bdi>{item.title ?? item.originalName}</bdi>
      </span>
      <Flags item={item} />
    </a>
  );
}

function ListRow({ item, f, tabIndex, onFocus }: { readonly item: ItemSummary; readonly f: Formatters; readonly tabIndex: number; readonly onFocus: () => void }) {
  const { t } = useTranslation();
  return (
    <a className="cell-link row-link" href={href({ name: 'item', id: item.id })} tabIndex={tabIndex} onFocus={onFocus}>
      <span className="row-name">
        <bdi>{item.title ?? item.originalName}</bdi>
      </span>
      <span>{t(`media.${mediaFamily(item.mediaType)}`)}</span>
      <span>{f.date(item.captureTime)}</span>
      <span>{f.date(item.ingestedAt)}</span>
      <span>{f.bytes(item.size)}</span>
      <Flags item={item} />
    </a>
  );
}
