import { useCallback, useEffect, useLayoutEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Draft, DraftForm, DraftSaveInput } from '../../../shared/model/drafts';
import { ErrorNote } from '../components/ErrorNote';
import { call } from './api';
import { useAsync } from './useAsync';
import { useAutosave } from './useAutosave';

/**
 * Drafts of the catalogue's forms (issue 13, "nothing typed is ever lost"): the case, person and consent forms,
 * new and edited. Whatever is typed is written as a draft in the vault (drafts.save: encrypted, not a custody event)
 * within ~1.5 s, valid or not; leaving the screen and locking flush it (useAutosave), and a killed app keeps what
 * was written. The form opens on the draft and says so; saving the form for real discards it.
 */

/** A draft is written 400 ms after typing stops, and never later than 1.5 s after the first unsaved keystroke. */
export const DRAFT_MS = 400;
export const DRAFT_MAX_WAIT_MS = 1500;

/** A form's values: text fields and checkboxes (pickers store their code, '' when none). */
export type DraftValues = Readonly<Record<string, string | boolean>>;

/**
 * 'restored': the form opens on a draft; 'stale': on a draft written over an older version of the record, which
 * was saved since (elsewhere, or by the CLI): the person should check it before saving over the newer record.
 */
export type DraftState = 'none' | 'restored' | 'stale';

/** The values a form opens on: the saved ones, with every field the draft holds (of the same type) over them. */
export function restoreDraft<V extends DraftValues>(saved: V, draft: Draft | null | undefined, base?: string): { readonly values: V; readonly state: DraftState } {
  if (!draft) return { values: saved, state: 'none' };
  const out: Record<string, string | boolean> = { ...saved };
  for (const k of Object.keys(saved)) {
    const v = draft.data[k];
    if (typeof v === typeof saved[k]) out[k] = v as string | boolean;
  }
  if (!Object.keys(saved).some((k) => out[k] !== saved[k])) return { values: saved, state: 'none' };
  const stale = base !== undefined && draft.base !== undefined && draft.base !== base;
  return { values: out as V, state: stale ? 'stale' : 'restored' };
}

/** Loads a form's draft, then draws the form with it (a draft that cannot be read is no reason to hide the form). */
export function WithDraft({ form, recordId, children }: { readonly form: DraftForm; readonly recordId: string; readonly children: (draft: Draft | null) => ReactNode }) {
  const { t } = useTranslation();
  const draft = useAsync(() => call('drafts.get', { form, recordId }).catch(() => null), [form, recordId]);
  if (draft.status === 'loading' && draft.value === undefined) return <p aria-busy="true">{t('common.loading')}</p>;
  return <>{children(draft.status === 'ok' || draft.value !== undefined ? (draft.value ?? null) : null)}</>;
}

export type FormDraft<V> = {
  /** The draft's own save state ('saved': what is on screen is in the vault). */
  readonly status: 'idle' | 'pending' | 'saving' | 'saved' | 'error';
  /** Every change: written as the draft shortly after. */
  schedule(values: V): void;
  /** Forgets what is pending, not yet written (the draft in the vault stays as it is). */
  cancel(): void;
  /** After the form was saved for real (or the person threw the draft away): nothing pending, no draft left. */
  discard(): Promise<void>;
};

/**
 * Keeps the draft of one form and record. `base` fingerprints the saved record the values started from (its
 * updatedAt), so a draft over an older record is recognised when it is brought back. The values are JSON (flat
 * DraftValues for most forms; a tag's details hold lists of choices).
 */
export function useFormDraft<V extends object>(form: DraftForm, recordId: string, base: string | undefined, opened: DraftState, openedWithDraft: boolean): FormDraft<V> {
  const baseRef = useRef(base);
  useLayoutEffect(() => {
    baseRef.current = base;
  });
  const autosave = useAutosave<V>({
    delayMs: DRAFT_MS,
    maxWaitMs: DRAFT_MAX_WAIT_MS,
    save: useCallback(
      async (values: V) => {
        await call('drafts.save', { form, recordId, data: values as DraftSaveInput['data'], ...(baseRef.current !== undefined ? { base: baseRef.current } : {}) });
      },
      [form, recordId],
    ),
  });
  const { cancel, flush, schedule } = autosave;
  const discard = useCallback(async () => {
    cancel();
    await flush(); // waits for a draft save in flight, which would otherwise land after the discard
    await call('drafts.discard', { form, recordId });
  }, [cancel, flush, form, recordId]);
  // A draft that only repeats the saved record is dropped when the form opens.
  useEffect(() => {
    if (openedWithDraft && opened === 'none') void call('drafts.discard', { form, recordId }).catch(() => undefined);
  }, [openedWithDraft, opened, form, recordId]);
  return { status: autosave.status.kind, schedule, cancel, discard };
}

/** Says that the form opened on a draft, and that it is not saved yet (or that the record changed since). */
export function DraftNote({ state, testId }: { readonly state: DraftState; readonly testId?: string }) {
  const { t } = useTranslation();
  if (state === 'none') return null;
  return (
    <p className={state === 'stale' ? 'note note-warn' : 'note'} role="status" data-testid={testId ?? 'draft-restored'}>
      {state === 'stale' ? t('drafts.stale') : t('drafts.restored')}
    </p>
  );
}

/** After a refused save: nothing is lost, what was typed is in the vault as a draft (once it is). */
export function DraftKept({ refused, draft, opened }: { readonly refused: boolean; readonly draft: FormDraft<unknown>['status']; readonly opened: DraftState }) {
  const { t } = useTranslation();
  if (!refused || !(draft === 'saved' || (draft === 'idle' && opened !== 'none'))) return null;
  return (
    <p className="note note-ok" role="status" data-testid="draft-kept">
      {t('drafts.kept')}
    </p>
  );
}

/** One catalogue form kept as a draft while it is typed (useDraftForm): its values, save state and refusal. */
export type DraftFormState<V> = {
  /** What the form opened on: the saved values with the draft over them, and whether it was a draft. */
  readonly opened: { readonly values: V; readonly state: DraftState };
  readonly values: V;
  /** What DraftNote says: the opened state until the form is saved for real, then 'none'. */
  readonly note: DraftState;
  /** Saved for real since the last change. */
  readonly saved: boolean;
  /** The last save's refusal (an ApiFailure with the refused fields), undefined when none. */
  readonly error: unknown;
  readonly draft: FormDraft<V>['status'];
  /** Every change of a value: shown, and written as the draft shortly after. */
  change(next: V): void;
  submit(e: FormEvent): Promise<void>;
};

/**
 * The state of a catalogue form kept as a draft (the case, person, consent and item forms, new and edited): it opens
 * on the saved values with the draft over them (`base`: see useFormDraft), writes every change as the draft, and on
 * submit saves for real, then discards the draft, says it is saved and calls `onSaved` with what `save` returned.
 * A refusal keeps the values and the draft. `ready` is asked first: false leaves the form as it is, unsaved (the
 * form says why, e.g. at a date typed halfway).
 */
export function useDraftForm<V extends DraftValues, R = void>(options: {
  readonly form: DraftForm;
  readonly recordId: string;
  /** The draft WithDraft loaded (null: none). */
  readonly draft: Draft | null;
  /** The values the form shows without a draft (read when the form opens). */
  readonly saved: V;
  readonly base?: string | undefined;
  readonly ready?: (values: V) => boolean;
  readonly save: (values: V) => Promise<R>;
  readonly onSaved?: (result: R) => void;
}): DraftFormState<V> {
  const { form, recordId, draft, base, ready, save, onSaved } = options;
  const [opened] = useState(() => restoreDraft(options.saved, draft, base));
  const [values, setValues] = useState<V>(opened.values);
  const [note, setNote] = useState(opened.state);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>();
  const kept = useFormDraft<V>(form, recordId, base, opened.state, draft !== null);
  const change = (next: V) => {
    setSaved(false);
    setValues(next);
    kept.schedule(next);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    setError(undefined);
    if (ready && !ready(values)) return;
    try {
      const result = await save(values);
      await kept.discard().catch(() => undefined);
      setNote('none');
      setSaved(true);
      onSaved?.(result);
    } catch (err) {
      setError(err);
    }
  };
  return { opened, values, note, saved, error, draft: kept.status, change, submit };
}

/**
 * The end of a draft form: the refusal (`fieldsShown`: the form shows each refused field at the field), that what
 * was typed is kept as a draft, the submit button and, with `savedLabel`, a status that says it was saved.
 */
export function DraftFormEnd<V>({
  form,
  submitLabel,
  submitDisabled,
  savedLabel,
  fieldsShown = true,
}: {
  readonly form: DraftFormState<V>;
  readonly submitLabel: string;
  readonly submitDisabled?: boolean;
  readonly savedLabel?: string;
  readonly fieldsShown?: boolean;
}) {
  return (
    <>
      <ErrorNote error={form.error} fieldsShown={fieldsShown} />
      <DraftKept refused={form.error !== undefined} draft={form.draft} opened={form.opened.state} />
      <div className="actions">
        <button type="submit" className="primary" disabled={submitDisabled}>
          {submitLabel}
        </button>
        {savedLabel !== undefined ? <span role="status">{form.saved ? savedLabel : ''}</span> : null}
      </div>
    </>
  );
}
