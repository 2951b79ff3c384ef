import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CASE_STATUSES, type CaseStatus } from '../../../../shared/model/catalogue';
import type { Draft } from '../../../../shared/model/drafts';
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
import { DraftFormEnd, DraftNote, useDraftForm, WithDraft } from '../../lib/useFormDraft';

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

/** countryTyped: a country name typed that is not (yet) a choice, kept in the draft (CodePicker's onTyped). */
type NewCaseValues = { readonly title: string; readonly country: string; readonly countryTyped: string };
const NO_CASE: NewCaseValues = { title: '', country: '', countryTyped: '' };

/** The "open a new case" form, kept as a draft ('case-new') while it is typed, until the case is created. */
function NewCase() {
  return <WithDraft form="case-new" recordId="new">{(draft) => <NewCaseForm draft={draft} />}</WithDraft>;
}

function NewCaseForm({ draft }: { readonly draft: Draft | null }) {
  const { t } = useTranslation();
  const text = useMessage();
  const form = useDraftForm({
    form: 'case-new',
    recordId: 'new',
    draft,
    saved: NO_CASE,
    save: (v) => call('cases.create', { title: v.title, ...(v.country ? { country: v.country } : {}) }),
    onSaved: (c) => navigate({ name: 'case', id: c.id }),
  });
  const { values: v, change, error } = form;
  const [open, setOpen] = useState(form.opened.state !== 'none');
  return (
    <details className="card" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('cases.new')}</summary>
      <form onSubmit={(e) => void form.submit(e)}>
        <DraftNote state={form.note} />
        <Field label={t('cases.caseTitle')} error={text(issueAt(error, 'title'))}>
          {(p) => <input {...p} type="text" value={v.title} onChange={(e) => change({ ...v, title: e.target.value })} required maxLength={500} dir="auto" />}
        </Field>
        <CountryPicker label={t('cases.country')} hint={t('cases.countryHint')} value={v.country || undefined} typed={v.countryTyped || undefined} onTyped={(x) => change({ ...v, countryTyped: x })} error={text(issueAt(error, 'country'))} onChange={(c) => change({ ...v, country: c ?? '', countryTyped: '' })} />
        <DraftFormEnd form={form} submitLabel={t('cases.create')} submitDisabled={!v.title.trim()} />
      </form>
    </details>
  );
}
