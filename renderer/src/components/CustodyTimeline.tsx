import { useTranslation } from 'react-i18next';
import type { CustodyEventView, SubjectLabel } from '../../../shared/model/custody';
import { useFormat } from '../lib/format';
import { href } from '../lib/router';
import { actorLabel } from '../lib/actor';

/** The subject of an event by its human label, a link to it, with the id one click away. */
function Subject({ id, label }: { readonly id: string; readonly label: SubjectLabel | undefined }) {
  const { t } = useTranslation();
  if (!label) {
    return (
      <code dir="ltr" className="subject">
        {id}
      </code>
    );
  }
  return (
    <span className="subject">
      <span className="visually-hidden">{t(`custody.subjectKind.${label.kind}`)} </span>
      <a href={href({ name: label.kind, id })} dir="auto">
        {label.label}
      </a>{' '}
      <details className="subject-id">
        <summary>{t('custody.showId')}</summary>
        <code dir="ltr">{id}</code>
      </details>
    </span>
  );
}

/** Custody events as a timeline: what happened, when, by whom, and the exact signed bytes on request. */
export function CustodyTimeline({
  events,
  showSubject,
  labels,
}: {
  readonly events: readonly CustodyEventView[];
  readonly showSubject?: boolean;
  readonly labels?: Readonly<Record<string, SubjectLabel>>;
}) {
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
            <span className="actor">{t('custody.by', { actor: actorLabel(e.actor, t) })}</span>
            {showSubject && e.subject ? <Subject id={e.subject} label={labels?.[e.subject]} /> : null}
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
