import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SEXES, type Person, type Sex } from '../../../../shared/model/catalogue';
import type { Draft } from '../../../../shared/model/drafts';
import { ErrorNote } from '../../components/ErrorNote';
import { DateField } from '../../components/DateField';
import { Field } from '../../components/Field';
import { CountryPicker } from '../../components/pickers';
import { Screen } from '../../components/Screen';
import { call, issueAt } from '../../lib/api';
import { useMessage } from '../../lib/message';
import { href, navigate } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import { useConfirm } from '../../lib/useConfirm';
import { DraftFormEnd, DraftNote, useDraftForm, WithDraft } from '../../lib/useFormDraft';
import { ConsentSection } from './Consent';

/** One person: identity (real name shown only here, on purpose), roles in cases, and consent. */
export function PersonDetailScreen({ id }: { readonly id: string }) {
  const { t } = useTranslation();
  const person = useAsync(() => call('persons.get', { id }), [id]);
  // The cases this person has a role in, by their titles (the link used to read "Open the case" for each).
  const caseTitles = useAsync(async () => new Map((await call('cases.list', {})).map((c) => [c.id, c.title] as const)), [id]);
  const confirm = useConfirm();
  const [error, setError] = useState<unknown>();
  if (!person.value) {
    return <Screen title={t('people.person')}>{person.status === 'error' ? <ErrorNote error={person.error} /> : <p aria-busy="true">{t('common.loading')}</p>}</Screen>;
  }
  const p = person.value;
  return (
    <Screen
      title={p.pseudonym}
      actions={
        <button
          type="button"
          className="danger"
          onClick={() =>
            confirm.ask({
              title: t('people.deleteTitle'),
              body: t('people.deleteBody'),
              confirmLabel: t('people.delete'),
              danger: true,
              onConfirm: () => void call('persons.delete', { id: p.id }).then(() => navigate({ name: 'people' }), setError),
            })
          }
        >
          {t('people.delete')}
        </button>
      }
    >
      <PersonFields p={p} onSaved={person.reload} />
      <section aria-labelledby="person-roles">
        <h2 id="person-roles">{t('people.roles')}</h2>
        {p.roles.length === 0 ? <p>{t('people.noRoles')}</p> : null}
        <ul className="list-plain">
          {p.roles.map((r) => (
            <li key={`${r.caseId}-${r.role}`}>
              <span className="badge">{t(`roles.${r.role}`)}</span>{' '}
              <a href={href({ name: 'case', id: r.caseId })} dir="auto">
                {caseTitles.value?.get(r.caseId) ?? t('people.inCase')}
              </a>
            </li>
          ))}
        </ul>
      </section>
      <ConsentSection personId={p.id} />
      <ErrorNote error={error} />
      {confirm.dialog}
    </Screen>
  );
}

type PersonValues = {
  readonly pseudonym: string;
  readonly realName: string;
  readonly sex: string;
  readonly birthDate: string;
  /** A birth date typed halfway (DateField's typedDate()), kept in the draft; '' when none. */
  readonly birthDateTyped: string;
  readonly nationality: string;
  /** A nationality typed that is not (yet) a choice (CodePicker's onTyped), kept in the draft; '' when none. */
  readonly nationalityTyped: string;
  readonly occupation: string;
  readonly contact: string;
  readonly notes: string;
};

function personValues(p: Person): PersonValues {
  return {
    pseudonym: p.pseudonym,
    realName: p.realName,
    sex: p.sex ?? '',
    birthDate: p.birthDate ?? '',
    birthDateTyped: '',
    nationality: p.nationality ?? '',
    nationalityTyped: '',
    occupation: p.occupation ?? '',
    contact: p.contact ?? '',
    notes: p.notes ?? '',
  };
}

/** The person's identity, kept as a draft ('person') while it is typed, until it is saved. */
function PersonFields({ p, onSaved }: { readonly p: Person; readonly onSaved: () => void }) {
  return <WithDraft form="person" recordId={p.id}>{(draft) => <PersonFieldsForm p={p} draft={draft} onSaved={onSaved} />}</WithDraft>;
}

function PersonFieldsForm({ p, draft, onSaved }: { readonly p: Person; readonly draft: Draft | null; readonly onSaved: () => void }) {
  const { t } = useTranslation();
  const text = useMessage();
  // Saving with a birth date typed halfway would save the date it replaced: refused at the field, the text kept.
  const [halfDate, setHalfDate] = useState(false);
  const form = useDraftForm({
    form: 'person',
    recordId: p.id,
    draft,
    saved: personValues(p),
    base: p.updatedAt,
    ready: (v) => {
      setHalfDate(Boolean(v.birthDateTyped));
      return !v.birthDateTyped;
    },
    save: async (v) => {
      await call('persons.update', {
        id: p.id,
        pseudonym: v.pseudonym,
        realName: v.realName,
        sex: (v.sex || null) as Sex | null,
        birthDate: v.birthDate || null,
        nationality: v.nationality || null,
        occupation: v.occupation || null,
        contact: v.contact || null,
        notes: v.notes || null,
      });
    },
    onSaved,
  });
  const { values: v, change: setV, error, opened } = form;
  const refusal = (path: string) => text(issueAt(error, path));
  const set = (k: keyof PersonValues) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  return (
    <form className="card" onSubmit={(e) => void form.submit(e)} aria-labelledby="person-fields">
      <h2 id="person-fields">{t('people.identity')}</h2>
      <p className="note note-warn">{t('people.identityWarning')}</p>
      <DraftNote state={form.note} />
      <div className="two-col">
        <Field label={t('people.pseudonym')} error={refusal('pseudonym')}>{(q) => <input {...q} type="text" value={v.pseudonym} onChange={set('pseudonym')} required dir="auto" />}</Field>
        <Field label={t('people.realName')} error={refusal('realName')}>{(q) => <input {...q} type="text" value={v.realName} onChange={set('realName')} required dir="auto" autoComplete="off" />}</Field>
        <Field label={t('people.sex')}>
          {(q) => (
            <select {...q} value={v.sex} onChange={set('sex')}>
              <option value="">{t('people.notRecorded')}</option>
              {SEXES.map((s) => (
                <option key={s} value={s}>
                  {t(`people.sexes.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <DateField
          label={t('people.birthDate')}
          hint={t('people.partialDateHint')}
          partial
          value={v.birthDate || undefined}
          typed={opened.values.birthDateTyped || undefined}
          error={halfDate && v.birthDateTyped ? t('problem.validation.notAPartialDate') : refusal('birthDate')}
          onChange={(d) => setV({ ...v, birthDate: d ?? '', birthDateTyped: '' })}
          onTyped={(typed) => setV({ ...v, birthDateTyped: typed })}
        />
        <CountryPicker label={t('people.nationality')} value={v.nationality || undefined} typed={v.nationalityTyped || undefined} onTyped={(x) => setV({ ...v, nationalityTyped: x })} error={refusal('nationality')} onChange={(c) => setV({ ...v, nationality: c ?? '', nationalityTyped: '' })} />
        <Field label={t('people.occupation')} error={refusal('occupation')}>{(q) => <input {...q} type="text" value={v.occupation} onChange={set('occupation')} dir="auto" />}</Field>
        <Field label={t('people.contact')} error={refusal('contact')}>{(q) => <input {...q} type="text" value={v.contact} onChange={set('contact')} dir="auto" autoComplete="off" />}</Field>
      </div>
      <Field label={t('people.notes')} error={refusal('notes')}>
        {(q) => <textarea {...q} rows={3} value={v.notes} onChange={set('notes')} dir="auto" />}
      </Field>
      <DraftFormEnd form={form} submitLabel={t('common.save')} savedLabel={t('common.saved')} />
    </form>
  );
}
