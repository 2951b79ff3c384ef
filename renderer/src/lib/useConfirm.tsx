import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog';

export type ConfirmRequest = {
  readonly title: string;
  readonly body: string;
  readonly confirmLabel: string;
  readonly danger?: boolean;
  readonly onConfirm: () => void;
};

/**
 * The one confirm pattern for destructive or consequential actions: `ask({...})` opens the screen's single
 * confirmation dialog (modal, Escape cancels, Cancel has the initial focus); `dialog` is placed once in the screen.
 */
export function useConfirm(): { readonly ask: (r: ConfirmRequest) => void; readonly dialog: ReactNode } {
  const [request, setRequest] = useState<ConfirmRequest>();
  const ask = useCallback((r: ConfirmRequest) => setRequest(r), []);
  const dialog = useMemo(
    () => (
      <ConfirmDialog
        open={request !== undefined}
        title={request?.title ?? ''}
        body={request?.body ?? ''}
        confirmLabel={request?.confirmLabel ?? ''}
        {...(request?.danger ? { danger: true } : {})}
        onCancel={() => setRequest(undefined)}
        onConfirm={() => {
          const r = request;
          setRequest(undefined);
          r?.onConfirm();
        }}
      />
    ),
    [request],
  );
  return { ask, dialog };
}
