import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CASE_STATUSES, type CaseStatus } from '../../../../shared/model/catalogue';
import { ErrorNote } from '../../components/ErrorNote';
import { Field } from '../../components/Field';
import { CountryPicker } from '../../components/pickers';
import { Screen } from '../../components/Screen';
import { call, issueAt } from '../../lib/api';
import { useCountryName } from '../../lib/country';
import { useFormat } from '../../lib/format';
import { useMessage } from '../../lib/message';
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
  const [countryCode, setCountryCode] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const text = useMessage();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const c = await call('cases.create', { title, ...(countryCode ? { country: countryCode } : {}) });
      navigate({ name: 'case', id: c.id });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <details className="card">
      <summary>{t('cases.new')}</summary>
      <form onSubmit={(e) => void submit(e)}>
        <Field label={t('cases.caseTitle')} error={text(issueAt(error, 'title'))}>
          {(p) => <input {...p} type="text" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={500} dir="auto" />}
        </Field>
        <CountryPicker label={t('cases.country')} hint={t('cases.countryHint')} value={countryCode} error={text(issueAt(error, 'country'))} onChange={(c) => setCountryCode(c ?? undefined)} />
        <ErrorNote error={error} fieldsShown />
        <div className="actions">
          <button type="submit" className="primary" disabled={!title.trim()}>
            {t('cases.create')}
          </button>
        </div>
      </form>
    </details>
  );
}
