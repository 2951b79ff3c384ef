import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Draft } from '../../../../shared/model/drafts';
import { ErrorNote } from '../../components/ErrorNote';
import { Field } from '../../components/Field';
import { Screen } from '../../components/Screen';
import { call, issueAt } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { href, navigate } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import { DraftFormEnd, DraftNote, useDraftForm, WithDraft } from '../../lib/useFormDraft';
import { useMessage } from '../../lib/message';

/**
 * People: victims, witnesses, alleged perpetrators, documenters. Pseudonyms are shown; real names only on request
 * (someone may be looking over the documenter's shoulder).
 */
export function PeopleScreen() {
  const { t } = useTranslation();
  const f = useFormat();
  const people = useAsync(() => call('persons.list', {}), []);
  const [showNames, setShowNames] = useState(false);
  return (
    <Screen
      title={t('people.title')}
      actions={
        <button type="button" aria-pressed={showNames} onClick={() => setShowNames(!showNames)}>
          {showNames ? t('people.hideNames') : t('people.showNames')}
        </button>
      }
    >
      <NewPerson />
      {people.status === 'error' ? <ErrorNote error={people.error} /> : null}
      {people.value && people.value.length === 0 ? <p>{t('people.none')}</p> : null}
      {people.value && people.value.length > 0 ? (
        <table className="table">
          <caption className="visually-hidden">{t('people.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('people.pseudonym')}</th>
              <th scope="col">{t('people.realName')}</th>
              <th scope="col">{t('people.roles')}</th>
            </tr>
          </thead>
          <tbody>
            {people.value.map((p) => (
              <tr key={p.id}>
                <th scope="row">
                  <a href={href({ name: 'person', id: p.id })} dir="auto">
                    {p.pseudonym}
                  </a>
                </th>
                <td>{showNames ? <bdi>{p.realName}</bdi> : t('people.hidden')}</td>
                <td>{f.list([...new Set(p.roles.map((r) => t(`roles.${r.role}`)))])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Screen>
  );
}

type NewPersonValues = { readonly pseudonym: string; readonly realName: string };
const NO_PERSON: NewPersonValues = { pseudonym: '', realName: '' };

/** The "add a person" form, kept as a draft ('person-new') while it is typed, until the person is created. */
function NewPerson() {
  return <WithDraft form="person-new" recordId="new">{(draft) => <NewPersonForm draft={draft} />}</WithDraft>;
}

function NewPersonForm({ draft }: { readonly draft: Draft | null }) {
  const { t } = useTranslation();
  const text = useMessage();
  const form = useDraftForm({
    form: 'person-new',
    recordId: 'new',
    draft,
    saved: NO_PERSON,
    save: (v) => call('persons.create', { realName: v.realName, pseudonym: v.pseudonym }),
    onSaved: (p) => navigate({ name: 'person', id: p.id }),
  });
  const { values: v, change, error } = form;
  const [open, setOpen] = useState(form.opened.state !== 'none');
  return (
    <details className="card" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('people.new')}</summary>
      <form onSubmit={(e) => void form.submit(e)}>
        <DraftNote state={form.note} />
        <Field label={t('people.pseudonym')} hint={t('people.pseudonymHint')} error={text(issueAt(error, 'pseudonym'))}>
          {(p) => <input {...p} type="text" value={v.pseudonym} onChange={(e) => change({ ...v, pseudonym: e.target.value })} required dir="auto" />}
        </Field>
        <Field label={t('people.realName')} hint={t('people.realNameHint')} error={text(issueAt(error, 'realName'))}>
          {(p) => <input {...p} type="text" value={v.realName} onChange={(e) => change({ ...v, realName: e.target.value })} required dir="auto" autoComplete="off" />}
        </Field>
        <DraftFormEnd form={form} submitLabel={t('people.create')} submitDisabled={!v.realName.trim() || !v.pseudonym.trim()} />
      </form>
    </details>
  );
}
