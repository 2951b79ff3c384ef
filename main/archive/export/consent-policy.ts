import type { ConsentState, Person, PersonRole } from '../../../shared/model/catalogue';
import type { PacketBlocker, PlannedPerson } from '../../../shared/model/packet';
import { consentStateOf, getPerson, listConsents, listPersons } from '../catalogue';
import type { Vault } from '../vault/vault';
import type { NameToHide } from './pseudonymise';

/**
 * Consent, per person, for one mechanism (the rules of CONSENT_STATES in shared/model/catalogue.ts):
 *
 *  - Name: the real name is shown only when the consent in force for this mechanism (or '*') allows disclosure
 *    ('granted' or 'material-withheld'). Otherwise the pseudonym, everywhere in the packet. Alleged perpetrators
 *    are named as recorded: the mechanisms ask for them, and their consent is not the question.
 *  - Material: a packet that carries any material needs share consent ('granted' or 'name-withheld') from every
 *    victim of the case (the material is about them), from the witness of every included testimony, and from
 *    every person linked to an included item. Without it the export is refused, naming the consent record (or
 *    saying that none exists).
 */

export type PersonDecision = PlannedPerson & {
  readonly realName: string;
  /** What the packet prints for this person: real name or pseudonym, per the rules above. */
  readonly display: string;
  readonly person: Person;
};

export type Involvement = {
  readonly hasMaterial: boolean;
  readonly witnessIds: ReadonlySet<string>;
  readonly linkedIds: ReadonlySet<string>;
};

const NAME_STATES: ReadonlySet<ConsentState> = new Set(['granted', 'material-withheld']);
const SHARE_STATES: ReadonlySet<ConsentState> = new Set(['granted', 'name-withheld']);

function onlyPerpetrator(roles: readonly PersonRole[]): boolean {
  return roles.length > 0 && roles.every((r) => r === 'alleged-perpetrator');
}

/** The persons the packet concerns with their roles in the case: those of the case, witnesses, persons linked to items. */
function involvedRoles(vault: Vault, caseId: string, inv: Involvement): Map<string, PersonRole[]> {
  const caseRoles = new Map<string, PersonRole[]>();
  for (const p of listPersons(vault, { caseId })) {
    caseRoles.set(
      p.id,
      p.roles.filter((r) => r.caseId === caseId).map((r) => r.role),
    );
  }
  for (const id of [...inv.witnessIds, ...inv.linkedIds]) if (!caseRoles.has(id)) caseRoles.set(id, []);
  for (const id of inv.witnessIds) {
    const roles = caseRoles.get(id)!;
    if (!roles.includes('witness')) roles.push('witness');
  }
  return caseRoles;
}

/** One person's decision: name or pseudonym, and whether share consent is needed and given (rules above). */
function decidePerson(vault: Vault, mechanismId: string, personId: string, roles: PersonRole[], inv: Involvement): PersonDecision {
  const person = getPerson(vault, personId);
  const { state, consentId } = consentStateOf(listConsents(vault, { personId }), mechanismId);
  const perpetrator = onlyPerpetrator(roles);
  const shownAs = perpetrator || NAME_STATES.has(state) ? 'name' : 'pseudonym';
  const needsMaterial = !perpetrator && ((roles.includes('victim') && inv.hasMaterial) || inv.witnessIds.has(personId) || inv.linkedIds.has(personId));
  const materialConsent = !needsMaterial ? 'not-needed' : SHARE_STATES.has(state) ? 'given' : 'missing';
  const record = consentId ? `consent record ${consentId} (state '${state}')` : `no consent record for '${mechanismId}' or for all mechanisms ('*')`;
  const why = perpetrator
    ? 'alleged perpetrator: named as recorded'
    : shownAs === 'name'
      ? `${record} allows disclosing the name to this mechanism`
      : consentId
        ? `${record} does not allow disclosing the name: pseudonym used`
        : `${record}, so the name may not be disclosed: pseudonym used`;
  return {
    personId,
    roles,
    pseudonym: person.pseudonym,
    shownAs,
    consentState: state,
    ...(consentId ? { consentId } : {}),
    materialConsent,
    why,
    realName: person.realName,
    display: shownAs === 'name' ? person.realName : person.pseudonym,
    person,
  };
}

/** The export's refusal for a person whose share consent is missing, naming the consent record or its absence. */
function consentBlocker(d: PersonDecision, mechanismId: string, inv: Involvement): PacketBlocker {
  const { personId, consentId, consentState: state, pseudonym } = d;
  const what = [d.roles.includes('victim') ? 'a victim in this case' : '', inv.witnessIds.has(personId) ? 'the witness of an included testimony' : '', inv.linkedIds.has(personId) ? 'linked to an included item' : '']
    .filter(Boolean)
    .join(', ');
  return {
    code: 'CONSENT_REQUIRED',
    personId,
    ...(consentId ? { consentId } : {}),
    message: consentId
      ? `${pseudonym} (${personId}, ${what}) has not consented to sharing material with this mechanism: consent record ${consentId} is '${state}'. Record a new consent, or leave their material out of the packet.`
      : `${pseudonym} (${personId}, ${what}) has no consent record for mechanism '${mechanismId}' (nor for all mechanisms): record their consent before exporting, or leave their material out of the packet.`,
  };
}

export function decidePersons(vault: Vault, mechanismId: string, caseId: string, inv: Involvement): { persons: PersonDecision[]; blockers: PacketBlocker[] } {
  const persons = [...involvedRoles(vault, caseId, inv)].map(([personId, roles]) => decidePerson(vault, mechanismId, personId, roles, inv));
  const blockers = persons.filter((d) => d.materialConsent === 'missing').map((d) => consentBlocker(d, mechanismId, inv));
  const order: readonly PersonRole[] = ['victim', 'witness', 'family', 'representative', 'source', 'documenter', 'alleged-perpetrator'];
  const rank = (p: PersonDecision): number => Math.min(...p.roles.map((r) => order.indexOf(r)), order.length);
  persons.sort((a, b) => rank(a) - rank(b) || a.pseudonym.localeCompare(b.pseudonym) || a.personId.localeCompare(b.personId));
  return { persons, blockers };
}

/**
 * Every person whose real name must not appear: those of this packet shown by pseudonym, and every other live
 * person of the vault without name consent for this mechanism (a testimony may name someone from another case).
 * Persons who are only ever alleged perpetrators are left out (they are named as recorded).
 */
export function namesToHide(vault: Vault, mechanismId: string, decided: readonly PersonDecision[]): NameToHide[] {
  const byId = new Map(decided.map((d) => [d.personId, d]));
  const out: NameToHide[] = [];
  for (const p of listPersons(vault)) {
    const d = byId.get(p.id);
    if (d) {
      if (d.shownAs === 'pseudonym') out.push({ realName: d.realName, pseudonym: d.pseudonym });
      continue;
    }
    if (onlyPerpetrator(p.roles.map((r) => r.role))) continue;
    const { state } = consentStateOf(listConsents(vault, { personId: p.id }), mechanismId);
    if (!NAME_STATES.has(state)) out.push({ realName: p.realName, pseudonym: p.pseudonym });
  }
  return out;
}
