import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language, SessionStatus } from '../../../shared/api';
import { ErrorNote } from '../components/ErrorNote';
import { Field } from '../components/Field';
import { MIN_PASSPHRASE, NewPassphraseFields } from '../components/NewPassphraseFields';
import { AppLanguageOptions } from '../components/pickers';
import { call } from '../lib/api';
import { currentLanguage, isLanguage, setLanguage } from '../lib/i18n';
import { OperationsProvider } from '../lib/operations';
import { useDocumentTitle } from '../lib/router';
import { VerifyPacketScreen } from './packets/VerifyPacket';
import { PathValue } from '../components/PathValue';

type Mode = 'unlock' | 'create' | 'verify';

/** Before a vault is unlocked: unlock the known vault, open another one, or create a new one. */
export function Gate({
  status,
  lockReason,
  onUnlocked,
  onCreated,
}: {
  readonly status: SessionStatus;
  readonly lockReason: string | undefined;
  readonly onUnlocked: () => void;
  readonly onCreated: (c: { vaultId: string; recoveryKey: string }) => void;
}) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<Mode>(status.vaultPath ? 'unlock' : 'create');
  const [vaultPath, setVaultPath] = useState<string | undefined>(status.vaultPath);
  const home: Mode = vaultPath ? 'unlock' : 'create';
  return (
    <div className="gate-page">
      <header className="gate-header">
        <p className="brand">{t('app.name')}</p>
        <LanguagePicker />
      </header>
      {mode === 'verify' ? (
        // The reviewer's door: a lawyer or a court checks a packet they received, with no vault of their own.
        <main id="main" className="gate gate-verify">
          <div className="gate-wide">
            <button type="button" className="link" onClick={() => setMode(home)}>
              {t('gate.backToVault')}
            </button>
            <OperationsProvider>
              <VerifyPacketScreen />
            </OperationsProvider>
          </div>
        </main>
      ) : (
        <main id="main" className="gate">
          {mode === 'unlock' ? (
            <UnlockForm vaultPath={vaultPath} lockReason={lockReason} onChooseOther={(p) => setVaultPath(p)} onCreate={() => setMode('create')} onUnlocked={onUnlocked} />
          ) : (
            <CreateForm
              onCancel={vaultPath ? () => setMode('unlock') : undefined}
              onOpenExisting={(p) => {
                setVaultPath(p);
                setMode('unlock');
              }}
              onCreated={onCreated}
            />
          )}
          <section className="card gate-card reviewer-door" aria-labelledby="reviewer-door-title">
            <h2 id="reviewer-door-title">{t('gate.reviewerTitle')}</h2>
            <p>{t('gate.reviewerIntro')}</p>
            <button type="button" onClick={() => setMode('verify')}>
              {t('gate.verifyPacket')}
            </button>
          </section>
        </main>
      )}
    </div>
  );
}

function LanguagePicker() {
  const { t } = useTranslation();
  const [lang, setLang] = useState<Language>(currentLanguage());
  return (
    <div className="lang-picker">
      <label htmlFor="gate-language">{t('settings.language')}</label>
      <select
        id="gate-language"
        value={lang}
        onChange={(e) => {
          const v = e.target.value;
          if (!isLanguage(v)) return;
          setLang(v);
          void setLanguage(v);
          void call('settings.set', { language: v }).catch(() => undefined);
        }}
      >
        <AppLanguageOptions />
      </select>
    </div>
  );
}

function UnlockForm({
  vaultPath,
  lockReason,
  onChooseOther,
  onCreate,
  onUnlocked,
}: {
  readonly vaultPath: string | undefined;
  readonly lockReason: string | undefined;
  readonly onChooseOther: (path: string) => void;
  readonly onCreate: () => void;
  readonly onUnlocked: () => void;
}) {
  const { t } = useTranslation();
  useDocumentTitle(t('unlock.title'));
  const [useRecovery, setUseRecovery] = useState(false);
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const input = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  useEffect(() => input.current?.focus(), [useRecovery, vaultPath]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!vaultPath || !secret) return;
    setBusy(true);
    setError(undefined);
    try {
      await call('vault.unlock', useRecovery ? { path: vaultPath, recoveryKey: secret.trim() } : { path: vaultPath, passphrase: secret });
      setSecret('');
      onUnlocked();
    } catch (err) {
      setError(err);
      setBusy(false);
      input.current?.select();
    }
  };
  const chooseOther = async () => {
    try {
      const r = await call('dialog.chooseVaultFolder', { mode: 'open' });
      if (r) onChooseOther(r.path);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <form className="card gate-card" onSubmit={(e) => void submit(e)} aria-labelledby="unlock-title">
      <h1 id="unlock-title">{t('unlock.title')}</h1>
      {lockReason ? (
        <p className="note" role="status">
          {t(`unlock.lockedBecause.${lockReason}`)}
        </p>
      ) : null}
      {vaultPath ? (
        <p className="vault-path">
          <span>{t('unlock.vault')}</span> <bdi dir="ltr">{vaultPath}</bdi>
        </p>
      ) : (
        <p>{t('unlock.noVaultChosen')}</p>
      )}
      {useRecovery ? (
        <Field label={t('unlock.recoveryKey')} hint={t('unlock.recoveryKeyHint')}>
          {(p) => <textarea {...p} ref={input} dir="ltr" rows={3} value={secret} onChange={(e) => setSecret(e.target.value)} spellCheck={false} autoComplete="off" required />}
        </Field>
      ) : (
        <Field label={t('unlock.passphrase')}>
          {(p) => <input {...p} ref={input} type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="current-password" required />}
        </Field>
      )}
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !vaultPath || !secret}>
          {busy ? t('unlock.unlocking') : t('unlock.submit')}
        </button>
      </div>
      <div className="gate-links">
        <button type="button" className="link" onClick={() => { setUseRecovery(!useRecovery); setSecret(''); setError(undefined); }}>
          {useRecovery ? t('unlock.usePassphrase') : t('unlock.useRecoveryKey')}
        </button>
        <button type="button" className="link" onClick={() => void chooseOther()}>
          {t('unlock.openOther')}
        </button>
        <button type="button" className="link" onClick={onCreate}>
          {t('unlock.createNew')}
        </button>
      </div>
    </form>
  );
}

function CreateForm({
  onCancel,
  onOpenExisting,
  onCreated,
}: {
  readonly onCancel: (() => void) | undefined;
  readonly onOpenExisting: (path: string) => void;
  readonly onCreated: (c: { vaultId: string; recoveryKey: string }) => void;
}) {
  const { t } = useTranslation();
  useDocumentTitle(t('create.title'));
  const [folder, setFolder] = useState<string>();
  const [pass, setPass] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const tooShort = [...pass].length < MIN_PASSPHRASE;
  const mismatch = confirm.length > 0 && confirm !== pass;
  const choose = async (mode: 'create' | 'open') => {
    setError(undefined);
    try {
      const r = await call('dialog.chooseVaultFolder', { mode });
      if (!r) return;
      if (mode === 'create') setFolder(r.path);
      else onOpenExisting(r.path);
    } catch (err) {
      setError(err);
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!folder || tooShort || confirm !== pass) return;
    setBusy(true);
    setError(undefined);
    try {
      const created = await call('vault.create', { path: folder, passphrase: pass, language: currentLanguage() });
      setPass('');
      setConfirm('');
      onCreated(created);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <form className="card gate-card" onSubmit={(e) => void submit(e)} aria-labelledby="create-title">
      <h1 id="create-title" ref={heading} tabIndex={-1}>
        {t('create.title')}
      </h1>
      <p>{t('create.intro')}</p>
      <div className="field">
        <span className="label" id="create-folder-label">
          {t('create.folder')}
        </span>
        <div className="row">
          <button type="button" onClick={() => void choose('create')} aria-describedby="create-folder-label create-folder-value">
            {t('create.chooseFolder')}
          </button>
          <PathValue id="create-folder-value" path={folder} none={t('create.noFolder')} />
        </div>
      </div>
      <NewPassphraseFields label={t('create.passphrase')} value={pass} onChange={setPass} confirm={confirm} onConfirm={setConfirm} mismatch={mismatch} />
      <p className="note note-warn">{t('create.warning')}</p>
      <ErrorNote error={error} />
      <div className="actions">
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            {t('common.back')}
          </button>
        ) : null}
        <button type="submit" className="primary" disabled={busy || !folder || tooShort || confirm !== pass}>
          {busy ? t('create.creating') : t('create.submit')}
        </button>
      </div>
      <div className="gate-links">
        <button type="button" className="link" onClick={() => void choose('open')}>
          {t('create.openExisting')}
        </button>
      </div>
    </form>
  );
}
