import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ApiEvents, OperationProgress } from '../../../shared/api';
import type { IngestFileResult } from '../../../shared/model/items';
import { subscribe } from './api';

/**
 * Long operations (ingest, verify, export) report through events that may arrive before the call that started
 * them has returned its id, so the state of every operation is collected here, app-wide, from the first event.
 * Dropped with the rest of the unlocked UI on lock.
 */
export type OperationState = {
  readonly progress?: OperationProgress;
  readonly files: readonly IngestFileResult[];
  readonly done?: ApiEvents['operation.done'];
};

type Store = {
  get(id: string): OperationState | undefined;
  version: number;
};

const Ctx = createContext<Store>({ get: () => undefined, version: 0 });

export function OperationsProvider({ children }: { readonly children: ReactNode }) {
  const ops = useRef(new Map<string, OperationState>());
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    const offProgress = subscribe('operation.progress', (p) => {
      const prev = ops.current.get(p.operationId) ?? { files: [] };
      const file = p.kind === 'ingest' ? p.file : undefined;
      ops.current.set(p.operationId, { ...prev, progress: p, files: file ? [...prev.files, file] : prev.files });
      bump();
    });
    const offDone = subscribe('operation.done', (d) => {
      const prev = ops.current.get(d.operationId) ?? { files: [] };
      ops.current.set(d.operationId, { ...prev, done: d });
      bump();
    });
    return () => {
      offProgress();
      offDone();
    };
  }, []);
  const store = useMemo<Store>(() => ({ get: (id) => ops.current.get(id), version }), [version]);
  return <Ctx.Provider value={store}>{children}</Ctx.Provider>;
}

export function useOperation(id: string | undefined): OperationState | undefined {
  const store = useContext(Ctx);
  return id ? store.get(id) : undefined;
}
