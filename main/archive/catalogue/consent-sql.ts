import type { ConsentState } from '../../../shared/model/catalogue';
import type { Vault } from '../vault/vault';
import { knownMechanismIds } from './mechanisms';
import { changeStamp } from '../db/catalogue';
import { all } from './sql';

/**
 * The consent state of many people at once, in SQL, for the search filter (thousands of people per query). The
 * same rule as consentStateOf in consent.ts (the readable reference; a property test checks the two agree):
 * among the person's records for the mechanism or for '*', the newest (givenAt, then recordedAt, then insertion)
 * is in force; revoked → 'revoked'; else the two permissions decide; no record → 'none'.
 */
function stateQuery(select: string): string {
  return `WITH m(mech) AS (SELECT value FROM json_each(?)),
    inforce AS (
      SELECT m.mech, c.person_id, c.disclose_name, c.share_material, c.revoked_at,
             row_number() OVER (PARTITION BY m.mech, c.person_id ORDER BY c.given_at DESC, c.recorded_at DESC, c.rowid DESC) AS rn
        FROM m JOIN consents c ON c.mechanism = m.mech OR c.mechanism = '*'),
    state AS (
      SELECT mech, person_id,
             CASE WHEN revoked_at IS NOT NULL THEN 'revoked'
                  WHEN disclose_name = 1 AND share_material = 1 THEN 'granted'
                  WHEN share_material = 1 THEN 'name-withheld'
                  WHEN disclose_name = 1 THEN 'material-withheld'
                  ELSE 'refused' END AS state
        FROM inforce WHERE rn = 1)
    ${select}`;
}

function mechanismsJson(mechanism: string | undefined): string {
  return JSON.stringify(mechanism ? [mechanism] : knownMechanismIds());
}

/** Live persons whose state is `state` for `mechanism`, or — without one — for at least one mechanism template. */
export function personsWithConsentState(vault: Vault, state: ConsentState, mechanism?: string): Set<string> {
  const rows = all<{ id: string }>(
    vault,
    stateQuery(`SELECT DISTINCT p.id FROM persons p CROSS JOIN m LEFT JOIN state s ON s.person_id = p.id AND s.mech = m.mech
      WHERE p.deleted_at IS NULL AND coalesce(s.state, 'none') = ?`),
    mechanismsJson(mechanism),
    state,
  );
  return new Set(rows.map((r) => r.id));
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
  // 'none' is the absence of a record, so it needs every (person, mechanism) pair; other states start from records.
  const sql =
    state === 'none'
      ? `SELECT DISTINCT cp.case_id FROM case_persons cp
          JOIN cases c ON c.id = cp.case_id AND c.deleted_at IS NULL
          JOIN persons p ON p.id = cp.person_id AND p.deleted_at IS NULL
          CROSS JOIN m LEFT JOIN state s ON s.person_id = cp.person_id AND s.mech = m.mech
         WHERE cp.role <> 'alleged-perpetrator' AND s.state IS NULL AND ? = 'none'`
      : `SELECT DISTINCT cp.case_id FROM state s JOIN case_persons cp ON cp.person_id = s.person_id
          JOIN cases c ON c.id = cp.case_id AND c.deleted_at IS NULL
          JOIN persons p ON p.id = cp.person_id AND p.deleted_at IS NULL
         WHERE cp.role <> 'alleged-perpetrator' AND s.state = ?`;
  const rows = all<{ case_id: string }>(vault, stateQuery(sql), mechanismsJson(mechanism), state);
  const cases = rows.map((r) => r.case_id);
  cache.byQuery.set(q, cases);
  return cases;
}
