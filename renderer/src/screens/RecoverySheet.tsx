import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../lib/format';
import { useDocumentTitle } from '../lib/router';

/**
 * Shown once, right after the vault is created: the recovery key, laid out to be printed (print CSS hides
 * everything else) or copied by hand. The person must confirm they kept it before going on.
 */
export function RecoverySheet({ recoveryKey, vaultId, onDone }: { readonly recoveryKey: string; readonly vaultId: string; readonly onDone: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  useDocumentTitle(t('recovery.title'));
  const [kept, setKept] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const [created] = useState(() => new Date().toISOString());
  const groups = recoveryKey.split(/[\s-]+/).filter(Boolean);
  return (
    <main id="main" className="gate">
      <section className="card recovery-sheet" aria-labelledby="recovery-title">
        <h1 id="recovery-title" ref={heading} tabIndex={-1}>
          {t('recovery.title')}
        </h1>
        <p className="note note-warn">{t('recovery.warning')}</p>
        <dl className="facts">
          <dt>{t('recovery.vaultId')}</dt>
          <dd>
            <code dir="ltr">{vaultId}</code>
          </dd>
          <dt>{t('recovery.created')}</dt>
          <dd>{f.dateTime(created)}</dd>
        </dl>
        <h2>{t('recovery.keyHeading')}</h2>
        <p className="recovery-key" dir="ltr" lang="en">
          {groups.map((g, i) => (
            <span key={i} className="recovery-group">
              {g}
            </span>
          ))}
        </p>
        <ol className="recovery-steps">
          <li>{t('recovery.step1')}</li>
          <li>{t('recovery.step2')}</li>
          <li>{t('recovery.step3')}</li>
        </ol>
        <div className="actions no-print">
          <button type="button" onClick={() => window.print()}>
            {t('recovery.print')}
          </button>
        </div>
        <div className="check no-print">
          <input id="recovery-kept" type="checkbox" checked={kept} onChange={(e) => setKept(e.target.checked)} />
          <label htmlFor="recovery-kept">{t('recovery.confirm')}</label>
        </div>
        <div className="actions no-print">
          <button type="button" className="primary" disabled={!kept} onClick={onDone}>
            {t('recovery.continue')}
          </button>
        </div>
      </section>
    </main>
  );
}
