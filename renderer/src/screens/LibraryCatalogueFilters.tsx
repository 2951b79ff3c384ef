import { useTranslation } from 'react-i18next';
import { termLabel } from '../../../shared/taxonomy';
import { TermCombobox } from '../components/TermCombobox';
import { call } from '../lib/api';
import { currentLanguage } from '../lib/i18n';
import { useAsync } from '../lib/useAsync';
import type { LibraryQuery } from './LibraryFilters';

/** Library filters that come from the catalogue: one case, one tag (type-ahead over the taxonomies). */
export function LibraryCatalogueFilters({ query, onChange, ready }: { readonly query: LibraryQuery; readonly onChange: (q: LibraryQuery) => void; readonly ready: boolean }) {
  const { t } = useTranslation();
  // The case list waits for the first page of items: the main process answers one request at a time, and with
  // thousands of cases their list would otherwise delay what the person came to see.
  const cases = useAsync(() => (ready || query.filters.caseId ? call('cases.list', {}) : Promise.resolve([])), [ready || Boolean(query.filters.caseId)]);
  const f = query.filters;
  const set = (patch: Partial<LibraryQuery['filters']>, remove?: keyof LibraryQuery['filters']) => {
    const next = { ...f, ...patch };
    if (remove) delete next[remove];
    onChange({ ...query, filters: next });
  };
  return (
    <>
      <div className="field inline">
        <label htmlFor="lib-case">{t('library.filter.case')}</label>
        <select id="lib-case" value={f.caseId ?? ''} onChange={(e) => (e.target.value ? set({ caseId: e.target.value }) : set({}, 'caseId'))}>
          <option value="">{t('library.filter.caseAny')}</option>
          {(cases.value ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
            </option>
          ))}
        </select>
      </div>
      {f.tag ? (
        <div className="field inline">
          <span className="label">{t('library.filter.tag')}</span>
          <span className="chip">
            <span>{termLabel(f.tag, currentLanguage())}</span>
            <button type="button" aria-label={t('tags.remove', { label: termLabel(f.tag, currentLanguage()) })} onClick={() => set({}, 'tag')}>
              ✕
            </button>
          </span>
        </div>
      ) : (
        <div className="inline-combobox">
          <TermCombobox label={t('library.filter.tag')} onChoose={(h) => set({ tag: h.term.id })} />
        </div>
      )}
    </>
  );
}
