import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AddCosignatureView, WitnessRequestView, WitnessView } from '../../../shared/api';
import { CopyButton } from '../components/CopyButton';
import { ErrorNote } from '../components/ErrorNote';
import { Field } from '../components/Field';
import { call } from '../lib/api';
import { useFormat } from '../lib/format';
import { useAsync } from '../lib/useAsync';
import { QrCode } from '../components/QrCode';

const isoOf = (seconds: number): string => new Date(seconds * 1000).toISOString();

/**
 * Witnesses in Settings (DESIGN §9): the witness keys this vault trusts, the checkpoint (with its consistency
 * proof) to hand to a witness as a QR code or a file, the cosignature that comes back, and which checkpoints are
 * cosigned by whom. The witness runs `huella witness cosign` on their own computer, with no vault.
 */
export function WitnessesSection() {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  const witnesses = useAsync(() => call('witnesses.list', {}), [tick]);
  const cosigned = useAsync(() => call('witnesses.cosigned', {}), [tick]);
  const changed = () => setTick((n) => n + 1);
  const f = useFormat();
  const list = witnesses.value ?? [];
  return (
    <section className="card" aria-labelledby="settings-witnesses">
      <h2 id="settings-witnesses">{t('witnesses.title')}</h2>
      <p className="hint">{t('witnesses.intro')}</p>
      {witnesses.status === 'error' ? <ErrorNote error={witnesses.error} /> : null}
      {list.length === 0 ? (
        <p>{t('witnesses.none')}</p>
      ) : (
        <table className="table">
          <caption className="visually-hidden">{t('witnesses.listCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('witnesses.label')}</th>
              <th scope="col">{t('witnesses.fingerprint')}</th>
              <th scope="col">{t('witnesses.lastCosigned')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((w) => (
              <tr key={w.id}>
                <th scope="row">
                  {w.label} <bdi className="hash">({w.name})</bdi>
                </th>
                <td>
                  <bdi className="hash">{w.fingerprint}</bdi>
                </td>
                <td>{w.lastCosigned ? t('witnesses.lastCosignedValue', { size: f.number(w.lastCosigned.size), date: f.dateTime(isoOf(w.lastCosigned.signedAt)) }) : t('witnesses.never')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddWitness onAdded={changed} />
      {list.length > 0 ? <HandOver witnesses={list} /> : null}
      {list.length > 0 ? <AddCosignature onAdded={changed} /> : null}
      <h3>{t('witnesses.cosignedTitle')}</h3>
      {cosigned.status === 'error' ? <ErrorNote error={cosigned.error} /> : null}
      {(cosigned.value ?? []).length === 0 ? (
        <p>{t('witnesses.noneCosigned')}</p>
      ) : (
        <ul className="witness-cosigned">
          {(cosigned.value ?? []).map((c) => (
            <li key={`${c.size}-${c.createdAt}`}>
              {t('witnesses.cosignedLine', {
                size: f.number(c.size),
                date: f.dateTime(c.createdAt),
                witnesses: f.list(c.cosignatures.map((s) => t('witnesses.byOn', { label: s.label, date: f.dateTime(isoOf(s.signedAt)) }))),
              })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function AddWitness({ onAdded }: { readonly onAdded: () => void }) {
  const { t } = useTranslation();
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('');
  const [added, setAdded] = useState<WitnessView | undefined>();
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setAdded(undefined);
    try {
      const w = await call('witnesses.add', { key: key.trim(), ...(label.trim() ? { label: label.trim() } : {}) });
      setAdded(w);
      setKey('');
      setLabel('');
      onAdded();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="witness-add">
      <h3 id="witness-add">{t('witnesses.addTitle')}</h3>
      <Field label={t('witnesses.key')} hint={t('witnesses.keyHint')}>
        {(p) => <input {...p} type="text" dir="ltr" spellCheck={false} value={key} maxLength={1000} onChange={(e) => setKey(e.target.value)} required />}
      </Field>
      <Field label={t('witnesses.label')} hint={t('witnesses.labelHint')}>
        {(p) => <input {...p} type="text" value={label} maxLength={200} onChange={(e) => setLabel(e.target.value)} />}
      </Field>
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit" disabled={!key.trim()}>
          {t('witnesses.add')}
        </button>
        <span role="status">{added ? t('witnesses.added', { label: added.label, fingerprint: added.fingerprint }) : ''}</span>
      </div>
    </form>
  );
}

function HandOver({ witnesses }: { readonly witnesses: readonly WitnessView[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [witnessId, setWitnessId] = useState<number>(witnesses[0]!.id);
  const [request, setRequest] = useState<WitnessRequestView | undefined>();
  const [error, setError] = useState<unknown>();
  const prepare = async (save: boolean) => {
    setError(undefined);
    try {
      let saveTo: string | undefined;
      if (save) {
        const dest = await call('dialog.chooseSaveFile', { suggestedName: 'checkpoint-for-witness.txt' });
        if (!dest) return;
        saveTo = dest.path;
      }
      setRequest(await call('witnesses.request', { witnessId, ...(saveTo ? { saveTo } : {}) }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div aria-labelledby="witness-handover">
      <h3 id="witness-handover">{t('witnesses.handOverTitle')}</h3>
      <p className="hint">{t('witnesses.handOverHint')}</p>
      <Field label={t('witnesses.forWitness')}>
        {(p) => (
          <select {...p} value={witnessId} onChange={(e) => setWitnessId(Number(e.target.value))}>
            {witnesses.map((w) => (
              <option key={w.id} value={w.id}>
                {w.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="actions">
        <button type="button" onClick={() => void prepare(false)}>
          {t('witnesses.showQr')}
        </button>
        <button type="button" onClick={() => void prepare(true)}>
          {t('witnesses.saveFile')}
        </button>
      </div>
      <ErrorNote error={error} />
      {request ? (
        <div className="witness-request">
          <p role="status">
            {t('witnesses.requestSummary', { size: f.number(request.size), old: f.number(request.oldSize) })}
            {request.savedTo ? ` ${t('witnesses.savedTo', { path: request.savedTo })}` : ''}
          </p>
          {request.qr ? <QrCode matrix={request.qr} title={t('witnesses.qrTitle')} /> : <p className="note note-warn">{t('witnesses.tooLongForQr')}</p>}
          <pre id="witness-request-text" dir="ltr" className="hash" tabIndex={0} aria-label={t('witnesses.requestText')}>
            {request.text}
          </pre>
          <CopyButton text={request.text} label={t('witnesses.copy')} targetId="witness-request-text" />
        </div>
      ) : null}
    </div>
  );
}

function AddCosignature({ onAdded }: { readonly onAdded: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [text, setText] = useState('');
  const [result, setResult] = useState<AddCosignatureView | undefined>();
  const [error, setError] = useState<unknown>();
  const add = async (input: { text: string } | { path: string }) => {
    setError(undefined);
    setResult(undefined);
    try {
      const r = await call('witnesses.addCosignature', input);
      setResult(r);
      setText('');
      onAdded();
    } catch (err) {
      setError(err);
    }
  };
  const openFile = async () => {
    const picked = await call('dialog.chooseTextFile', {}).catch((err: unknown) => {
      setError(err);
      return null;
    });
    if (picked) await add({ path: picked.path });
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void add({ text: text.endsWith('\n') ? text : `${text}\n` });
      }}
      aria-labelledby="witness-cosignature"
    >
      <h3 id="witness-cosignature">{t('witnesses.addCosignatureTitle')}</h3>
      <Field label={t('witnesses.cosignatureText')} hint={t('witnesses.cosignatureHint')}>
        {(p) => <textarea {...p} dir="ltr" rows={6} spellCheck={false} value={text} onChange={(e) => setText(e.target.value.replace(/\r\n/g, '\n'))} />}
      </Field>
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit" disabled={!text.trim()}>
          {t('witnesses.addCosignature')}
        </button>
        <button type="button" onClick={() => void openFile()}>
          {t('witnesses.openFile')}
        </button>
        <span role="status">
          {result
            ? result.added.length > 0
              ? t('witnesses.cosignatureAdded', {
                  size: f.number(result.checkpointSize),
                  witnesses: f.list(result.added.map((a) => t('witnesses.byOn', { label: a.label, date: f.dateTime(isoOf(a.signedAt)) }))),
                })
              : t('witnesses.cosignatureKnown')
            : ''}
        </span>
      </div>
    </form>
  );
}
