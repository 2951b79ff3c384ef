import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyButton } from '../../components/CopyButton';
import { ErrorNote } from '../../components/ErrorNote';
import { OperationControls } from '../../components/OperationControls';
import { Screen } from '../../components/Screen';
import { call } from '../../lib/api';
import { recall } from '../../lib/memory';
import { useLongOperation } from '../../lib/useLongOperation';
import { useFormat } from '../../lib/format';
import type { PacketFileRow, PacketVerifyReport, PacketWitnessedExhibit } from '../../../../shared/model/packet';
import { PathValue } from '../../components/PathValue';

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

type Media = 'photo' | 'video' | 'audio' | 'document';
function mediaOf(type: string | undefined): Media {
  if (type?.startsWith('image/')) return 'photo';
  if (type?.startsWith('video/')) return 'video';
  if (type?.startsWith('audio/')) return 'audio';
  return 'document';
}

/**
 * One plain sentence about one file, in the reviewer's language: what it is (exhibit E001, a photo; testimony
 * T01), and whether it is exactly what the sender's vault recorded, and when; or what went wrong with it.
 */
function FileSentence({ row }: { readonly row: PacketFileRow }) {
  const { t } = useTranslation();
  const f = useFormat();
  const a = row.about;
  const date = a?.recordedAt ? f.date(a.recordedAt) : undefined;
  const what = a ? (a.kind === 'testimony' ? t('verifyPacket.what.testimony', { label: a.label }) : t(`verifyPacket.what.${a.kind}`, { label: a.label, media: t(`verifyPacket.media.${mediaOf(a.mediaType)}`) })) : undefined;
  if (row.status === 'PASS') {
    return <>{date ? t('verifyPacket.sentence.intactOn', { what, date }) : t('verifyPacket.sentence.intact', { what })}</>;
  }
  const problem = row.problem ?? 'inconsistent';
  // A path reads left to right in every language (U+2066…U+2069): in Arabic, 'data/a.jpg' never as 'jpg.a/data'.
  return <>{t(`verifyPacket.sentence.${problem}`, { what: what ?? t('verifyPacket.what.file', { path: `\u2066${row.path}\u2069` }) })}</>;
}

/** The signer's key as the packet names it, and a comparison with a key the sender gave separately. */
function Signer({ report, keyGiven }: { readonly report: PacketVerifyReport; readonly keyGiven: boolean }) {
  const { t } = useTranslation();
  const keyCheck = report.checks.find((c) => c.name === 'public-key');
  const compared = keyGiven && report.keySource === 'given';
  return (
    <section aria-labelledby="vp-signer" className="card">
      <h3 id="vp-signer">{t('verifyPacket.signer.title')}</h3>
      {report.signer ? (
        <>
          <p>
            {t('verifyPacket.signer.keyId')}{' '}
            <code dir="ltr" translate="no" data-testid="signer-key-id">
              {report.signer.keyId}
            </code>
          </p>
          <p className="row">
            <code id="vp-signer-key" className="path" dir="ltr" translate="no">
              {report.signer.publicKey}
            </code>{' '}
            <CopyButton text={report.signer.publicKey} label={t('verifyPacket.signer.copy')} targetId="vp-signer-key" />
          </p>
        </>
      ) : (
        <p>{t('verifyPacket.signer.none')}</p>
      )}
      {compared ? (
        <p className={`note ${keyCheck?.status === 'PASS' ? 'note-ok' : 'note-error'}`} role="status" data-testid="key-comparison">
          {keyCheck?.status === 'PASS' ? t('verifyPacket.signer.same') : t('verifyPacket.signer.different')}
        </p>
      ) : (
        <p className="note note-warn">{t('verifyPacket.signer.notCompared')}</p>
      )}
    </section>
  );
}

/**
 * Verify a packet (ours or anyone's), with or without a vault: the reviewer's door on the first screen leads here
 * too. The result is one sentence per file in the reviewer's language; the verifier's technical report (every check,
 * every file, with its reason) is folded beneath. A key obtained from the sender by another channel proves who
 * signed; the key inside the packet proves only that nothing changed after signing — the screen says which.
 */
export function VerifyPacketScreen() {
  const { t } = useTranslation();
  const [path, setPath] = useState<string | undefined>(() => recall<string>('verify.path'));
  const [key, setKey] = useState('');
  const [witnessKeys, setWitnessKeys] = useState('');
  const [error, setError] = useState<unknown>();
  const [keyGiven, setKeyGiven] = useState(false);
  const op = useLongOperation('packet-verify');
  const report = op.report;
  const result = useRef<HTMLHeadingElement>(null);
  // Focus goes to the verdict when it arrives (not to the page body).
  useEffect(() => {
    if (report) result.current?.focus();
  }, [report]);

  const choose = async (folder: boolean) => {
    setError(undefined);
    try {
      const r = await call('dialog.choosePacket', { folder });
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
    setKeyGiven(key.trim().length > 0);
    void op.start(() => call('packets.verify', { path, ...(key.trim() ? { key: key.trim() } : {}), ...(witnesses.length > 0 ? { witnessKeys: witnesses } : {}) }));
  };
  // One sentence per file a person sent (exhibits, originals, testimonies), and per file that failed; the failing
  // ones first, so that the file the verdict is about is the first thing read under it, not below the intact ones.
  const rows = report ? report.files.filter((f) => f.about || f.status === 'FAIL').sort((a, b) => Number(b.status === 'FAIL') - Number(a.status === 'FAIL')) : [];
  const failing = rows.filter((f) => f.status === 'FAIL').length;

  return (
    <Screen title={t('verifyPacket.title')}>
      <p>{t('verifyPacket.intro')}</p>
      <div className="card">
        <div className="field">
          <span className="label" id="vp-path-label">
            {t('verifyPacket.packet')}
          </span>
          <div className="row">
            <button type="button" onClick={() => void choose(false)} aria-describedby="vp-path-label vp-path">
              {t('verifyPacket.choose')}
            </button>
            <button type="button" onClick={() => void choose(true)} aria-describedby="vp-path-label vp-path">
              {t('verifyPacket.chooseFolder')}
            </button>
            <PathValue id="vp-path" path={path} none={t('verifyPacket.none')} />
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
          <h2 id="vp-result" ref={result} tabIndex={-1} className={report.ok ? 'pass-title' : 'fail-title'}>
            {report.ok ? t('verifyPacket.pass') : t('verifyPacket.fail')}
          </h2>
          <p>{report.ok ? t('verifyPacket.summaryOk', { count: rows.length }) : t('verifyPacket.summaryFail', { count: failing })}</p>
          <ul className="list-plain verify-sentences" data-testid="verify-sentences">
            {rows.map((f) => (
              <li key={f.path} className={f.status === 'PASS' ? 'pass' : 'fail'}>
                <span className="badge">{f.status === 'PASS' ? t('common.pass') : t('common.fail')}</span> <FileSentence row={f} />
              </li>
            ))}
          </ul>
          <Signer report={report} keyGiven={keyGiven} />
          {report.witnessed ? <Witnessed exhibits={report.witnessed} /> : null}
          <details className="technical">
            <summary>{t('verifyPacket.technical')}</summary>
            <p className="hint">{t('verifyPacket.technicalNote')}</p>
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
                    <td lang="en" dir="ltr" translate="no" data-verifier-text="">
                      {c.reason}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h3>{t('verifyPacket.files', { count: report.files.length })}</h3>
            <ul className="list-plain">
              {report.files.map((f) => (
                <li key={f.path} className={f.status === 'PASS' ? 'pass' : 'fail'}>
                  <span className="badge">{f.status === 'PASS' ? t('common.pass') : t('common.fail')}</span>{' '}
                  <bdi dir="ltr" className="path">
                    {f.path}
                  </bdi>{' '}
                  <span className="detail" lang="en" dir="ltr" translate="no" data-verifier-text="">
                    {f.reason}
                  </span>
                </li>
              ))}
            </ul>
            <p lang="en" dir="ltr" translate="no" data-verifier-text="">
              {report.keyNote}
            </p>
          </details>
        </section>
      ) : null}
    </Screen>
  );
}
