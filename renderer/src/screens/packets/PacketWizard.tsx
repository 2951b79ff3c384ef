import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../../../shared/api';
import { LANGUAGES } from '../../../../shared/api';
import { pickLocalized } from '../../../../shared/localized';
import { MECHANISMS, getMechanism, type AnswerValue, type MechanismField } from '../../../../shared/mechanisms';
import type { PacketPlan, PacketPlanInput, PacketProfile } from '../../../../shared/model/packet';
import { ErrorNote } from '../../components/ErrorNote';
import { Progress } from '../../components/Progress';
import { Screen } from '../../components/Screen';
import { ApiFailure, call } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { currentLanguage, isLanguage } from '../../lib/i18n';
import { remember } from '../../lib/memory';
import { href, navigate } from '../../lib/router';
import { useOperation } from '../../lib/operations';
import { useAsync } from '../../lib/useAsync';

const STEPS = ['mechanism', 'fields', 'contents', 'profile', 'review', 'export'] as const;
const PROFILES: readonly PacketProfile[] = ['redacted', 'forensic'];
type Step = (typeof STEPS)[number];

type Choices = {
  readonly caseId: string;
  readonly mechanismId: string;
  /** undefined = everything in the case. */
  readonly itemIds?: readonly string[];
  readonly testimonyIds?: readonly string[];
  readonly profile: PacketProfile;
  readonly recipient: string;
  readonly lang: Language;
  readonly keepCaptureDate?: boolean;
  readonly includeFileNames: boolean;
  readonly answers: Readonly<Record<string, AnswerValue>>;
};

function planInput(c: Choices): PacketPlanInput | undefined {
  if (!c.caseId || !c.mechanismId) return undefined;
  return {
    caseId: c.caseId,
    mechanismId: c.mechanismId,
    profile: c.profile,
    lang: c.lang,
    includeFileNames: c.includeFileNames,
    ...(c.itemIds ? { itemIds: [...c.itemIds] } : {}),
    ...(c.testimonyIds ? { testimonyIds: [...c.testimonyIds] } : {}),
    ...(c.profile === 'forensic' && c.recipient.trim() ? { recipient: c.recipient.trim() } : {}),
    ...(c.keepCaptureDate !== undefined ? { keepCaptureDate: c.keepCaptureDate } : {}),
    ...(Object.keys(c.answers).length > 0 ? { answers: Object.fromEntries(Object.entries(c.answers).map(([k, v]) => [k, Array.isArray(v) ? [...(v as readonly string[])] : (v as string | boolean | null)])) } : {}),
  };
}

/**
 * The packet wizard (DESIGN §6–7): pick the case and the mechanism, answer what the catalogue cannot fill, choose
 * the items and testimonies, choose the profile, then review exactly what will leave the vault (what each file
 * loses, who is named and why, what blocks the export) before anything is written. The plan is computed by the
 * main process on every change; the renderer decides nothing about what is safe.
 */
export function PacketWizard({ caseId }: { readonly caseId: string | undefined }) {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>('mechanism');
  const [choices, setChoices] = useState<Choices>({ caseId: caseId ?? '', mechanismId: '', profile: 'redacted', recipient: '', lang: currentLanguage(), includeFileNames: false, answers: {} });
  const set = (patch: Partial<Choices>) => setChoices((c) => ({ ...c, ...patch }));
  const input = useMemo(() => planInput(choices), [choices]);
  const [plan, setPlan] = useState<{ key: string; plan?: PacketPlan; error?: unknown }>();
  const key = JSON.stringify(input ?? null);
  useEffect(() => {
    if (!input) return;
    let current = true;
    const timer = window.setTimeout(() => {
      call('packets.plan', input).then(
        (p) => current && setPlan({ key, plan: p }),
        (e: unknown) => current && setPlan({ key, error: e }),
      );
    }, 250);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [input, key]);
  const currentPlan = plan?.plan;
  const index = STEPS.indexOf(step);
  const canNext = step === 'mechanism' ? Boolean(input) : true;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [step]);

  return (
    <Screen title={t('packet.title')}>
      <ol className="stepper" aria-label={t('packet.steps')}>
        {STEPS.map((s, i) => (
          <li key={s} aria-current={s === step ? 'step' : undefined} className={i < index ? 'done' : ''}>
            <span className="step-number">{i + 1}</span> {t(`packet.step.${s}`)}
          </li>
        ))}
      </ol>
      <section className="card" aria-labelledby="packet-step-title">
        <h2 id="packet-step-title" ref={heading} tabIndex={-1}>
          {t(`packet.step.${step}`)}
        </h2>
        {step === 'mechanism' ? <MechanismStep choices={choices} set={set} /> : null}
        {step === 'fields' ? <FieldsStep choices={choices} set={set} plan={currentPlan} /> : null}
        {step === 'contents' ? <ContentsStep choices={choices} set={set} /> : null}
        {step === 'profile' ? <ProfileStep choices={choices} set={set} /> : null}
        {step === 'review' ? <ReviewStep plan={currentPlan} stale={plan?.key !== key} /> : null}
        {step === 'export' && input ? <ExportStep input={input} plan={currentPlan} /> : null}
        {plan?.error && plan.key === key ? <ErrorNote error={plan.error} /> : null}
        <div className="actions">
          {index > 0 ? (
            <button type="button" onClick={() => setStep(STEPS[index - 1]!)}>
              {t('common.back')}
            </button>
          ) : null}
          {index < STEPS.length - 1 ? (
            <button type="button" className="primary" disabled={!canNext} onClick={() => setStep(STEPS[index + 1]!)}>
              {t('packet.next')}
            </button>
          ) : null}
        </div>
      </section>
    </Screen>
  );
}

type StepProps = { readonly choices: Choices; readonly set: (patch: Partial<Choices>) => void };

function MechanismStep({ choices, set }: StepProps) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const cases = useAsync(() => call('cases.list', {}), []);
  return (
    <>
      <div className="field">
        <label htmlFor="packet-case">{t('packet.case')}</label>
        <select id="packet-case" value={choices.caseId} onChange={(e) => set({ caseId: e.target.value, itemIds: undefined, testimonyIds: undefined })}>
          <option value="">{t('item.chooseCase')}</option>
          {(cases.value ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="field">
        <legend>{t('packet.mechanism')}</legend>
        {MECHANISMS.map((m) => (
          <div className="check mechanism" key={m.id}>
            <input id={`mech-${m.id}`} type="radio" name="mechanism" value={m.id} checked={choices.mechanismId === m.id} onChange={() => set({ mechanismId: m.id, answers: {} })} />
            <label htmlFor={`mech-${m.id}`}>
              {pickLocalized(m.title, lang)}{' '}
              {m.status !== 'confirmed' ? <span className="badge badge-warn">{t(`packet.templateStatus.${m.status}`)}</span> : null}
            </label>
          </div>
        ))}
      </fieldset>
      {getMechanism(choices.mechanismId)?.status === 'draft' ? <p className="note note-warn">{t('packet.draftWarning')}</p> : null}
    </>
  );
}

function FieldInput({ field, value, onChange }: { readonly field: MechanismField; readonly value: AnswerValue | undefined; readonly onChange: (v: AnswerValue) => void }) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const id = `ans-${field.id}`;
  const label = (
    <>
      {pickLocalized(field.label, lang)}
      {field.required ? <span className="badge">{t('packet.required')}</span> : null}
      {field.confidential ? <span className="badge badge-warn">{t('packet.confidential')}</span> : null}
    </>
  );
  const help = (
    <p className="hint" id={`${id}-help`}>
      {pickLocalized(field.help, lang)}
    </p>
  );
  switch (field.type) {
    case 'boolean':
      return (
        <div className="field">
          <div className="check">
            <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} aria-describedby={`${id}-help`} />
            <label htmlFor={id}>{label}</label>
          </div>
          {help}
        </div>
      );
    case 'choice':
      return (
        <div className="field">
          <label htmlFor={id}>{label}</label>
          <select id={id} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value || null)} aria-describedby={`${id}-help`}>
            <option value="">{t('packet.noAnswer')}</option>
            {(field.choices ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {pickLocalized(c.label, lang)}
              </option>
            ))}
          </select>
          {help}
        </div>
      );
    case 'multichoice': {
      const list = Array.isArray(value) ? (value as readonly string[]) : [];
      return (
        <fieldset className="field" aria-describedby={`${id}-help`}>
          <legend>{label}</legend>
          {help}
          {(field.choices ?? []).map((c) => (
            <div className="check" key={c.id}>
              <input id={`${id}-${c.id}`} type="checkbox" checked={list.includes(c.id)} onChange={(e) => onChange(e.target.checked ? [...list, c.id] : list.filter((x) => x !== c.id))} />
              <label htmlFor={`${id}-${c.id}`}>{pickLocalized(c.label, lang)}</label>
            </div>
          ))}
        </fieldset>
      );
    }
    case 'longtext':
      return (
        <div className="field">
          <label htmlFor={id}>{label}</label>
          <textarea id={id} rows={3} dir="auto" value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value || null)} aria-describedby={`${id}-help`} />
          {help}
        </div>
      );
    case 'person':
    case 'items':
      return (
        <div className="field">
          <span className="label">{label}</span>
          <p className="hint">{t('packet.fromCatalogueOnly')}</p>
        </div>
      );
    case 'text':
    case 'date':
    case 'country':
      return (
        <div className="field">
          <label htmlFor={id}>{label}</label>
          <input id={id} type="text" dir={field.type === 'text' ? 'auto' : 'ltr'} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value || null)} aria-describedby={`${id}-help`} />
          {help}
        </div>
      );
    default:
      return null;
  }
}

function FieldsStep({ choices, set, plan }: StepProps & { readonly plan: PacketPlan | undefined }) {
  const { t } = useTranslation();
  const f = useFormat();
  const lang = currentLanguage();
  const mechanism = getMechanism(choices.mechanismId);
  if (!mechanism) return null;
  // A catalogue value is shown as such; a field the catalogue leaves empty is asked here like any other.
  const filled = new Map((plan?.fields ?? []).filter((f) => f.source === 'catalogue' && f.value !== null && f.value !== '').map((f) => [f.fieldId, f.value]));
  return (
    <>
      <p>{t('packet.fieldsIntro')}</p>
      {mechanism.sections.map((section) => (
        <fieldset key={section.id} className="field">
          <legend>{pickLocalized(section.title, lang)}</legend>
          {section.fields.map((field) =>
            filled.has(field.id) && choices.answers[field.id] === undefined ? (
              <div className="field" key={field.id}>
                <span className="label">{pickLocalized(field.label, lang)}</span>
                <p className="from-catalogue">
                  <span className="badge badge-ok">{t('packet.fromCatalogue')}</span> <bdi>{formatAnswer(filled.get(field.id) ?? null, t('packet.yes'), t('packet.no'), f.list)}</bdi>
                </p>
              </div>
            ) : (
              <FieldInput key={field.id} field={field} value={choices.answers[field.id]} onChange={(v) => set({ answers: { ...choices.answers, [field.id]: v } })} />
            ),
          )}
        </fieldset>
      ))}
    </>
  );
}

function formatAnswer(v: AnswerValue, yes: string, no: string, list: (items: readonly string[]) => string): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? yes : no;
  return Array.isArray(v) ? list(v as readonly string[]) : String(v);
}

function ContentsStep({ choices, set }: StepProps) {
  const { t } = useTranslation();
  const items = useAsync(() => call('items.list', { offset: 0, limit: 1000, sort: 'captured-asc', filters: { caseId: choices.caseId } }), [choices.caseId]);
  const testimonies = useAsync(() => call('testimonies.list', { caseId: choices.caseId }), [choices.caseId]);
  const allItems = (items.value?.items ?? []).map((i) => i.id);
  const chosenItems = new Set(choices.itemIds ?? allItems);
  const allTestimonies = (testimonies.value ?? []).map((x) => x.id);
  const chosenTestimonies = new Set(choices.testimonyIds ?? allTestimonies);
  const toggle = (set0: Set<string>, id: string, on: boolean) => {
    const next = new Set(set0);
    if (on) next.add(id);
    else next.delete(id);
    return [...next];
  };
  return (
    <>
      <fieldset className="field">
        <legend>{t('packet.items', { count: chosenItems.size })}</legend>
        {items.value && items.value.items.length === 0 ? <p>{t('cases.noItems')}</p> : null}
        {(items.value?.items ?? []).map((it) => (
          <div className="check" key={it.id}>
            <input id={`pi-${it.id}`} type="checkbox" checked={chosenItems.has(it.id)} onChange={(e) => set({ itemIds: toggle(chosenItems, it.id, e.target.checked) })} />
            <label htmlFor={`pi-${it.id}`}>
              <bdi>{it.title ?? it.originalName}</bdi> {it.hasGps ? <span className="badge badge-gps">{t('library.gpsBadge')}</span> : null}
            </label>
          </div>
        ))}
      </fieldset>
      <fieldset className="field">
        <legend>{t('packet.testimonies', { count: chosenTestimonies.size })}</legend>
        {testimonies.value && testimonies.value.length === 0 ? <p>{t('cases.noTestimonies')}</p> : null}
        {(testimonies.value ?? []).map((x) => (
          <div className="check" key={x.id}>
            <input id={`pt-${x.id}`} type="checkbox" checked={chosenTestimonies.has(x.id)} onChange={(e) => set({ testimonyIds: toggle(chosenTestimonies, x.id, e.target.checked) })} />
            <label htmlFor={`pt-${x.id}`}>
              <bdi>{x.title}</bdi>
            </label>
          </div>
        ))}
      </fieldset>
    </>
  );
}

function ProfileStep({ choices, set }: StepProps) {
  const { t } = useTranslation();
  return (
    <>
      <fieldset className="field">
        <legend>{t('packet.profile')}</legend>
        {PROFILES.map((p) => (
          <div className="check" key={p}>
            <input id={`profile-${p}`} type="radio" name="profile" checked={choices.profile === p} onChange={() => set({ profile: p, keepCaptureDate: undefined })} aria-describedby={`profile-${p}-help`} />
            <label htmlFor={`profile-${p}`}>{t(`packet.profiles.${p}`)}</label>
            <span className="hint" id={`profile-${p}-help`}>
              {t(`packet.profileHelp.${p}`)}
            </span>
          </div>
        ))}
      </fieldset>
      {choices.profile === 'forensic' ? (
        <div className="field">
          <label htmlFor="packet-recipient">{t('packet.recipient')}</label>
          <input id="packet-recipient" type="text" dir="ltr" spellCheck={false} value={choices.recipient} onChange={(e) => set({ recipient: e.target.value })} aria-describedby="packet-recipient-help" />
          <p className="hint" id="packet-recipient-help">
            {t('packet.recipientHelp')}
          </p>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="packet-lang">{t('packet.language')}</label>
        <select id="packet-lang" value={choices.lang} onChange={(e) => isLanguage(e.target.value) && set({ lang: e.target.value })}>
          {LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {t(`languages.${l}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="check">
        <input id="packet-keepdate" type="checkbox" checked={choices.keepCaptureDate ?? choices.profile === 'forensic'} onChange={(e) => set({ keepCaptureDate: e.target.checked })} />
        <label htmlFor="packet-keepdate">{t('packet.keepCaptureDate')}</label>
      </div>
      <div className="check">
        <input id="packet-filenames" type="checkbox" checked={choices.includeFileNames} onChange={(e) => set({ includeFileNames: e.target.checked })} />
        <label htmlFor="packet-filenames">{t('packet.includeFileNames')}</label>
      </div>
    </>
  );
}

function ReviewStep({ plan, stale }: { readonly plan: PacketPlan | undefined; readonly stale: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (!plan) return <p aria-busy="true">{t('common.loading')}</p>;
  return (
    <div aria-busy={stale} data-testid="packet-review">
      {plan.mechanismStatus !== 'confirmed' ? <p className="note note-warn">{t(`packet.templateWarning.${plan.mechanismStatus}`)}</p> : null}
      {plan.blockers.length > 0 ? (
        <div className="note note-error" role="alert">
          <p>
            <strong>{t('packet.blocked', { count: plan.blockers.length })}</strong>
          </p>
          <ul>
            {plan.blockers.map((b, i) => (
              <li key={i}>
                {t(`errors.${b.code}`)}{' '}
                <span className="detail" dir="auto">
                  {b.message}
                </span>
                {b.personId ? <a href={href({ name: 'person', id: b.personId })}>{t('packet.openPerson')}</a> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="note note-ok">{t('packet.ready')}</p>
      )}
      {plan.warnings.length > 0 ? (
        <div className="note note-warn">
          <ul className="inside">
            {plan.warnings.map((w, i) => (
              <li key={i} dir="auto">
                {w}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {plan.missingFields.length > 0 ? <p className="note note-warn">{t('packet.missing', { count: plan.missingFields.length })}</p> : null}
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
                <a href={href({ name: 'item', id: it.itemId })}>
                  <bdi>{it.label}</bdi>
                </a>
              </th>
              <td>
                <span className={`badge ${it.action === 'refuse' ? 'badge-bad' : ''}`}>{t(`packet.actions.${it.action}`)}</span>
                {it.reason ? (
                  <span className="detail" dir="auto">
                    {it.reason}
                  </span>
                ) : null}
              </td>
              <td>{it.removes.length > 0 ? f.list(it.removes.map((r) => t(`packet.removes.${r}`, { defaultValue: r }))) : t('packet.nothingToRemove')}</td>
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

function ExportStep({ input, plan }: { readonly input: PacketPlanInput; readonly plan: PacketPlan | undefined }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [operationId, setOperationId] = useState<string>();
  const [error, setError] = useState<unknown>();
  const op = useOperation(operationId);
  const done = op?.done;
  const p = op?.progress?.kind === 'export' ? op.progress.progress : undefined;
  const report = done?.ok && done.result.kind === 'export' ? done.result.report : undefined;
  const running = operationId !== undefined && !done;
  const start = async () => {
    setError(undefined);
    try {
      const dest = await call('dialog.choosePacketDestination', { suggestedName: `packet-${input.mechanismId}.zip` });
      if (!dest) return;
      const r = await call('packets.export', { ...input, outPath: dest.path, zip: dest.path.toLowerCase().endsWith('.zip') });
      setOperationId(r.operationId);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <p>{t('packet.exportIntro')}</p>
      {plan && !plan.canExport ? <p className="note note-error">{t('packet.cannotExport')}</p> : null}
      <div className="actions">
        <button type="button" className="primary" disabled={running || !plan?.canExport} onClick={() => void start()}>
          {t('packet.export')}
        </button>
        {running ? (
          <button type="button" className="danger" onClick={() => void call('operations.cancel', { operationId: operationId! }).catch(setError)}>
            {t('common.cancel')}
          </button>
        ) : null}
      </div>
      {running ? <Progress label={p ? t(`packet.phase.${p.phase}`) : t('common.starting')} done={p?.done ?? 0} total={p?.total ?? 0} /> : null}
      <ErrorNote error={error} />
      {done && !done.ok ? <ErrorNote error={new ApiFailure(done.error)} /> : null}
      {report ? (
        <div className="note note-ok" role="status">
          <p>
            <strong>{t('packet.exported')}</strong>
          </p>
          <dl className="facts">
            <dt>{t('packet.where')}</dt>
            <dd>
              <bdi dir="ltr" className="path">
                {report.outPath}
              </bdi>
            </dd>
            <dt>{t('packet.files')}</dt>
            <dd>{t('packet.filesValue', { files: f.number(report.files), bytes: f.bytes(report.payloadBytes) })}</dd>
            <dt>{t('packet.tagmanifest')}</dt>
            <dd>
              <code dir="ltr" className="hash">
                {report.tagmanifestSha256}
              </code>
            </dd>
          </dl>
          <button
            type="button"
            onClick={() => {
              remember('verify.path', report.outPath);
              navigate({ name: 'verify-packet' });
            }}
          >
            {t('packet.verifyIt')}
          </button>
        </div>
      ) : null}
    </>
  );
}
