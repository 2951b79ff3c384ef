import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../../shared/api';
import { ErrorNote } from '../components/ErrorNote';
import { Field } from '../components/Field';
import { MIN_PASSPHRASE, NewPassphraseFields } from '../components/NewPassphraseFields';
import { AppLanguageOptions } from '../components/pickers';
import { Screen } from '../components/Screen';
import { actorLabel, DEFAULT_ACTOR } from '../lib/actor';
import { call } from '../lib/api';
import { isLanguage } from '../lib/i18n';
import { useSettings } from '../lib/settings';
import { BackupSection, RecoverySection } from './Backup';
import { WitnessesSection } from './Witnesses';
import { RemotesSection } from './transfer/Remotes';

/** Auto-lock, language, the name recorded in the custody log, and the passphrase. */
export function SettingsScreen() {
  const { t } = useTranslation();
  const { settings, update } = useSettings();
  const [minutes, setMinutes] = useState(String(settings.autoLockMinutes));
  const [language, setLanguage] = useState<Language>(settings.language);
  // The default name is a stored word ('owner'), shown translated everywhere (actorLabel): here too, as the empty
  // field's placeholder, rather than pre-filled in English. Left empty, the default stays.
  const [actor, setActor] = useState(settings.actor === DEFAULT_ACTOR ? '' : settings.actor);
  const [contact, setContact] = useState(settings.contact);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>();
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    setError(undefined);
    try {
      const next = await call('settings.set', { autoLockMinutes: Number(minutes), language, actor: actor.trim() || DEFAULT_ACTOR, contact: contact.trim() });
      update(next);
      setActor(next.actor === DEFAULT_ACTOR ? '' : next.actor);
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Screen title={t('settings.title')}>
      <form className="card" onSubmit={(e) => void save(e)} aria-labelledby="settings-general">
        <h2 id="settings-general">{t('settings.general')}</h2>
        <Field label={t('settings.autoLock')} hint={t('settings.autoLockHint', { min: 1, max: 240 })}>
          {(p) => <input {...p} type="number" min={1} max={240} step={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} required />}
        </Field>
        <Field label={t('settings.language')}>
          {(p) => (
            <select {...p} value={language} onChange={(e) => isLanguage(e.target.value) && setLanguage(e.target.value)}>
              <AppLanguageOptions />
            </select>
          )}
        </Field>
        <Field label={t('settings.actor')} hint={t('settings.actorHint')}>
          {(p) => <input {...p} type="text" value={actor} maxLength={100} onChange={(e) => setActor(e.target.value)} placeholder={actorLabel(DEFAULT_ACTOR, t)} dir="auto" />}
        </Field>
        <Field label={t('settings.contact')} hint={t('settings.contactHint')}>
          {(p) => <textarea {...p} value={contact} maxLength={300} rows={2} dir="auto" onChange={(e) => setContact(e.target.value)} />}
        </Field>
        <ErrorNote error={error} />
        <div className="actions">
          <button type="submit" className="primary">
            {t('common.save')}
          </button>
          <span role="status">{saved ? t('common.saved') : ''}</span>
        </div>
      </form>
      <BackupSection />
      <RecoverySection />
      <ChangePassphrase />
      <WitnessesSection />
      <RemotesSection />
    </Screen>
  );
}

function ChangePassphrase() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>();
  const mismatch = confirm.length > 0 && confirm !== next;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setDone(false);
    setError(undefined);
    try {
      await call('vault.changePassphrase', { current, next });
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="settings-passphrase">
      <h2 id="settings-passphrase">{t('settings.passphrase')}</h2>
      <Field label={t('settings.currentPassphrase')}>
        {(p) => <input {...p} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />}
      </Field>
      <NewPassphraseFields label={t('settings.newPassphrase')} value={next} onChange={setNext} confirm={confirm} onConfirm={setConfirm} mismatch={mismatch} />
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit" disabled={busy || mismatch || !current || next.length < MIN_PASSPHRASE}>
          {t('settings.changePassphrase')}
        </button>
        <span role="status">{done ? t('settings.passphraseChanged') : ''}</span>
      </div>
    </form>
  );
}
