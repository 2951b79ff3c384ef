import { useCallback, useMemo, useState } from 'react';
import type { OperationKind, OperationProgress, OperationResult, OperationStarted } from '../../../shared/api';
import type { IngestFileResult } from '../../../shared/model/items';
import { ApiFailure, call } from './api';
import { useOperation } from './operations';

type ProgressOf<K extends OperationKind> = Extract<OperationProgress, { kind: K }>['progress'];
type ReportOf<K extends OperationKind> = Extract<OperationResult, { kind: K }>['report'];

/**
 * One long operation (ingest, verify, export, packet verify) as a screen sees it: start it, follow its progress,
 * cancel it, read its report or its error. Every screen that runs one uses this hook and <OperationControls>, so
 * start/cancel/progress/error behave the same everywhere.
 */
export type LongOperation<K extends OperationKind> = {
  readonly operationId: string | undefined;
  readonly running: boolean;
  readonly progress: ProgressOf<K> | undefined;
  /** The report of a finished operation (absent while running, after a failure, or before any run). */
  readonly report: ReportOf<K> | undefined;
  /** The error of the last start or of the operation itself (an ApiFailure), if any. */
  readonly error: unknown;
  /** Per-file results as they arrive (ingest only; empty otherwise). */
  readonly files: readonly IngestFileResult[];
  readonly finished: boolean;
  /**
   * Starts the operation with `begin` (which calls the API method, possibly after a dialog). `begin` may return
   * null when the person cancelled a dialog: nothing starts and nothing is shown.
   */
  start(begin: () => Promise<OperationStarted | null | undefined>): Promise<void>;
  cancel(): void;
};

export function useLongOperation<K extends OperationKind>(kind: K): LongOperation<K> {
  const [operationId, setOperationId] = useState<string>();
  const [startError, setStartError] = useState<unknown>();
  // A new run being started (begin() in flight, a dialog maybe open): the last run's report, files and error are
  // not shown meanwhile, so a verdict on screen is never the previous one's (a reviewer re-verifying with a key saw
  // the old "all good" until the new run had started). If nothing starts (a dialog cancelled), they come back.
  const [starting, setStarting] = useState(false);
  const op = useOperation(starting ? undefined : operationId);
  const done = op?.done;
  const running = starting || (operationId !== undefined && !done);
  const progress = op?.progress?.kind === kind ? (op.progress.progress as ProgressOf<K>) : undefined;
  const report = done?.ok && done.result.kind === kind ? (done.result.report as ReportOf<K>) : undefined;
  // Cancelled by the person (or by locking): not an error to show. The screen says it was cancelled (finished,
  // with neither report nor error).
  const failure = useMemo(() => (done && !done.ok && done.error.code !== 'CANCELLED' ? new ApiFailure(done.error) : undefined), [done]);

  const start = useCallback(async (begin: () => Promise<OperationStarted | null | undefined>) => {
    setStartError(undefined);
    setStarting(true);
    try {
      const started = await begin();
      if (started) setOperationId(started.operationId);
    } catch (e) {
      setStartError(e);
    } finally {
      setStarting(false);
    }
  }, []);
  const cancel = useCallback(() => {
    if (!operationId || starting) return;
    call('operations.cancel', { operationId }).catch((e: unknown) => setStartError(e));
  }, [operationId, starting]);

  return useMemo(
    () => ({ operationId, running, progress, report, error: startError ?? failure, files: op?.files ?? [], finished: done !== undefined, start, cancel }),
    [operationId, running, progress, report, startError, failure, op?.files, done, start, cancel],
  );
}
