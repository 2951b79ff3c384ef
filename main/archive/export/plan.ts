import { getMechanism, type Answers, type Mechanism } from '../../../shared/mechanisms';
import { coverText, labelled } from '../../../shared/cover';
import type { Case, Testimony, TestimonySummary } from '../../../shared/model/catalogue';
import type { ItemDetail } from '../../../shared/model/items';
import {
  NAME_REPLACEMENT_LIMITS,
  PacketPlanInput,
  type FieldOrigin,
  type PacketBlocker,
  type PacketItemAction,
  type PacketNotice,
  type ContentCredentialsDisclosure,
  type PacketPlan,
  type PlannedContentCredentials,
  type PlannedItem,
  type PlannedTestimony,
} from '../../../shared/model/packet';
import { decodeAgeRecipient } from '../blobs/age-keys';
import { getCase, getTestimony, listTestimonies } from '../catalogue';
import { fieldIssues } from '../../../shared/validation';
import { HuellaError, msg } from '../errors';
import { getItem, itemObjectName } from '../items/items';
import type { Vault } from '../vault/vault';
import { canKeepCaptureDate, canStrip } from '../formats';
import type { OriginalValue } from '../formats/leaks/values';
import { activeTags, itemInCase, liveCaseItemIds, personsLinkedToItems } from '../db/packets';
import { decidePersons, namesToHide, type PersonDecision } from './consent-policy';
import { fieldLabel, fillFields, type FillContext, type TagUse } from './fill';
import { BAG } from '../packet/layout';
import { sidecarPath } from '../packet/c2pa-sidecar';
import { baseNameWithoutExtension, exportFileName, itemLabel, testimonyLabel } from './names';
import { createPseudonymiser, type Pseudonymiser } from './pseudonymise';
import { ReplacementLog } from './replacements';

/**
 * planPacket: decides, without writing anything, what a packet will contain (DESIGN §6). The export runs exactly
 * this plan; the wizard's review page shows it ("what will and will not leave").
 */

export type PlannedItemInternal = {
  readonly planned: PlannedItem;
  readonly detail: ItemDetail;
  readonly objectName: string;
  /** Identifying values of the original with their fields (for the re-read's byte scan of the stripped copy). */
  readonly originalValues: readonly OriginalValue[];
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
  // A copy of a format that cannot hold the date loses it whatever the profile says.
  if (m.captureTime && !(keepCaptureDate && canKeepCaptureDate(detail.mediaType))) out.push('capture-date');
  const segments = Object.keys(m.segments ?? {});
  if (segments.some((s) => /xmp/i.test(s))) out.push('xmp');
  if (segments.some((s) => /iptc/i.test(s))) out.push('iptc');
  if (segments.some((s) => /makernote/i.test(s))) out.push('maker-notes');
  if (segments.some((s) => /ifd1|thumbnail/i.test(s))) out.push('thumbnail');
  if (m.contentCredentials) out.push('content-credentials');
  return out;
}

/** What an item's Content Credentials would disclose if shipped: who signed, when, with what, what they assert. */
function disclosuresOf(cc: NonNullable<ItemDetail['metadata']['contentCredentials']>): ContentCredentialsDisclosure[] {
  return [
    ...(cc.signer ? [{ kind: 'signer' as const, value: cc.signer }] : []),
    ...(cc.issuer ? [{ kind: 'issuer' as const, value: cc.issuer }] : []),
    ...(cc.signedAt ? [{ kind: 'signedAt' as const, value: cc.signedAt }] : []),
    ...(cc.claimGenerator ? [{ kind: 'madeWith' as const, value: cc.claimGenerator }] : []),
    ...Object.keys(cc.captureAssertions ?? {}).map((a) => ({ kind: 'captureAssertion' as const, value: a })),
    ...(cc.actions ?? []).flatMap((a) => (a.softwareAgent ? [{ kind: 'action' as const, value: a.action, agent: a.softwareAgent }] : [])),
  ];
}

/** A disclosure in English, for the plan's log message and the CLI (the app says each in the person's language). */
function disclosureInEnglish(d: ContentCredentialsDisclosure): string {
  switch (d.kind) {
    case 'signer':
      return `signer: ${d.value}`;
    case 'issuer':
      return `issuer: ${d.value}`;
    case 'signedAt':
      return `signed at ${d.value}`;
    case 'madeWith':
      return `made with ${d.value}`;
    case 'captureAssertion':
      return `capture assertion ${d.value}`;
    case 'action':
      return `action ${d.value} by ${d.agent ?? ''}`;
  }
}

/** Whether the item's Content Credentials go as a sidecar: asked for, present, and there is a copy to put it beside. */
function planContentCredentials(detail: ItemDetail, label: string, input: Input, stripped: boolean, p: Problems): PlannedContentCredentials | undefined {
  const asked = input.keepContentCredentials === true || (input.keepContentCredentialsItemIds ?? []).includes(detail.id);
  const cc = detail.metadata.contentCredentials;
  if (!cc) {
    if ((input.keepContentCredentialsItemIds ?? []).includes(detail.id)) {
      p.warnings.push({ message: `${label} (${detail.id}) has no Content Credentials: there is nothing to keep.`, problem: msg('problem.packet.ccNothingToKeep', { label }), itemId: detail.id });
    }
    return undefined;
  }
  const disclosures = disclosuresOf(cc);
  const discloses = disclosures.map(disclosureInEnglish);
  const kept = asked && stripped;
  if (kept) {
    p.warnings.push({
      message: `${label} (${detail.id}): its Content Credentials go with it as ${sidecarPath(label)} (${discloses.join('; ') || 'no signer named'}): they can identify the device or the person. They validate against the original, not the stripped copy.`,
      // What they disclose is listed on the exhibit's row of the review; the sentence names the sidecar only.
      problem: msg('problem.packet.ccKept', { label, path: sidecarPath(label) }),
      itemId: detail.id,
    });
  }
  return { state: cc.state, kept, ...(kept ? { sidecarPath: sidecarPath(label) } : {}), discloses, disclosures };
}

/** Values of the original that must not survive stripping, each with the field it came from (for the message). */
function originalValuesOf(detail: ItemDetail): OriginalValue[] {
  const m = detail.metadata;
  const named: [string, string | undefined][] = [
    ['Make', m.make],
    ['Model', m.model],
    ['serial number', m.serial],
    ['lens serial number', m.lensSerial],
    ['lens model', m.lensModel],
    ['Software', m.software],
    ['copyright', m.copyright],
    ...(m.creators ?? []).map((c): [string, string] => ['author', c]),
    ['file name', baseNameWithoutExtension(detail.originalName)],
    ...(m.gps ? [['GPS latitude', String(m.gps.lat)] as [string, string], ['GPS longitude', String(m.gps.lon)] as [string, string]] : []),
  ];
  const seen = new Set<string>();
  const out: OriginalValue[] = [];
  for (const [field, value] of named) {
    if (typeof value !== 'string' || value.trim().length < 4 || seen.has(value)) continue;
    seen.add(value);
    out.push({ field, value });
  }
  return out;
}

function actionFor(mediaType: string, profile: 'redacted' | 'forensic', originalOnly: boolean): { action: PacketItemAction; reason?: string } {
  if (profile === 'forensic' && originalOnly) return { action: 'encrypt-original-only', reason: 'only the encrypted original is exported, as asked' };
  const support = canStrip(mediaType);
  if (support.ok) return { action: profile === 'forensic' ? 'strip-and-encrypt-original' : 'strip' };
  return profile === 'forensic'
    ? { action: 'encrypt-original-only', reason: `only the encrypted original is exported: ${support.reason}` }
    : { action: 'refuse', reason: `not exported: ${support.reason}` };
}

type Input = ReturnType<typeof PacketPlanInput.parse>;
type Problems = { readonly blockers: PacketBlocker[]; readonly warnings: PacketNotice[] };

/** Forensic: the recipient's age key, decoded; a blocker when it is missing or invalid. */
function planRecipient(input: Input, p: Problems): Buffer | undefined {
  if (input.profile !== 'forensic') {
    if (input.recipient) p.warnings.push({ message: 'A recipient was given but the redacted profile exports no originals; it is not used.', problem: msg('problem.packet.recipientUnused') });
    return undefined;
  }
  if (!input.recipient) {
    p.blockers.push({ code: 'INVALID_INPUT', fieldId: 'recipient', message: "The forensic profile encrypts the originals to the recipient: give the recipient's age public key (age1…)." });
    return undefined;
  }
  try {
    return decodeAgeRecipient(input.recipient);
  } catch (e) {
    p.blockers.push({ code: 'INVALID_INPUT', fieldId: 'recipient', message: e instanceof HuellaError ? e.message : 'The recipient is not a valid age public key.' });
    return undefined;
  }
}

/** The items asked for (or every live item of the case) that can go; a blocker for each that cannot. */
function usableItems(vault: Vault, caseId: string, input: Input, p: Problems): string[] {
  const itemIds = input.itemIds ? [...new Set(input.itemIds)] : liveCaseItemIds(vault.store, caseId);
  const usable: string[] = [];
  for (const id of itemIds) {
    const where = itemInCase(vault.store, caseId, id);
    if (where === 'live') usable.push(id);
    else p.blockers.push({ code: 'NOT_FOUND', itemId: id, message: where === 'deleted' ? `Item ${id} was removed from the vault; it cannot be exported.` : `Item ${id} is not part of case ${caseId}; add it to the case first.` });
  }
  for (const id of input.originalOnlyItemIds ?? []) {
    if (!usable.includes(id)) p.blockers.push({ code: 'NOT_FOUND', itemId: id, message: `Item ${id} was asked to go as an original only, but it is not in this packet.` });
  }
  for (const id of input.keepContentCredentialsItemIds ?? []) {
    if (!usable.includes(id)) p.blockers.push({ code: 'NOT_FOUND', itemId: id, message: `Item ${id} was asked to keep its Content Credentials, but it is not in this packet.` });
  }
  if ((input.originalOnlyItemIds?.length ?? 0) > 0 && input.profile !== 'forensic') {
    p.blockers.push({ code: 'INVALID_INPUT', fieldId: 'originalOnlyItemIds', message: 'Originals are exported only in the forensic profile (encrypted to the recipient): choose the forensic profile.' });
  }
  return usable;
}

/** The testimonies asked for (or every testimony of the case); a blocker for one of another case. */
/** The place of the case's earliest dated testimony that records one (undated ones last, in creation order). */
function earliestPlace(vault: Vault, ofCase: readonly TestimonySummary[]): { place: string; testimony: TestimonySummary } | undefined {
  const byDate = [...ofCase].sort((a, b) => (a.interviewDate ?? '\uffff').localeCompare(b.interviewDate ?? '\uffff'));
  for (const t of byDate) {
    const place = getTestimony(vault, t.id).place?.trim();
    if (place) return { place, testimony: t };
  }
  return undefined;
}

function chosenTestimonies(vault: Vault, caseId: string, input: Input, p: Problems): { chosen: Testimony[]; ofCase: readonly TestimonySummary[] } {
  const ofCase = listTestimonies(vault, { caseId });
  const ids = input.testimonyIds ? [...new Set(input.testimonyIds)] : ofCase.map((t) => t.id);
  const chosen: Testimony[] = [];
  for (const id of ids) {
    if (ofCase.some((t) => t.id === id)) chosen.push(getTestimony(vault, id));
    else p.blockers.push({ code: 'NOT_FOUND', message: `Testimony ${id} is not a testimony of case ${caseId}.` });
  }
  return { chosen, ofCase };
}

function planItem(vault: Vault, id: string, index: number, input: Input, hide: (s: string | undefined) => string | undefined, p: Problems): PlannedItemInternal {
  const detail = getItem(vault, id);
  const label = itemLabel(index);
  const keepCaptureDate = input.keepCaptureDate ?? input.profile === 'forensic';
  const { action, reason } = actionFor(detail.mediaType, input.profile, input.originalOnlyItemIds?.includes(id) ?? false);
  const title = hide(detail.title);
  const name = exportFileName(label, detail.mediaType, [title, input.includeFileNames ? hide(baseNameWithoutExtension(detail.originalName)) : undefined]);
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
  const contentCredentials = planContentCredentials(detail, label, input, stripped, p);
  if (action === 'refuse') p.warnings.push({ message: `${label} (${id}) is not exported: ${reason ?? ''}`, problem: msg('problem.packet.itemNotExported', { label }), itemId: id });
  const shows = [title, hide(detail.description)].filter((s): s is string => typeof s === 'string' && s.trim() !== '').join(' — ');
  return {
    planned: contentCredentials ? { ...planned, contentCredentials } : planned,
    detail,
    objectName: itemObjectName(vault, id),
    originalValues: originalValuesOf(detail),
    shows,
    tagIds: activeTags(vault.store, [id]).map((t) => t.termId),
  };
}

function planTestimony(t: Testimony, index: number, lang: Input['lang'], personById: ReadonlyMap<string, PersonDecision>, pseudonymiser: Pseudonymiser): PlannedTestimonyInternal {
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
    .map(([k, v]) => labelled(k, k === coverText('testimony.witness', lang) ? v : clean(v), lang))
    .join('\n');
  const body = clean(t.text);
  const note = replacements > 0 ? `\n${coverText('testimony.pseudonymised', lang)}` : '';
  const exportText = `${headerText}${note}\n\n${body}${body.endsWith('\n') ? '' : '\n'}`;
  const planned: PlannedTestimony = { testimonyId: t.id, label, included: true, exportPath: `${BAG.testimonies}/${label}.txt`, replacements };
  return { planned, testimony: t, exportText, witness };
}

/** The mechanism's fields from the catalogue and the answers; invalid answers block, missing ones warn. */
function planFields(
  vault: Vault,
  ctx: Omit<FillContext, 'submitter' | 'submitterContact' | 'tags'> & { readonly tagTargets: readonly string[] },
  strictAnswers: boolean,
  p: Problems,
): ReturnType<typeof fillFields> {
  const tags: TagUse[] = activeTags(vault.store, ctx.tagTargets).map((r) => ({ termId: r.termId, details: r.details ? (JSON.parse(r.details) as TagUse['details']) : {} }));
  const actor = vault.log.actor;
  const filled = fillFields({ ...ctx, tags, submitter: actor && actor !== 'owner' ? actor : undefined, submitterContact: vault.getSetting('contact') ?? undefined });
  const label = (id: string) => `“${fieldLabel(ctx.mechanism, id, ctx.lang)}”`;
  p.warnings.push(...filled.warnings);
  for (const inv of filled.invalid) {
    p.blockers.push({
      code: inv.reason === 'consent-not-given' ? 'CONSENT_REQUIRED' : 'INVALID_INPUT',
      fieldId: inv.fieldId,
      message:
        inv.reason === 'consent-not-given'
          ? `The mechanism requires ${label(inv.fieldId)} to be answered yes before a packet can be sent.`
          : `The answer to ${label(inv.fieldId)} is not valid (${inv.reason}).`,
      // Said in the person's language, naming the field (a date typed halfway in the wizard comes here as typed).
      ...(inv.reason === 'consent-not-given'
        ? {}
        : { problem: msg(inv.reason === 'bad-date' ? 'problem.packet.answerNotADate' : 'problem.packet.answerInvalid', { field: fieldLabel(ctx.mechanism, inv.fieldId, ctx.lang) }) }),
    });
  }
  if (strictAnswers) {
    // The app: a required answer is given or deferred on purpose; one that is neither stops the export.
    for (const id of filled.missing) {
      p.blockers.push({ code: 'INVALID_INPUT', fieldId: id, message: `The required answer ${label(id)} is neither given nor left to be completed before sending.`, problem: msg('problem.packet.answerMissing') });
    }
  } else if (filled.missing.length > 0) {
    p.warnings.push({
      message: `Required answers not yet given: ${filled.missing.map(label).join(', ')}. The cover marks them as still to be completed; give them and export again (editing the signed cover afterwards would break its verification).`,
      problem: msg('problem.packet.answersToComplete', { fields: filled.missing.map((id) => fieldLabel(ctx.mechanism, id, ctx.lang)).join(', ') }),
    });
  }
  return filled;
}

/** A testimony as the record a filled value came from: its title (hidden names replaced) and interview date. */
function testimonyOrigin(t: { id: string; title: string; interviewDate?: string } | undefined, pseudonymiser: Pseudonymiser): FieldOrigin | undefined {
  return t ? { kind: 'testimony', recordId: t.id, label: pseudonymiser.apply(t.title).text, ...(t.interviewDate ? { date: t.interviewDate } : {}) } : undefined;
}

export function buildPlan(vault: Vault, rawInput: PacketPlanInput): PlanDetails {
  const input = parse(rawInput);
  const mechanism = getMechanism(input.mechanismId);
  if (!mechanism) throw new HuellaError('INVALID_INPUT', `mechanismId: '${input.mechanismId}' is not a known mechanism.`, { details: { field: 'mechanismId' } });
  const caseRecord = getCase(vault, input.caseId);
  const p: Problems = { blockers: [], warnings: [] };
  const recipientKey = planRecipient(input, p);
  const usable = usableItems(vault, caseRecord.id, input, p);
  const { chosen, ofCase } = chosenTestimonies(vault, caseRecord.id, input, p);

  const witnessIds = new Set(chosen.map((t) => t.witnessId).filter((w): w is string => typeof w === 'string'));
  const decided = decidePersons(vault, mechanism.id, caseRecord.id, { hasMaterial: usable.length + chosen.length > 0, witnessIds, linkedIds: personsLinkedToItems(vault.store, usable) });
  p.blockers.push(...decided.blockers);
  // Every text that leaves goes through the pseudonymiser at a named place, so the review can list each replacement.
  const log = new ReplacementLog(createPseudonymiser(namesToHide(vault, mechanism.id, decided.persons)));
  const pseudonymiser = log.pseudonymiser;
  const hide = (s: string | undefined): string | undefined => (s === undefined ? undefined : pseudonymiser.apply(s).text);

  const items = usable.map((id, index) => log.at({ where: 'item', label: itemLabel(index) }, () => planItem(vault, id, index, input, hide, p)));
  const personById = new Map(decided.persons.map((d) => [d.personId, d]));
  const testimonies = chosen.map((t, index) => log.at({ where: 'testimony', label: testimonyLabel(index) }, () => planTestimony(t, index, input.lang, personById, pseudonymiser)));
  const caseTitle = log.at({ where: 'case' }, () => pseudonymiser.apply(caseRecord.title).text);
  if (pseudonymiser.hidden.length > 0) p.warnings.push({ message: NAME_REPLACEMENT_LIMITS, problem: msg('problem.packet.nameReplacementLimits') });
  const answers: Answers = input.answers ?? {};
  const earliestDated = [...ofCase].filter((t) => typeof t.interviewDate === 'string').sort((a, b) => a.interviewDate!.localeCompare(b.interviewDate!))[0];
  const placed = earliestPlace(vault, ofCase);
  const filled = planFields(
    vault,
    {
      mechanism,
      lang: input.lang,
      caseRecord,
      persons: decided.persons,
      earliestTestimonyDate: earliestDated?.interviewDate,
      earliestTestimonyPlace: placed?.place,
      earliestDateOrigin: testimonyOrigin(earliestDated, pseudonymiser),
      earliestPlaceOrigin: testimonyOrigin(placed?.testimony, pseudonymiser),
      today: new Date().toISOString().slice(0, 10),
      tagTargets: [caseRecord.id, ...usable, ...chosen.map((t) => t.id)],
      itemFiles: items.filter((i) => i.planned.exportPath).map((i) => i.planned.exportPath!.slice(BAG.evidence.length + 1)),
      pseudonymiser,
      answers,
      deferred: input.deferredFields,
      within: (fieldId, source, f) => log.at({ where: 'field', fieldId, source }, f),
    },
    input.deferredFields !== undefined,
    p,
  );
  if (mechanism.status === 'draft') {
    p.warnings.push({ message: `The ${mechanism.id} template is a draft: check every field against the mechanism's current form.`, problem: msg('problem.packet.templateDraft') });
  }
  if (items.every((i) => i.planned.action === 'refuse') && testimonies.length === 0) {
    p.blockers.push({ code: 'INVALID_INPUT', message: 'Nothing to export: the packet would carry no evidence file and no testimony.' });
  }
  const plan = assemblePlan(input, mechanism, caseRecord.id, items, testimonies, decided.persons, filled, p, log.list());
  return { plan, mechanism, caseRecord, caseTitle, items, testimonies, persons: decided.persons, pseudonymiser, recipientKey, answers };
}

function assemblePlan(
  input: Input,
  mechanism: Mechanism,
  caseId: string,
  items: readonly PlannedItemInternal[],
  testimonies: readonly PlannedTestimonyInternal[],
  persons: readonly PersonDecision[],
  filled: ReturnType<typeof fillFields>,
  p: Problems,
  replacements: PacketPlan['replacements'],
): PacketPlan {
  return {
    mechanismId: mechanism.id,
    mechanismTitle: mechanism.title[input.lang] || mechanism.title.en,
    mechanismStatus: mechanism.status,
    caseId,
    profile: input.profile,
    lang: input.lang,
    keepCaptureDate: input.keepCaptureDate ?? input.profile === 'forensic',
    includeFileNames: input.includeFileNames ?? false,
    ...(input.recipient && input.profile === 'forensic' ? { recipient: input.recipient } : {}),
    items: items.map((i) => i.planned),
    testimonies: testimonies.map((t) => t.planned),
    persons: persons.map((d) => ({
      personId: d.personId,
      roles: d.roles,
      pseudonym: d.pseudonym,
      shownAs: d.shownAs,
      consentState: d.consentState,
      ...(d.consentId ? { consentId: d.consentId } : {}),
      materialConsent: d.materialConsent,
      why: d.why,
    })),
    fields: filled.fields,
    missingFields: filled.missing,
    deferredFields: filled.deferred,
    invalidAnswers: filled.invalid,
    replacements,
    blockers: p.blockers,
    warnings: p.warnings.map((w) => w.message),
    notices: p.warnings,
    canExport: p.blockers.length === 0,
  };
}

/** What will and will not leave, for the review page and `huella export --dry-run`. Writes nothing. */
export function planPacket(vault: Vault, input: PacketPlanInput): PacketPlan {
  return buildPlan(vault, input).plan;
}
