import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiInput } from '../../../../shared/api';
import type { ItemSelection } from '../../../../shared/model/selection';
import { CasePicker } from '../../components/CasePicker';
import { ErrorNote } from '../../components/ErrorNote';
import { Field } from '../../components/Field';
import { OperationControls } from '../../components/OperationControls';
import { Screen } from '../../components/Screen';
import { call } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { href } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import { useLongOperation } from '../../lib/useLongOperation';
import { PathValue } from '../../components/PathValue';
import { RemotePicker, useRemoteChoice } from '../../components/RemotePicker';

type Recipient = ApiInput<'transfer.plan'>['recipient'];

/**
 * Share a case, or items chosen in the library, in search results or on an item's page, with another vault
 * (issue 15): the recipient from their contact card (pasted, or a card file or a
 * picture of its QR code), exactly what leaves (originals, catalogue records, custody events) before anything is
 * written, then the bundle written to a folder (a USB stick) or pushed to a remote, with progress and cancel.
 */
export function ShareScreen({ caseId: initialCase, items }: { readonly caseId?: string | undefined; readonly items?: ItemSelection | undefined }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [caseId, setCaseId] = useState(initialCase ?? '');
  const [cardText, setCardText] = useState('');
  const [cardFile, setCardFile] = useState<string>();
  const [dialogError, setDialogError] = useState<unknown>();
  const [mode, setMode] = useState<'folder' | 'remote'>('folder');
  const [folder, setFolder] = useState<string>();
  const op = useLongOperation('share');
  const { remotes, remoteName, setRemote } = useRemoteChoice();

  const recipient: Recipient | undefined = cardFile ? { path: cardFile } : cardText.trim() ? { text: cardText } : undefined;
  const ready = Boolean((items || caseId) && recipient);
  const plan = useAsync(
    () => (ready && recipient ? call('transfer.plan', { recipient, ...(items ? { selection: items } : { caseId }) }) : Promise.resolve(undefined)),
    [caseId, items ?? null, recipient ?? null],
  );
  const p = plan.status === 'ok' ? plan.value : undefined;
  const events = p ? p.items.reduce((a, it) => a + it.events.length, 0) : 0;

  const chooseCard = async () => {
    setDialogError(undefined);
    try {
      const r = await call('dialog.chooseTransferPath', { purpose: 'contact' });
      if (r) setCardFile(r.path);
    } catch (e) {
      setDialogError(e);
    }
  };
  const chooseFolder = async () => {
    setDialogError(undefined);
    try {
      const r = await call('dialog.chooseTransferPath', { purpose: 'destination' });
      if (r) setFolder(r.path);
    } catch (e) {
      setDialogError(e);
    }
  };
  const canStart = Boolean(p && recipient && (mode === 'folder' ? folder : remoteName));
  const start = () => {
    if (!recipient || !p) return;
    const to = mode === 'folder' ? { folder: folder! } : { remote: remoteName };
    // Chosen items: exactly the ones the plan showed (a filter's matches may change in between).
    const what = items ? { itemIds: p.items.map((it) => it.itemId) } : { caseId };
    void op.start(() => call('transfer.share', { recipient, ...what, to }));
  };

  return (
    <Screen title={items ? t('share.titleItems') : t('share.title')}>
      <p>{items ? t('share.introItems') : t('share.intro')}</p>
      <section className="card" aria-labelledby="share-what">
        <h2 id="share-what">{t('share.whatTitle')}</h2>
        {items ? (
          <p data-testid="share-chosen">
            {'ids' in items ? t('share.chosenItems', { count: items.ids.length, formatted: f.number(items.ids.length) }) : t('share.chosenMatching')}{' '}
            <a href={href({ name: 'share' })}>{t('share.caseInstead')}</a>
          </p>
        ) : (
          <CasePicker id="share-case" label={t('share.case')} value={caseId} onChange={setCaseId} emptyLabel={t('share.chooseCase')} />
        )}
      </section>
      <section className="card" aria-labelledby="share-to">
        <h2 id="share-to">{t('share.recipientTitle')}</h2>
        <p>{t('share.recipientIntro')}</p>
        <Field label={t('share.pasteCard')} hint={t('share.pasteCardHint')}>
          {(props) => (
            <textarea
              {...props}
              dir="ltr"
              rows={3}
              spellCheck={false}
              value={cardText}
              disabled={cardFile !== undefined}
              onChange={(e) => setCardText(e.target.value)}
            />
          )}
        </Field>
        <div className="row">
          <button type="button" onClick={() => void chooseCard()}>
            {t('share.chooseCard')}
          </button>
          {cardFile ? (
            <>
              <bdi dir="ltr" className="path">
                {cardFile}
              </bdi>
              <button type="button" onClick={() => setCardFile(undefined)}>
                {t('share.forgetCard')}
              </button>
            </>
          ) : null}
        </div>
        <ErrorNote error={dialogError} />
      </section>
      {ready ? (
        <section className="card" aria-labelledby="share-leaves" aria-busy={plan.status === 'loading'} data-testid="share-plan">
          <h2 id="share-leaves">{t('share.leavesTitle')}</h2>
          {plan.status === 'error' ? <ErrorNote error={plan.error} /> : null}
          {p ? (
            <>
              <div className="note">
                <p>{t('share.recipientCheck')}</p>
                <p className="words" data-testid="share-recipient-words" translate="no" dir="ltr">
                  {p.recipient.words.join(' ')}
                </p>
                <p>
                  {t('share.fingerprint')}{' '}
                  <code dir="ltr" translate="no">
                    {p.recipient.fingerprint}
                  </code>
                </p>
              </div>
              <p data-testid="share-summary">
                {t('share.summary', { count: p.items.length, formatted: f.number(p.items.length), size: f.bytes(p.bytes), events: f.number(events) })}
              </p>
              {p.case ? <p>{t(p.case.hasSummary ? 'share.caseRecordWithSummary' : 'share.caseRecord', { title: p.case.title })}</p> : null}
              <table className="table">
                <caption className="visually-hidden">{t('share.itemsCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('share.colItem')}</th>
                    <th scope="col">{t('share.colSize')}</th>
                    <th scope="col">{t('share.colRecords')}</th>
                    <th scope="col">{t('share.colCustody')}</th>
                  </tr>
                </thead>
                <tbody>
                  {p.items.map((it) => (
                    <tr key={it.itemId}>
                      <td>
                        <a href={href({ name: 'item', id: it.itemId })}>
                          <bdi>{it.label}</bdi>
                        </a>
                      </td>
                      <td>{f.bytes(it.size)}</td>
                      <td>{f.list([t('share.field.originalName'), ...it.fields.map((x) => t(`share.field.${x}`))])}</td>
                      <td>{f.list(it.events.map((e) => t(`custody.type.${e}`, { defaultValue: e })))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="hint">{t('share.custodyNote')}</p>
            </>
          ) : null}
        </section>
      ) : null}
      {p ? (
        <section className="card" aria-labelledby="share-where">
          <h2 id="share-where">{t('share.whereTitle')}</h2>
          <fieldset className="choices">
            <legend className="visually-hidden">{t('share.whereTitle')}</legend>
            <label>
              <input type="radio" name="share-mode" checked={mode === 'folder'} onChange={() => setMode('folder')} /> {t('share.toFolder')}
            </label>
            <label>
              <input type="radio" name="share-mode" checked={mode === 'remote'} onChange={() => setMode('remote')} disabled={remotes.length === 0} />{' '}
              {t('share.toRemote')}
            </label>
          </fieldset>
          {mode === 'folder' ? (
            <div className="row">
              <button type="button" onClick={() => void chooseFolder()}>
                {t('share.chooseFolder')}
              </button>
              <PathValue path={folder} none={t('share.noFolder')} />
            </div>
          ) : (
            <RemotePicker id="share-remote" label={t('share.remote')} remotes={remotes} value={remoteName} onChange={setRemote} />
          )}
          {remotes.length === 0 ? <p className="hint">{t('share.noRemotes')}</p> : null}
          <OperationControls
            op={op}
            startLabel={mode === 'folder' ? t('share.write') : t('share.push')}
            startDisabled={!canStart}
            onStart={start}
            describe={(pr) => ({
              label: pr ? t(`share.phase.${pr.phase}`, { done: f.number(pr.done), total: f.number(pr.total) }) : t('common.starting'),
              done: pr?.bytesDone ?? 0,
              total: pr?.bytesTotal ?? 0,
            })}
          />
          {op.report ? (
            <div className="note note-ok" role="status" data-testid="share-done">
              <p>
                {op.report.folder
                  ? t('share.doneFolder', { count: op.report.items, formatted: f.number(op.report.items), size: f.bytes(op.report.bytes) })
                  : t('share.doneRemote', { count: op.report.items, formatted: f.number(op.report.items), size: f.bytes(op.report.bytes), remote: op.report.remote ?? '' })}
              </p>
              {op.report.folder ? (
                <p>
                  <bdi dir="ltr" className="path">
                    {op.report.folder}
                  </bdi>
                </p>
              ) : null}
              {op.report.resumed > 0 ? <p>{t('share.resumed', { count: op.report.resumed, formatted: f.number(op.report.resumed) })}</p> : null}
              <p>{t('share.recorded', { seq: f.digits(op.report.transferSeq) })}</p>
            </div>
          ) : null}
          {op.finished && !op.report && !op.error ? <p role="status">{t('share.cancelled')}</p> : null}
        </section>
      ) : null}
    </Screen>
  );
}
