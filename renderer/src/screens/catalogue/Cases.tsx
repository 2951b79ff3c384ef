import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CASE_STATUSES, type CaseStatus } from '../../../../shared/model/catalogue';
import { ErrorNote } from '../../components/ErrorNote';
import { Field } from '../../components/Field';
import { Screen } from '../../components/Screen';
import { call } from '../../lib/api';
import { useCountryName } from '../../lib/country';
import { useFormat } from '../../lib/format';
import { href, navigate } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';

/** Every case (a matter: one detainee, one incident), and a form to open a new one. */
export function CasesScreen() {
  const { t } = useTranslation();
  const f = useFormat();
  const country = useCountryName();
  const [status, setStatus] = useState<CaseStatus | ''>('');
  const cases = useAsync(() => call('cases.list', status ? { status } : {}), [status]);
  return (
    <Screen title={t('cases.title')}>
      <NewCase />
      <div className="field inline">
        <label htmlFor="cases-status">{t('cases.filterStatus')}</label>
        <select id="cases-status" value={status} onChange={(e) => setStatus(e.target.value as CaseStatus | '')}>
          <option value="">{t('cases.allStatuses')}</option>
          {CASE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`cases.status.${s}`)}
            </option>
          ))}
        </select>
      </div>
      {cases.status === 'error' ? <ErrorNote error={cases.error} /> : null}
      {cases.value && cases.value.length === 0 ? <p>{t('cases.none')}</p> : null}
      {cases.value && cases.value.length > 0 ? (
        <table className="table">
          <caption className="visually-hidden">{t('cases.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('cases.caseTitle')}</th>
              <th scope="col">{t('cases.country')}</th>
              <th scope="col">{t('cases.statusLabel')}</th>
              <th scope="col">{t('cases.counts')}</th>
              <th scope="col">{t('cases.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {cases.value.map((c) => (
              <tr key={c.id}>
                <th scope="row">
                  <a href={href({ name: 'case', id: c.id })} dir="auto">
                    {c.title}
                  </a>
                </th>
                <td>{country(c.country)}</td>
                <td>{t(`cases.status.${c.status}`)}</td>
                <td>{t('cases.countsValue', { items: f.number(c.itemCount), testimonies: f.number(c.testimonyCount), persons: f.number(c.personCount) })}</td>
                <td>{f.date(c.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Screen>
  );
}

function NewCase() {
  const { t } = useTranslation();
  const [title, setTitle] = useState('');
  const [countryCode, setCountryCode] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const c = await call('cases.create', { title, ...(countryCode.trim() ? { country: countryCode.trim() } : {}) });
      navigate({ name: 'case', id: c.id });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <details className="card">
      <summary>{t('cases.new')}</summary>
      <form onSubmit={(e) => void submit(e)}>
        <Field label={t('cases.caseTitle')}>{(p) => <input {...p} type="text" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={500} />}</Field>
        <Field label={t('cases.country')} hint={t('cases.countryHint')}>
          {(p) => <input {...p} type="text" value={countryCode} onChange={(e) => setCountryCode(e.target.value)} maxLength={2} pattern="[A-Za-z]{2}" dir="ltr" className="short" />}
        </Field>
        <ErrorNote error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={!title.trim()}>
            {t('cases.create')}
          </button>
        </div>
      </form>
    </details>
  );
}
