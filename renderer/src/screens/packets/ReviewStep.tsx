import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { pickLocalized } from '../../../../shared/localized';
import { allFields, getMechanism } from '../../../../shared/mechanisms';
import type { NameReplacement, PacketNotice, PacketPlan, PlannedItem } from '../../../../shared/model/packet';
import { currentLanguage } from '../../lib/i18n';
import { useFormat } from '../../lib/format';
import { useMessage } from '../../lib/message';
import { href } from '../../lib/router';
import type { Step, StepProps } from './wizard-state';

/** An item's Content Credentials in the review: removed or kept (and what they disclose), with the per-item choice. */
function CredentialsCell({ it, choices, set }: { readonly it: PlannedItem } & Partial<StepProps>) {
  const { t } = useTranslation();
  const f = useFormat();
  const cc = it.contentCredentials;
  if (!cc) return null;
  const mine = choices?.keepContentCredentialsItemIds ?? [];
  const toggle = (on: boolean): void => set?.({ keepContentCredentialsItemIds: on ? [...mine, it.itemId] : mine.filter((x) => x !== it.itemId) });
  return (
    <div className="detail" data-testid={`packet-cc-${it.label}`}>
      <span dir="auto">{cc.kept ? t('packet.cc.kept', { path: cc.sidecarPath ?? '' }) : t('packet.cc.removed')}</span>{' '}
      {cc.disclosures.length > 0 ? (
        <span className="hint" dir="auto">
          {t('packet.cc.discloses', { what: f.list(cc.disclosures.map((d) => t(`packet.cc.disclosure.${d.kind}`, { value: d.value, agent: d.agent ?? '' }))) })}
        </span>
      ) : null}
      {choices && it.exportPath ? (
        <span className="check">
          <input
            id={`packet-keepcc-${it.itemId}`}
            type="checkbox"
            checked={choices.keepContentCredentials === true || mine.includes(it.itemId)}
            disabled={choices.keepContentCredentials === true}
            onChange={(e) => toggle(e.target.checked)}
          />
          <label htmlFor={`packet-keepcc-${it.itemId}`}>{t('packet.cc.keepThis')}</label>
        </span>
      ) : null}
    </div>
  );
}

export function ReviewStep({
  plan,
  stale,
  choices,
  set,
  onGoTo,
  onOpenExhibit,
}: {
  readonly plan: PacketPlan | undefined;
  readonly stale: boolean;
  readonly onGoTo?: (step: Step) => void;
  /** Opens the exhibit beside the wizard (a plain click); a modified click still follows the link to its page. */
  readonly onOpenExhibit?: (itemId: string, opener: HTMLElement | null) => void;
} & Partial<StepProps>) {
  const { t } = useTranslation();
  const f = useFormat();
  const message = useMessage();
  // 'Leave it to be completed' and 'Remove E003' take their own row away once the plan is recomputed, and the
  // focused button with it: focus then goes to the next such action, or to the review's status, never the body.
  const pendingFocus = useRef<'defer' | 'leave-out' | undefined>(undefined);
  const status = useRef<HTMLDivElement & HTMLParagraphElement>(null);
  const actions = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (!pendingFocus.current) return;
    const active = document.activeElement;
    if (active && active !== document.body) return;
    const kind = pendingFocus.current;
    pendingFocus.current = undefined;
    (actions.current?.querySelector<HTMLElement>(`[data-blocker-action=${kind}]`) ?? actions.current?.querySelector<HTMLElement>('[data-blocker-action]') ?? status.current)?.focus();
  });
  if (!plan) return <p aria-busy="true">{t('common.loading')}</p>;
  // A field by the mechanism's own label in the person's language (never its internal id).
  const fields = allFields(getMechanism(plan.mechanismId) ?? { sections: [] } as unknown as Parameters<typeof allFields>[0]);
  const fieldLabel = (id: string): string => {
    const field = fields.find((x) => x.id === id);
    return field ? pickLocalized(field.label, currentLanguage()) : id;
  };
  // The plan's warnings in the person's language; those said elsewhere on this page (the template's status at the
  // top, the limits of name replacement in its own section) are not repeated.
  const notices = plan.notices.filter((n) => !SAID_ELSEWHERE.has(n.problem.key));
  const noticeText = (n: PacketNotice): string =>
    message(n.fieldId ? { ...n.problem, params: { ...n.problem.params, field: fieldLabel(n.fieldId) } } : n.problem) ?? t('packet.checkBeforeSending');
  const defer = (id: string): void => {
    pendingFocus.current = 'defer';
    set?.({ deferredFields: [...(choices?.deferredFields ?? []).filter((x) => x !== id), id] });
  };
  const blockedItems = new Set(plan.blockers.map((b) => b.itemId).filter((id): id is string => id !== undefined));
  // The remedy the export names for a file it cannot send, as one click: the same packet without that exhibit.
  const leaveOut = (itemId: string): void => {
    pendingFocus.current = 'leave-out';
    set?.({ itemIds: (choices?.itemIds ?? plan.items.map((x) => x.itemId)).filter((x) => x !== itemId) });
  };
  return (
    <div aria-busy={stale} data-testid="packet-review">
      {plan.mechanismStatus !== 'confirmed' ? <p className="note note-warn">{t(`packet.templateWarning.${plan.mechanismStatus}`)}</p> : null}
      {plan.blockers.length > 0 ? (
        <div className="note note-error" role="alert" ref={status} tabIndex={-1}>
          <p>
            <strong>{t('packet.blocked', { count: plan.blockers.length })}</strong>
          </p>
          <ul ref={actions}>
            {plan.blockers.map((b, i) => {
              const exhibit = b.itemId ? plan.items.find((x) => x.itemId === b.itemId) : undefined;
              if (b.problem?.key === 'problem.packet.answerMissing' && b.fieldId) {
                const fieldId = b.fieldId;
                return (
                  <li key={i} data-testid={`packet-unanswered-${fieldId}`}>
                    {t('packet.answerMissing', { field: fieldLabel(fieldId) })}{' '}
                    {onGoTo ? (
                      <button type="button" className="link" onClick={() => onGoTo('fields')} data-blocker-action="answer">
                        {t('packet.answerIt')}
                      </button>
                    ) : null}{' '}
                    {set ? (
                      <button type="button" className="link" onClick={() => defer(fieldId)} data-blocker-action="defer">
                        {t('packet.deferIt')}
                      </button>
                    ) : null}
                  </li>
                );
              }
              if (b.fieldId && b.problem && INVALID_ANSWER.has(b.problem.key)) {
                // An answer that is not valid (a date typed halfway): named by the mechanism's label in the
                // person's language, with the way back to it. The date it replaced is never sent instead.
                const fieldId = b.fieldId;
                return (
                  <li key={i} data-testid={`packet-invalid-${fieldId}`}>
                    {message({ ...b.problem, params: { ...b.problem.params, field: fieldLabel(fieldId) } }) ?? t(`errors.${b.code}`)}{' '}
                    {onGoTo ? (
                      <button type="button" className="link" onClick={() => onGoTo('fields')} data-blocker-action="correct">
                        {t('packet.correctIt')}
                      </button>
                    ) : null}
                  </li>
                );
              }
              return (
                <li key={i} data-testid={exhibit ? `packet-blocker-${exhibit.label}` : undefined}>
                  {message(b.problem) ?? t(`errors.${b.code}`)}{' '}
                  {exhibit && set ? (
                    <button type="button" className="link" onClick={() => leaveOut(exhibit.itemId)} data-blocker-action="leave-out">
                      {t('packet.leaveOut', { label: exhibit.label })}
                    </button>
                  ) : null}
                  {b.personId ? <a href={href({ name: 'person', id: b.personId })}>{t('packet.openPerson')}</a> : null}
                  <details className="technical">
                    <summary>{t('common.technicalDetail')}</summary>
                    <p className="detail" dir="ltr" translate="no">
                      {b.message}
                    </p>
                  </details>
                </li>
              );
            })}
          </ul>
        </div>
      ) : (
        <p className="note note-ok" ref={status} tabIndex={-1}>
          {t('packet.ready')}
        </p>
      )}
      {notices.length > 0 ? (
        <div className="note note-warn" data-testid="packet-notices">
          <ul className="inside">
            {notices.map((n, i) => (
              <li key={i} data-notice={n.problem.key}>
                {noticeText(n)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {plan.deferredFields.length > 0 ? (
        <div className="note note-warn" data-testid="packet-deferred">
          <p>{t('packet.deferredList', { count: plan.deferredFields.length })}</p>
          <ul className="inside">
            {plan.deferredFields.map((id) => (
              <li key={id}>{fieldLabel(id)}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {plan.missingFields.length > 0 && !plan.blockers.some((b) => b.problem?.key === 'problem.packet.answerMissing') ? (
        <p className="note note-warn">{t('packet.missing', { count: plan.missingFields.length })}</p>
      ) : null}
      <h3>{t('packet.whatLeaves')}</h3>
      <table className="table">
        <caption className="visually-hidden">{t('packet.itemsCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('packet.label')}</th>
            <th scope="col">{t('packet.action')}</th>
            <th scope="col">{t('packet.removed')}</th>
          </tr>
        </thead>
        <tbody>
          {plan.items.map((it) => (
            <tr key={it.itemId}>
              <th scope="row">
                <a
                  href={href({ name: 'item', id: it.itemId })}
                  onClick={(e) => {
                    if (!onOpenExhibit || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
                    e.preventDefault();
                    onOpenExhibit(it.itemId, e.currentTarget);
                  }}
                >
                  <bdi>{it.label}</bdi>
                </a>
              </th>
              <td>
                {blockedItems.has(it.itemId) ? (
                  <span className="badge badge-bad">{t('packet.cannotSend')}</span>
                ) : (
                  <span className={`badge ${it.action === 'refuse' ? 'badge-bad' : ''}`}>{t(`packet.actions.${it.action}`)}</span>
                )}
                {it.reason ? (
                  // The badge says it in the person's language; the main process's English reason is folded beneath.
                  <details className="technical">
                    <summary>{t('common.technicalDetail')}</summary>
                    <p className="detail" dir="ltr" translate="no">
                      {it.reason}
                    </p>
                  </details>
                ) : null}
              </td>
              <td>
                {it.removes.length > 0 ? f.list(it.removes.map((r) => t(`packet.removes.${r}`, { defaultValue: r }))) : t('packet.nothingToRemove')}
                <CredentialsCell it={it} {...(choices && set ? { choices, set } : {})} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('packet.whoIsNamed')}</h3>
      <table className="table">
        <caption className="visually-hidden">{t('packet.personsCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('people.pseudonym')}</th>
            <th scope="col">{t('packet.shownAs')}</th>
            <th scope="col">{t('consent.title')}</th>
          </tr>
        </thead>
        <tbody>
          {plan.persons.map((p) => (
            <tr key={p.personId}>
              <th scope="row">
                <bdi>{p.pseudonym}</bdi>
              </th>
              <td>{p.shownAs === 'name' ? t('packet.realNameShown') : t('packet.pseudonymShown')}</td>
              <td>
                {t(`consent.states.${p.consentState}`)}
                {p.materialConsent === 'missing' ? <span className="badge badge-bad">{t('packet.materialConsentMissing')}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {plan.persons.some((p) => p.shownAs === 'pseudonym') ? (
        <section aria-labelledby="packet-replaced-title" data-testid="packet-replaced">
          <h3 id="packet-replaced-title">{t('packet.replaced.title')}</h3>
          <p className="note note-warn">{t('packet.replaced.intro')}</p>
          {plan.replacements.length > 0 ? (
            <ul className="list-plain">
              {plan.replacements.map((r, i) => (
                <li key={i}>
                  {replacementPlace(r, t, fieldLabel)}: {t('packet.replaced.count', { count: r.count, pseudonyms: f.list(r.pseudonyms) })}
                </li>
              ))}
            </ul>
          ) : (
            <p>{t('packet.replaced.none')}</p>
          )}
        </section>
      ) : null}
      {plan.testimonies.length > 0 ? (
        <>
          <h3>{t('packet.testimoniesOut')}</h3>
          <ul className="list-plain">
            {plan.testimonies.map((x) => (
              <li key={x.testimonyId}>
                <bdi>{x.label}</bdi> {x.included ? t('packet.testimonyIncluded', { count: x.replacements }) : t('packet.testimonyExcluded')}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

const SAID_ELSEWHERE: ReadonlySet<string> = new Set(['problem.packet.templateDraft', 'problem.packet.nameReplacementLimits']);
/** The plan's blockers for an answer given but not valid, said by the field's label. */
const INVALID_ANSWER: ReadonlySet<string> = new Set(['problem.packet.answerNotADate', 'problem.packet.answerInvalid']);

/** Where a replacement was made, in the person's words: the answer or catalogue field by its label, T01, E001, the case title. */
function replacementPlace(r: NameReplacement, t: (key: string, o?: Record<string, unknown>) => string, fieldLabel: (id: string) => string): string {
  switch (r.where) {
    case 'field':
      return t(r.source === 'answer' ? 'packet.replaced.answer' : 'packet.replaced.field', { field: fieldLabel(r.fieldId ?? '') });
    case 'testimony':
      return t('packet.replaced.testimony', { label: r.label ?? '' });
    case 'item':
      return t('packet.replaced.item', { label: r.label ?? '' });
    case 'case':
      return t('packet.replaced.case');
  }
}
