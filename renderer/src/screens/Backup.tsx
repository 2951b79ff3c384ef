import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupStatus } from '../../../shared/model/backup';
import { ErrorNote } from '../components/ErrorNote';
import { Field } from '../components/Field';
import { OperationControls } from '../components/OperationControls';
import { call } from '../lib/api';
import { useFormat } from '../lib/format';
import { useLongOperation } from '../lib/useLongOperation';
import { RecoverySheet } from './RecoverySheet';
import { PathValue } from '../components/PathValue';

/** "3 days ago" / "hace 3 días" / "منذ ٣ أيام", in the largest unit that fits. */
function age(iso: string, locale: string, now: number): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 365 * 86400],
    ['month', 30 * 86400],
    ['week', 7 * 86400],
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ];
  for (const [unit, size] of steps) if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  return rtf.format(0, 'minute');
}

const DAY = 86_400_000;

/**
 * Settings → Backup: when the vault was last backed up and how long ago, a backup to a folder or drive the person
 * chooses (progress, cancel), and a check of a backup folder. The same backup as `huella backup`.
 */
export function BackupSection() {
  const { t } = useTranslation();
  const f = useFormat();
  // The status with the time it was read (the age is counted from then: rendering stays pure).
  const [status, setStatus] = useState<BackupStatus & { readonly readAt: number }>();
  const [error, setError] = useState<unknown>();
  const [target, setTarget] = useState<string>();
  const backup = useLongOperation('backup');
  const check = useLongOperation('backup-verify');
  const refresh = useCallback(() => {
    call('backup.status', {}).then((s) => setStatus({ ...s, readAt: Date.now() }), setError);
  }, []);
  useEffect(refresh, [refresh]);
  useEffect(() => {
    if (backup.report) refresh();
  }, [backup.report, refresh]);

  const choose = async (): Promise<string | undefined> => {
    setError(undefined);
    try {
      const r = await call('dialog.chooseBackupFolder', {});
      if (r) setTarget(r.path);
      return r?.path;
    } catch (e) {
      setError(e);
      return undefined;
    }
  };
  const last = status?.last;
  const old = last && status ? status.readAt - new Date(last.at).getTime() > 7 * DAY : false;
  const v = check.report;

  return (
    <section className="card" aria-labelledby="settings-backup" data-testid="backup-section">
      <h2 id="settings-backup">{t('backup.title')}</h2>
      <p>{t('backup.intro')}</p>
      {status ? (
        <p className={`note ${!last || old ? 'note-warn' : 'note-ok'}`} data-testid="last-backup">
          {last ? t('backup.last', { date: f.dateTime(last.at), age: age(last.at, f.locale, status.readAt), generation: last.generation }) : t('backup.never')}
        </p>
      ) : null}
      <div className="field">
        <span className="label" id="backup-target-label">
          {t('backup.target')}
        </span>
        <div className="row">
          <button type="button" onClick={() => void choose()} aria-describedby="backup-target-label backup-target">
            {t('backup.chooseTarget')}
          </button>
          <PathValue id="backup-target" path={target} none={t('backup.noTarget')} />
        </div>
      </div>
      <OperationControls
        op={backup}
        startLabel={t('backup.start')}
        startDisabled={!target || check.running}
        onStart={() => target && void backup.start(() => call('backup.start', { path: target }))}
        describe={(p) => ({ label: p ? t(`backup.phase.${p.phase}`) : t('common.starting'), done: p ? (p.bytesTotal > 0 ? p.bytesDone : p.done) : 0, total: p ? (p.bytesTotal > 0 ? p.bytesTotal : p.total) : 0 })}
      />
      {backup.report ? (
        <p className="note note-ok" role="status" data-testid="backup-done">
          {t('backup.done', { count: backup.report.objects, size: f.bytes(backup.report.bytesWritten), generation: backup.report.generation })}
        </p>
      ) : null}
      {backup.finished && !backup.report && !backup.error ? <p role="status">{t('backup.cancelled')}</p> : null}
      <h3>{t('backup.verifyTitle')}</h3>
      <p>{t('backup.verifyIntro')}</p>
      <OperationControls
        op={check}
        startLabel={t('backup.verify')}
        startDisabled={!target || backup.running}
        onStart={() => target && void check.start(() => call('backup.verify', { path: target }))}
        describe={(p) => ({ label: t('backup.verifying'), done: p?.bytesDone ?? 0, total: p?.bytesTotal ?? 0 })}
      />
      {v ? (
        <div data-testid="backup-verify-report">
          <p className={`note ${v.ok ? 'note-ok' : 'note-error'}`} role="status">
            {v.ok ? t('backup.verifyOk', { count: v.objectsChecked, date: f.dateTime(v.createdAt), generation: v.generation ?? 0 }) : t('backup.verifyFail', { count: v.problems.length })}
          </p>
          {v.problems.length > 0 ? (
            <ul className="list-plain">
              {v.problems.slice(0, 50).map((p, i) => (
                <li key={i} className="fail">
                  {t(`backup.problem.${p.check.replace('.', '_')}`)}{' '}
                  {p.object ? (
                    <bdi dir="ltr" className="path">
                      {p.object}
                    </bdi>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <ErrorNote error={error} />
    </section>
  );
}

/**
 * A new recovery sheet: the key itself is never stored, so it cannot be shown again; a new one is made (the old one
 * stops working) after the passphrase is typed again, and shown as the sheet to print.
 */
export function RecoverySection() {
  const { t } = useTranslation();
  const [vaultId, setVaultId] = useState('');
  useEffect(() => {
    call('session.status', {}).then((s) => setVaultId(s.vaultId ?? ''), () => undefined);
  }, []);
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [key, setKey] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const r = await call('vault.newRecoveryKey', { passphrase });
      setPassphrase('');
      setKey(r.recoveryKey);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (key) return <RecoverySheet recoveryKey={key} vaultId={vaultId} embedded onDone={() => setKey(undefined)} />;
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="settings-recovery">
      <h2 id="settings-recovery">{t('backup.recoveryTitle')}</h2>
      <p>{t('backup.recoveryIntro')}</p>
      <Field label={t('settings.currentPassphrase')}>
        {(p) => <input {...p} type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} required />}
      </Field>
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit" disabled={busy || !passphrase}>
          {t('backup.newRecoverySheet')}
        </button>
      </div>
    </form>
  );
}
