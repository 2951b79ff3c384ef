import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiInput } from '../../../shared/api';
import { ErrorNote } from '../components/ErrorNote';
import { SelectionBar } from '../components/SelectionBar';
import { Screen } from '../components/Screen';
import { LibraryCatalogueFilters } from './LibraryCatalogueFilters';
import { ItemCollection, type View } from './LibraryCollection';
import { LibraryFilters, type LibraryQuery } from './LibraryFilters';
import { useFormat } from '../lib/format';
import { href } from '../lib/router';
import { useItemPages } from '../lib/useItemPages';
import { recall, remember } from '../lib/memory';
import { useSelection } from '../lib/selection';

/**
 * The library: every item, virtualised (only the visible rows exist in the DOM; pages load as they come into
 * view), as a grid of encrypted thumbnails served by the main process or as a list. One tab stop; arrow keys,
 * Home/End and Page Up/Down move within it, Enter opens; several items can be selected for one action.
 */
export function Library() {
  const { t } = useTranslation();
  const [view, setViewState] = useState<View>(() => recall<View>('library.view') ?? 'grid');
  const [query, setQueryState] = useState<LibraryQuery>(() => recall<LibraryQuery>('library.query') ?? { sort: 'ingested-desc', filters: {} });
  const setView = (v: View) => {
    remember('library.view', v);
    setViewState(v);
  };
  const setQuery = (q: LibraryQuery) => {
    remember('library.query', q);
    remember('library.scroll', 0);
    setQueryState(q);
  };
  const apiQuery = useMemo<Pick<ApiInput<'items.list'>, 'sort' | 'filters'>>(() => ({ sort: query.sort, filters: query.filters }), [query]);
  const [reloads, setReloads] = useState(0);
  const pages = useItemPages(apiQuery, reloads);
  const f = useFormat();
  // Selecting many: reset when the filters change (what "all that match" means changes with them).
  const selection = useSelection(JSON.stringify(query.filters));
  const total = pages.total ?? 0;
  return (
    <Screen
      title={t('library.title')}
      className="library"
      actions={
        <div className="segmented" role="group" aria-label={t('library.view')}>
          <button type="button" aria-pressed={view === 'grid'} onClick={() => setView('grid')}>
            {t('library.grid')}
          </button>
          <button type="button" aria-pressed={view === 'list'} onClick={() => setView('list')}>
            {t('library.list')}
          </button>
        </div>
      }
    >
      <LibraryFilters query={query} onChange={setQuery} extra={<LibraryCatalogueFilters query={query} onChange={setQuery} ready={pages.total !== undefined} />} />
      <p className="count" role="status" id="library-count">
        {pages.total === undefined ? t('common.loading') : t('library.count', { count: pages.total, formatted: f.number(pages.total) })}
      </p>
      <ErrorNote error={pages.error} />
      <SelectionBar
        count={selection.count(total)}
        total={total}
        allSelected={selection.all}
        selection={selection.toApi({ library: query.filters })}
        onSelectAll={selection.selectAll}
        onClear={selection.clear}
        onChanged={(action) => {
          if (action === 'remove') selection.clear();
          setReloads((r) => r + 1);
        }}
      />
      {pages.total === 0 ? (
        <div className="empty">
          <p>{Object.keys(query.filters).length > 0 ? t('library.emptyFiltered') : t('library.empty')}</p>
          {Object.keys(query.filters).length === 0 ? (
            <a className="button primary" href={href({ name: 'import' })}>
              {t('library.importNow')}
            </a>
          ) : null}
        </div>
      ) : (
        <ItemCollection view={view} total={total} get={pages.get} ensure={pages.ensure} version={pages.version} f={f} selection={selection} query={apiQuery} />
      )}
    </Screen>
  );
}
