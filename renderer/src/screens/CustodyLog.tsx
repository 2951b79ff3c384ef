import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyButton } from '../components/CopyButton';
import { CustodyTimeline } from '../components/CustodyTimeline';
import { ErrorNote } from '../components/ErrorNote';
import { OperationControls } from '../components/OperationControls';
import { Screen } from '../components/Screen';
import { call } from '../lib/api';
import { useFormat } from '../lib/format';
import { useAsync } from '../lib/useAsync';
import { useLongOperation } from '../lib/useLongOperation';

const PAGE = 50;

/**
 * The custody log: the latest signed checkpoint to copy and hand to a trusted person (what makes later tampering
 * detectable), the vault's public keys, a full verification, and every event, newest first.
 */
export function CustodyLog() {
  const { t } = useTranslation();
  const f = useFormat();
  const [page, setPage] = useState(0);
  const events = useAsync(() => call('custody.events', { offset: page * PAGE, limit: PAGE }), [page]);
  const total = events.value?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE));
  return (
    <Screen title={t('custody.title')}>
      <Checkpoint />
      <VerifyArchive />
      <section aria-labelledby="custody-events">
        <h2 id="custody-events">{t('custody.events', { count: total, formatted: f.number(total) })}</h2>
        {events.status === 'error' ? <ErrorNote error={events.error} /> : null}
        {events.value ? <CustodyTimeline events={events.value.events} labels={events.value.labels} showSubject /> : <p aria-busy="true">{t('common.loading')}</p>}
        <nav className="pager" aria-label={t('custody.pages')}>
          <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
            {t('common.newer')}
          </button>
          <span>{t('common.pageOf', { page: f.number(page + 1), pages: f.number(pages) })}</span>
          <button type="button" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>
            {t('common.older')}
          </button>
        </nav>
      </section>
    </Screen>
  );
}

function Checkpoint() {
  const { t } = useTranslation();
  const f = useFormat();
  const cp = useAsync(() => call('custody.checkpoint', {}), []);
  const keys = useAsync(() => call('custody.publicKey', {}), []);
  return (
    <section aria-labelledby="custody-checkpoint" className="card">
      <h2 id="custody-checkpoint">{t('custody.checkpoint')}</h2>
      <p>{t('custody.checkpointExplain')}</p>
      {cp.status === 'error' ? <ErrorNote error={cp.error} /> : null}
      {cp.value ? (
        <>
          <p className="hint">{t('custody.checkpointMeta', { size: f.number(cp.value.size), date: f.dateTime(cp.value.createdAt) })}</p>
          <pre dir="ltr" className="checkpoint" translate="no" id="checkpoint-note" data-testid="checkpoint-note">
            {cp.value.note}
          </pre>
          <CopyButton text={cp.value.note} label={t('custody.copyCheckpoint')} targetId="checkpoint-note" />
        </>
      ) : null}
      {keys.value ? (
        <details>
          <summary>{t('custody.publicKeys')}</summary>
          <dl className="facts">
            <dt>{t('custody.noteKey')}</dt>
            <dd>
              <code dir="ltr" className="hash">
                {keys.value.noteVerifierKey}
              </code>
            </dd>
            <dt>{t('custody.minisignKey')}</dt>
            <dd>
              <code dir="ltr" className="hash">
                {keys.value.minisignPublicKey}
              </code>
            </dd>
          </dl>
        </details>
      ) : null}
    </section>
  );
}

function VerifyArchive() {
  const { t } = useTranslation();
  const f = useFormat();
  const op = useLongOperation('verify');
  const report = op.report;
  return (
    <section aria-labelledby="custody-verify" className="card">
      <h2 id="custody-verify">{t('custody.verifyTitle')}</h2>
      <p>{t('custody.verifyExplain')}</p>
      <OperationControls
        op={op}
        startLabel={t('custody.verifyStart')}
        onStart={() => void op.start(() => call('verify.start', { objects: true }))}
        describe={(p) => ({ label: p ? t(`custody.phase.${p.phase}`) : t('common.starting'), done: p?.done ?? 0, total: p?.total ?? 0 })}
      />
      {report ? (
        <div role="status" className={`note ${report.ok ? 'note-ok' : 'note-error'}`}>
          <p>
            <strong>{report.ok ? t('custody.verifyOk') : t('custody.verifyProblems', { count: report.problems.length })}</strong>
          </p>
          <p>{t('custody.verifyCounts', { events: f.number(report.events), checkpoints: f.number(report.checkpoints), objects: f.number(report.objects), bytes: f.bytes(report.bytesHashed) })}</p>
          {report.problems.length > 0 ? (
            <ul>
              {report.problems.slice(0, 100).map((pr, i) => (
                <li key={i}>
                  <code dir="ltr">{pr.check}</code> <span dir="auto">{pr.message}</span>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
