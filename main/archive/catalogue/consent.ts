import {
  ConsentIdInput,
  ConsentRecordInput,
  type Consent,
  type ConsentState,
  type ConsentStatus,
} from '../../../shared/model/catalogue';
import { newId } from '../ids';
import type { Vault } from '../vault/vault';
import { requireLiveItem, requirePerson } from './exists';
import { checkMechanisms, knownMechanismIds } from './mechanisms';
import { nowIso, recordEvent } from './record-event';
import { consentRow, consentRows, insertConsent, markConsentRevoked, type ConsentRow } from '../db/consents';
import { conflict, notFound, parseInput } from './validate';

/**
 * Consent per person and mechanism (DESIGN §4). Records are never edited: a change of mind is a new record, a
 * withdrawal is a revocation. How records combine into a state is defined on CONSENT_STATES
 * (shared/model/catalogue.ts) and implemented once, in `consentStateOf`.
 */

function toConsent(r: ConsentRow): Consent {
  return {
    id: r.id,
    personId: r.person_id,
    mechanism: r.mechanism,
    discloseName: r.disclose_name === 1,
    shareMaterial: r.share_material === 1,
    ...(r.recipients ? { recipients: r.recipients } : {}),
    givenAt: r.given_at,
    howRecorded: r.how_recorded,
    ...(r.evidence_item ? { evidenceItemId: r.evidence_item } : {}),
    ...(r.notes ? { notes: r.notes } : {}),
    recordedAt: r.recorded_at,
    ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
  };
}

/** The state for one mechanism from a person's records (any order); see CONSENT_STATES. */
export function consentStateOf(records: readonly Consent[], mechanism: string): { state: ConsentState; consentId?: string } {
  let inForce: Consent | undefined;
  for (const c of records) {
    if (c.mechanism !== mechanism && c.mechanism !== '*') continue;
    if (!inForce || c.givenAt > inForce.givenAt || (c.givenAt === inForce.givenAt && c.recordedAt > inForce.recordedAt)) inForce = c;
  }
  if (!inForce) return { state: 'none' };
  if (inForce.revokedAt) return { state: 'revoked', consentId: inForce.id };
  const state: ConsentState = inForce.discloseName
    ? inForce.shareMaterial
      ? 'granted'
      : 'material-withheld'
    : inForce.shareMaterial
      ? 'name-withheld'
      : 'refused';
  return { state, consentId: inForce.id };
}

export function listConsents(vault: Vault, options: { readonly personId?: string } = {}): Consent[] {
  return consentRows(vault.store, options.personId).map(toConsent);
}

export function getConsent(vault: Vault, id: string): Consent {
  const r = consentRow(vault.store, id);
  if (!r) notFound('id', 'consent record', id);
  return toConsent(r);
}

/** The person's state for one mechanism ('*' = the records given for any mechanism only). */
export function consentStatus(vault: Vault, personId: string, mechanism: string): ConsentStatus {
  requirePerson(vault, personId);
  checkMechanisms([mechanism], 'mechanism', true);
  const s = consentStateOf(listConsents(vault, { personId }), mechanism);
  return { personId, mechanism, ...s };
}

/** The person's state for every mechanism template (and '*'). */
export function consentStatuses(vault: Vault, personId: string): ConsentStatus[] {
  requirePerson(vault, personId);
  const records = listConsents(vault, { personId });
  return ['*', ...knownMechanismIds()].map((m) => ({ personId, mechanism: m, ...consentStateOf(records, m) }));
}

export function recordConsent(vault: Vault, input: ConsentRecordInput): Consent {
  const v = parseInput(ConsentRecordInput, input, 'consent');
  checkMechanisms([v.mechanism], 'mechanism', true);
  const id = newId('con');
  vault.transaction(() => {
    requirePerson(vault, v.personId);
    if (v.evidenceItemId) requireLiveItem(vault, v.evidenceItemId, 'evidenceItemId');
    insertConsent(vault.store, {
      id,
      person_id: v.personId,
      mechanism: v.mechanism,
      disclose_name: v.discloseName ? 1 : 0,
      share_material: v.shareMaterial ? 1 : 0,
      recipients: v.recipients || null,
      given_at: v.givenAt,
      how_recorded: v.howRecorded,
      evidence_item: v.evidenceItemId ?? null,
      notes: v.notes || null,
      recorded_at: nowIso(),
    });
    const secret: Record<string, string> = {};
    if (v.recipients) secret.recipients = v.recipients;
    if (v.notes) secret.notes = v.notes;
    recordEvent(
      vault,
      'consent.recorded',
      v.personId,
      {
        consentId: id,
        mechanism: v.mechanism,
        discloseName: v.discloseName,
        shareMaterial: v.shareMaterial,
        givenAt: v.givenAt,
        howRecorded: v.howRecorded,
        ...(v.evidenceItemId ? { evidenceItemId: v.evidenceItemId } : {}),
      },
      secret,
    );
  });
  return getConsent(vault, id);
}

/** Withdraws a consent record. The person's state becomes 'revoked' unless a newer record applies. */
export function revokeConsent(vault: Vault, input: ConsentIdInput): Consent {
  const v = parseInput(ConsentIdInput, input, 'consent');
  vault.transaction(() => {
    const r = consentRow(vault.store, v.id);
    if (!r) notFound('id', 'consent record', v.id);
    if (r.revoked_at) conflict('id', `Consent record ${v.id} was already revoked on ${r.revoked_at}.`);
    markConsentRevoked(vault.store, v.id, nowIso());
    recordEvent(vault, 'consent.revoked', r.person_id, { consentId: v.id, mechanism: r.mechanism });
  });
  return getConsent(vault, v.id);
}
