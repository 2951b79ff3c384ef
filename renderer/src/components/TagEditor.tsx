import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TagAssignment, TagDetailValue } from '../../../shared/model/catalogue';
import { pickLocalized } from '../../../shared/localized';
import { getTaxonomy, resolveTerm, termLabel, type AssignmentField, type TermSearchHit } from '../../../shared/taxonomy';
import type { Language } from '../../../shared/api';
import type { Draft } from '../../../shared/model/drafts';
import { call } from '../lib/api';
import { useFormat } from '../lib/format';
import { currentLanguage } from '../lib/i18n';
import { useAsync } from '../lib/useAsync';
import { DraftNote, useFormDraft, type DraftState } from '../lib/useFormDraft';
import { BodyChart } from './BodyChart';
import { ErrorNote } from './ErrorNote';
import { TermCombobox } from './TermCombobox';
import { actorLabel } from '../lib/actor';

/**
 * The tags of an item, testimony or case: what is assigned (who, when, with its details) and a type-ahead to add
 * more. A term whose taxonomy defines assignment fields (Istanbul Protocol: position, duration, frequency…) asks
 * for those details before it is assigned. The details form keeps what is typed as a draft (issue 13: 'tag-new'
 * while a tag is being added, 'tag-edit' while one's details are edited, both per item, testimony or case), and
 * opens again on it after leaving the screen or locking.
 */
export function TagEditor({ targetId, headingLevel = 2 }: { readonly targetId: string; readonly headingLevel?: 2 | 3 }) {
  const { t } = useTranslation();
  const f = useFormat();
  const lang = currentLanguage();
  const tags = useAsync(() => call('tags.list', { targetId }), [targetId]);
  const [pending, setPending] = useState<TermSearchHit>();
  const [error, setError] = useState<unknown>();
  const [announce, setAnnounce] = useState('');
  const [editing, setEditing] = useState<string>();
  // Drafts of the details forms, brought back once when the tags and the drafts are loaded.
  const drafts = useAsync(() => Promise.all([call('drafts.get', { form: 'tag-new', recordId: targetId }).catch(() => null), call('drafts.get', { form: 'tag-edit', recordId: targetId }).catch(() => null)]), [targetId]);
  const [newDraft, setNewDraft] = useState<RestoredDetails>();
  const [editDraft, setEditDraft] = useState<RestoredDetails & { readonly assignmentId: string }>();
  const [applied, setApplied] = useState(false);
  if (!applied && tags.value && drafts.value) {
    // Once, while rendering (React's "adjusting state on a change" pattern): the forms open on their drafts.
    setApplied(true);
    const [added, edited] = drafts.value;
    const hit = added ? hitFor(added, lang) : undefined;
    if (hit) {
      setPending(hit);
      setNewDraft({ details: detailsOf(added!.data.details), state: 'restored' });
    }
    if (edited) {
      const id = edited.data.assignmentId;
      // The assignment the draft was typed over, or (replaced since) the active one of the same term: then 'stale'.
      const a = tags.value.find((x) => x.id === id) ?? tags.value.find((x) => x.termId === edited.data.termId && fieldsFor(x.termId).length > 0);
      if (a) {
        setEditing(a.id);
        setEditDraft({ assignmentId: a.id, details: detailsOf(edited.data.details), state: a.id === id ? 'restored' : 'stale' });
      }
    }
  }
  const focusOn = useRef<string | undefined>(undefined);
  const section = useRef<HTMLElement>(null);
  const setFocusOn = (id: string) => {
    focusOn.current = id;
  };
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const assigned = new Set((tags.value ?? []).map((a) => a.termId));

  const assign = async (termId: string, details?: Record<string, TagDetailValue>): Promise<boolean> => {
    setError(undefined);
    try {
      const plain = plainDetails(details ?? {});
      const added = await call('tags.assign', { targetId, termId, ...(Object.keys(plain).length > 0 ? { details: plain } : {}) });
      // The details form closes: focus goes to the new tag's "Edit the details" (or back to "Add a tag").
      if (pending) setFocusOn(fieldsFor(termId).length > 0 ? added.id : ADD);
      setPending(undefined);
      setNewDraft(undefined);
      setAnnounce(t('tags.added', { label: termLabel(termId, lang) }));
      tags.reload();
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  };
  const remove = async (a: TagAssignment) => {
    setError(undefined);
    try {
      await call('tags.remove', { targetId, termId: a.termId, assignmentId: a.id });
      setAnnounce(t('tags.removed', { label: termLabel(a.termId, lang) }));
      tags.reload();
    } catch (e) {
      setError(e);
    }
  };
  /**
   * Editing an assignment's details: one call (tags.editDetails), one transaction in the vault: the new details are
   * assigned and the old assignment removed (both custody events, so the log keeps what the details were). Unchanged
   * details close the form without an event.
   */
  const edit = async (a: TagAssignment, details: Record<string, TagDetailValue>): Promise<boolean> => {
    setError(undefined);
    const plain = plainDetails(details);
    const closed = (id: string) => {
      setEditing(undefined);
      setEditDraft(undefined);
      setFocusOn(id);
    };
    if (sameDetails(plain, a.details)) {
      closed(a.id);
      return true;
    }
    try {
      const r = await call('tags.editDetails', { targetId, assignmentId: a.id, details: plain });
      closed(r.assignment.id);
      if (r.changed) setAnnounce(t('tags.detailsSaved', { label: termLabel(a.termId, lang) }));
      tags.reload();
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  };
  // After an edit closes, focus goes back to the row's "Edit" button (of the new assignment once it is listed).
  useEffect(() => {
    if (!focusOn.current) return;
    const el = focusOn.current === ADD ? section.current?.querySelector<HTMLElement>('[role=combobox]') : document.getElementById(`tag-edit-${focusOn.current}`);
    if (el) {
      el.focus();
      focusOn.current = undefined;
    }
  });
  const choose = (hit: TermSearchHit) => {
    const fields = getTaxonomy(hit.taxonomyId).assignmentFields ?? [];
    if (fields.length > 0) setPending(hit);
    else void assign(hit.term.id);
  };

  return (
    <section aria-labelledby={`tags-${targetId}`} className="tags" ref={section}>
      <H id={`tags-${targetId}`}>{t('tags.title')}</H>
      {tags.status === 'error' ? <ErrorNote error={tags.error} /> : null}
      {tags.value && tags.value.length === 0 ? <p>{t('tags.none')}</p> : null}
      <ul className="list-plain" aria-label={t('tags.title')}>
        {(tags.value ?? []).map((a) => {
          const resolved = resolveTerm(a.termId);
          const details = Object.entries(a.details);
          return (
            <li key={a.id} className="tag-row">
              <span className="chip">
                <span>{termLabel(a.termId, lang)}</span>
                <button type="button" aria-label={t('tags.remove', { label: termLabel(a.termId, lang) })} onClick={() => void remove(a)}>
                  ✕
                </button>
              </span>{' '}
              <span className="hint">
                <span>{resolved ? pickLocalized(resolved.taxonomy.title, lang) : a.termId}</span>
                <span>{t('tags.assignedBy', { actor: actorLabel(a.assignedBy, t), date: f.dateTime(a.assignedAt) })}</span>
                {a.retired ? <span>{t('tags.retired')}</span> : null}
              </span>
              {resolved && (resolved.taxonomy.assignmentFields ?? []).length > 0 && editing !== a.id ? (
                <button
                  type="button"
                  className="link"
                  id={`tag-edit-${a.id}`}
                  onClick={() => {
                    setEditDraft(undefined);
                    setEditing(a.id);
                  }}
                >
                  {t('tags.editDetails', { label: termLabel(a.termId, lang) })}
                </button>
              ) : null}
              {editing === a.id && resolved ? (
                <AssignmentForm
                  termId={a.termId}
                  label={termLabel(a.termId, lang)}
                  taxonomyId={resolved.taxonomy.id}
                  idPrefix={`edit-${a.id}`}
                  initial={a.details}
                  draft={{ form: 'tag-edit', targetId, key: { assignmentId: a.id, termId: a.termId }, restored: editDraft?.assignmentId === a.id ? editDraft : undefined }}
                  onCancel={() => {
                    setEditing(undefined);
                    setEditDraft(undefined);
                    setFocusOn(a.id);
                  }}
                  onSubmit={(d) => edit(a, d)}
                />
              ) : details.length > 0 ? (
                <TagDetails termId={a.termId} details={details} />
              ) : null}
            </li>
          );
        })}
      </ul>
      {pending ? (
        <AssignmentForm
          termId={pending.term.id}
          label={pending.label}
          taxonomyId={pending.taxonomyId}
          draft={{ form: 'tag-new', targetId, key: { termId: pending.term.id }, restored: newDraft }}
          onCancel={() => {
            setFocusOn(ADD);
            setPending(undefined);
            setNewDraft(undefined);
          }}
          onSubmit={(d) => assign(pending.term.id, d)}
        />
      ) : (
        <TermCombobox label={t('tags.add')} onChoose={choose} exclude={assigned} />
      )}
      <ErrorNote error={error} />
      <p role="status" className="visually-hidden">
        {announce}
      </p>
    </section>
  );
}

/** Where focus goes after a form closes: "Add a tag". */
const ADD = 'add';

/** The details a draft brings back, and whether the assignment they were typed over is still the one shown. */
type RestoredDetails = { readonly details: Record<string, TagDetailValue>; readonly state: DraftState };

/** What a details form's draft holds beside the details: the term (adding), or the assignment and term (editing). */
type DetailsDraftKey = { readonly termId: string; readonly assignmentId?: string };

/** The term a 'tag-new' draft was typed for, as the type-ahead would have offered it (none if unknown or retired). */
function hitFor(draft: Draft, lang: Language): TermSearchHit | undefined {
  const termId = draft.data.termId;
  if (typeof termId !== 'string') return undefined;
  const r = resolveTerm(termId);
  if (!r || r.retired || (r.taxonomy.assignmentFields ?? []).length === 0) return undefined;
  return { taxonomyId: r.taxonomy.id, term: r.term, label: termLabel(termId, lang), score: 0 };
}

/** The details of a draft: text and lists of text only (anything else is not what the form wrote). */
function detailsOf(data: unknown): Record<string, TagDetailValue> {
  const out: Record<string, TagDetailValue> = {};
  if (!data || typeof data !== 'object' || Array.isArray(data)) return out;
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v as string[];
  }
  return out;
}

function plainDetails(details: Readonly<Record<string, TagDetailValue>>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(details).map(([k, v]) => [k, Array.isArray(v) ? [...(v as readonly string[])] : String(v)]));
}

/** The same details, whatever the order of keys and of chosen values. */
function sameDetails(a: Readonly<Record<string, TagDetailValue>>, b: Readonly<Record<string, TagDetailValue>>): boolean {
  const norm = (d: Readonly<Record<string, TagDetailValue>>) =>
    JSON.stringify(
      Object.keys(d)
        .sort()
        .map((k) => [k, Array.isArray(d[k]) ? [...(d[k] as readonly string[])].sort() : d[k]]),
    );
  return norm(a) === norm(b);
}

function fieldsFor(termId: string): readonly AssignmentField[] {
  const r = resolveTerm(termId);
  return r?.taxonomy.assignmentFields ?? [];
}

function TagDetails({ termId, details }: { readonly termId: string; readonly details: readonly [string, TagDetailValue][] }) {
  const lang = currentLanguage();
  const f = useFormat();
  const fields = fieldsFor(termId);
  return (
    <dl className="facts">
      {details.map(([k, v]) => {
        const field = fields.find((x) => x.id === k);
        const label = field ? pickLocalized(field.label, lang) : k;
        const choiceLabel = (c: string) => {
          const choice = field?.choices?.find((ch) => ch.id === c);
          return choice ? pickLocalized(choice.label, lang) : c;
        };
        const text = Array.isArray(v) ? f.list(v.map(choiceLabel)) : String(v);
        return (
          <div key={k} className="fact-row">
            <dt>{label}</dt>
            <dd>
              {/* Isolated in its own direction (typed text may be Latin in Arabic), the row in the page's: a span, not a
                  bdi, so that the choices' labels in it stay under the pseudo-locale check. */}
              <span dir="auto">{text}</span>
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

/**
 * The details of an assignment (Istanbul Protocol: position, duration, frequency, sites on the body chart, notes):
 * asked before a term is assigned, and again to edit them (`initial`) after it was.
 */
function AssignmentForm({
  termId,
  label: termName,
  taxonomyId,
  idPrefix = 'assign',
  initial,
  draft,
  onCancel,
  onSubmit,
}: {
  readonly termId: string;
  readonly label: string;
  readonly taxonomyId: TermSearchHit['taxonomyId'];
  readonly idPrefix?: string;
  readonly initial?: Readonly<Record<string, TagDetailValue>>;
  /** Where what is typed is kept: the draft's form and target, what it holds beside the details, and what it brought back. */
  readonly draft: { readonly form: 'tag-new' | 'tag-edit'; readonly targetId: string; readonly key: DetailsDraftKey; readonly restored: RestoredDetails | undefined };
  readonly onCancel: () => void;
  /** Resolves true once saved (the draft is then discarded), false when refused (the draft is kept). */
  readonly onSubmit: (d: Record<string, TagDetailValue>) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const fields = getTaxonomy(taxonomyId).assignmentFields ?? [];
  const persons = useAsync(() => (fields.some((x) => x.type === 'persons') ? call('persons.list', {}) : Promise.resolve([])), [termId]);
  const [opened] = useState(() => draft.restored);
  const [values, setValues] = useState<Record<string, TagDetailValue>>(() => ({ ...(opened?.details ?? initial) }));
  const kept = useFormDraft<DetailsDraftKey & { readonly details: Record<string, TagDetailValue> }>(draft.form, draft.targetId, undefined, opened?.state ?? 'none', false);
  const heading = useRef<HTMLHeadingElement>(null);
  // Editing opens in place of the details: focus goes to its heading, so the keyboard is where the form is.
  useEffect(() => {
    if (initial) heading.current?.focus();
  }, [initial]);
  const set = (k: string, v: TagDetailValue | undefined) => {
    const next = { ...values };
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) delete next[k];
    else next[k] = v;
    setValues(next);
    kept.schedule({ ...draft.key, details: next });
  };
  const toggle = (k: string, choice: string, on: boolean) => {
    const cur = (values[k] as readonly string[] | undefined) ?? [];
    set(k, on ? [...cur, choice] : cur.filter((c) => c !== choice));
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Nothing pending while it is saved: the form closes on success, and leaving must not write the draft again.
    kept.cancel();
    if (await onSubmit(values)) await kept.discard().catch(() => undefined);
    else kept.schedule({ ...draft.key, details: values });
  };
  const cancel = () => {
    // Cancel throws away what was typed, on purpose.
    void kept.discard().catch(() => undefined);
    onCancel();
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby={`${idPrefix}-title`}>
      <h3 id={`${idPrefix}-title`} ref={heading} tabIndex={-1}>
        {t('tags.detailsFor', { label: termName })}
      </h3>
      <DraftNote state={opened?.state ?? 'none'} testId={`tag-draft-${draft.form}`} />
      <p className="hint">{t('tags.detailsHint')}</p>
      {fields.map((field) => {
        const fid = `${idPrefix}-${field.id}`;
        const label = pickLocalized(field.label, lang);
        const help = pickLocalized(field.help, lang);
        switch (field.type) {
          case 'text':
            return (
              <div className="field" key={field.id}>
                <label htmlFor={fid}>{label}</label>
                <input id={fid} type="text" aria-describedby={`${fid}-help`} value={(values[field.id] as string | undefined) ?? ''} onChange={(e) => set(field.id, e.target.value)} />
                <p className="hint" id={`${fid}-help`}>
                  {help}
                </p>
              </div>
            );
          case 'longtext':
            return (
              <div className="field" key={field.id}>
                <label htmlFor={fid}>{label}</label>
                <textarea id={fid} rows={2} aria-describedby={`${fid}-help`} value={(values[field.id] as string | undefined) ?? ''} onChange={(e) => set(field.id, e.target.value)} />
                <p className="hint" id={`${fid}-help`}>
                  {help}
                </p>
              </div>
            );
          case 'multichoice':
          case 'persons': {
            const choices = field.type === 'multichoice' ? (field.choices ?? []).map((c) => ({ id: c.id, label: pickLocalized(c.label, lang) })) : (persons.value ?? []).map((p) => ({ id: p.id, label: p.pseudonym }));
            return (
              <fieldset className="field" key={field.id} aria-describedby={`${fid}-help`}>
                <legend>{label}</legend>
                <p className="hint" id={`${fid}-help`}>
                  {help}
                </p>
                {choices.length === 0 ? <p className="hint">{t('tags.noChoices')}</p> : null}
                {field.id === 'anatomicalSites' ? (
                  <BodyChart idPrefix={fid} choices={choices} value={(values[field.id] as readonly string[] | undefined) ?? []} onToggle={(site, on) => toggle(field.id, site, on)} />
                ) : null}
                <div className={choices.length > 6 ? 'check-columns' : undefined}>
                  {choices.map((c) => (
                    <div className="check" key={c.id}>
                      <input id={`${fid}-${c.id}`} type="checkbox" checked={((values[field.id] as readonly string[] | undefined) ?? []).includes(c.id)} onChange={(e) => toggle(field.id, c.id, e.target.checked)} />
                      <label htmlFor={`${fid}-${c.id}`}>{c.label}</label>
                    </div>
                  ))}
                </div>
              </fieldset>
            );
          }
          default:
            return null;
        }
      })}
      <div className="actions">
        <button type="button" onClick={cancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary">
          {initial ? t('tags.saveDetails') : t('tags.assign', { label: termName })}
        </button>
      </div>
    </form>
  );
}
