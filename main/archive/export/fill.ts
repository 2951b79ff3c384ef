import type { Language } from '../../../shared/api';
import {
  SEX_VALUES,
  getMechanism,
  allFields,
  isRequired,
  taxonomyOfFillPath,
  validateAnswers,
  type AnswerValue,
  type Answers,
  type FillPath,
  type InvalidAnswer,
  type Mechanism,
  type MechanismField,
} from '../../../shared/mechanisms';
import type { Case, TagDetailValue } from '../../../shared/model/catalogue';
import type { FieldOrigin, PacketNotice, PlannedField } from '../../../shared/model/packet';
import { joinList, labelled } from '../../../shared/cover';
import { pickLocalized } from '../../../shared/localized';
import { resolveTerm, termLabel } from '../../../shared/taxonomy';
import { assertNever } from '../../../shared/errors';
import type { PersonDecision } from './consent-policy';
import type { Pseudonymiser } from './pseudonymise';
import { msg } from '../errors';

/**
 * Fills a mechanism template's fields (shared/mechanisms FILL_PATHS) from the catalogue, then from the answers
 * the documenter gave for what the catalogue cannot fill. Rules:
 *  - An answer overrides a catalogue value (the lawyer's explicit choice), EXCEPT for fields filled from consent
 *    (`consent.*`) and the victim's name (`victim.displayName`): those follow the consent records, always.
 *  - Every free text that leaves (answers, case title, occupation, tag details) goes through the pseudonymiser.
 *  - `tags.*` reads the tags of the case, of the included items and of the included testimonies together.
 */

export type TagUse = { readonly termId: string; readonly details: Readonly<Record<string, TagDetailValue>> };

export type FillContext = {
  readonly mechanism: Mechanism;
  readonly lang: Language;
  readonly caseRecord: Case;
  readonly persons: readonly PersonDecision[];
  readonly earliestTestimonyDate: string | undefined;
  readonly earliestTestimonyPlace?: string | undefined;
  /** The testimonies those two came from (title with hidden names replaced, interview date). */
  readonly earliestDateOrigin?: FieldOrigin | undefined;
  readonly earliestPlaceOrigin?: FieldOrigin | undefined;
  readonly tags: readonly TagUse[];
  /** Exported file names of the included items, in packet order. */
  readonly itemFiles: readonly string[];
  readonly submitter: string | undefined;
  readonly submitterContact?: string | undefined;
  /** The day the packet is prepared (ISO date). */
  readonly today?: string;
  readonly pseudonymiser: Pseudonymiser;
  readonly answers: Answers;
  /** Required fields the person left for later on purpose. */
  readonly deferred?: readonly string[] | undefined;
  /** Runs a field's value computation with that field as the place of any name replacement (./replacements.ts). */
  readonly within?: <T>(fieldId: string, source: 'answer' | 'catalogue', f: () => T) => T;
};

export type FillResult = {
  readonly fields: readonly PlannedField[];
  /** Required, no value, not deferred. */
  readonly missing: readonly string[];
  /** Required, no value, deferred on purpose. */
  readonly deferred: readonly string[];
  readonly invalid: readonly InvalidAnswer[];
  readonly warnings: readonly PacketNotice[];
};

const CONSENT_BOUND: ReadonlySet<FillPath> = new Set(['consent.nameDisclosure', 'consent.sharing', 'consent.recorded', 'victim.displayName', 'victim.familyName', 'victim.givenNames']);
const NAME_STATES = new Set(['granted', 'material-withheld']);
const SHARE_STATES = new Set(['granted', 'name-withheld']);

function isEmpty(v: AnswerValue | undefined): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
}

/** Where an id stands in a list of fields or choices (unknown ids last, in their own order). */
function rank(list: readonly { readonly id: string }[], id: string): number {
  const i = list.findIndex((x) => x.id === id);
  return i < 0 ? list.length : i;
}

function detailText(ctx: FillContext, taxonomyField: { id: string; label: Parameters<typeof pickLocalized>[0]; choices?: readonly { id: string; label: Parameters<typeof pickLocalized>[0] }[]; type: string } | undefined, key: string, value: TagDetailValue): string {
  const label = taxonomyField ? pickLocalized(taxonomyField.label, ctx.lang) : key;
  const values = Array.isArray(value) ? value : [value as string];
  // Choices in the taxonomy's order (the anatomical sites as on the body chart), and separated by a slash: a
  // choice's label may hold a comma ('Wrists, hands and fingers').
  const choices = taxonomyField?.choices;
  const ordered = choices ? [...values].sort((a, b) => rank(choices, a) - rank(choices, b)) : values;
  const shown = ordered.map((v) => {
    if (taxonomyField?.type === 'persons') return ctx.persons.find((p) => p.personId === v)?.display ?? '—';
    const choice = choices?.find((c) => c.id === v);
    return choice ? pickLocalized(choice.label, ctx.lang) : ctx.pseudonymiser.apply(v).text;
  });
  return labelled(label, choices ? shown.join(' / ') : joinList(shown, ctx.lang, 'comma'), ctx.lang);
}

function tagValue(ctx: FillContext, path: FillPath, field: MechanismField): AnswerValue | undefined {
  const taxonomy = taxonomyOfFillPath(path);
  const uses = ctx.tags.filter((t) => resolveTerm(t.termId)?.taxonomy.id === taxonomy);
  if (uses.length === 0) return undefined;
  const ids = [...new Set(uses.map((u) => u.termId))];
  switch (field.type) {
    case 'multichoice': {
      const allowed = new Set((field.choices ?? []).map((c) => c.id));
      const chosen = ids.filter((id) => allowed.has(id));
      return chosen.length > 0 ? chosen : undefined;
    }
    case 'longtext':
      return uses
        // A term tagged with details says more than the same term tagged without: show the detailed one only.
        .filter((u) => Object.keys(u.details).length > 0 || !uses.some((o) => o.termId === u.termId && Object.keys(o.details).length > 0))
        .map((u) => {
          const resolved = resolveTerm(u.termId);
          const fields = resolved?.taxonomy.assignmentFields ?? [];
          // Details in the taxonomy's order (for the Istanbul Protocol: position, duration, frequency, sites,
          // instruments, who was present, as the interview guidance asks them), not in the order they were stored.
          const details = Object.entries(u.details)
            .sort(([a], [b]) => rank(fields, a) - rank(fields, b))
            .map(([k, v]) => detailText(ctx, fields.find((f) => f.id === k), k, v));
          return details.length > 0 ? `${termLabel(u.termId, ctx.lang)} (${joinList(details, ctx.lang)})` : termLabel(u.termId, ctx.lang);
        })
        .filter((line, i, all) => all.indexOf(line) === i)
        .join('\n');
    default:
      return joinList(ids.map((id) => termLabel(id, ctx.lang)), ctx.lang);
  }
}

type VictimPath = Extract<FillPath, `victim.${string}` | `consent.${string}`>;

function isVictimPath(path: FillPath): path is VictimPath {
  return path.startsWith('victim.') || path.startsWith('consent.');
}

/** The paths read from the case's (first) victim and their consent; none when the case has no victim. */
function victimValue(ctx: FillContext, path: VictimPath, text: (s: string | undefined) => string | undefined): AnswerValue | undefined {
  const victims = ctx.persons.filter((p) => p.roles.includes('victim'));
  const victim = victims[0];
  if (!victim) return undefined;
  switch (path) {
    case 'victim.displayName':
      return joinList(victims.map((v) => v.display), ctx.lang);
    case 'victim.familyName':
    case 'victim.givenNames': {
      // The real name only where consent discloses it (display is then the real name); else the pseudonym.
      if (!NAME_STATES.has(victim.consentState) || victim.display !== victim.realName) return victim.display;
      const words = victim.realName.trim().split(/\s+/);
      if (words.length < 2) return path === 'victim.familyName' ? words[0] : undefined;
      return path === 'victim.familyName' ? words.at(-1) : words.slice(0, -1).join(' ');
    }
    case 'victim.sex':
      return victim.person.sex && (SEX_VALUES as readonly string[]).includes(victim.person.sex) ? victim.person.sex : undefined;
    case 'victim.birthDate':
      return victim.person.birthDate;
    case 'victim.nationality':
      return victim.person.nationality;
    case 'victim.occupation':
      return text(victim.person.occupation);
    case 'consent.nameDisclosure':
      return NAME_STATES.has(victim.consentState);
    case 'consent.sharing':
      return SHARE_STATES.has(victim.consentState);
    case 'consent.recorded':
      return victim.consentState !== 'none';
    default:
      return assertNever(path, 'victim fill path');
  }
}

function catalogueValue(ctx: FillContext, path: FillPath, field: MechanismField): AnswerValue | undefined {
  const text = (s: string | undefined): string | undefined => (s ? ctx.pseudonymiser.apply(s).text : undefined);
  if (isVictimPath(path)) return victimValue(ctx, path, text);
  switch (path) {
    case 'case.title':
      return text(ctx.caseRecord.title);
    case 'case.country':
      return ctx.caseRecord.country;
    case 'perpetrators.displayNames': {
      const names = ctx.persons
        .filter((p) => p.roles.includes('alleged-perpetrator'))
        .map((p) => (p.person.occupation ? `${p.display} (${text(p.person.occupation)})` : p.display));
      return names.length > 0 ? (field.type === 'longtext' ? names.join('\n') : joinList(names, ctx.lang)) : undefined;
    }
    case 'testimony.earliestDate':
      return ctx.earliestTestimonyDate;
    case 'testimony.earliestPlace':
      return text(ctx.earliestTestimonyPlace);
    case 'case.summary':
      return text(ctx.caseRecord.summary);
    case 'tags.wgad-categories':
    case 'tags.istanbul-protocol-methods':
    case 'tags.violation-types':
    case 'tags.perpetrator-types':
    case 'tags.detention-place-types':
      return tagValue(ctx, path, field);
    case 'items.index':
      return ctx.itemFiles.length > 0 ? [...ctx.itemFiles] : undefined;
    case 'submitter.name':
      return ctx.submitter ? text(ctx.submitter) : undefined;
    case 'submitter.contact':
      return ctx.submitterContact?.trim() ? ctx.submitterContact.trim() : undefined;
    case 'packet.date':
      return ctx.today;
    default:
      return assertNever(path, 'fill path');
  }
}

/** Which record a catalogue value came from (FieldOrigin), so the person can check it. */
function originOf(ctx: FillContext, path: FillPath): FieldOrigin | undefined {
  const victim = ctx.persons.find((p) => p.roles.includes('victim'));
  const caseOrigin: FieldOrigin = { kind: 'case', recordId: ctx.caseRecord.id, label: ctx.pseudonymiser.apply(ctx.caseRecord.title).text };
  switch (path) {
    case 'case.title':
    case 'case.country':
    case 'case.summary':
      return caseOrigin;
    case 'victim.displayName':
    case 'victim.familyName':
    case 'victim.givenNames':
    case 'victim.sex':
    case 'victim.birthDate':
    case 'victim.nationality':
    case 'victim.occupation':
      return victim ? { kind: 'person', recordId: victim.personId, label: victim.pseudonym } : undefined;
    case 'perpetrators.displayNames':
      return { kind: 'case', recordId: ctx.caseRecord.id, label: caseOrigin.label! };
    case 'consent.nameDisclosure':
    case 'consent.sharing':
    case 'consent.recorded':
      return victim ? { kind: 'consent', recordId: victim.personId, label: victim.pseudonym } : undefined;
    case 'testimony.earliestDate':
      return ctx.earliestDateOrigin;
    case 'testimony.earliestPlace':
      return ctx.earliestPlaceOrigin;
    case 'tags.wgad-categories':
    case 'tags.istanbul-protocol-methods':
    case 'tags.violation-types':
    case 'tags.perpetrator-types':
    case 'tags.detention-place-types':
      return { kind: 'tags' };
    case 'items.index':
      return { kind: 'items' };
    case 'submitter.name':
    case 'submitter.contact':
      return { kind: 'settings' };
    case 'packet.date':
      return { kind: 'today' };
    default:
      return assertNever(path, 'fill path');
  }
}

/** A field's label in the packet's language (messages name fields by their label, never by their id). */
export function fieldLabel(mechanism: Mechanism, fieldId: string, lang: Language): string {
  const f = allFields(mechanism).find((x) => x.id === fieldId);
  return f ? pickLocalized(f.label, lang) : fieldId;
}

/** Fields by their labels, quoted, for a sentence (the CLI's list of answers still to complete). */
export function missingFieldLabels(mechanismId: string, fieldIds: readonly string[], lang: Language): string {
  const mechanism = getMechanism(mechanismId);
  return fieldIds.map((id) => `“${mechanism ? fieldLabel(mechanism, id, lang) : id}”`).join(', ');
}

function pseudonymiseAnswer(ctx: FillContext, v: AnswerValue): AnswerValue {
  if (typeof v === 'string') return ctx.pseudonymiser.apply(v).text;
  if (Array.isArray(v)) return v.map((s: string) => ctx.pseudonymiser.apply(s).text);
  return v;
}

export function fillFields(ctx: FillContext): FillResult {
  const warnings: PacketNotice[] = [];
  const values: Record<string, AnswerValue> = {};
  const sources: Record<string, PlannedField['source']> = {};
  const within = ctx.within ?? (<T>(_id: string, _source: 'answer' | 'catalogue', f: () => T): T => f());
  for (const field of allFields(ctx.mechanism)) {
    const path = field.fill?.from;
    const answer = ctx.answers[field.id];
    // The catalogue's value only when it is used (an answer overrides it, except where consent decides), so a name
    // replaced in a value that does not leave is not reported.
    const needed = path !== undefined && (CONSENT_BOUND.has(path) || isEmpty(answer));
    const fromCatalogue = path && needed ? within(field.id, 'catalogue', () => catalogueValue(ctx, path, field)) : undefined;
    if (path && CONSENT_BOUND.has(path)) {
      if (!isEmpty(answer) && JSON.stringify(answer) !== JSON.stringify(fromCatalogue)) {
        warnings.push({
          message: `The answer to “${pickLocalized(field.label, ctx.lang)}” was ignored: it follows the consent records.`,
          problem: msg('problem.packet.answerIgnored', { field: pickLocalized(field.label, ctx.lang) }),
          fieldId: field.id,
        });
      }
      if (!isEmpty(fromCatalogue)) {
        values[field.id] = fromCatalogue!;
        sources[field.id] = 'catalogue';
      }
      continue;
    }
    if (!isEmpty(answer)) {
      values[field.id] = within(field.id, 'answer', () => pseudonymiseAnswer(ctx, answer!));
      sources[field.id] = 'answer';
    } else if (!isEmpty(fromCatalogue)) {
      values[field.id] = fromCatalogue!;
      sources[field.id] = 'catalogue';
    }
  }
  const unknown = Object.keys(ctx.answers).filter((k) => !allFields(ctx.mechanism).some((f) => f.id === k));
  const check = validateAnswers(ctx.mechanism, { ...values, ...Object.fromEntries(unknown.map((k) => [k, ctx.answers[k]])) });
  const deferredAsked = new Set(ctx.deferred ?? []);
  const deferred = check.missing.filter((id) => deferredAsked.has(id));
  const missing = check.missing.filter((id) => !deferredAsked.has(id));
  const fields: PlannedField[] = [];
  for (const section of ctx.mechanism.sections) {
    for (const field of section.fields) {
      fields.push({
        fieldId: field.id,
        sectionId: section.id,
        label: pickLocalized(field.label, ctx.lang),
        required: isRequired(field, values),
        confidential: field.confidential ?? false,
        source: sources[field.id] ?? 'missing',
        value: values[field.id] ?? null,
        ...(sources[field.id] === 'catalogue' && field.fill ? withOrigin(originOf(ctx, field.fill.from)) : {}),
        ...(deferred.includes(field.id) ? { deferred: true } : {}),
      });
    }
  }
  return { fields, missing, deferred, invalid: check.invalid, warnings };
}

function withOrigin(origin: FieldOrigin | undefined): { origin?: FieldOrigin } {
  return origin ? { origin } : {};
}
