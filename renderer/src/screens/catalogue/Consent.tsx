import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CONSENT_RECORDING_METHODS, type ConsentRecordingMethod, type ConsentState, type ConsentStatus } from '../../../../shared/model/catalogue';
import type { Draft } from '../../../../shared/model/drafts';
import { DateField } from '../../components/DateField';
import { ErrorNote } from '../../components/ErrorNote';
import { Field } from '../../components/Field';
import { call, issueAt } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { useMessage } from '../../lib/message';
import { useAsync } from '../../lib/useAsync';
import { useConfirm } from '../../lib/useConfirm';
import { DraftFormEnd, DraftNote, useDraftForm, WithDraft } from '../../lib/useFormDraft';
import { MECHANISM_OPTIONS, useMechanismLabel } from './mechanisms';

/**
 * Consent per person and mechanism: what is in force now (derived by the archive, never by the UI), the full
 * history, a form to record a new decision, and withdrawal (confirmed). Records are never edited.
 */
export function ConsentSection({ personId }: { readonly personId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const mechanismLabel = useMechanismLabel();
  const statuses = useAsync(() => call('consent.statuses', { personId }), [personId]);
  const records = useAsync(() => call('consent.list', { personId }), [personId]);
  const confirm = useConfirm();
  const [error, setError] = useState<unknown>();
  const reload = () => {
    statuses.reload();
    records.reload();
  };
  return (
    <section aria-labelledby="person-consent">
      <h2 id="person-consent">{t('consent.title')}</h2>
      <p>{t('consent.explain')}</p>
      {statuses.value && statuses.value.some((s) => s.state !== 'none') ? (
        <ul className="list-plain consent-decisions" aria-label={t('consent.inForce')}>
          {groupDecisions(statuses.value).map((g) => {
            const rec = g.consentId ? records.value?.find((r) => r.id === g.consentId) : undefined;
            const specific = g.mechanisms.filter((m) => m !== '*');
            return (
              <li key={g.key}>
                <ConsentBadge state={g.state} />{' '}
                {rec ? <span>{t('consent.givenOn', { date: f.day(rec.givenAt), how: t(`consent.methods.${rec.howRecorded}`) })}</span> : null}
                <div className="hint">
                  {g.mechanisms.length === statuses.value!.length
                    ? t('consent.coversAll')
                    : t('consent.covers', { mechanisms: specific.length > 0 ? f.list(specific.map(mechanismLabel)) : mechanismLabel('*') })}
                </div>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="note note-warn">{t('consent.noneRecorded')}</p>
      )}
      <RecordConsent personId={personId} onRecorded={reload} />
      {records.value && records.value.length > 0 ? (
        <details>
          <summary>{t('consent.history', { count: records.value.length })}</summary>
          <table className="table">
            <caption className="visually-hidden">{t('consent.historyCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('consent.mechanism')}</th>
                <th scope="col">{t('consent.givenAt')}</th>
                <th scope="col">{t('consent.decision')}</th>
                <th scope="col">{t('consent.howRecorded')}</th>
                <th scope="col">{t('consent.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {records.value.map((c) => (
                <tr key={c.id}>
                  <td>{mechanismLabel(c.mechanism)}</td>
                  <td>{f.day(c.givenAt)}</td>
                  <td>
                    {c.discloseName ? t('consent.nameYes') : t('consent.nameNo')}
                    <br />
                    {c.shareMaterial ? t('consent.shareYes') : t('consent.shareNo')}
                  </td>
                  <td>{t(`consent.methods.${c.howRecorded}`)}</td>
                  <td>
                    {c.revokedAt ? (
                      t('consent.revokedOn', { date: f.date(c.revokedAt) })
                    ) : (
                      <button
                        type="button"
                        className="danger small"
                        onClick={() =>
                          confirm.ask({
                            title: t('consent.revokeTitle'),
                            body: t('consent.revokeBody'),
                            confirmLabel: t('consent.revoke'),
                            danger: true,
                            onConfirm: () => void call('consent.revoke', { id: c.id }).then(reload, setError),
                          })
                        }
                      >
                        {t('consent.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
      <ErrorNote error={error} />
      {confirm.dialog}
    </section>
  );
}

type DecisionGroup = { readonly key: string; readonly state: ConsentState; readonly consentId: string | undefined; readonly mechanisms: string[] };

/**
 * The statuses (one per mechanism, and '*') grouped by the decision in force: one decision "for any mechanism"
 * reads as one line with what it covers, not the same badge seven times.
 */
export function groupDecisions(statuses: readonly ConsentStatus[]): DecisionGroup[] {
  const groups = new Map<string, DecisionGroup>();
  for (const s of statuses) {
    const key = `${s.consentId ?? 'none'}|${s.state}`;
    const g = groups.get(key) ?? { key, state: s.state, consentId: s.consentId, mechanisms: [] };
    g.mechanisms.push(s.mechanism);
    groups.set(key, g);
  }
  // Decisions in force first, then what nothing covers.
  return [...groups.values()].sort((a, b) => Number(a.state === 'none') - Number(b.state === 'none'));
}

/** Green: all allowed; amber: allowed with a restriction; red: refused or withdrawn; grey: nothing recorded. */
export function ConsentBadge({ state }: { readonly state: ConsentState }) {
  const { t } = useTranslation();
  const tone = state === 'granted' ? 'badge-ok' : state === 'name-withheld' || state === 'material-withheld' ? 'badge-warn' : state === 'none' ? '' : 'badge-bad';
  return <span className={`badge ${tone}`}>{t(`consent.states.${state}`)}</span>;
}

/** Today on this computer's calendar (toISOString's is the UTC day: yesterday or tomorrow for part of the day). */
function today(): string {
  const d = new Date();
  return `${String(d.getFullYear()).padStart(4, '0')}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

type ConsentValues = {
  readonly mechanism: string;
  readonly discloseName: boolean;
  readonly shareMaterial: boolean;
  readonly recipients: string;
  readonly givenAt: string;
  /** A date typed halfway (DateField's typedDate()), kept in the draft; '' when none. */
  readonly givenAtTyped: string;
  readonly howRecorded: string;
  readonly notes: string;
};

/** The "record a consent decision" form, kept as a draft ('consent', per person) while it is filled in. */
function RecordConsent({ personId, onRecorded }: { readonly personId: string; readonly onRecorded: () => void }) {
  return <WithDraft form="consent" recordId={personId}>{(draft) => <RecordConsentForm personId={personId} draft={draft} onRecorded={onRecorded} />}</WithDraft>;
}

function RecordConsentForm({ personId, draft, onRecorded }: { readonly personId: string; readonly draft: Draft | null; readonly onRecorded: () => void }) {
  const { t } = useTranslation();
  const mechanismLabel = useMechanismLabel();
  const text = useMessage();
  // Recording with a date half typed would record the date it replaced: refused at the field, the text kept.
  const [halfDate, setHalfDate] = useState(false);
  const form = useDraftForm<ConsentValues>({
    form: 'consent',
    recordId: personId,
    draft,
    saved: { mechanism: '*', discloseName: false, shareMaterial: false, recipients: '', givenAt: today(), givenAtTyped: '', howRecorded: 'oral-recorded', notes: '' },
    ready: (v) => {
      setHalfDate(Boolean(v.givenAtTyped));
      return Boolean(v.givenAt) && !v.givenAtTyped;
    },
    save: async (v) => {
      await call('consent.record', {
        personId,
        mechanism: v.mechanism,
        discloseName: v.discloseName,
        shareMaterial: v.shareMaterial,
        givenAt: v.givenAt,
        howRecorded: v.howRecorded as ConsentRecordingMethod,
        ...(v.recipients.trim() ? { recipients: v.recipients.trim() } : {}),
        ...(v.notes ? { notes: v.notes } : {}),
      });
    },
    onSaved: onRecorded,
  });
  const { values: v, change, error, opened } = form;
  const [open, setOpen] = useState(opened.state !== 'none');
  const { mechanism, discloseName, shareMaterial, recipients, notes } = v;
  const givenAt = v.givenAt || undefined;
  const howRecorded = v.howRecorded as ConsentRecordingMethod;
  return (
    <details className="card" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('consent.record')}</summary>
      <form onSubmit={(e) => void form.submit(e)}>
        <DraftNote state={form.note} />
        <Field label={t('consent.mechanism')}>
          {(p) => (
            <select {...p} value={mechanism} onChange={(e) => change({ ...v, mechanism: e.target.value })}>
              {MECHANISM_OPTIONS.map((m) => (
                <option key={m} value={m}>
                  {mechanismLabel(m)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset className="field">
          <legend>{t('consent.decision')}</legend>
          <div className="check">
            <input id="consent-name" type="checkbox" checked={discloseName} onChange={(e) => change({ ...v, discloseName: e.target.checked })} />
            <label htmlFor="consent-name">{t('consent.discloseName')}</label>
          </div>
          <div className="check">
            <input id="consent-share" type="checkbox" checked={shareMaterial} onChange={(e) => change({ ...v, shareMaterial: e.target.checked })} />
            <label htmlFor="consent-share">{t('consent.shareMaterial')}</label>
          </div>
        </fieldset>
        <Field label={t('consent.recipients')} hint={t('consent.recipientsHint')} error={text(issueAt(error, 'recipients'))}>
          {(p) => <input {...p} type="text" value={recipients} onChange={(e) => change({ ...v, recipients: e.target.value })} dir="auto" />}
        </Field>
        <DateField
          label={t('consent.givenAt')}
          value={givenAt}
          typed={opened.values.givenAtTyped || undefined}
          error={halfDate && v.givenAtTyped ? t('problem.validation.notADate') : text(issueAt(error, 'givenAt'))}
          onChange={(d) => change({ ...v, givenAt: d ?? '', givenAtTyped: '' })}
          onTyped={(typed) => change({ ...v, givenAtTyped: typed })}
        />
        <Field label={t('consent.howRecorded')}>
          {(p) => (
            <select {...p} value={howRecorded} onChange={(e) => change({ ...v, howRecorded: e.target.value })}>
              {CONSENT_RECORDING_METHODS.map((m) => (
                <option key={m} value={m}>
                  {t(`consent.methods.${m}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('consent.notes')} error={text(issueAt(error, 'notes'))}>{(p) => <textarea {...p} rows={2} value={notes} onChange={(e) => change({ ...v, notes: e.target.value })} dir="auto" />}</Field>
        <DraftFormEnd form={form} submitLabel={t('consent.save')} submitDisabled={!givenAt} savedLabel={t('consent.saved')} />
      </form>
    </details>
  );
}
