import { getMechanism, type Answers, type Mechanism } from '../../../shared/mechanisms';
import { coverText } from '../../../shared/cover';
import type { Case, Testimony } from '../../../shared/model/catalogue';
import type { ItemDetail } from '../../../shared/model/items';
import {
  PacketPlanInput,
  type PacketBlocker,
  type PacketItemAction,
  type PacketPlan,
  type PlannedItem,
  type PlannedTestimony,
} from '../../../shared/model/packet';
import { decodeAgeRecipient } from '../blobs/age-keys';
import { getCase, getTestimony, listTestimonies } from '../catalogue';
import { fieldIssues } from '../../../shared/validation';
import { HuellaError, msg } from '../errors';
import { getItem, itemObjectName } from '../items/items';
import type { Vault } from '../vault/vault';
import { canStrip } from '../formats';
import { activeTags, itemInCase, liveCaseItemIds, personsLinkedToItems } from './catalogue-reads';
import { decidePersons, namesToHide, type PersonDecision } from './consent-policy';
import { fillFields, type TagUse } from './fill';
import { BAG } from '../packet/layout';
import { baseNameWithoutExtension, exportFileName, itemLabel, testimonyLabel } from './names';
import { createPseudonymiser, type Pseudonymiser } from './pseudonymise';

/**
 * planPacket: decides, without writing anything, what a packet will contain (DESIGN §6). The export runs exactly
 * this plan; the wizard's review page shows it ("what will and will not leave").
 */

export type PlannedItemInternal = {
  readonly planned: PlannedItem;
  readonly detail: ItemDetail;
  readonly objectName: string;
  /** Identifying values of the original (for findLeaks' byte scan of the stripped copy). */
  readonly originalValues: readonly string[];
  /** "What it shows": the documenter's title and description, pseudonymised. */
  readonly shows: string;
  readonly tagIds: readonly string[];
};

export type PlannedTestimonyInternal = {
  readonly planned: PlannedTestimony;
  readonly testimony: Testimony;
  /** The exported text file (header + text), names replaced per consent. */
  readonly exportText: string;
  readonly witness: string | undefined;
};

export type PlanDetails = {
  readonly plan: PacketPlan;
  readonly mechanism: Mechanism;
  readonly caseRecord: Case;
  readonly caseTitle: string;
  readonly items: readonly PlannedItemInternal[];
  readonly testimonies: readonly PlannedTestimonyInternal[];
  readonly persons: readonly PersonDecision[];
  readonly pseudonymiser: Pseudonymiser;
  readonly recipientKey: Buffer | undefined;
  readonly answers: Answers;
};

function parse(input: PacketPlanInput): ReturnType<typeof PacketPlanInput.parse> {
  const r = PacketPlanInput.safeParse(input);
  if (!r.success) {
    const issues = fieldIssues(r.error);
    const where = issues[0]?.path.join('.') || 'input';
    throw new HuellaError('INVALID_INPUT', msg('problem.validation.invalidInput'), { details: { field: where }, issues });
  }
  return r.data;
}

function removesOf(detail: ItemDetail, keepCaptureDate: boolean): string[] {
  const m = detail.metadata;
  const out: string[] = [];
  if (m.gps) out.push('gps');
  if (m.serial || m.lensSerial) out.push('serial');
  if (m.make || m.model || m.lensModel) out.push('make-model');
  if ((m.creators && m.creators.length > 0) || m.copyright) out.push('owner');
  if (m.software) out.push('software');
  if (m.captureTime && !keepCaptureDate) out.push('capture-date');
  const segments = Object.keys(m.segments ?? {});
  if (segments.some((s) => /xmp/i.test(s))) out.push('xmp');
  if (segments.some((s) => /iptc/i.test(s))) out.push('iptc');
  if (segments.some((s) => /makernote/i.test(s))) out.push('maker-notes');
  if (segments.some((s) => /ifd1|thumbnail/i.test(s))) out.push('thumbnail');
  return out;
}

/** Strings of the original that must not survive stripping (each ≥ 4 characters is searched in the copy's bytes). */
function originalValuesOf(detail: ItemDetail): string[] {
  const m = detail.metadata;
  const values = [m.make, m.model, m.serial, m.lensSerial, m.lensModel, m.software, m.copyright, ...(m.creators ?? []), baseNameWithoutExtension(detail.originalName)];
  if (m.gps) values.push(String(m.gps.lat), String(m.gps.lon));
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.trim().length >= 4))];
}

function actionFor(mediaType: string, profile: 'redacted' | 'forensic'): { action: PacketItemAction; reason?: string } {
  const support = canStrip(mediaType);
  if (support.ok) return { action: profile === 'forensic' ? 'strip-and-encrypt-original' : 'strip' };
  return profile === 'forensic'
    ? { action: 'encrypt-original-only', reason: `only the encrypted original is exported: ${support.reason}` }
    : { action: 'refuse', reason: `not exported: ${support.reason}` };
}

export function buildPlan(vault: Vault, rawInput: PacketPlanInput): PlanDetails {
  const input = parse(rawInput);
  const mechanism = getMechanism(input.mechanismId);
  if (!mechanism) throw new HuellaError('INVALID_INPUT', `mechanismId: '${input.mechanismId}' is not a known mechanism.`, { details: { field: 'mechanismId' } });
  const caseRecord = getCase(vault, input.caseId);
  const lang = input.lang;
  const profile = input.profile;
  const keepCaptureDate = input.keepCaptureDate ?? profile === 'forensic';
  const includeFileNames = input.includeFileNames ?? false;
  const answers: Answers = input.answers ?? {};
  const blockers: PacketBlocker[] = [];
  const warnings: string[] = [];

  // Recipient (forensic).
  let recipientKey: Buffer | undefined;
  if (profile === 'forensic') {
    if (!input.recipient) {
      blockers.push({ code: 'INVALID_INPUT', fieldId: 'recipient', message: "The forensic profile encrypts the originals to the recipient: give the recipient's age public key (age1…)." });
    } else {
      try {
        recipientKey = decodeAgeRecipient(input.recipient);
      } catch (e) {
        blockers.push({ code: 'INVALID_INPUT', fieldId: 'recipient', message: e instanceof HuellaError ? e.message : 'The recipient is not a valid age public key.' });
      }
    }
  } else if (input.recipient) {
    warnings.push('A recipient was given but the redacted profile exports no originals; it is not used.');
  }

  // Items.
  const itemIds = input.itemIds ? [...new Set(input.itemIds)] : liveCaseItemIds(vault, caseRecord.id);
  const usable: string[] = [];
  for (const id of itemIds) {
    const where = itemInCase(vault, caseRecord.id, id);
    if (where === 'live') usable.push(id);
    else blockers.push({ code: 'NOT_FOUND', itemId: id, message: where === 'deleted' ? `Item ${id} was removed from the vault; it cannot be exported.` : `Item ${id} is not part of case ${caseRecord.id}; add it to the case first.` });
  }

  // Testimonies.
  const caseTestimonies = listTestimonies(vault, { caseId: caseRecord.id });
  const testimonyIds = input.testimonyIds ? [...new Set(input.testimonyIds)] : caseTestimonies.map((t) => t.id);
  const testimonies: Testimony[] = [];
  for (const id of testimonyIds) {
    if (!caseTestimonies.some((t) => t.id === id)) {
      blockers.push({ code: 'NOT_FOUND', message: `Testimony ${id} is not a testimony of case ${caseRecord.id}.` });
      continue;
    }
    testimonies.push(getTestimony(vault, id));
  }

  // Persons and consent.
  const witnessIds = new Set(testimonies.map((t) => t.witnessId).filter((w): w is string => typeof w === 'string'));
  const linkedIds = personsLinkedToItems(vault, usable);
  const decided = decidePersons(vault, mechanism.id, caseRecord.id, { hasMaterial: usable.length + testimonies.length > 0, witnessIds, linkedIds });
  blockers.push(...decided.blockers);
  const pseudonymiser = createPseudonymiser(namesToHide(vault, mechanism.id, decided.persons));
  const hide = (s: string | undefined): string | undefined => (s === undefined ? undefined : pseudonymiser.apply(s).text);

  const items: PlannedItemInternal[] = usable.map((id, index) => {
    const detail = getItem(vault, id);
    const label = itemLabel(index);
    const { action, reason } = actionFor(detail.mediaType, profile);
    const title = hide(detail.title);
    const name = exportFileName(label, detail.mediaType, [title, includeFileNames ? hide(baseNameWithoutExtension(detail.originalName)) : undefined]);
    const stripped = action === 'strip' || action === 'strip-and-encrypt-original';
    const encrypted = action === 'strip-and-encrypt-original' || action === 'encrypt-original-only';
    const planned: PlannedItem = {
      itemId: id,
      label,
      mediaType: detail.mediaType,
      action,
      ...(stripped ? { exportPath: `${BAG.evidence}/${name}` } : {}),
      ...(encrypted ? { originalPath: `${BAG.originals}/${name}.age` } : {}),
      removes: stripped ? removesOf(detail, keepCaptureDate) : [],
      ...(reason ? { reason } : {}),
    };
    if (action === 'refuse') warnings.push(`${label} (${id}) is not exported: ${reason ?? ''}`);
    const shows = [title, hide(detail.description)].filter((s): s is string => typeof s === 'string' && s.trim() !== '').join(' — ');
    return { planned, detail, objectName: itemObjectName(vault, id), originalValues: originalValuesOf(detail), shows, tagIds: activeTags(vault, [id]).map((t) => t.termId) };
  });

  const personById = new Map(decided.persons.map((p) => [p.personId, p]));
  const plannedTestimonies: PlannedTestimonyInternal[] = testimonies.map((t, index) => {
    const label = testimonyLabel(index);
    const witness = t.witnessId ? (personById.get(t.witnessId)?.display ?? '—') : undefined;
    const header: [string, string | undefined][] = [
      [coverText('testimony.title', lang), t.title],
      [coverText('testimony.witness', lang), witness],
      [coverText('testimony.date', lang), t.interviewDate],
      [coverText('testimony.place', lang), t.place],
      [coverText('testimony.interviewer', lang), t.interviewer],
      [coverText('testimony.language', lang), t.language],
      [coverText('testimony.interpreter', lang), t.interpreter],
      [coverText('testimony.revision', lang), String(t.revision)],
    ];
    let replacements = 0;
    const clean = (s: string): string => {
      const r = pseudonymiser.apply(s);
      replacements += r.count;
      return r.text;
    };
    const headerText = header
      .filter((h): h is [string, string] => typeof h[1] === 'string' && h[1] !== '')
      .map(([k, v]) => `${k}: ${k === coverText('testimony.witness', lang) ? v : clean(v)}`)
      .join('\n');
    const body = clean(t.text);
    const note = replacements > 0 ? `\n${coverText('testimony.pseudonymised', lang)}` : '';
    const exportText = `${headerText}${note}\n\n${body}${body.endsWith('\n') ? '' : '\n'}`;
    const planned: PlannedTestimony = { testimonyId: t.id, label, included: true, exportPath: `${BAG.testimonies}/${label}.txt`, replacements };
    return { planned, testimony: t, exportText, witness };
  });
  if (pseudonymiser.hidden.length > 0) {
    warnings.push(
      'Real names of people without consent to disclosure were replaced by pseudonyms where written in full or by name parts of 4+ letters; nicknames, initials, other spellings and names inside evidence files are NOT found: read every text before sending.',
    );
  }

  // Tags for the template: case, items, testimonies.
  const tagRows = activeTags(vault, [caseRecord.id, ...usable, ...testimonies.map((t) => t.id)]);
  const tags: TagUse[] = tagRows.map((r) => ({ termId: r.termId, details: r.details ? (JSON.parse(r.details) as TagUse['details']) : {} }));
  const dates = caseTestimonies.map((t) => t.interviewDate).filter((d): d is string => typeof d === 'string').sort();
  const actor = vault.log.actor;
  const filled = fillFields({
    mechanism,
    lang,
    caseRecord,
    persons: decided.persons,
    earliestTestimonyDate: dates[0],
    tags,
    itemFiles: items.filter((i) => i.planned.exportPath).map((i) => i.planned.exportPath!.slice(BAG.evidence.length + 1)),
    submitter: actor && actor !== 'owner' ? actor : undefined,
    pseudonymiser,
    answers,
  });
  warnings.push(...filled.warnings);
  for (const inv of filled.invalid) {
    blockers.push({
      code: inv.reason === 'consent-not-given' ? 'CONSENT_REQUIRED' : 'INVALID_INPUT',
      fieldId: inv.fieldId,
      message:
        inv.reason === 'consent-not-given'
          ? `The mechanism requires '${inv.fieldId}' to be answered yes before a packet can be sent.`
          : `The answer to '${inv.fieldId}' is not valid (${inv.reason}).`,
    });
  }
  if (filled.missing.length > 0) warnings.push(`Required fields still to be completed in the cover document: ${filled.missing.join(', ')}.`);
  if (mechanism.status === 'draft') warnings.push(`The ${mechanism.id} template is a draft: check every field against the mechanism's current form.`);
  if (items.every((i) => i.planned.action === 'refuse') && plannedTestimonies.length === 0) {
    blockers.push({ code: 'INVALID_INPUT', message: 'Nothing to export: the packet would carry no evidence file and no testimony.' });
  }

  const plan: PacketPlan = {
    mechanismId: mechanism.id,
    mechanismTitle: mechanism.title[lang] || mechanism.title.en,
    mechanismStatus: mechanism.status,
    caseId: caseRecord.id,
    profile,
    lang,
    keepCaptureDate,
    includeFileNames,
    ...(input.recipient && profile === 'forensic' ? { recipient: input.recipient } : {}),
    items: items.map((i) => i.planned),
    testimonies: plannedTestimonies.map((t) => t.planned),
    persons: decided.persons.map((p) => ({
      personId: p.personId,
      roles: p.roles,
      pseudonym: p.pseudonym,
      shownAs: p.shownAs,
      consentState: p.consentState,
      ...(p.consentId ? { consentId: p.consentId } : {}),
      materialConsent: p.materialConsent,
      why: p.why,
    })),
    fields: filled.fields,
    missingFields: filled.missing,
    invalidAnswers: filled.invalid,
    blockers,
    warnings,
    canExport: blockers.length === 0,
  };
  return {
    plan,
    mechanism,
    caseRecord,
    caseTitle: pseudonymiser.apply(caseRecord.title).text,
    items,
    testimonies: plannedTestimonies,
    persons: decided.persons,
    pseudonymiser,
    recipientKey,
    answers,
  };
}

/** What will and will not leave, for the review page and `huella export --dry-run`. Writes nothing. */
export function planPacket(vault: Vault, input: PacketPlanInput): PacketPlan {
  return buildPlan(vault, input).plan;
}
