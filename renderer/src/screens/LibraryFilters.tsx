import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { DateField } from '../components/DateField';
import { useFormat } from '../lib/format';
import type { ApiInput } from '../../../shared/api';

export type LibraryQuery = {
  readonly sort: ApiInput<'items.list'>['sort'];
  readonly filters: NonNullable<ApiInput<'items.list'>['filters']>;
};

const SORTS: readonly LibraryQuery['sort'][] = ['ingested-desc', 'ingested-asc', 'captured-desc', 'captured-asc', 'name-asc', 'size-desc'];
const TYPES = ['', 'image/', 'video/', 'audio/', 'application/pdf', 'text/'] as const;
const TYPE_KEYS: Record<(typeof TYPES)[number], string> = {
  '': 'library.filter.typeAll',
  'image/': 'media.image',
  'video/': 'media.video',
  'audio/': 'media.audio',
  'application/pdf': 'media.pdf',
  'text/': 'media.text',
};

function without<T extends object, K extends keyof T>(o: T, k: K): Omit<T, K> {
  const copy = { ...o };
  delete copy[k];
  return copy;
}

/** The filters that fold away (dates, case, tag, deleted items); sort, type and GPS stay in view. */
const FOLDED_OUT: readonly string[] = ['mediaTypePrefix', 'hasGps'];

/**
 * Sort and filters of the library; every control labelled, changes apply at once. The less used filters fold
 * away under "More filters" (open when one of them is set, with how many are), so the items stay in view.
 */
export function LibraryFilters({ query, onChange, extra }: { readonly query: LibraryQuery; readonly onChange: (q: LibraryQuery) => void; readonly extra?: ReactNode }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const f = query.filters;
  const folded = Object.keys(f).filter((k) => !FOLDED_OUT.includes(k)).length;
  const setFilter = <K extends keyof LibraryQuery['filters']>(k: K, v: LibraryQuery['filters'][K] | undefined) =>
    onChange({ ...query, filters: v === undefined || v === '' ? without(f, k) : { ...f, [k]: v } });
  return (
    <form className="filters" aria-label={t('library.filtersLabel')} onSubmit={(e) => e.preventDefault()}>
      <div className="field inline">
        <label htmlFor="lib-sort">{t('library.sort')}</label>
        <select id="lib-sort" value={query.sort} onChange={(e) => onChange({ ...query, sort: e.target.value as LibraryQuery['sort'] })}>
          {SORTS.map((s) => (
            <option key={s} value={s}>
              {t(`library.sorts.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field inline">
        <label htmlFor="lib-type">{t('library.filter.type')}</label>
        <select id="lib-type" value={f.mediaTypePrefix ?? ''} onChange={(e) => setFilter('mediaTypePrefix', e.target.value)}>
          {TYPES.map((ty) => (
            <option key={ty} value={ty}>
              {t(TYPE_KEYS[ty])}
            </option>
          ))}
        </select>
      </div>
      <div className="field inline">
        <label htmlFor="lib-gps">{t('library.filter.gps')}</label>
        <select id="lib-gps" value={f.hasGps === undefined ? '' : f.hasGps ? 'yes' : 'no'} onChange={(e) => setFilter('hasGps', e.target.value === '' ? undefined : e.target.value === 'yes')}>
          <option value="">{t('library.filter.gpsAny')}</option>
          <option value="yes">{t('library.filter.gpsYes')}</option>
          <option value="no">{t('library.filter.gpsNo')}</option>
        </select>
      </div>
      <details className="more-filters" open={folded > 0 ? true : undefined}>
        <summary>
          {t('library.moreFilters')}
          {folded > 0 ? (
            <>
              {' '}
              <span className="badge">{fmt.number(folded)}</span>
            </>
          ) : null}
        </summary>
        <div className="more-filters-body">
          <DateField label={t('library.filter.from')} value={f.dateFrom} onChange={(d) => setFilter('dateFrom', d ?? undefined)} />
          <DateField label={t('library.filter.to')} value={f.dateTo} onChange={(d) => setFilter('dateTo', d ?? undefined)} />
          {extra}
          <div className="check">
            <input id="lib-deleted" type="checkbox" checked={f.includeDeleted === true} onChange={(e) => setFilter('includeDeleted', e.target.checked ? true : undefined)} />
            <label htmlFor="lib-deleted">{t('library.filter.deleted')}</label>
          </div>
        </div>
      </details>
      {Object.keys(f).length > 0 ? (
        <button type="button" className="link" onClick={() => onChange({ ...query, filters: {} })}>
          {t('library.filter.clear')}
        </button>
      ) : null}
    </form>
  );
}
