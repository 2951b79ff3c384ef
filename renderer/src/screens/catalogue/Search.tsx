import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CONSENT_STATES, SEARCH_DOC_TYPES, type ConsentState, type SearchDocType, type SearchFilters, type SearchHit, type SearchResult } from '../../../../shared/model/catalogue';
import { CasePicker } from '../../components/CasePicker';
import { DateField } from '../../components/DateField';
import { ErrorNote } from '../../components/ErrorNote';
import { SelectionBar } from '../../components/SelectionBar';
import { Screen } from '../../components/Screen';
import { TermCombobox } from '../../components/TermCombobox';
import { call } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { currentLanguage } from '../../lib/i18n';
import { href, type Route } from '../../lib/router';
import { useSelection } from '../../lib/selection';
import { termLabel } from '../../../../shared/taxonomy';

const PAGE = 50;

function routeOf(hit: SearchHit): Route {
  switch (hit.docType) {
    case 'item':
      return { name: 'item', id: hit.id };
    case 'case':
      return { name: 'case', id: hit.id };
    case 'testimony':
      return { name: 'testimony', id: hit.id };
    case 'person':
      return { name: 'person', id: hit.id };
  }
}

/** The snippet with the matched ranges marked. */
function Highlighted({ text, ranges }: { readonly text: string; readonly ranges: SearchHit['highlights'] }) {
  const out: ReactNode[] = [];
  let at = 0;
  ranges.forEach(([s, e], i) => {
    if (s > at) out.push(text.slice(at, s));
    out.push(<mark key={i}>{text.slice(s, e)}</mark>);
    at = e;
  });
  if (at < text.length) out.push(text.slice(at));
  return <>{out}</>;
}

/** Full-text search over titles, notes, testimony text, file names and tags, with filters. */
export function SearchScreen() {
  const { t } = useTranslation();
  const f = useFormat();
  const lang = currentLanguage();
  const [text, setText] = useState('');
  const [docTypes, setDocTypes] = useState<readonly SearchDocType[]>([]);
  const [tags, setTags] = useState<readonly string[]>([]);
  const [caseId, setCaseId] = useState('');
  const [mediaType, setMediaType] = useState('');
  const [hasGps, setHasGps] = useState('');
  const [dateFrom, setDateFrom] = useState('');
  const [dateTo, setDateTo] = useState('');
  const [consentState, setConsentState] = useState<ConsentState | ''>('');
  const [result, setResult] = useState<SearchResult>();
  // The query the results are for (text and filters as run), and how many of its hits are items: what "select
  // all that match" selects.
  const [ran, setRan] = useState<{ readonly text?: string; readonly filters: SearchFilters; readonly items: number }>();
  const selection = useSelection(JSON.stringify(ran ?? null));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const filters = (): SearchFilters => ({
    ...(docTypes.length > 0 ? { docTypes: [...docTypes] } : {}),
    ...(tags.length > 0 ? { tags: [...tags] } : {}),
    ...(caseId ? { caseId } : {}),
    ...(mediaType ? { mediaType } : {}),
    ...(hasGps ? { hasGps: hasGps === 'yes' } : {}),
    ...(dateFrom ? { dateFrom } : {}),
    ...(dateTo ? { dateTo } : {}),
    ...(consentState ? { consentState } : {}),
  });
  const run = async (offset: number, again?: typeof ran) => {
    setBusy(true);
    setError(undefined);
    try {
      const q = again ?? { ...(text.trim() ? { text } : {}), filters: filters() };
      const r = await call('search.query', { ...q, offset, limit: PAGE, sort: q.text ? 'relevance' : 'date-desc' });
      setResult(offset === 0 || !result ? r : { ...r, hits: [...result.hits, ...r.hits] });
      if (offset === 0) {
        const items = await call('search.query', { ...q, filters: { ...q.filters, docTypes: ['item'] }, limit: 1 });
        setRan({ ...q, items: items.total });
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(0);
  };
  const toggleType = (d: SearchDocType, on: boolean) => setDocTypes(on ? [...docTypes, d] : docTypes.filter((x) => x !== d));

  return (
    <Screen title={t('search.title')}>
      <div role="search" aria-label={t('search.title')}>
        <form onSubmit={submit} className="card search-form">
          <div className="row">
            <div className="field">
              <label htmlFor="search-text">{t('search.text')}</label>
              <input id="search-text" type="search" value={text} onChange={(e) => setText(e.target.value)} dir="auto" />
            </div>
            <button type="submit" className="primary" disabled={busy}>
              {t('search.submit')}
            </button>
          </div>
          <details>
            <summary>{t('search.filters')}</summary>
            <fieldset className="field">
              <legend>{t('search.docTypes')}</legend>
              <div className="row">
                {SEARCH_DOC_TYPES.map((d) => (
                  <div className="check" key={d}>
                    <input id={`search-type-${d}`} type="checkbox" checked={docTypes.includes(d)} onChange={(e) => toggleType(d, e.target.checked)} />
                    <label htmlFor={`search-type-${d}`}>{t(`search.docType.${d}`)}</label>
                  </div>
                ))}
              </div>
            </fieldset>
            <div className="row">
              <CasePicker id="search-case" inline label={t('library.filter.case')} emptyLabel={t('library.filter.caseAny')} value={caseId} onChange={setCaseId} />
              <div className="field inline">
                <label htmlFor="search-media">{t('library.filter.type')}</label>
                <select id="search-media" value={mediaType} onChange={(e) => setMediaType(e.target.value)}>
                  <option value="">{t('library.filter.typeAll')}</option>
                  <option value="image/">{t('media.image')}</option>
                  <option value="video/">{t('media.video')}</option>
                  <option value="audio/">{t('media.audio')}</option>
                  <option value="application/pdf">{t('media.pdf')}</option>
                </select>
              </div>
              <div className="field inline">
                <label htmlFor="search-gps">{t('library.filter.gps')}</label>
                <select id="search-gps" value={hasGps} onChange={(e) => setHasGps(e.target.value)}>
                  <option value="">{t('library.filter.gpsAny')}</option>
                  <option value="yes">{t('library.filter.gpsYes')}</option>
                  <option value="no">{t('library.filter.gpsNo')}</option>
                </select>
              </div>
              <DateField label={t('library.filter.from')} value={dateFrom || undefined} onChange={(d) => setDateFrom(d ?? '')} />
              <DateField label={t('library.filter.to')} value={dateTo || undefined} onChange={(d) => setDateTo(d ?? '')} />
              <div className="field inline">
                <label htmlFor="search-consent">{t('search.consent')}</label>
                <select id="search-consent" value={consentState} onChange={(e) => setConsentState(e.target.value as ConsentState | '')}>
                  <option value="">{t('search.consentAny')}</option>
                  {CONSENT_STATES.map((s) => (
                    <option key={s} value={s}>
                      {t(`consent.states.${s}`)}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <TermCombobox label={t('search.tagFilter')} onChoose={(h) => setTags([...tags, h.term.id])} exclude={new Set(tags)} />
            {tags.length > 0 ? (
              <ul className="chips" aria-label={t('search.tagsChosen')}>
                {tags.map((id) => (
                  <li key={id} className="chip">
                    <span>{termLabel(id, lang)}</span>
                    <button type="button" aria-label={t('tags.remove', { label: termLabel(id, lang) })} onClick={() => setTags(tags.filter((x) => x !== id))}>
                      ✕
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
          </details>
        </form>
      </div>
      <ErrorNote error={error} />
      {result ? (
        <section aria-labelledby="search-results">
          <h2 id="search-results">
            <span role="status">{t('search.results', { count: result.total, formatted: f.number(result.total) })}</span>
          </h2>
          {ran ? (
            <SelectionBar
              count={selection.count(ran.items)}
              total={ran.items}
              allSelected={selection.all}
              selection={selection.toApi({ search: { ...(ran.text ? { text: ran.text } : {}), filters: ran.filters } })}
              onSelectAll={selection.selectAll}
              onClear={selection.clear}
              onChanged={(action) => {
                if (action === 'remove') {
                  selection.clear();
                  void run(0, ran);
                }
              }}
            />
          ) : null}
          <ul className="list-plain">
            {result.hits.map((h) => (
              <li key={`${h.docType}-${h.id}`} className={h.docType === 'item' && selection.isSelected(h.id) ? 'search-hit selected' : 'search-hit'}>
                {h.docType === 'item' ? (
                  <input type="checkbox" className="hit-check" checked={selection.isSelected(h.id)} onChange={() => selection.toggle(h.id)} aria-label={t('selection.select', { name: h.title })} />
                ) : null}
                <span className="badge">{t(`search.docType.${h.docType}`)}</span>{' '}
                <a href={href(routeOf(h))} dir="auto">
                  {h.title}
                </a>{' '}
                {h.hasGps ? <span className="badge badge-gps">{t('library.gpsBadge')}</span> : null}
                {h.captureTime ? <span className="hint"> {f.recordedDateTime(h.captureTime)}</span> : null}
                <p dir="auto" className="hint">
                  <Highlighted text={h.snippet} ranges={h.highlights} />
                </p>
              </li>
            ))}
          </ul>
          {result.hits.length < result.total ? (
            <button type="button" onClick={() => void run(result.hits.length)} disabled={busy}>
              {t('search.more')}
            </button>
          ) : null}
        </section>
      ) : null}
    </Screen>
  );
}
