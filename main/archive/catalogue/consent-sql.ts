import type { ConsentState } from '../../../shared/model/catalogue';
import type { Vault } from '../vault/vault';
import { knownMechanismIds } from './mechanisms';
import { changeStamp } from '../db/catalogue';
import { caseIdsWithConsentState, personIdsWithConsentState } from '../db/consents';

/**
 * The consent state of many people at once for the search filter, in SQL (db/consents.ts): the same rule as
 * consentStateOf in consent.ts (a property test checks the two agree). Cases are cached per database change.
 */

function mechanismsJson(mechanism: string | undefined): string {
  return JSON.stringify(mechanism ? [mechanism] : knownMechanismIds());
}

/** Live persons whose state is `state` for `mechanism`, or — without one — for at least one mechanism template. */
export function personsWithConsentState(vault: Vault, state: ConsentState, mechanism?: string): Set<string> {
  return new Set(personIdsWithConsentState(vault.store, state, mechanismsJson(mechanism)));
}

type CaseCache = { key: string; byQuery: Map<string, string[]> };
const caseCaches = new WeakMap<object, CaseCache>();

/**
 * Live cases where some live person other than an alleged perpetrator has that state (the search filter).
 * Cached until the database changes (this connection's total_changes, or data_version for other connections), so
 * paging and refining a consent-filtered search does not recompute it.
 */
export function casesWithConsentState(vault: Vault, state: ConsentState, mechanism?: string): string[] {
  const db = vault.store;
  const key = changeStamp(db);
  let cache = caseCaches.get(db);
  if (!cache || cache.key !== key) {
    cache = { key, byQuery: new Map() };
    caseCaches.set(db, cache);
  }
  const q = `${state}|${mechanism ?? ''}`;
  const hit = cache.byQuery.get(q);
  if (hit) return hit;
  const cases = caseIdsWithConsentState(db, state, mechanismsJson(mechanism));
  cache.byQuery.set(q, cases);
  return cases;
}
