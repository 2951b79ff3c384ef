import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ERROR_CODES, type ApiError } from '../../../../shared/errors';
import type { ContactView, ReceiveReportView } from '../../../../shared/model/transfer';
import { CopyButton } from '../../components/CopyButton';
import { ErrorNote } from '../../components/ErrorNote';
import { OperationControls } from '../../components/OperationControls';
import { QrCode } from '../../components/QrCode';
import { Screen } from '../../components/Screen';
import { ApiFailure, call } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { useMessage } from '../../lib/message';
import { href } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import { useLongOperation } from '../../lib/useLongOperation';
import { PathValue } from '../../components/PathValue';
import { RemotePicker, useRemoteChoice } from '../../components/RemotePicker';

/** A sender this vault has never received from: what the person compares with them before accepting. */
type NewSender = { readonly fingerprint: string; readonly words: string };

function newSenderOf(error: unknown): NewSender | undefined {
  if (!(error instanceof ApiFailure) || error.code !== 'CONSENT_REQUIRED') return undefined;
  const d = error.details;
  return d && typeof d.sender === 'string' && typeof d.words === 'string' ? { fingerprint: d.sender, words: d.words } : undefined;
}

/**
 * Receive (issue 15): this vault's contact card to give to senders; a bundle received from a folder or pulled from
 * a remote with progress and cancel; a sender never seen before shown as words and a fingerprint to compare, pinned
 * only when the person says they match; every refusal (changed in transit, another signer, already received…) said
 * in the person's language, with nothing imported.
 */
export function ReceiveScreen() {
  const { t } = useTranslation();
  const f = useFormat();
  const [folder, setFolder] = useState<string>();
  const [dialogError, setDialogError] = useState<unknown>();
  const receive = useLongOperation('receive');
  const pull = useLongOperation('pull');
  const { remotes, remoteName, setRemote } = useRemoteChoice();

  const choose = async () => {
    setDialogError(undefined);
    try {
      const r = await call('dialog.chooseTransferPath', { purpose: 'bundle' });
      if (r) setFolder(r.path);
    } catch (e) {
      setDialogError(e);
    }
  };
  const startReceive = (acceptNewSender: boolean) => folder && void receive.start(() => call('transfer.receive', { path: folder, ...(acceptNewSender ? { acceptNewSender } : {}) }));
  const startPull = (acceptNewSender: boolean) => remoteName && void pull.start(() => call('transfer.pull', { remote: remoteName, ...(acceptNewSender ? { acceptNewSender } : {}) }));
  const busy = receive.running || pull.running;
  const newSender = newSenderOf(receive.error);
  const pulledNewSender = pull.report?.bundles
    .map((b) => (b.status === 'refused' ? newSenderOf(new ApiFailure(b.error)) : undefined))
    .find((x) => x !== undefined);

  return (
    <Screen title={t('receive.title')}>
      <p>{t('receive.intro')}</p>
      <section className="card" aria-labelledby="receive-folder">
        <h2 id="receive-folder">{t('receive.folderTitle')}</h2>
        <div className="row">
          <button type="button" onClick={() => void choose()} aria-describedby="receive-path">
            {t('receive.chooseFolder')}
          </button>
          <PathValue id="receive-path" path={folder} none={t('receive.noFolder')} />
        </div>
        <ErrorNote error={dialogError} />
        <OperationControls
          op={receive}
          startLabel={t('receive.start')}
          startDisabled={!folder || busy}
          onStart={() => startReceive(false)}
          showError={!newSender}
          describe={(p) => ({ label: t('receive.checking'), done: p?.bytesDone ?? 0, total: p?.bytesTotal ?? 0 })}
        />
        {newSender ? <CompareSender sender={newSender} onAccept={() => startReceive(true)} /> : null}
        {receive.report ? <Received report={receive.report} /> : null}
        {receive.finished && !receive.report && !receive.error ? <p role="status">{t('receive.cancelled')}</p> : null}
      </section>
      <section className="card" aria-labelledby="receive-remote">
        <h2 id="receive-remote">{t('receive.remoteTitle')}</h2>
        {remotes.length === 0 ? (
          <p className="hint">{t('receive.noRemotes')}</p>
        ) : (
          <>
            <RemotePicker id="receive-remote-name" label={t('receive.remote')} remotes={remotes} value={remoteName} onChange={setRemote} />
            <OperationControls
              op={pull}
              startLabel={t('receive.pull')}
              startDisabled={!remoteName || busy}
              onStart={() => startPull(false)}
              describe={(p) => ({
                label: p
                  ? t(`receive.pullPhase.${p.phase}`, { bundle: f.number(p.bundle), bundles: f.number(p.bundles), done: f.number(p.done), total: f.number(p.total) })
                  : t('receive.pulling'),
                done: p?.bytesDone ?? 0,
                total: p?.bytesTotal ?? 0,
              })}
            />
            {pulledNewSender ? <CompareSender sender={pulledNewSender} onAccept={() => startPull(true)} /> : null}
            {pull.report ? <Pulled bundles={pull.report.bundles} /> : null}
            {pull.finished && !pull.report && !pull.error ? <p role="status">{t('receive.cancelled')}</p> : null}
          </>
        )}
      </section>
      <MyContactCard />
    </Screen>
  );
}

function CompareSender({ sender, onAccept }: { readonly sender: NewSender; readonly onAccept: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="note note-warn" data-testid="compare-sender">
      <h3>{t('receive.newSenderTitle')}</h3>
      <p>{t('receive.newSenderIntro')}</p>
      <p className="words" translate="no" dir="ltr">
        {sender.words}
      </p>
      <p>
        {t('receive.fingerprint')}{' '}
        <code dir="ltr" translate="no">
          {sender.fingerprint}
        </code>
      </p>
      <div className="actions">
        <button type="button" className="primary" onClick={onAccept}>
          {t('receive.acceptSender')}
        </button>
      </div>
      <p className="hint">{t('receive.rejectHint')}</p>
    </div>
  );
}

function Received({ report }: { readonly report: ReceiveReportView }) {
  const { t } = useTranslation();
  const f = useFormat();
  const received = report.items.filter((i) => i.status === 'received').length;
  return (
    <div className="note note-ok" role="status" data-testid="receive-done">
      <p>
        {t('receive.done', { count: received, formatted: f.number(received) })}{' '}
        {report.items.length > received ? t('receive.duplicates', { count: report.items.length - received, formatted: f.number(report.items.length - received) }) : null}
      </p>
      <p>
        {t('receive.from')}{' '}
        <span translate="no" dir="ltr" className="words">
          {report.sender.words.join(' ')}
        </span>{' '}
        <code dir="ltr" translate="no">
          {report.sender.fingerprint}
        </code>
        {report.sender.newlyPinned ? ` ${t('receive.pinned')}` : ''}
      </p>
      <ul className="list-plain">
        {report.items.map((it) => (
          <li key={it.itemId}>
            <a href={href({ name: 'item', id: it.itemId })}>{t(it.status === 'received' ? 'receive.openItem' : 'receive.openDuplicate', { size: f.bytes(it.size) })}</a>{' '}
            <code dir="ltr" translate="no" className="hash">
              {`${it.sha256.slice(0, 16)}…`}
            </code>
          </li>
        ))}
      </ul>
      {report.caseId ? <a href={href({ name: 'case', id: report.caseId })}>{t('receive.openCase')}</a> : null}
    </div>
  );
}

function Pulled({ bundles }: { readonly bundles: NonNullable<ReturnType<typeof useLongOperation<'pull'>>['report']>['bundles'] }) {
  const { t } = useTranslation();
  const text = useMessage();
  const refusal = (e: ApiError) => text(e.key ? { key: e.key, ...(e.params ? { params: e.params } : {}) } : undefined) ?? t(`errors.${(ERROR_CODES as readonly string[]).includes(e.code) ? e.code : 'INTERNAL'}`);
  if (bundles.length === 0) return <p role="status">{t('receive.nothingToPull')}</p>;
  return (
    <div data-testid="pull-report">
      {bundles.map((b) =>
        b.status === 'received' ? (
          <Received key={b.bundleId} report={b.report} />
        ) : b.status === 'refused' && b.error.code === 'CONSENT_REQUIRED' ? null : b.status === 'refused' ? (
          <div key={b.bundleId} className="note note-error" role="alert">
            <p>{t('receive.refused')}</p>
            <p>{refusal(b.error)}</p>
          </div>
        ) : (
          <p key={b.bundleId} role="status">
            {t(b.status === 'already-received' ? 'receive.alreadyReceived' : 'receive.unfinished')}
          </p>
        ),
      )}
    </div>
  );
}

/** This vault's contact card: what a sender needs (its line, its QR code), and the words both compare. */
function MyContactCard() {
  const { t } = useTranslation();
  const card = useAsync<ContactView>(() => call('transfer.contact', {}), []);
  const c = card.status === 'ok' ? card.value : undefined;
  return (
    <section className="card" aria-labelledby="receive-card" data-testid="my-contact">
      <h2 id="receive-card">{t('receive.cardTitle')}</h2>
      <p>{t('receive.cardIntro')}</p>
      {card.status === 'error' ? <ErrorNote error={card.error} /> : null}
      {c ? (
        <>
          <p className="words" translate="no" dir="ltr">
            {c.words.join(' ')}
          </p>
          <p>
            {t('receive.fingerprint')}{' '}
            <code dir="ltr" translate="no">
              {c.fingerprint}
            </code>
          </p>
          <pre id="my-contact-line" className="card-line" dir="ltr" translate="no" data-testid="contact-line">
            {c.line}
          </pre>
          <CopyButton text={c.line} label={t('receive.copyCard')} targetId="my-contact-line" />
          {c.qr ? <QrCode matrix={c.qr} title={t('receive.qrTitle')} /> : null}
        </>
      ) : null}
    </section>
  );
}
