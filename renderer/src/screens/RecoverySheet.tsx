import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../lib/format';
import { useDocumentTitle } from '../lib/router';

/**
 * Shown once, right after the vault is created: the recovery key, laid out to be printed (print CSS hides
 * everything else) or copied by hand. The person must confirm they kept it before going on.
 */
export function RecoverySheet({
  recoveryKey,
  vaultId,
  onDone,
  embedded = false,
}: {
  readonly recoveryKey: string;
  readonly vaultId: string;
  readonly onDone: () => void;
  /** Inside the app (a new sheet from Settings) rather than a page of its own after the vault is created. */
  readonly embedded?: boolean;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  useDocumentTitle(t('recovery.title'));
  const [kept, setKept] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const [created] = useState(() => new Date().toISOString());
  const groups = recoveryKey.split(/[\s-]+/).filter(Boolean);
  const Heading = embedded ? 'h2' : 'h1';
  const Sub = embedded ? 'h3' : 'h2';
  // Inside the app, printing must give the sheet alone, not the navigation and the settings around it.
  useEffect(() => {
    if (!embedded) return undefined;
    document.body.classList.add('print-sheet-only');
    return () => document.body.classList.remove('print-sheet-only');
  }, [embedded]);
  const sheet = (
      <section className="card recovery-sheet" aria-labelledby="recovery-title">
        <Heading id="recovery-title" ref={heading} tabIndex={-1}>
          {t('recovery.title')}
        </Heading>
        <p className="note note-warn">{t('recovery.warning')}</p>
        <dl className="facts">
          <dt>{t('recovery.vaultId')}</dt>
          <dd>
            <code dir="ltr">{vaultId}</code>
          </dd>
          <dt>{t('recovery.created')}</dt>
          <dd>{f.dateTime(created)}</dd>
        </dl>
        <Sub>{t('recovery.keyHeading')}</Sub>
        <p className="recovery-key" dir="ltr" lang="en" translate="no">
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
            {embedded ? t('recovery.backToSettings') : t('recovery.continue')}
          </button>
        </div>
      </section>
  );
  return embedded ? sheet : (
    <main id="main" className="gate">
      {sheet}
    </main>
  );
}
