import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionStatus } from '../../shared/api';
import { ErrorNote } from './components/ErrorNote';
import { call, subscribe } from './lib/api';
import { setLanguage } from './lib/i18n';
import { forgetAll } from './lib/memory';
import { Gate } from './screens/Gate';
import { RecoverySheet } from './screens/RecoverySheet';
import { Shell } from './Shell';

type Created = { readonly vaultId: string; readonly recoveryKey: string };

/**
 * The session state machine: no vault → create/open; locked → unlock; unlocked → the app. On `session.locked`
 * the whole unlocked tree unmounts, so every piece of catalogue data held in React state is dropped.
 */
export function App() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<SessionStatus | undefined>();
  const [error, setError] = useState<unknown>();
  const [created, setCreated] = useState<Created | undefined>();
  const [lockReason, setLockReason] = useState<string | undefined>();

  const refresh = useCallback(() => {
    call('session.status', {}).then(
      async (s) => {
        await setLanguage(s.settings.language);
        setStatus(s);
        setError(undefined);
      },
      (e: unknown) => setError(e),
    );
  }, []);

  useEffect(() => {
    refresh();
    return subscribe('session.locked', (e) => {
      forgetAll();
      setCreated(undefined);
      setLockReason(e.reason);
      setStatus((s) => (s ? { ...s, state: 'locked', vaultId: undefined } : s));
      window.location.hash = '';
    });
  }, [refresh]);

  if (error && !status) {
    return (
      <main id="main" className="gate">
        <h1>{t('app.name')}</h1>
        <ErrorNote error={error} />
      </main>
    );
  }
  if (!status) {
    return (
      <main id="main" className="gate" aria-busy="true">
        <p>{t('common.loading')}</p>
      </main>
    );
  }
  if (status.state === 'unlocked' && created) {
    return <RecoverySheet recoveryKey={created.recoveryKey} vaultId={created.vaultId} onDone={() => setCreated(undefined)} />;
  }
  if (status.state === 'unlocked') {
    return <Shell vaultId={status.vaultId ?? ''} vaultPath={status.vaultPath} />;
  }
  return (
    <Gate
      status={status}
      lockReason={lockReason}
      onUnlocked={() => {
        setLockReason(undefined);
        refresh();
      }}
      onCreated={(c) => {
        setCreated(c);
        setLockReason(undefined);
        refresh();
      }}
    />
  );
}
