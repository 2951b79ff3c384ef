import { createContext, useContext } from 'react';
import type { Settings } from '../../../shared/api';

export type SettingsContext = { readonly settings: Settings; update(next: Settings): void };

export const SettingsCtx = createContext<SettingsContext | undefined>(undefined);

export function useSettings(): SettingsContext {
  const s = useContext(SettingsCtx);
  if (!s) throw new Error('useSettings outside the unlocked shell');
  return s;
}
