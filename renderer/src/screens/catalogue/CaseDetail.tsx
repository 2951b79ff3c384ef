import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CASE_STATUSES, PERSON_ROLES, type Case, type CaseStatus, type PersonRole } from '../../../../shared/model/catalogue';
import type { Draft } from '../../../../shared/model/drafts';
import { ErrorNote } from '../../components/ErrorNote';
import { Field } from '../../components/Field';
import { CountryPicker, PersonOptions } from '../../components/pickers';
import { Screen } from '../../components/Screen';
import { TagEditor } from '../../components/TagEditor';
import { call, issueAt } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { useMessage } from '../../lib/message';
import { href, navigate } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import { useConfirm } from '../../lib/useConfirm';
import { DraftFormEnd, DraftNote, useDraftForm, WithDraft } from '../../lib/useFormDraft';

/** One case: its description, the people in it and their roles, testimonies, items, tags. */
export function CaseDetailScreen({ id }: { readonly id: string }) {
  const { t } = useTranslation();
  const kase = useAsync(() => call('cases.get', { id }), [id]);
  const confirm = useConfirm();
  const [error, setError] = useState<unknown>();
  if (!kase.value) {
    return <Screen title={t('cases.case')}>{kase.status === 'error' ? <ErrorNote error={kase.error} /> : <p aria-busy="true">{t('common.loading')}</p>}</Screen>;
  }
  const c = kase.value;
  return (
    <Screen
      title={c.title}
      actions={
        <>
          <a className="button" href={href({ name: 'packet', id: c.id })}>
            {t('cases.preparePacket')}
          </a>
          <a className="button" href={href({ name: 'share', id: c.id })}>
            {t('cases.share')}
          </a>
          <button
            type="button"
            className="danger"
            onClick={() =>
              confirm.ask({
                title: t('cases.deleteTitle'),
                body: t('cases.deleteBody'),
                confirmLabel: t('cases.delete'),
                danger: true,
                onConfirm: () => void call('cases.delete', { id: c.id }).then(() => navigate({ name: 'cases' }), setError),
              })
            }
          >
            {t('cases.delete')}
          </button>
        </>
      }
    >
      <CaseFields c={c} onSaved={kase.reload} />
      <CasePersons c={c} onChanged={kase.reload} />
      <CaseTestimonies caseId={c.id} />
      <CaseItems caseId={c.id} />
      <TagEditor targetId={c.id} />
      <ErrorNote error={error} />
      {confirm.dialog}
    </Screen>
  );
}

/** countryTyped: a country name typed that is not (yet) a choice, kept in the draft (CodePicker's onTyped). */
type CaseValues = { readonly title: string; readonly country: string; readonly countryTyped: string; readonly status: string; readonly summary: string; readonly notes: string };

function caseValues(c: Case): CaseValues {
  return { title: c.title, country: c.country ?? '', countryTyped: '', status: c.status, summary: c.summary ?? '', notes: c.notes ?? '' };
}

/** The case's description, kept as a draft ('case') while it is typed, until it is saved. */
function CaseFields({ c, onSaved }: { readonly c: Case; readonly onSaved: () => void }) {
  return <WithDraft form="case" recordId={c.id}>{(draft) => <CaseFieldsForm c={c} draft={draft} onSaved={onSaved} />}</WithDraft>;
}

function CaseFieldsForm({ c, draft, onSaved }: { readonly c: Case; readonly draft: Draft | null; readonly onSaved: () => void }) {
  const { t } = useTranslation();
  const text = useMessage();
  const form = useDraftForm({
    form: 'case',
    recordId: c.id,
    draft,
    saved: caseValues(c),
    base: c.updatedAt,
    save: async (v) => {
      await call('cases.update', { id: c.id, title: v.title, country: v.country || null, status: v.status as CaseStatus, summary: v.summary || null, notes: v.notes || null });
    },
    onSaved,
  });
  const { values: v, change, error } = form;
  return (
    <form className="card" onSubmit={(e) => void form.submit(e)} aria-labelledby="case-fields">
      <h2 id="case-fields">{t('cases.description')}</h2>
      <DraftNote state={form.note} />
      <div className="two-col">
        <Field label={t('cases.caseTitle')} error={text(issueAt(error, 'title'))}>
          {(p) => <input {...p} type="text" value={v.title} onChange={(e) => change({ ...v, title: e.target.value })} required dir="auto" />}
        </Field>
        <CountryPicker label={t('cases.country')} hint={t('cases.countryHint')} value={v.country || undefined} typed={v.countryTyped || undefined} onTyped={(x) => change({ ...v, countryTyped: x })} error={text(issueAt(error, 'country'))} onChange={(x) => change({ ...v, country: x ?? '', countryTyped: '' })} />
        <Field label={t('cases.statusLabel')}>
          {(p) => (
            <select {...p} value={v.status} onChange={(e) => change({ ...v, status: e.target.value })}>
              {CASE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`cases.status.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label={t('cases.summary')} error={text(issueAt(error, 'summary'))}>
        {(p) => <textarea {...p} rows={3} value={v.summary} onChange={(e) => change({ ...v, summary: e.target.value })} dir="auto" />}
      </Field>
      <Field label={t('cases.notes')} error={text(issueAt(error, 'notes'))}>
        {(p) => <textarea {...p} rows={3} value={v.notes} onChange={(e) => change({ ...v, notes: e.target.value })} dir="auto" />}
      </Field>
      <DraftFormEnd form={form} submitLabel={t('common.save')} savedLabel={t('common.saved')} />
    </form>
  );
}

function CasePersons({ c, onChanged }: { readonly c: Case; readonly onChanged: () => void }) {
  const { t } = useTranslation();
  const persons = useAsync(() => call('persons.list', {}), [c.id]);
  const [personId, setPersonId] = useState('');
  const personSelect = useRef<HTMLSelectElement>(null);
  const [role, setRole] = useState<PersonRole>('victim');
  const [error, setError] = useState<unknown>();
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!personId) return;
    setError(undefined);
    try {
      await call('persons.setRole', { personId, caseId: c.id, role });
      setPersonId('');
      // The button is disabled until another person is chosen: focus goes to the choice, not to the page body.
      personSelect.current?.focus();
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const remove = async (pid: string, r: PersonRole) => {
    setError(undefined);
    try {
      await call('persons.removeRole', { personId: pid, caseId: c.id, role: r });
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="case-persons">
      <h2 id="case-persons">{t('cases.people')}</h2>
      {c.persons.length === 0 ? <p>{t('cases.noPeople')}</p> : null}
      <ul className="list-plain">
        {c.persons.map((p) => (
          <li key={`${p.personId}-${p.role}`}>
            <a href={href({ name: 'person', id: p.personId })} dir="auto">
              {p.pseudonym}
            </a>{' '}
            <span className="badge">{t(`roles.${p.role}`)}</span>{' '}
            <button type="button" className="link" onClick={() => void remove(p.personId, p.role)}>
              {t('cases.removeRole', { name: p.pseudonym, role: t(`roles.${p.role}`) })}
            </button>
          </li>
        ))}
      </ul>
      <form className="row" onSubmit={(e) => void add(e)} aria-label={t('cases.addPerson')}>
        <div className="field inline">
          <label htmlFor="case-add-person">{t('cases.person')}</label>
          <select id="case-add-person" ref={personSelect} value={personId} onChange={(e) => setPersonId(e.target.value)}>
            <PersonOptions persons={persons.value} emptyLabel={t('cases.choosePerson')} />
          </select>
        </div>
        <div className="field inline">
          <label htmlFor="case-add-role">{t('cases.role')}</label>
          <select id="case-add-role" value={role} onChange={(e) => setRole(e.target.value as PersonRole)}>
            {PERSON_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={!personId}>
          {t('cases.addPerson')}
        </button>
        <a href={href({ name: 'people' })}>{t('cases.newPersonLink')}</a>
      </form>
      <ErrorNote error={error} />
    </section>
  );
}

function CaseTestimonies({ caseId }: { readonly caseId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const list = useAsync(() => call('testimonies.list', { caseId }), [caseId]);
  const [error, setError] = useState<unknown>();
  const create = async () => {
    setError(undefined);
    try {
      const tes = await call('testimonies.create', { caseId, title: t('testimony.untitled') });
      navigate({ name: 'testimony', id: tes.id });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="case-testimonies">
      <h2 id="case-testimonies">{t('cases.testimonies')}</h2>
      {list.value && list.value.length === 0 ? <p>{t('cases.noTestimonies')}</p> : null}
      <ul className="list-plain">
        {(list.value ?? []).map((x) => (
          <li key={x.id}>
            <a href={href({ name: 'testimony', id: x.id })} dir="auto">
              {x.title}
            </a>{' '}
            <span className="hint">{t('testimony.revisionAt', { revision: f.number(x.revision), date: f.dateTime(x.updatedAt) })}</span>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => void create()}>
        {t('cases.newTestimony')}
      </button>
      <ErrorNote error={error} />
    </section>
  );
}

function CaseItems({ caseId }: { readonly caseId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const items = useAsync(() => call('items.list', { offset: 0, limit: 200, sort: 'captured-asc', filters: { caseId } }), [caseId]);
  return (
    <section aria-labelledby="case-items">
      <h2 id="case-items">{t('cases.items', { count: items.value?.total ?? 0, formatted: f.number(items.value?.total ?? 0) })}</h2>
      {items.value && items.value.total === 0 ? <p>{t('cases.noItems')}</p> : null}
      <ul className="list-plain">
        {(items.value?.items ?? []).map((it) => (
          <li key={it.id}>
            <a href={href({ name: 'item', id: it.id })} dir="auto">
              {it.title ?? it.originalName}
            </a>{' '}
            {it.hasGps ? <span className="badge badge-gps">{t('library.gpsBadge')}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
