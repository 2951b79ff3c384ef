import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Testimony, TestimonyEditInput } from '../../../../shared/model/catalogue';
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

function fieldsOf(x: Testimony): TestimonyFields {
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

export function TestimonyScreen({ id }: { readonly id: string }) {
  const { t } = useTranslation();
  const loaded = useAsync(() => call('testimonies.get', { id }), [id]);
  if (!loaded.value) {
    return <Screen title={t('testimony.title')}>{loaded.status === 'error' ? <ErrorNote error={loaded.error} /> : <p aria-busy="true">{t('common.loading')}</p>}</Screen>;
  }
  return <TestimonyEditor key={`${loaded.value.id}-${loaded.value.revision}`} initial={loaded.value} onReload={loaded.reload} />;
}

/**
 * The testimony editor's state: the fields as typed, saved automatically a moment after typing stops (and on
 * leaving, on locking, and with Ctrl+S). Every save is a revision in the history and a custody event; a save over a
 * newer revision made elsewhere is refused, never silently merged. TestimonyView draws it.
 */
function TestimonyEditor({ initial, onReload }: { readonly initial: Testimony; readonly onReload: () => void }) {
  const { t } = useTranslation();
  const [fields, setFields] = useState<TestimonyFields>(() => fieldsOf(initial));
  const [itemIds, setItemIds] = useState<readonly string[]>(initial.itemIds);
  const base = useRef(initial.revision);
  const [saved, setSaved] = useState({ revision: initial.revision, at: initial.updatedAt });
  const [historyTick, setHistoryTick] = useState(0);
  const [error, setError] = useState<unknown>();
  const confirm = useConfirm();

  const autosave = useAutosave<TestimonyFields>({
    delayMs: AUTOSAVE_MS,
    maxWaitMs: AUTOSAVE_MAX_WAIT_MS,
    save: useCallback(
      async (value: TestimonyFields) => {
        const r = await call('testimonies.edit', toInput(initial.id, base.current, value));
        base.current = r.revision;
        setSaved({ revision: r.revision, at: r.updatedAt });
        setItemIds(r.itemIds);
        setHistoryTick((x) => x + 1);
      },
      [initial.id],
    ),
  });
  const latest = useRef(fields);
  const change = (next: TestimonyFields) => {
    latest.current = next;
    setFields(next);
    autosave.schedule(next);
  };
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
