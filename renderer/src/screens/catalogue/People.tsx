import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../components/ErrorNote';
import { Field } from '../../components/Field';
import { Screen } from '../../components/Screen';
import { call } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { href, navigate } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';

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
                <td dir="auto">{showNames ? p.realName : t('people.hidden')}</td>
                <td>{f.list([...new Set(p.roles.map((r) => t(`roles.${r.role}`)))])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Screen>
  );
}

function NewPerson() {
  const { t } = useTranslation();
  const [realName, setRealName] = useState('');
  const [pseudonym, setPseudonym] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const p = await call('persons.create', { realName, pseudonym });
      navigate({ name: 'person', id: p.id });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <details className="card">
      <summary>{t('people.new')}</summary>
      <form onSubmit={(e) => void submit(e)}>
        <Field label={t('people.pseudonym')} hint={t('people.pseudonymHint')}>
          {(p) => <input {...p} type="text" value={pseudonym} onChange={(e) => setPseudonym(e.target.value)} required dir="auto" />}
        </Field>
        <Field label={t('people.realName')} hint={t('people.realNameHint')}>
          {(p) => <input {...p} type="text" value={realName} onChange={(e) => setRealName(e.target.value)} required dir="auto" autoComplete="off" />}
        </Field>
        <ErrorNote error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={!realName.trim() || !pseudonym.trim()}>
            {t('people.create')}
          </button>
        </div>
      </form>
    </details>
  );
}
