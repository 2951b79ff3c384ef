import { useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSelection, SelectionResult } from '../../../shared/model/selection';
import { call } from '../lib/api';
import { useFormat } from '../lib/format';
import { currentLanguage } from '../lib/i18n';
import { shareSelection } from '../lib/selection';
import { termLabel } from '../../../shared/taxonomy';
import { useConfirm } from '../lib/useConfirm';
import { CasePicker } from './CasePicker';
import { ErrorNote } from './ErrorNote';
import { TermCombobox } from './TermCombobox';

type Action = 'case' | 'tag' | 'remove';
type Done = { readonly action: Action; readonly result: SelectionResult; readonly target: string };

/**
 * What can be done with the items selected in the library or in search results: add them to a case, tag them,
 * share them with another vault (opens Share with the selection), or remove them (with a reason, restorable like one item). Each is one call and one transaction. Shown while
 * something is selected; says how many are selected, offers "select all that match", and reports what the
 * action did (how many changed, how many already were so).
 */
export function SelectionBar({
  count,
  total,
  allSelected,
  selection,
  onSelectAll,
  onClear,
  onChanged,
}: {
  readonly count: number;
  readonly total: number;
  readonly allSelected: boolean;
  /** The selection as the API takes it (undefined when nothing is selected). */
  readonly selection: ItemSelection | undefined;
  readonly onSelectAll: () => void;
  readonly onClear: () => void;
  /** Called after an action changed something, so the list reloads. */
  readonly onChanged: (action: Action) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const [action, setAction] = useState<Action | undefined>();
  const [chosenCase, setChosenCase] = useState<{ readonly id: string; readonly title: string }>({ id: '', title: '' });
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<Done>();
  const confirm = useConfirm();
  const statusRef = useRef<HTMLParagraphElement>(null);
  // Focus stays in the bar once an action is done: on the status that says what happened. After the render that
  // writes it, not before: an empty status is not displayed (.selection-done:empty), so it cannot take the focus,
  // and the form whose button had it is gone; the focus fell to the page body.
  // A layout effect: in the same task as the commit that removed the form, so the body never holds the focus
  // (with a passive effect it did, until the next frame).
  useLayoutEffect(() => {
    if (done) statusRef.current?.focus();
  }, [done]);

  const run = async (kind: Action, target: string, go: (s: ItemSelection) => Promise<SelectionResult>) => {
    if (!selection) return;
    setBusy(true);
    setError(undefined);
    try {
      const result = await go(selection);
      setDone({ action: kind, result, target });
      setAction(undefined);
      setReason('');
      onChanged(kind);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const addToCase = (e: FormEvent) => {
    e.preventDefault();
    const { id: caseId, title } = chosenCase;
    if (caseId) void run('case', title, (s) => call('selection.addToCase', { selection: s, caseId }));
  };
  // Removing many items is confirmed like removing one (ItemCatalogue's DeleteItem): the reason first, then a
  // dialog that says how many and that they can be restored. Cancel keeps the form and the reason as they were.
  const remove = (e: FormEvent) => {
    e.preventDefault();
    const why = reason.trim();
    if (!why) return;
    confirm.ask({
      title: t('selection.removeConfirmTitle', { count, formatted: f.number(count) }),
      body: t('selection.removeConfirmBody'),
      confirmLabel: t('selection.removeN', { count, formatted: f.number(count) }),
      danger: true,
      onConfirm: () => void run('remove', '', (s) => call('selection.delete', { selection: s, reason: why })),
    });
  };

  if (count === 0 && !done) return null;
  return (
    <section className="selection-bar" aria-label={t('selection.label')}>
      {count > 0 ? (
        <div className="selection-summary">
          <p className="selection-count" role="status">
            {t('selection.count', { count, formatted: f.number(count) })}
          </p>
          {!allSelected && total > count ? (
            <button type="button" className="link" onClick={onSelectAll}>
              {t('selection.selectAll', { count: total, formatted: f.number(total) })}
            </button>
          ) : null}
          <button type="button" className="link" onClick={onClear}>
            {t('selection.clear')}
          </button>
          <div className="selection-actions" role="group" aria-label={t('selection.actions')}>
            <button type="button" aria-pressed={action === 'case'} onClick={() => setAction(action === 'case' ? undefined : 'case')}>
              {t('selection.addToCase')}
            </button>
            <button type="button" aria-pressed={action === 'tag'} onClick={() => setAction(action === 'tag' ? undefined : 'tag')}>
              {t('selection.tag')}
            </button>
            <button type="button" onClick={() => selection && shareSelection(selection)}>
              {t('selection.share')}
            </button>
            <button type="button" className="danger" aria-pressed={action === 'remove'} onClick={() => setAction(action === 'remove' ? undefined : 'remove')}>
              {t('selection.remove')}
            </button>
          </div>
        </div>
      ) : null}
      {action === 'case' ? (
        <form className="selection-form" onSubmit={addToCase}>
          <CasePicker id="selection-case" inline label={t('selection.case')} emptyLabel={t('selection.chooseCase')} value={chosenCase.id} onChange={(id, title) => setChosenCase({ id, title })} />
          <button type="submit" className="primary" disabled={busy || !chosenCase.id}>
            {t('selection.addN', { count, formatted: f.number(count) })}
          </button>
        </form>
      ) : null}
      {action === 'tag' ? (
        <div className="selection-form inline-combobox">
          <TermCombobox label={t('selection.tagWith')} onChoose={(h) => void run('tag', termLabel(h.term.id, currentLanguage()), (s) => call('selection.tag', { selection: s, termId: h.term.id }))} />
        </div>
      ) : null}
      {action === 'remove' ? (
        <form className="selection-form" onSubmit={remove}>
          <div className="field inline">
            <label htmlFor="selection-reason">{t('selection.reason')}</label>
            <input id="selection-reason" type="text" value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={2000} dir="auto" aria-describedby="selection-reason-hint" />
          </div>
          <button type="submit" className="danger" disabled={busy || !reason.trim()}>
            {t('selection.removeN', { count, formatted: f.number(count) })}
          </button>
          <p className="hint" id="selection-reason-hint">
            {t('selection.removeHint')}
          </p>
        </form>
      ) : null}
      <ErrorNote error={error} />
      <p className="selection-done" role="status" tabIndex={-1} ref={statusRef}>
        {done
          ? t(`selection.done.${done.action}`, {
              count: done.result.changed,
              formatted: f.number(done.result.changed),
              target: done.target,
            }) + (done.result.unchanged > 0 ? ` ${t(`selection.unchanged.${done.action}`, { count: done.result.unchanged, formatted: f.number(done.result.unchanged) })}` : '')
          : ''}
      </p>
      {confirm.dialog}
    </section>
  );
}
