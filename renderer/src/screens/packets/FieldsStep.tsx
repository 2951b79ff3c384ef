import { useTranslation } from 'react-i18next';
import { pickLocalized } from '../../../../shared/localized';
import { getMechanism, type AnswerValue, type MechanismField } from '../../../../shared/mechanisms';
import type { FieldOrigin, PacketPlan } from '../../../../shared/model/packet';
import { DateField } from '../../components/DateField';
import { useFormat } from '../../lib/format';
import { currentLanguage } from '../../lib/i18n';
import type { StepProps } from './wizard-state';

export function FieldInput({
  field,
  value,
  onChange,
  typed,
  onTyped,
}: {
  readonly field: MechanismField;
  readonly value: AnswerValue | undefined;
  readonly onChange: (v: AnswerValue) => void;
  /** A date answer typed halfway, as the draft kept it (DateField's typedDate()). */
  readonly typed?: string | undefined;
  /** A date answer that is no date yet: what was typed ('' when the parts make the date again). */
  readonly onTyped?: (typed: string) => void;
}) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const id = `ans-${field.id}`;
  const badges = (
    <>
      {field.required ? <span className="badge">{t('packet.required')}</span> : null}
      {field.confidential ? <span className="badge badge-warn">{t('packet.confidential')}</span> : null}
    </>
  );
  const label = (
    <>
      {pickLocalized(field.label, lang)}
      {badges}
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
    case 'date':
      // In the app's language and digits, independent of the browser's locale; a year, or a month and year, will do.
      // The label is the fieldset's legend: its badges (required, confidential) go with it.
      return (
        <DateField
          label={pickLocalized(field.label, lang)}
          badges={badges}
          value={typeof value === 'string' && value ? value : undefined}
          partial
          hint={pickLocalized(field.help, lang)}
          typed={typed || undefined}
          onChange={(v) => onChange(v)}
          onTyped={(x) => onTyped?.(x)}
        />
      );
    case 'text':
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

export function FieldsStep({ choices, set, plan }: StepProps & { readonly plan: PacketPlan | undefined }) {
  const { t } = useTranslation();
  const f = useFormat();
  const lang = currentLanguage();
  const mechanism = getMechanism(choices.mechanismId);
  if (!mechanism) return null;
  // A catalogue value is shown as such, with the record it came from; a field the catalogue leaves empty is asked
  // here like any other, and a required one can be left on purpose "to be completed before sending".
  const planned = new Map((plan?.fields ?? []).map((f) => [f.fieldId, f]));
  const filled = new Map((plan?.fields ?? []).filter((f) => f.source === 'catalogue' && f.value !== null && f.value !== '').map((f) => [f.fieldId, f.value]));
  const deferred = choices.deferredFields ?? [];
  const setDeferred = (id: string, on: boolean) => set({ deferredFields: on ? [...deferred.filter((x) => x !== id), id] : deferred.filter((x) => x !== id) });
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
                <p className="from-catalogue" data-testid={`from-catalogue-${field.id}`}>
                  <span className="badge badge-ok">{t('packet.fromCatalogue')}</span> <bdi>{field.type === 'date' ? f.calendarDate(String(filled.get(field.id))) : formatAnswer(choiceLabels(field, filled.get(field.id) ?? null, lang), t('packet.yes'), t('packet.no'), f.list)}</bdi>
                </p>
                <OriginNote origin={planned.get(field.id)?.origin} />
              </div>
            ) : (
              <div key={field.id} className="field-with-defer">
                <FieldInput
                  field={field}
                  value={choices.answers[field.id]}
                  typed={choices.typedAnswers?.[field.id]}
                  onChange={(v) => set({ answers: { ...choices.answers, [field.id]: v }, typedAnswers: without(choices.typedAnswers, field.id) })}
                  onTyped={(x) => set({ typedAnswers: x ? { ...choices.typedAnswers, [field.id]: x } : without(choices.typedAnswers, field.id) })}
                />
                {planned.get(field.id)?.required && (planned.get(field.id)?.source === 'missing' || deferred.includes(field.id)) ? (
                  <div className="check defer">
                    <input id={`defer-${field.id}`} type="checkbox" checked={deferred.includes(field.id)} onChange={(e) => setDeferred(field.id, e.target.checked)} />
                    <label htmlFor={`defer-${field.id}`}>{t('packet.deferThis')}</label>
                  </div>
                ) : null}
              </div>
            ),
          )}
        </fieldset>
      ))}
    </>
  );
}

/** The typed answers without one field's. */
function without(typed: Readonly<Record<string, string>> | undefined, id: string): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(typed ?? {}).filter(([k]) => k !== id));
}

/** Which record a value from the catalogue came from: the person, the case, the testimony of a date, the tags… */
export function OriginNote({ origin }: { readonly origin: FieldOrigin | undefined }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (!origin) return null;
  const key = origin.kind === 'testimony' && !origin.date ? 'testimonyUndated' : origin.kind;
  return (
    <p className="hint origin" data-testid="field-origin">
      {t(`packet.origin.${key}`, { label: origin.label ?? '', date: origin.date ? f.calendarDate(origin.date) : '' })}
    </p>
  );
}

/** A choice's or choices' ids shown by their labels in the mechanism's own words (never 'wgad.category-ii'). */
function choiceLabels(field: MechanismField, v: AnswerValue, lang: ReturnType<typeof currentLanguage>): AnswerValue {
  const label = (id: string) => {
    const c = field.choices?.find((x) => x.id === id);
    return c ? pickLocalized(c.label, lang) : id;
  };
  if (Array.isArray(v)) return (v as readonly string[]).map(label);
  return typeof v === 'string' && field.choices ? label(v) : v;
}

export function formatAnswer(v: AnswerValue, yes: string, no: string, list: (items: readonly string[]) => string): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? yes : no;
  return Array.isArray(v) ? list(v as readonly string[]) : String(v);
}
