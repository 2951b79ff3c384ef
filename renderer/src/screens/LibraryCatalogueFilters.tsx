import { useTranslation } from 'react-i18next';
import { termLabel } from '../../../shared/taxonomy';
import { CasePicker } from '../components/CasePicker';
import { TermCombobox } from '../components/TermCombobox';
import { currentLanguage } from '../lib/i18n';
import type { LibraryQuery } from './LibraryFilters';

/** Library filters that come from the catalogue: one case, one tag (type-ahead over the taxonomies). */
export function LibraryCatalogueFilters({ query, onChange, ready }: { readonly query: LibraryQuery; readonly onChange: (q: LibraryQuery) => void; readonly ready: boolean }) {
  const { t } = useTranslation();
  // The case list waits for the first page of items (`ready`): with thousands of cases their list would otherwise
  // delay what the person came to see.
  const f = query.filters;
  const set = (patch: Partial<LibraryQuery['filters']>, remove?: keyof LibraryQuery['filters']) => {
    const next = { ...f, ...patch };
    if (remove) delete next[remove];
    onChange({ ...query, filters: next });
  };
  return (
    <>
      <CasePicker
        id="lib-case"
        inline
        label={t('library.filter.case')}
        emptyLabel={t('library.filter.caseAny')}
        value={f.caseId ?? ''}
        enabled={ready}
        onChange={(id) => (id ? set({ caseId: id }) : set({}, 'caseId'))}
      />
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
