import { useTranslation } from 'react-i18next';
import type { CustodyEventView } from '../../../shared/model/custody';
import { useFormat } from '../lib/format';

/** Custody events as a timeline: what happened, when, by whom, and the exact signed bytes on request. */
export function CustodyTimeline({ events, showSubject }: { readonly events: readonly CustodyEventView[]; readonly showSubject?: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (events.length === 0) return <p>{t('custody.none')}</p>;
  return (
    <ol className="timeline">
      {events.map((e) => (
        <li key={e.seq}>
          <div className="timeline-head">
            <span className="seq">
              {t('custody.seq', { seq: e.seq })}
            </span>
            <strong>{t(`custody.type.${e.type}`, { defaultValue: e.type })}</strong>
            <time dateTime={e.time}>{f.dateTime(e.time)}</time>
            <span className="actor">{t('custody.by', { actor: e.actor })}</span>
            {showSubject && e.subject ? (
              <code dir="ltr" className="subject">
                {e.subject}
              </code>
            ) : null}
          </div>
          <details>
            <summary>{t('custody.signedRecord')}</summary>
            <pre dir="ltr" className="canonical" translate="no">
              {e.canonical}
            </pre>
          </details>
        </li>
      ))}
    </ol>
  );
}
