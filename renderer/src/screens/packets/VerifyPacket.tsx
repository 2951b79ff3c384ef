import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../components/ErrorNote';
import { OperationControls } from '../../components/OperationControls';
import { Screen } from '../../components/Screen';
import { call } from '../../lib/api';
import { recall } from '../../lib/memory';
import { useLongOperation } from '../../lib/useLongOperation';
import { useFormat } from '../../lib/format';
import type { PacketWitnessedExhibit } from '../../../../shared/model/packet';

/** Per exhibit: which witnesses attest it existed in the vault, and no later than when (their signing time). */
function Witnessed({ exhibits }: { readonly exhibits: readonly PacketWitnessedExhibit[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <>
      <h3>{t('verifyPacket.witnessed')}</h3>
      {exhibits.length === 0 ? <p>{t('verifyPacket.witnessedNone')}</p> : null}
      <ul className="list-plain">
        {exhibits.map((e) => {
          const first = [...e.attestations].sort((a, b) => a.signedAt - b.signedAt)[0];
          return (
            <li key={e.label} className={first ? 'pass' : undefined}>
              {first
                ? t('verifyPacket.witnessedLine', { label: e.label, date: f.dateTime(new Date(first.signedAt * 1000).toISOString()), witness: first.witness, size: f.number(e.checkpointSize) })
                : t('verifyPacket.witnessedUnchecked', { label: e.label })}
            </li>
          );
        })}
      </ul>
    </>
  );
}

/**
 * Verify a packet (ours or anyone's): bag completeness and manifests, the minisign signature, every inclusion proof
 * against the checkpoint, the transformation records. PASS/FAIL with a reason for every check and every file. A key
 * obtained from the sender by another channel proves who signed; the key inside the packet proves only that
 * nothing changed after signing — the report says which was used.
 */
export function VerifyPacketScreen() {
  const { t } = useTranslation();
  const [path, setPath] = useState<string | undefined>(() => recall<string>('verify.path'));
  const [key, setKey] = useState('');
  const [witnessKeys, setWitnessKeys] = useState('');
  const [error, setError] = useState<unknown>();
  const [onlyFailing, setOnlyFailing] = useState(true);
  const op = useLongOperation('packet-verify');
  const report = op.report;

  const choose = async () => {
    setError(undefined);
    try {
      const r = await call('dialog.choosePacket', {});
      if (r) setPath(r.path);
    } catch (e) {
      setError(e);
    }
  };
  const verify = () => {
    if (!path) return;
    const witnesses = witnessKeys
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    void op.start(() => call('packets.verify', { path, ...(key.trim() ? { key: key.trim() } : {}), ...(witnesses.length > 0 ? { witnessKeys: witnesses } : {}) }));
  };
  const files = report ? (onlyFailing ? report.files.filter((f) => f.status === 'FAIL') : report.files) : [];

  return (
    <Screen title={t('verifyPacket.title')}>
      <p>{t('verifyPacket.intro')}</p>
      <div className="card">
        <div className="field">
          <span className="label" id="vp-path-label">
            {t('verifyPacket.packet')}
          </span>
          <div className="row">
            <button type="button" onClick={() => void choose()} aria-describedby="vp-path-label vp-path">
              {t('verifyPacket.choose')}
            </button>
            <bdi id="vp-path" dir="ltr" className="path">
              {path ?? t('verifyPacket.none')}
            </bdi>
          </div>
        </div>
        <div className="field">
          <label htmlFor="vp-key">{t('verifyPacket.key')}</label>
          <textarea id="vp-key" rows={2} dir="ltr" spellCheck={false} value={key} onChange={(e) => setKey(e.target.value)} aria-describedby="vp-key-help" />
          <p className="hint" id="vp-key-help">
            {t('verifyPacket.keyHelp')}
          </p>
        </div>
        <div className="field">
          <label htmlFor="vp-witness-keys">{t('verifyPacket.witnessKeys')}</label>
          <textarea id="vp-witness-keys" rows={2} dir="ltr" spellCheck={false} value={witnessKeys} onChange={(e) => setWitnessKeys(e.target.value)} aria-describedby="vp-witness-help" />
          <p className="hint" id="vp-witness-help">
            {t('verifyPacket.witnessKeysHelp')}
          </p>
        </div>
        <OperationControls
          op={op}
          startLabel={t('verifyPacket.verify')}
          onStart={verify}
          startDisabled={!path}
          describe={(p) => ({ label: p ? t(`packet.phase.${p.phase}`) : t('common.starting'), done: p?.done ?? 0, total: p?.total ?? 0 })}
        />
        <ErrorNote error={error} />
      </div>
      {report ? (
        <section aria-labelledby="vp-result" data-testid="verify-report">
          <h2 id="vp-result" className={report.ok ? 'pass-title' : 'fail-title'}>
            {report.ok ? t('verifyPacket.pass') : t('verifyPacket.fail')}
          </h2>
          <p className={`note ${report.keySource === 'given' ? 'note-ok' : 'note-warn'}`}>
            {t(`verifyPacket.keySource.${report.keySource}`)}{' '}
            <span className="detail" dir="auto">
              {report.keyNote}
            </span>
          </p>
          <table className="table">
            <caption className="visually-hidden">{t('verifyPacket.checks')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('verifyPacket.check')}</th>
                <th scope="col">{t('verifyPacket.result')}</th>
                <th scope="col">{t('verifyPacket.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {report.checks.map((c) => (
                <tr key={c.name} className={c.status === 'PASS' ? 'pass' : 'fail'}>
                  <th scope="row">{t(`verifyPacket.checkNames.${c.name}`)}</th>
                  <td>
                    <span className="badge">{c.status === 'PASS' ? t('common.pass') : t('common.fail')}</span>
                  </td>
                  <td dir="auto">{c.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.witnessed ? <Witnessed exhibits={report.witnessed} /> : null}
          <h3>{t('verifyPacket.files', { count: report.files.length })}</h3>
          <div className="check">
            <input id="vp-only-failing" type="checkbox" checked={onlyFailing} onChange={(e) => setOnlyFailing(e.target.checked)} />
            <label htmlFor="vp-only-failing">{t('verifyPacket.onlyFailing')}</label>
          </div>
          {files.length === 0 ? <p>{t('verifyPacket.noFailingFiles')}</p> : null}
          <ul className="list-plain">
            {files.map((f) => (
              <li key={f.path} className={f.status === 'PASS' ? 'pass' : 'fail'}>
                <span className="badge">{f.status === 'PASS' ? t('common.pass') : t('common.fail')}</span>{' '}
                <bdi dir="ltr" className="path">
                  {f.path}
                </bdi>
                <span className="detail" dir="auto">
                  {f.reason}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Screen>
  );
}
