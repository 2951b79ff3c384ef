import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Testimony, TestimonyEditInput } from '../../../../shared/model/catalogue';
import type { Draft } from '../../../../shared/model/drafts';
import { ErrorNote } from '../../components/ErrorNote';
import { Screen } from '../../components/Screen';
import { ApiFailure, call } from '../../lib/api';
import { navigate } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import { useAutosave } from '../../lib/useAutosave';
import { useConfirm } from '../../lib/useConfirm';
import { TestimonyView, type TestimonyFields, type TestimonySaveState } from './TestimonyView';

const AUTOSAVE_MS = 1200;
const AUTOSAVE_MAX_WAIT_MS = 4000;
/** The draft (issue 13: nothing typed is lost) is written sooner: within ~1.5 s of any keystroke, valid or not. */
const DRAFT_MS = 400;
const DRAFT_MAX_WAIT_MS = 1500;

const FIELD_NAMES = ['title', 'caseId', 'witnessId', 'interviewDate', 'interviewDateTyped', 'place', 'interviewer', 'language', 'languageTyped', 'interpreter', 'text'] as const;

/** The fields a draft holds, over the saved record's (a draft of an older shape keeps what it has). */
function fieldsFromDraft(saved: TestimonyFields, draft: Draft | null): TestimonyFields | undefined {
  if (!draft) return undefined;
  const out: Record<string, string> = { ...saved };
  for (const k of FIELD_NAMES) {
    const v = draft.data[k];
    if (typeof v === 'string') out[k] = v;
  }
  const fields = out as TestimonyFields;
  return FIELD_NAMES.some((k) => fields[k] !== saved[k]) ? fields : undefined;
}

function fieldsOf(x: Testimony): TestimonyFields {
  return {
    title: x.title,
    caseId: x.caseId ?? '',
    witnessId: x.witnessId ?? '',
    interviewDate: x.interviewDate ?? '',
    interviewDateTyped: '',
    place: x.place ?? '',
    interviewer: x.interviewer ?? '',
    language: x.language ?? '',
    languageTyped: '',
    interpreter: x.interpreter ?? '',
    text: x.text,
  };
}

function toInput(id: string, baseRevision: number, f: TestimonyFields): TestimonyEditInput {
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

/** The refusal of a save while the interview date is half typed, shown at the field like the main process's. */
function halfTypedDate(): ApiFailure {
  const message = { key: 'problem.validation.notAPartialDate' };
  return new ApiFailure({ code: 'INVALID_INPUT', message: 'The interview date is typed halfway.', key: message.key, issues: [{ path: ['interviewDate'], message }] });
}

export function TestimonyScreen({ id }: { readonly id: string }) {
  const { t } = useTranslation();
  const loaded = useAsync(async () => {
    const [testimony, draft] = await Promise.all([call('testimonies.get', { id }), call('drafts.get', { form: 'testimony', recordId: id })]);
    return { testimony, draft };
  }, [id]);
  if (!loaded.value) {
    return <Screen title={t('testimony.title')}>{loaded.status === 'error' ? <ErrorNote error={loaded.error} /> : <p aria-busy="true">{t('common.loading')}</p>}</Screen>;
  }
  const { testimony, draft } = loaded.value;
  return <TestimonyEditor key={`${testimony.id}-${testimony.revision}`} initial={testimony} draft={draft} onReload={loaded.reload} />;
}

/**
 * The testimony editor's state: the fields as typed, saved automatically a moment after typing stops (and on
 * leaving, on locking, and with Ctrl+S). Every save is a revision in the history and a custody event; a save over a
 * newer revision made elsewhere is refused, never silently merged. TestimonyView draws it.
 *
 * Beside it, every change is written as a draft in the vault (drafts.save, not a custody event) within ~1.5 s,
 * whether or not the fields validate: a refused save, leaving the screen, locking, or the app being killed loses
 * nothing. Opening the testimony again brings the draft back (over the revision it started from, so a save made
 * elsewhere meanwhile is a conflict, not overwritten) and saves it for real when it can.
 */
function TestimonyEditor({ initial, draft, onReload }: { readonly initial: Testimony; readonly draft: Draft | null; readonly onReload: () => void }) {
  const { t } = useTranslation();
  const [restored] = useState(() => fieldsFromDraft(fieldsOf(initial), draft));
  const [fields, setFields] = useState<TestimonyFields>(() => restored ?? fieldsOf(initial));
  const [itemIds, setItemIds] = useState<readonly string[]>(initial.itemIds);
  const draftBase = Number(draft?.base);
  const base = useRef(restored && Number.isInteger(draftBase) && draftBase > 0 ? draftBase : initial.revision);
  const [saved, setSaved] = useState({ revision: initial.revision, at: initial.updatedAt });
  const [historyTick, setHistoryTick] = useState(0);
  const [error, setError] = useState<unknown>();
  const confirm = useConfirm();

  const autosave = useAutosave<TestimonyFields>({
    delayMs: AUTOSAVE_MS,
    maxWaitMs: AUTOSAVE_MAX_WAIT_MS,
    save: useCallback(
      async (value: TestimonyFields) => {
        // A date typed halfway would save the date it replaced: refused at the field (the draft keeps what was typed).
        if (value.interviewDateTyped) throw halfTypedDate();
        const r = await call('testimonies.edit', toInput(initial.id, base.current, value));
        base.current = r.revision;
        setSaved({ revision: r.revision, at: r.updatedAt });
        setItemIds(r.itemIds);
        setHistoryTick((x) => x + 1);
      },
      [initial.id],
    ),
  });
  const draftSave = useAutosave<TestimonyFields>({
    delayMs: DRAFT_MS,
    maxWaitMs: DRAFT_MAX_WAIT_MS,
    save: useCallback(
      async (value: TestimonyFields) => {
        await call('drafts.save', { form: 'testimony', recordId: initial.id, data: value, base: String(base.current) });
      },
      [initial.id],
    ),
  });
  const latest = useRef(fields);
  const change = (next: TestimonyFields) => {
    latest.current = next;
    setFields(next);
    draftSave.schedule(next);
    autosave.schedule(next);
  };
  // A draft brought back is saved for real as soon as it can be (as the typing would have been).
  const scheduleRestored = useRef(restored ? autosave.schedule : undefined);
  useEffect(() => {
    if (restored) scheduleRestored.current?.(restored);
  }, [restored]);
  // A draft that only repeats the saved record is dropped.
  useEffect(() => {
    if (draft && !restored) void call('drafts.discard', { form: 'testimony', recordId: initial.id }).catch(() => undefined);
  }, [draft, restored, initial.id]);
  const status = autosave.status;
  const saveState: TestimonySaveState =
    status.kind === 'idle' || status.kind === 'saved'
      ? { kind: 'saved', revision: saved.revision, at: saved.at }
      : status.kind === 'error'
        ? { kind: 'error', error: status.error, conflict: status.error instanceof ApiFailure && status.error.code === 'CONFLICT' }
        : { kind: status.kind === 'saving' ? 'saving' : 'dirty' };

  const unlink = async (itemId: string) => {
    try {
      await call('testimonies.unlinkItems', { testimonyId: initial.id, itemIds: [itemId] });
      setItemIds((ids) => ids.filter((x) => x !== itemId));
    } catch (e) {
      setError(e);
    }
  };
  const askDelete = () =>
    confirm.ask({
      title: t('testimony.deleteTitle'),
      body: t('testimony.deleteBody'),
      confirmLabel: t('testimony.delete'),
      danger: true,
      onConfirm: () => {
        autosave.cancel();
        draftSave.cancel();
        call('testimonies.delete', { id: initial.id }).then(() => navigate(fields.caseId ? { name: 'case', id: fields.caseId } : { name: 'cases' }), setError);
      },
    });

  return (
    <>
      <TestimonyView
        testimonyId={initial.id}
        fields={fields}
        onChange={change}
        saveState={saveState}
        draftRestored={restored !== undefined}
        draftState={draftSave.status.kind}
        onSaveNow={() => void autosave.flush()}
        onReloadLatest={onReload}
        onDelete={askDelete}
        itemIds={itemIds}
        onUnlink={(itemId) => void unlink(itemId)}
        currentRevision={saved.revision}
        historyTick={historyTick}
        onRestore={(r) => {
          change({ ...latest.current, ...r });
          void autosave.flush();
        }}
        error={error}
      />
      {confirm.dialog}
    </>
  );
}
