import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ItemName } from '../../components/ItemName';
import { CasePicker } from '../../components/CasePicker';
import { DateField } from '../../components/DateField';
import { ErrorNote } from '../../components/ErrorNote';
import { describedByOf, FieldNotes } from '../../components/Field';
import { LanguagePicker, PersonOptions } from '../../components/pickers';
import { Screen } from '../../components/Screen';
import { TagEditor } from '../../components/TagEditor';
import { call, issueAt } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { useMessage } from '../../lib/message';
import { href } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import { ConsentBadge } from './Consent';
import { useMechanismLabel } from './mechanisms';

export type TestimonyFields = {
  readonly title: string;
  readonly caseId: string;
  readonly witnessId: string;
  readonly interviewDate: string;
  /** An interview date typed halfway (DateField's typedDate()), kept in the draft; '' when none. */
  readonly interviewDateTyped: string;
  readonly place: string;
  readonly interviewer: string;
  readonly language: string;
  /** A language typed that is not (yet) a choice (CodePicker's onTyped), kept in the draft; '' when none. */
  readonly languageTyped: string;
  readonly interpreter: string;
  readonly text: string;
};

export type TestimonySaveState =
  | { readonly kind: 'saved'; readonly revision: number; readonly at: string }
  | { readonly kind: 'dirty' }
  | { readonly kind: 'saving' }
  | { readonly kind: 'error'; readonly error: unknown; readonly conflict: boolean };

/** The testimony editor as drawn: the interview record, the text, the witness's consent, items, tags, history. */
export function TestimonyView({
  testimonyId,
  fields,
  onChange,
  saveState,
  draftRestored,
  draftState,
  onSaveNow,
  onReloadLatest,
  onDelete,
  itemIds,
  onUnlink,
  currentRevision,
  historyTick,
  onRestore,
  error,
}: {
  readonly testimonyId: string;
  readonly fields: TestimonyFields;
  readonly onChange: (next: TestimonyFields) => void;
  readonly saveState: TestimonySaveState;
  /** The fields were brought back from a draft in the vault (what was typed before leaving, locking or a crash). */
  readonly draftRestored: boolean;
  /** The draft's own save state: 'saved' means what is on screen is in the vault, even if not yet a version. */
  readonly draftState: 'idle' | 'pending' | 'saving' | 'saved' | 'error';
  readonly onSaveNow: () => void;
  readonly onReloadLatest: () => void;
  readonly onDelete: () => void;
  readonly itemIds: readonly string[];
  readonly onUnlink: (itemId: string) => void;
  readonly currentRevision: number;
  readonly historyTick: number;
  readonly onRestore: (f: Partial<TestimonyFields>) => void;
  readonly error: unknown;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const persons = useAsync(() => call('persons.list', {}), []);
  const onField = (e: { target: { name: string; value: string } }) => onChange({ ...fields, [e.target.name as keyof TestimonyFields]: e.target.value });
  const text = useMessage();
  const refusal = (path: string) => text(issueAt(saveState.kind === 'error' ? saveState.error : undefined, path));
  // A refused text field is marked where it is, with the reason read with it (not only in the note at the top).
  const marked = (id: string, path: string, hint?: string) => {
    const error = refusal(path);
    const describedBy = describedByOf(id, hint, error);
    return { ...(describedBy ? { 'aria-describedby': describedBy } : {}), ...(error ? { 'aria-invalid': true as const } : {}) };
  };
  const markedAs = {
    title: marked('tes-title', 'title'),
    place: marked('tes-place', 'place'),
    interviewer: marked('tes-interviewer', 'interviewer'),
    interpreter: marked('tes-interpreter', 'interpreter'),
    text: marked('tes-text', 'text', t('testimony.textHint')),
  };
  const fieldLabels: Readonly<Record<string, string>> = {
    title: t('testimony.fields.title'),
    caseId: t('testimony.fields.case'),
    witnessId: t('testimony.fields.witness'),
    interviewDate: t('testimony.fields.interviewDate'),
    place: t('testimony.fields.place'),
    interviewer: t('testimony.fields.interviewer'),
    language: t('testimony.fields.language'),
    interpreter: t('testimony.fields.interpreter'),
    text: t('testimony.fields.text'),
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      onSaveNow();
    }
  };
  return (
    <Screen
      title={fields.title || t('testimony.untitled')}
      actions={
        <>
          <span className="save-state" role="status" data-testid="save-state">
            {saveState.kind === 'saved'
              ? t('testimony.savedRevision', { revision: f.number(saveState.revision), date: f.dateTime(saveState.at) })
              : saveState.kind === 'saving'
                ? t('testimony.saving')
                : saveState.kind === 'dirty'
                  ? t('testimony.unsaved')
                  : t('testimony.saveFailed')}
          </span>
          <button type="button" onClick={onSaveNow} disabled={saveState.kind === 'saved' || saveState.kind === 'saving'}>
            {t('testimony.saveNow')}
          </button>
          <button type="button" className="danger" onClick={onDelete}>
            {t('testimony.delete')}
          </button>
        </>
      }
    >
      <div onKeyDown={onKeyDown}>
        {draftRestored ? (
          <p className="note" role="status" data-testid="draft-restored">
            {t('testimony.draftRestored')}
          </p>
        ) : null}
        {saveState.kind === 'error' ? <ErrorNote error={saveState.error} fieldLabels={fieldLabels} /> : null}
        {saveState.kind === 'error' && draftState === 'saved' ? (
          <p className="note note-ok" role="status" data-testid="draft-kept">
            {t('testimony.draftKept')}
          </p>
        ) : null}
        {saveState.kind === 'error' && saveState.conflict ? (
          <button type="button" onClick={onReloadLatest}>
            {t('testimony.reloadLatest')}
          </button>
        ) : null}
        <form className="card" aria-labelledby="testimony-fields" onSubmit={(e) => e.preventDefault()}>
          <h2 id="testimony-fields">{t('testimony.record')}</h2>
          <div className="two-col">
            <div className={refusal('title') ? 'field field-invalid' : 'field'}>
              <label htmlFor="tes-title">{t('testimony.fields.title')}</label>
              <input id="tes-title" type="text" value={fields.title} name="title" onChange={onField} required dir="auto" {...markedAs.title} />
              <FieldNotes id="tes-title" error={refusal('title')} />
            </div>
            <CasePicker id="tes-case" label={t('testimony.fields.case')} emptyLabel={t('testimony.noCase')} value={fields.caseId} onChange={(caseId) => onChange({ ...fields, caseId })} />
            <div className="field">
              <label htmlFor="tes-witness">{t('testimony.fields.witness')}</label>
              <select id="tes-witness" value={fields.witnessId} name="witnessId" onChange={onField}>
                <PersonOptions persons={persons.value} emptyLabel={t('testimony.noWitness')} />
              </select>
            </div>
            <DateField
              label={t('testimony.fields.interviewDate')}
              value={fields.interviewDate || undefined}
              partial
              hint={t('people.partialDateHint')}
              typed={fields.interviewDateTyped || undefined}
              error={refusal('interviewDate')}
              onChange={(v) => onChange({ ...fields, interviewDate: v ?? '', interviewDateTyped: '' })}
              onTyped={(typed) => onChange({ ...fields, interviewDateTyped: typed })}
            />
            <div className={refusal('place') ? 'field field-invalid' : 'field'}>
              <label htmlFor="tes-place">{t('testimony.fields.place')}</label>
              <input id="tes-place" type="text" value={fields.place} name="place" onChange={onField} dir="auto" {...markedAs.place} />
              <FieldNotes id="tes-place" error={refusal('place')} />
            </div>
            <div className={refusal('interviewer') ? 'field field-invalid' : 'field'}>
              <label htmlFor="tes-interviewer">{t('testimony.fields.interviewer')}</label>
              <input id="tes-interviewer" type="text" value={fields.interviewer} name="interviewer" onChange={onField} dir="auto" {...markedAs.interviewer} />
              <FieldNotes id="tes-interviewer" error={refusal('interviewer')} />
            </div>
            <LanguagePicker
              id="tes-language"
              label={t('testimony.fields.language')}
              value={fields.language || undefined}
              hint={t('testimony.languageHint')}
              error={refusal('language')}
              typed={fields.languageTyped || undefined}
              onTyped={(typed) => onChange({ ...fields, languageTyped: typed })}
              onChange={(code) => onChange({ ...fields, language: code ?? '', languageTyped: '' })}
            />
            <div className={refusal('interpreter') ? 'field field-invalid' : 'field'}>
              <label htmlFor="tes-interpreter">{t('testimony.fields.interpreter')}</label>
              <input id="tes-interpreter" type="text" value={fields.interpreter} name="interpreter" onChange={onField} dir="auto" {...markedAs.interpreter} />
              <FieldNotes id="tes-interpreter" error={refusal('interpreter')} />
            </div>
          </div>
          <div className={refusal('text') ? 'field field-invalid' : 'field'}>
            <label htmlFor="tes-text">{t('testimony.fields.text')}</label>
            <textarea id="tes-text" className="testimony-text" value={fields.text} name="text" onChange={onField} dir="auto" rows={14} {...markedAs.text} />
            <FieldNotes id="tes-text" hint={t('testimony.textHint')} error={refusal('text')} />
          </div>
        </form>
        {fields.witnessId ? <WitnessConsent personId={fields.witnessId} /> : null}
        <section aria-labelledby="tes-items">
          <h2 id="tes-items">{t('testimony.items')}</h2>
          {itemIds.length === 0 ? <p>{t('testimony.noItems')}</p> : null}
          <ul className="list-plain">
            {itemIds.map((itemId) => (
              <li key={itemId}>
                <a href={href({ name: 'item', id: itemId })}>
                  <ItemName id={itemId} />
                </a>{' '}
                <button type="button" className="link" onClick={() => onUnlink(itemId)}>
                  {t('testimony.unlink')}
                </button>
              </li>
            ))}
          </ul>
        </section>
        <TagEditor targetId={testimonyId} />
        <History id={testimonyId} tick={historyTick} current={currentRevision} onRestore={onRestore} />
        <ErrorNote error={error} />
      </div>
    </Screen>
  );
}

function WitnessConsent({ personId }: { readonly personId: string }) {
  const { t } = useTranslation();
  const mechanismLabel = useMechanismLabel();
  const statuses = useAsync(() => call('consent.statuses', { personId }), [personId]);
  const recorded = (statuses.value ?? []).filter((s) => s.state !== 'none');
  return (
    <section aria-labelledby="tes-consent" className={recorded.length > 0 ? 'card' : 'note note-warn'}>
      <h2 id="tes-consent">{t('testimony.witnessConsent')}</h2>
      {statuses.value && recorded.length === 0 ? <p>{t('consent.noneRecorded')}</p> : null}
      <ul className="list-plain">
        {recorded.map((s) => (
          <li key={s.mechanism}>
            <strong>{mechanismLabel(s.mechanism)}</strong> <ConsentBadge state={s.state} />
          </li>
        ))}
      </ul>
      <a href={href({ name: 'person', id: personId })}>{t('testimony.manageConsent')}</a>
    </section>
  );
}

function History({ id, tick, current, onRestore }: { readonly id: string; readonly tick: number; readonly current: number; readonly onRestore: (f: Partial<TestimonyFields>) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const history = useAsync(() => call('testimonies.history', { id }), [id, tick]);
  const [viewing, setViewing] = useState<number>();
  const revision = useAsync(() => (viewing ? call('testimonies.revision', { id, revision: viewing }) : Promise.resolve(undefined)), [id, viewing]);
  return (
    <section aria-labelledby="tes-history">
      <h2 id="tes-history">{t('testimony.history')}</h2>
      <ol className="list-plain">
        {[...(history.value ?? [])].reverse().map((r) => (
          <li key={r.revision}>
            <button type="button" className="link" aria-pressed={viewing === r.revision} onClick={() => setViewing(viewing === r.revision ? undefined : r.revision)}>
              {t('testimony.revisionAt', { revision: f.number(r.revision), date: f.dateTime(r.savedAt) })}
            </button>{' '}
            <span className="hint">{t('testimony.revisionChars', { count: r.textLength, formatted: f.number(r.textLength) })}</span>
            {r.revision === current ? <span className="badge">{t('testimony.current')}</span> : null}
          </li>
        ))}
      </ol>
      {viewing && revision.value ? (
        <div className="card" aria-live="polite">
          <h3>{t('testimony.revisionTitle', { revision: f.number(viewing) })}</h3>
          <p>
            <strong>{revision.value.fields.title}</strong>
          </p>
          <pre className="canonical" dir="auto">
            {revision.value.text}
          </pre>
          {viewing !== current ? (
            <button
              type="button"
              onClick={() => {
                const r = revision.value!;
                onRestore({
                  title: r.fields.title,
                  caseId: r.fields.caseId ?? '',
                  witnessId: r.fields.witnessId ?? '',
                  interviewDate: r.fields.interviewDate ?? '',
                  interviewDateTyped: '',
                  place: r.fields.place ?? '',
                  interviewer: r.fields.interviewer ?? '',
                  language: r.fields.language ?? '',
                  languageTyped: '',
                  interpreter: r.fields.interpreter ?? '',
                  text: r.text,
                });
                setViewing(undefined);
              }}
            >
              {t('testimony.restore')}
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
