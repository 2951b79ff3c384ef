import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { RemoteTestView } from '../../../../shared/model/transfer';
import { ErrorNote } from '../../components/ErrorNote';
import { Field } from '../../components/Field';
import { call } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { useAsync } from '../../lib/useAsync';
import { useConfirm } from '../../lib/useConfirm';

/**
 * Settings → Remotes (issue 15): the S3 buckets this vault pushes to and pulls from, as `huella remote add|remove`.
 * A remote is a bucket/prefix, an endpoint and an optional Object Lock retention; its credentials come from the
 * environment (AWS_ACCESS_KEY_ID…) or the AWS profile of this computer, never typed here, never stored. Test reaches
 * the bucket with them (the only connection this section opens, on request).
 */
export function RemotesSection() {
  const { t } = useTranslation();
  const f = useFormat();
  const list = useAsync(() => call('remotes.list', {}), []);
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [endpoint, setEndpoint] = useState('');
  const [region, setRegion] = useState('');
  const [days, setDays] = useState('');
  const [allowHttp, setAllowHttp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [tested, setTested] = useState<{ readonly name: string; readonly result?: RemoteTestView; readonly error?: unknown }>();
  const [testing, setTesting] = useState<string>();

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await call('remotes.add', {
        name: name.trim(),
        url: url.trim(),
        ...(endpoint.trim() ? { endpoint: endpoint.trim() } : {}),
        ...(region.trim() ? { region: region.trim() } : {}),
        ...(days.trim() ? { retentionDays: Number(days) } : {}),
        ...(allowHttp ? { allowHttp } : {}),
      });
      setName('');
      setUrl('');
      setEndpoint('');
      setRegion('');
      setDays('');
      setAllowHttp(false);
      list.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const confirm = useConfirm();
  const remove = async (n: string) => {
    setError(undefined);
    try {
      await call('remotes.remove', { name: n });
      if (tested?.name === n) setTested(undefined);
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  const test = async (n: string) => {
    setTesting(n);
    setTested(undefined);
    try {
      setTested({ name: n, result: await call('remotes.test', { name: n }) });
    } catch (err) {
      setTested({ name: n, error: err });
    } finally {
      setTesting(undefined);
    }
  };

  return (
    <section className="card" aria-labelledby="settings-remotes" data-testid="remotes-section">
      <h2 id="settings-remotes">{t('remotes.title')}</h2>
      <p>{t('remotes.intro')}</p>
      <p className="note">{t('remotes.credentials')}</p>
      {(list.value ?? []).length === 0 ? <p>{t('remotes.none')}</p> : null}
      <ul className="list-plain">
        {(list.value ?? []).map((r) => (
          <li key={r.name} data-testid={`remote-${r.name}`}>
            <strong>{r.name}</strong>{' '}
            <bdi dir="ltr" className="path">
              {r.url}
            </bdi>{' '}
            {r.endpoint ? (
              <bdi dir="ltr" className="path">
                {r.endpoint}
              </bdi>
            ) : null}{' '}
            {r.retentionDays ? t('remotes.retention', { count: r.retentionDays, formatted: f.number(r.retentionDays) }) : null}
            <div className="actions">
              <button type="button" onClick={() => void test(r.name)} disabled={testing !== undefined} aria-label={t('remotes.testNamed', { name: r.name })}>
                {t('remotes.test')}
              </button>
              <button type="button" className="danger" onClick={() =>
                  confirm.ask({
                    title: t('remotes.removeConfirmTitle', { name: r.name }),
                    body: t('remotes.removeConfirmBody'),
                    confirmLabel: t('remotes.remove'),
                    danger: true,
                    onConfirm: () => void remove(r.name),
                  })
                }
                aria-label={t('remotes.removeNamed', { name: r.name })}>
                {t('remotes.remove')}
              </button>
            </div>
            {testing === r.name ? <p role="status">{t('remotes.testing')}</p> : null}
            {tested?.name === r.name && tested.result ? (
              <p className="note note-ok" role="status" data-testid="remote-test-ok">
                {t('remotes.testOk', { count: tested.result.bundlesForThisVault, formatted: f.number(tested.result.bundlesForThisVault) })}{' '}
                {t(tested.result.credentials === 'environment' ? 'remotes.fromEnvironment' : 'remotes.fromProfile')}{' '}
                {t(tested.result.objectLock ? 'remotes.objectLockOn' : 'remotes.objectLockOff')}
              </p>
            ) : null}
            {tested?.name === r.name && tested.error ? <ErrorNote error={tested.error} /> : null}
          </li>
        ))}
      </ul>
      <form onSubmit={(e) => void add(e)} aria-labelledby="remotes-add">
        <h3 id="remotes-add">{t('remotes.addTitle')}</h3>
        <Field label={t('remotes.name')} hint={t('remotes.nameHint')}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} required maxLength={40} dir="ltr" />}
        </Field>
        <Field label={t('remotes.url')} hint={t('remotes.urlHint')}>
          {(p) => <input {...p} value={url} onChange={(e) => setUrl(e.target.value)} required dir="ltr" spellCheck={false} />}
        </Field>
        <Field label={t('remotes.endpoint')} hint={t('remotes.endpointHint')}>
          {(p) => <input {...p} value={endpoint} onChange={(e) => setEndpoint(e.target.value)} dir="ltr" spellCheck={false} />}
        </Field>
        <Field label={t('remotes.region')}>{(p) => <input {...p} value={region} onChange={(e) => setRegion(e.target.value)} dir="ltr" spellCheck={false} />}</Field>
        <Field label={t('remotes.retentionDays')} hint={t('remotes.retentionHint')}>
          {(p) => <input {...p} type="number" min={1} max={36500} value={days} onChange={(e) => setDays(e.target.value)} />}
        </Field>
        <label className="check">
          <input type="checkbox" checked={allowHttp} onChange={(e) => setAllowHttp(e.target.checked)} /> {t('remotes.allowHttp')}
        </label>
        <ErrorNote error={error} />
        <div className="actions">
          <button type="submit" disabled={busy || !name.trim() || !url.trim()}>
            {t('remotes.add')}
          </button>
        </div>
      </form>
      {confirm.dialog}
    </section>
  );
}
