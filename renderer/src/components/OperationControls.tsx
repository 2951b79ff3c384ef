import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { OperationKind } from '../../../shared/api';
import type { LongOperation } from '../lib/useLongOperation';
import { ErrorNote } from './ErrorNote';
import { Progress } from './Progress';

export type ProgressView = { readonly label: string; readonly done: number; readonly total: number };

/**
 * The controls of one long operation, the same on every screen: the start button (or buttons) disabled while it
 * runs, Cancel while it runs, a progress bar labelled with the current phase, and the error of the start or of
 * the operation. The report is the screen's own business.
 */
export function OperationControls<K extends OperationKind>({
  op,
  startLabel,
  onStart,
  startDisabled,
  extraStart,
  describe,
  cancelLabel,
  showError = true,
}: {
  readonly op: LongOperation<K>;
  /** The primary start button; absent when the operation is started elsewhere on the screen (drop zone). */
  readonly startLabel?: string;
  readonly onStart?: () => void;
  readonly startDisabled?: boolean;
  /** Further start buttons beside the primary one (e.g. "Choose a folder…"). */
  readonly extraStart?: ReactNode;
  /** The progress bar's label and figures for the latest progress event (undefined before the first one). */
  readonly describe: (progress: LongOperation<K>['progress']) => ProgressView;
  readonly cancelLabel?: string;
  /** False when the screen says the error its own way (e.g. a new sender to compare, with its words). */
  readonly showError?: boolean;
}) {
  const { t } = useTranslation();
  const view = op.running ? describe(op.progress) : undefined;
  const hasButtons = (startLabel && onStart) || extraStart || op.running;
  return (
    <div className="operation">
      {hasButtons ? (
        <div className="actions">
          {startLabel && onStart ? (
            // While it runs the button stays focusable (aria-disabled, clicks ignored): a disabled button would drop the
            // keyboard focus to the page body the moment it is pressed.
            <button
              type="button"
              className="primary"
              disabled={!op.running && startDisabled}
              aria-disabled={op.running ? true : undefined}
              onClick={() => {
                if (!op.running) onStart();
              }}
            >
              {startLabel}
            </button>
          ) : null}
          {extraStart}
          {op.running ? (
            <button type="button" className="danger" onClick={op.cancel}>
              {cancelLabel ?? t('common.cancel')}
            </button>
          ) : null}
        </div>
      ) : null}
      {view ? <Progress label={view.label} done={view.done} total={view.total} /> : null}
      {showError ? <ErrorNote error={op.error} /> : null}
    </div>
  );
}
