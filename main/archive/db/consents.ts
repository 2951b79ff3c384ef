import type { ConsentRecordingMethod, ConsentState } from '../../../shared/model/catalogue';
import { reader, writer, type ReadableDb, type WritableDb } from './connection';

/**
 * `consents`: a person's consent per mechanism ('*' = any). Records are never edited: a change of mind is a new
 * record, a withdrawal sets revoked_at. Written only by catalogue/consent.ts, in the transaction of its custody
 * event.
 */

export type ConsentRow = {
  readonly id: string;
  readonly person_id: string;
  readonly mechanism: string;
  readonly disclose_name: number;
  readonly share_material: number;
  readonly recipients: string | null;
  readonly given_at: string;
  readonly how_recorded: ConsentRecordingMethod;
  readonly evidence_item: string | null;
  readonly notes: string | null;
  readonly recorded_at: string;
  readonly revoked_at: string | null;
};

/** Newest first: the order in which records take precedence. */
const ORDER = 'ORDER BY given_at DESC, recorded_at DESC, rowid DESC';

/** Every consent record, or a person's, newest first. */
export function consentRows(db: ReadableDb, personId?: string): ConsentRow[] {
  return personId ? reader(db).all(`SELECT * FROM consents WHERE person_id = ? ${ORDER}`, personId) : reader(db).all(`SELECT * FROM consents ${ORDER}`);
}

export function consentRow(db: ReadableDb, id: string): ConsentRow | undefined {
  return reader(db).one('SELECT * FROM consents WHERE id = ?', id);
}

export function insertConsent(db: WritableDb, c: Omit<ConsentRow, 'revoked_at'>): void {
  writer(db).run(
    `INSERT INTO consents (id, person_id, mechanism, disclose_name, share_material, recipients, given_at, how_recorded, evidence_item, notes, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    c.id, c.person_id, c.mechanism, c.disclose_name, c.share_material, c.recipients, c.given_at, c.how_recorded, c.evidence_item, c.notes, c.recorded_at,
  );
}

export function markConsentRevoked(db: WritableDb, id: string, revokedAt: string): void {
  writer(db).run('UPDATE consents SET revoked_at = ? WHERE id = ?', revokedAt, id);
}

/**
 * The consent state of many people at once, in SQL, for the search filter (thousands of people per query). The
 * same rule as consentStateOf in catalogue/consent.ts (the readable reference; a property test checks the two
 * agree): among the person's records for the mechanism or for '*', the newest (givenAt, then recordedAt, then
 * insertion) is in force; revoked → 'revoked'; else the two permissions decide; no record → 'none'.
 * `mechanismsJson` is a JSON array of the mechanisms to consider.
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

const PERSONS_IN_STATE = stateQuery(`SELECT DISTINCT p.id FROM persons p CROSS JOIN m LEFT JOIN state s ON s.person_id = p.id AND s.mech = m.mech
      WHERE p.deleted_at IS NULL AND coalesce(s.state, 'none') = ?`);

// 'none' is the absence of a record, so it needs every (person, mechanism) pair; other states start from records.
const CASES_WITH_NONE = stateQuery(`SELECT DISTINCT cp.case_id FROM case_persons cp
          JOIN cases c ON c.id = cp.case_id AND c.deleted_at IS NULL
          JOIN persons p ON p.id = cp.person_id AND p.deleted_at IS NULL
          CROSS JOIN m LEFT JOIN state s ON s.person_id = cp.person_id AND s.mech = m.mech
         WHERE cp.role <> 'alleged-perpetrator' AND s.state IS NULL AND ? = 'none'`);
const CASES_WITH_STATE = stateQuery(`SELECT DISTINCT cp.case_id FROM state s JOIN case_persons cp ON cp.person_id = s.person_id
          JOIN cases c ON c.id = cp.case_id AND c.deleted_at IS NULL
          JOIN persons p ON p.id = cp.person_id AND p.deleted_at IS NULL
         WHERE cp.role <> 'alleged-perpetrator' AND s.state = ?`);

/** Live persons whose state is `state` for at least one of the mechanisms. */
export function personIdsWithConsentState(db: ReadableDb, state: ConsentState, mechanismsJson: string): string[] {
  return reader(db).all<{ id: string }>(PERSONS_IN_STATE, mechanismsJson, state).map((r) => r.id);
}

/** Live cases where some live person other than an alleged perpetrator has that state for one of the mechanisms. */
export function caseIdsWithConsentState(db: ReadableDb, state: ConsentState, mechanismsJson: string): string[] {
  return reader(db).all<{ case_id: string }>(state === 'none' ? CASES_WITH_NONE : CASES_WITH_STATE, mechanismsJson, state).map((r) => r.case_id);
}
