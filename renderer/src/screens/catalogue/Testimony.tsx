import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Testimony, TestimonyEditInput } from '../../../../shared/model/catalogue';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNote } from '../../components/ErrorNote';
import { Screen } from '../../components/Screen';
import { TagEditor } from '../../components/TagEditor';
import { ApiFailure, call } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { href, navigate } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import { ConsentBadge } from './Consent';
import { useMechanismLabel } from './mechanisms';

const AUTOSAVE_MS = 1200;

type Fields = {
  title: string;
  caseId: string;
  witnessId: string;
  interviewDate: string;
  place: string;
  interviewer: string;
  language: string;
  interpreter: string;
  text: string;
};

function fieldsOf(x: Testimony): Fields {
  return {
    title: x.title,
    caseId: x.caseId ?? '',
    witnessId: x.witnessId ?? '',
    interviewDate: x.interviewDate ?? '',
    place: x.place ?? '',
    interviewer: x.interviewer ?? '',
    language: x.language ?? '',
    interpreter: x.interpreter ?? '',
    text: x.text,
  };
}

function toInput(id: string, baseRevision: number, f: Fields): TestimonyEditInput {
  return {
    id,
    baseRevision,
    ...(f.title.trim() ? { title: f.title } : {}),
    caseId: f.caseId || null,
    witnessId: f.witnessId || null,
    interviewDate: f.interviewDate.trim() || null,
    place: f.place.trim() || null,
    interviewer: f.interviewer.trim() || null,
    language: f.language.trim() || null,
    interpreter: f.interpreter.trim() || null,
    text: f.text,
  };
}

export function TestimonyScreen({ id }: { readonly id: string }) {
  const { t } = useTranslation();
  const loaded = useAsync(() => call('testimonies.get', { id }), [id]);
  if (!loaded.value) {
    return <Screen title={t('testimony.title')}>{loaded.status === 'error' ? <ErrorNote error={loaded.error} /> : <p aria-busy="true">{t('common.loading')}</p>}</Screen>;
  }
  return <TestimonyEditor key={`${loaded.value.id}-${loaded.value.revision}`} initial={loaded.value} onReload={loaded.reload} />;
}

type SaveState = { readonly kind: 'saved'; readonly revision: number; readonly at: string } | { readonly kind: 'dirty' } | { readonly kind: 'saving' } | { readonly kind: 'error'; readonly error: unknown };

/**
 * The testimony editor: structured fields and the text, saved automatically a moment after typing stops (and on
 * leaving, and with Ctrl+S). Every save is a revision in the history and a custody event; a save over a newer
 * revision made elsewhere is refused, never silently merged.
 */
function TestimonyEditor({ initial, onReload }: { readonly initial: Testimony; readonly onReload: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [fields, setFields] = useState<Fields>(() => fieldsOf(initial));
  const [save, setSave] = useState<SaveState>({ kind: 'saved', revision: initial.revision, at: initial.updatedAt });
  const [itemIds, setItemIds] = useState<readonly string[]>(initial.itemIds);
  const base = useRef(initial.revision);
  const [revision, setRevision] = useState(initial.revision);
  const latest = useRef(fields);
  const dirty = useRef(false);
  const inflight = useRef<Promise<void> | undefined>(undefined);
  const timer = useRef<number | undefined>(undefined);
  const [historyTick, setHistoryTick] = useState(0);
  const cases = useAsync(() => call('cases.list', {}), []);
  const persons = useAsync(() => call('persons.list', {}), []);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<unknown>();

  const flush = useCallback(async (): Promise<void> => {
    if (inflight.current) await inflight.current;
    if (!dirty.current) return;
    dirty.current = false;
    setSave({ kind: 'saving' });
    const p = call('testimonies.edit', toInput(initial.id, base.current, latest.current)).then(
      (r) => {
        base.current = r.revision;
        setRevision(r.revision);
        setItemIds(r.itemIds);
        setSave(dirty.current ? { kind: 'dirty' } : { kind: 'saved', revision: r.revision, at: r.updatedAt });
        setHistoryTick((x) => x + 1);
      },
      (e: unknown) => {
        dirty.current = true;
        setSave({ kind: 'error', error: e });
      },
    );
    inflight.current = p;
    await p;
    inflight.current = undefined;
  }, [initial.id]);

  const onField = (e: { target: { name: string; value: string } }) => {
    const k = e.target.name as keyof Fields;
    const next = { ...latest.current, [k]: e.target.value };
    latest.current = next;
    setFields(next);
    dirty.current = true;
    setSave({ kind: 'dirty' });
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void flush(), AUTOSAVE_MS);
  };
  // Leaving the screen (or locking) must not lose typing: save what is pending.
  useEffect(
    () => () => {
      window.clearTimeout(timer.current);
      void flush();
    },
    [flush],
  );
  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      window.clearTimeout(timer.current);
      void flush();
    }
  };
  const conflict = save.kind === 'error' && save.error instanceof ApiFailure && save.error.code === 'CONFLICT';
  const unlink = async (itemId: string) => {
    try {
      await call('testimonies.unlinkItems', { testimonyId: initial.id, itemIds: [itemId] });
      setItemIds((ids) => ids.filter((x) => x !== itemId));
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Screen
      title={fields.title || t('testimony.untitled')}
      actions={
        <>
          <span className="save-state" role="status" data-testid="save-state">
            {save.kind === 'saved'
              ? t('testimony.savedRevision', { revision: f.number(save.revision), date: f.dateTime(save.at) })
              : save.kind === 'saving'
                ? t('testimony.saving')
                : save.kind === 'dirty'
                  ? t('testimony.unsaved')
                  : t('testimony.saveFailed')}
          </span>
          <button type="button" onClick={() => void flush()} disabled={save.kind === 'saved' || save.kind === 'saving'}>
            {t('testimony.saveNow')}
          </button>
          <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
            {t('testimony.delete')}
          </button>
        </>
      }
    >
      <div onKeyDown={onKeyDown}>
        {save.kind === 'error' ? <ErrorNote error={save.error} /> : null}
        {conflict ? (
          <button type="button" onClick={onReload}>
            {t('testimony.reloadLatest')}
          </button>
        ) : null}
        <form className="card" aria-labelledby="testimony-fields" onSubmit={(e) => e.preventDefault()}>
          <h2 id="testimony-fields">{t('testimony.record')}</h2>
          <div className="two-col">
            <div className="field">
              <label htmlFor="tes-title">{t('testimony.fields.title')}</label>
              <input id="tes-title" type="text" value={fields.title} name="title" onChange={onField} required dir="auto" />
            </div>
            <div className="field">
              <label htmlFor="tes-case">{t('testimony.fields.case')}</label>
              <select id="tes-case" value={fields.caseId} name="caseId" onChange={onField}>
                <option value="">{t('testimony.noCase')}</option>
                {(cases.value ?? []).map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.title}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="tes-witness">{t('testimony.fields.witness')}</label>
              <select id="tes-witness" value={fields.witnessId} name="witnessId" onChange={onField}>
                <option value="">{t('testimony.noWitness')}</option>
                {(persons.value ?? []).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.pseudonym}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="tes-date">{t('testimony.fields.interviewDate')}</label>
              <input id="tes-date" type="text" value={fields.interviewDate} name="interviewDate" onChange={onField} dir="ltr" aria-describedby="tes-date-hint" placeholder={t('people.partialDatePlaceholder')} />
              <p className="hint" id="tes-date-hint">
                {t('people.partialDateHint')}
              </p>
            </div>
            <div className="field">
              <label htmlFor="tes-place">{t('testimony.fields.place')}</label>
              <input id="tes-place" type="text" value={fields.place} name="place" onChange={onField} dir="auto" />
            </div>
            <div className="field">
              <label htmlFor="tes-interviewer">{t('testimony.fields.interviewer')}</label>
              <input id="tes-interviewer" type="text" value={fields.interviewer} name="interviewer" onChange={onField} dir="auto" />
            </div>
            <div className="field">
              <label htmlFor="tes-language">{t('testimony.fields.language')}</label>
              <input id="tes-language" type="text" value={fields.language} name="language" onChange={onField} dir="ltr" aria-describedby="tes-language-hint" />
              <p className="hint" id="tes-language-hint">
                {t('testimony.languageHint')}
              </p>
            </div>
            <div className="field">
              <label htmlFor="tes-interpreter">{t('testimony.fields.interpreter')}</label>
              <input id="tes-interpreter" type="text" value={fields.interpreter} name="interpreter" onChange={onField} dir="auto" />
            </div>
          </div>
          <div className="field">
            <label htmlFor="tes-text">{t('testimony.fields.text')}</label>
            <textarea id="tes-text" className="testimony-text" value={fields.text} name="text" onChange={onField} dir="auto" aria-describedby="tes-text-hint" rows={14} />
            <p className="hint" id="tes-text-hint">
              {t('testimony.textHint')}
            </p>
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
                  <code dir="ltr">{itemId}</code>
                </a>{' '}
                <button type="button" className="link" onClick={() => void unlink(itemId)}>
                  {t('testimony.unlink')}
                </button>
              </li>
            ))}
          </ul>
        </section>
        <TagEditor targetId={initial.id} />
        <History id={initial.id} tick={historyTick} current={revision} onRestore={(r) => {
          const next = { ...latest.current, ...r };
          latest.current = next;
          setFields(next);
          dirty.current = true;
          void flush();
        }} />
        <ErrorNote error={error} />
      </div>
      <ConfirmDialog
        open={confirmDelete}
        title={t('testimony.deleteTitle')}
        body={t('testimony.deleteBody')}
        confirmLabel={t('testimony.delete')}
        danger
        onCancel={() => setConfirmDelete(false)}
        onConfirm={() => {
          setConfirmDelete(false);
          dirty.current = false;
          call('testimonies.delete', { id: initial.id }).then(() => navigate(fields.caseId ? { name: 'case', id: fields.caseId } : { name: 'cases' }), setError);
        }}
      />
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

function History({ id, tick, current, onRestore }: { readonly id: string; readonly tick: number; readonly current: number; readonly onRestore: (f: Partial<Fields>) => void }) {
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
                  place: r.fields.place ?? '',
                  interviewer: r.fields.interviewer ?? '',
                  language: r.fields.language ?? '',
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
