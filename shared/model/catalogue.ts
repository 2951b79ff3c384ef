import { z } from 'zod';
import {
  LIMITS,
  caseId,
  consentId,
  countryCode,
  dateOrDateTime,
  itemId,
  languageTag,
  linkId,
  longText,
  mechanismId,
  optionalText,
  partialDate,
  personId,
  requiredText,
  tagAssignmentId,
  termId,
  testimonyId,
} from './fields';
import { V } from '../validation';

/**
 * The catalogue (DESIGN §4): domain types shared by main (archive, ipc, cli) and the renderer, and the zod schemas
 * of every catalogue input. Pure: no Node imports. Services parse their input with these schemas, so the API
 * contract and the CLI refuse exactly what the archive refuses.
 *
 * Update inputs: a field left out is unchanged; `null` (or an empty string) clears it.
 */

// ------------------------------------------------------------------------------------------------ enumerations

export const CASE_STATUSES = ['open', 'submitted', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const PERSON_ROLES = ['victim', 'witness', 'alleged-perpetrator', 'documenter', 'family', 'representative', 'source'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

export const CONSENT_RECORDING_METHODS = ['written-signed', 'oral-recorded', 'oral-witnessed', 'electronic', 'other'] as const;
export type ConsentRecordingMethod = (typeof CONSENT_RECORDING_METHODS)[number];

/**
 * What a person allows for one mechanism, derived from their consent records:
 *
 * - The records that apply to (person, mechanism M) are those recorded for M and those recorded for '*' (any
 *   mechanism). The one in force is the newest of them (by `givenAt`, then by when it was recorded).
 * - If the one in force is revoked, the state is 'revoked': withdrawing consent never brings an older consent back.
 * - Otherwise: name may be disclosed and material shared → 'granted'; material may be shared but the name must be
 *   withheld (pseudonym only) → 'name-withheld'; the name may be given but the material must not leave the vault →
 *   'material-withheld'; neither → 'refused'.
 * - No record applies → 'none' (never asked, or not recorded: treat as not allowed).
 */
export const CONSENT_STATES = ['granted', 'name-withheld', 'material-withheld', 'refused', 'none', 'revoked'] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

export const TAG_TARGET_TYPES = ['item', 'testimony', 'case'] as const;
export type TagTargetType = (typeof TAG_TARGET_TYPES)[number];

export const LINK_ENDPOINT_TYPES = ['item', 'testimony', 'case', 'person'] as const;
export type LinkEndpointType = (typeof LINK_ENDPOINT_TYPES)[number];

/** How two catalogue objects relate. An enumeration (not free text) so it can appear in custody events as is. */
export const LINK_RELATIONS = ['depicts', 'corroborates', 'contradicts', 'mentions', 'same-incident', 'source-of', 'related'] as const;
export type LinkRelation = (typeof LINK_RELATIONS)[number];

export const SEARCH_DOC_TYPES = ['item', 'case', 'testimony', 'person'] as const;
export type SearchDocType = (typeof SEARCH_DOC_TYPES)[number];

export const SEARCH_SORTS = ['relevance', 'date-desc', 'date-asc', 'name'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

/** Which kind of catalogue object an id names, from its prefix (ids are `<prefix>_<10 chars>`). */
export const ID_PREFIX_TYPES = { it: 'item', tes: 'testimony', case: 'case', per: 'person' } as const satisfies Record<string, LinkEndpointType>;

// ------------------------------------------------------------------------------------------------ domain types

export type CasePerson = { readonly personId: string; readonly pseudonym: string; readonly role: PersonRole };

export type CaseSummary = {
  readonly id: string;
  readonly title: string;
  readonly country?: string;
  readonly status: CaseStatus;
  readonly updatedAt: string;
  readonly itemCount: number;
  readonly testimonyCount: number;
  readonly personCount: number;
};

export type Case = CaseSummary & {
  readonly summary?: string;
  readonly notes?: string;
  readonly mechanisms: readonly string[];
  readonly createdAt: string;
  readonly persons: readonly CasePerson[];
};

export type PersonCaseRole = { readonly caseId: string; readonly role: PersonRole };

export type PersonSummary = { readonly id: string; readonly pseudonym: string; readonly realName: string; readonly roles: readonly PersonCaseRole[] };

export type Person = PersonSummary & {
  readonly sex?: Sex;
  readonly birthDate?: string;
  readonly nationality?: string;
  readonly occupation?: string;
  readonly contact?: string;
  readonly notes?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
};

/** The structured fields of a testimony (everything but the text), as kept in each revision. */
export type TestimonyFields = {
  readonly caseId: string | null;
  readonly witnessId: string | null;
  readonly title: string;
  readonly interviewDate: string | null;
  readonly place: string | null;
  readonly interviewer: string | null;
  readonly language: string | null;
  readonly interpreter: string | null;
};

export type TestimonySummary = {
  readonly id: string;
  readonly caseId?: string;
  readonly witnessId?: string;
  readonly title: string;
  readonly interviewDate?: string;
  readonly revision: number;
  readonly updatedAt: string;
};

export type Testimony = TestimonySummary & {
  readonly place?: string;
  readonly interviewer?: string;
  readonly language?: string;
  readonly interpreter?: string;
  readonly text: string;
  readonly createdAt: string;
  readonly itemIds: readonly string[];
};

export type TestimonyRevision = {
  readonly testimonyId: string;
  readonly revision: number;
  readonly fields: TestimonyFields;
  readonly text: string;
  readonly savedAt: string;
  /** The custody event (testimony.created or testimony.edited) that commits to this revision. */
  readonly eventSeq: number;
};

export type TestimonyRevisionSummary = {
  readonly revision: number;
  readonly title: string;
  readonly savedAt: string;
  readonly eventSeq: number;
  /** Length of the text in characters. */
  readonly textLength: number;
};

export type Consent = {
  readonly id: string;
  readonly personId: string;
  readonly mechanism: string;
  readonly discloseName: boolean;
  readonly shareMaterial: boolean;
  readonly recipients?: string;
  readonly givenAt: string;
  readonly howRecorded: ConsentRecordingMethod;
  readonly evidenceItemId?: string;
  readonly notes?: string;
  readonly recordedAt: string;
  readonly revokedAt?: string;
};

export type ConsentStatus = {
  readonly personId: string;
  readonly mechanism: string;
  readonly state: ConsentState;
  /** The record in force (absent when the state is 'none'). */
  readonly consentId?: string;
};

export type TagDetailValue = string | readonly string[];

export type TagAssignment = {
  readonly id: string;
  readonly targetType: TagTargetType;
  readonly targetId: string;
  readonly termId: string;
  readonly details: Readonly<Record<string, TagDetailValue>>;
  readonly assignedBy: string;
  readonly assignedAt: string;
  /** The term was retired from its taxonomy after this assignment; it stays valid and resolvable. */
  readonly retired: boolean;
};

export type Link = {
  readonly id: string;
  readonly fromType: LinkEndpointType;
  readonly fromId: string;
  readonly toType: LinkEndpointType;
  readonly toId: string;
  readonly relation: LinkRelation;
  readonly note?: string;
  readonly createdAt: string;
};

export type SearchHit = {
  readonly docType: SearchDocType;
  readonly id: string;
  readonly title: string;
  /** Text around the first match, in the original spelling (accents kept); the start of the text when browsing. */
  readonly snippet: string;
  /** [start, end) ranges of `snippet` that matched the query, for highlighting. */
  readonly highlights: readonly (readonly [number, number])[];
  readonly mediaType?: string;
  readonly captureTime?: string;
  readonly hasGps?: boolean;
};

export type SearchResult = { readonly total: number; readonly offset: number; readonly hits: readonly SearchHit[] };

// ------------------------------------------------------------------------------------------------ input schemas

const nullableText = (max: number) => optionalText(max).nullable().optional();
const nullableLong = (maxBytes: number) => longText(maxBytes).nullable().optional();
const idList = <T extends z.ZodType>(id: T) => z.array(id).min(1, { message: V('problem.validation.needsOne') }).max(LIMITS.idsPerCall, { message: V('problem.validation.tooMany') });
const mechanismList = z.array(mechanismId).max(50, { message: V('problem.validation.tooMany') });

export const CaseCreateInput = z
  .object({
    title: requiredText(LIMITS.title),
    country: countryCode.optional(),
    status: z.enum(CASE_STATUSES).optional(),
    summary: longText(LIMITS.summaryBytes).optional(),
    notes: longText(LIMITS.notesBytes).optional(),
    mechanisms: mechanismList.optional(),
  })
  .strict();
export type CaseCreateInput = z.input<typeof CaseCreateInput>;

export const CaseUpdateInput = z
  .object({
    id: caseId,
    title: requiredText(LIMITS.title).optional(),
    country: countryCode.nullable().optional(),
    status: z.enum(CASE_STATUSES).optional(),
    summary: nullableLong(LIMITS.summaryBytes),
    notes: nullableLong(LIMITS.notesBytes),
    mechanisms: mechanismList.optional(),
  })
  .strict();
export type CaseUpdateInput = z.input<typeof CaseUpdateInput>;

export const CaseIdInput = z.object({ id: caseId }).strict();
export type CaseIdInput = z.input<typeof CaseIdInput>;

export const CaseItemsInput = z.object({ caseId, itemIds: idList(itemId) }).strict();
export type CaseItemsInput = z.input<typeof CaseItemsInput>;

export const PersonCreateInput = z
  .object({
    realName: requiredText(LIMITS.name),
    pseudonym: requiredText(LIMITS.name),
    sex: z.enum(SEXES).optional(),
    birthDate: partialDate.optional(),
    nationality: countryCode.optional(),
    occupation: optionalText(LIMITS.shortText).optional(),
    contact: optionalText(LIMITS.shortText).optional(),
    notes: longText(LIMITS.notesBytes).optional(),
  })
  .strict();
export type PersonCreateInput = z.input<typeof PersonCreateInput>;

export const PersonUpdateInput = z
  .object({
    id: personId,
    realName: requiredText(LIMITS.name).optional(),
    pseudonym: requiredText(LIMITS.name).optional(),
    sex: z.enum(SEXES).nullable().optional(),
    birthDate: partialDate.nullable().optional(),
    nationality: countryCode.nullable().optional(),
    occupation: nullableText(LIMITS.shortText),
    contact: nullableText(LIMITS.shortText),
    notes: nullableLong(LIMITS.notesBytes),
  })
  .strict();
export type PersonUpdateInput = z.input<typeof PersonUpdateInput>;

export const PersonIdInput = z.object({ id: personId }).strict();
export type PersonIdInput = z.input<typeof PersonIdInput>;

export const PersonRoleInput = z.object({ personId, caseId, role: z.enum(PERSON_ROLES) }).strict();
export type PersonRoleInput = z.input<typeof PersonRoleInput>;

export const TestimonyCreateInput = z
  .object({
    caseId: caseId.optional(),
    witnessId: personId.optional(),
    title: requiredText(LIMITS.title),
    interviewDate: partialDate.optional(),
    place: optionalText(LIMITS.place).optional(),
    interviewer: optionalText(LIMITS.name).optional(),
    language: languageTag.optional(),
    interpreter: optionalText(LIMITS.name).optional(),
    text: longText(LIMITS.testimonyBytes).optional(),
  })
  .strict();
export type TestimonyCreateInput = z.input<typeof TestimonyCreateInput>;

export const TestimonyEditInput = z
  .object({
    id: testimonyId,
    /** The revision the editor started from: a save over a newer revision is refused (CONFLICT), never lost. */
    baseRevision: z.number().int().min(1).optional(),
    caseId: caseId.nullable().optional(),
    witnessId: personId.nullable().optional(),
    title: requiredText(LIMITS.title).optional(),
    interviewDate: partialDate.nullable().optional(),
    place: nullableText(LIMITS.place),
    interviewer: nullableText(LIMITS.name),
    language: languageTag.nullable().optional(),
    interpreter: nullableText(LIMITS.name),
    text: longText(LIMITS.testimonyBytes).optional(),
  })
  .strict();
export type TestimonyEditInput = z.input<typeof TestimonyEditInput>;

export const TestimonyIdInput = z.object({ id: testimonyId }).strict();
export type TestimonyIdInput = z.input<typeof TestimonyIdInput>;

export const TestimonyItemsInput = z.object({ testimonyId, itemIds: idList(itemId) }).strict();
export type TestimonyItemsInput = z.input<typeof TestimonyItemsInput>;

export const ConsentRecordInput = z
  .object({
    personId,
    mechanism: mechanismId,
    discloseName: z.boolean(),
    shareMaterial: z.boolean(),
    recipients: optionalText(LIMITS.shortText).optional(),
    givenAt: dateOrDateTime,
    howRecorded: z.enum(CONSENT_RECORDING_METHODS),
    evidenceItemId: itemId.optional(),
    notes: longText(LIMITS.notesBytes).optional(),
  })
  .strict();
export type ConsentRecordInput = z.input<typeof ConsentRecordInput>;

export const ConsentIdInput = z.object({ id: consentId }).strict();
export type ConsentIdInput = z.input<typeof ConsentIdInput>;

/** A tag target or link endpoint: an item, testimony or case id (persons are not tagged). */
export const tagTargetId = z.string().regex(/^(it|tes|case)_[0-9a-z]{10}$/, { message: V('problem.validation.notAnId') });
export const linkEndpointId = z.string().regex(/^(it|tes|case|per)_[0-9a-z]{10}$/, { message: V('problem.validation.notAnId') });

/** Detail values: text for text fields, a list of choice ids or person ids for multichoice/persons fields. */
const detailValue = z.union([
  z.string().max(LIMITS.notesBytes, { message: V('problem.validation.tooLong') }),
  z.array(z.string().max(LIMITS.detailValue, { message: V('problem.validation.tooLong') })).max(100, { message: V('problem.validation.tooMany') }),
]);

export const TagAssignInput = z
  .object({
    targetId: tagTargetId,
    termId,
    details: z.record(z.string().regex(/^[a-z][a-zA-Z0-9]{0,63}$/, { message: V('problem.validation.notAFieldName') }), detailValue).optional(),
  })
  .strict();
export type TagAssignInput = z.input<typeof TagAssignInput>;

/**
 * New details for one active assignment (the term stays): one call, one transaction (the old assignment is removed
 * and the new one assigned, both custody events). `details` is the whole new set; an empty object clears them.
 */
export const TagEditDetailsInput = z
  .object({
    targetId: tagTargetId,
    assignmentId: tagAssignmentId,
    details: z.record(z.string().regex(/^[a-z][a-zA-Z0-9]{0,63}$/, { message: V('problem.validation.notAFieldName') }), detailValue),
  })
  .strict();
export type TagEditDetailsInput = z.input<typeof TagEditDetailsInput>;

/** Removes the active assignments of `termId` on the target (all of them, or only `assignmentId`). */
export const TagRemoveInput = z.object({ targetId: tagTargetId, termId, assignmentId: tagAssignmentId.optional() }).strict();
export type TagRemoveInput = z.input<typeof TagRemoveInput>;

export const LinkCreateInput = z
  .object({ fromId: linkEndpointId, toId: linkEndpointId, relation: z.enum(LINK_RELATIONS), note: longText(LIMITS.notesBytes).optional() })
  .strict();
export type LinkCreateInput = z.input<typeof LinkCreateInput>;

export const LinkIdInput = z.object({ id: linkId }).strict();
export type LinkIdInput = z.input<typeof LinkIdInput>;

export const ItemEditInput = z
  .object({ id: itemId, title: nullableText(LIMITS.title), description: nullableLong(LIMITS.notesBytes), place: nullableText(LIMITS.place) })
  .strict();
export type ItemEditInput = z.input<typeof ItemEditInput>;

export const ItemDeleteInput = z.object({ id: itemId, reason: requiredText(LIMITS.reason) }).strict();
export type ItemDeleteInput = z.input<typeof ItemDeleteInput>;

export const ItemIdInput = z.object({ id: itemId }).strict();
export type ItemIdInput = z.input<typeof ItemIdInput>;

export const SearchFilters = z
  .object({
    caseId: caseId.optional(),
    /** A media type or its prefix, e.g. 'image/' or 'application/pdf'. Items only. */
    mediaType: z.string().regex(/^[a-z0-9][a-z0-9.+/-]{0,99}$/i, { message: V('problem.validation.notAMediaType') }).optional(),
    /** Every listed term must be assigned (AND). Items, testimonies and cases. */
    tags: z.array(termId).max(20, { message: V('problem.validation.tooMany') }).optional(),
    /** Capture time, falling back to ingest time (items); interview date, falling back to creation (others). */
    dateFrom: dateOrDateTime.optional(),
    dateTo: dateOrDateTime.optional(),
    /** Substring of the item's place, accents and case ignored. Items only. */
    place: optionalText(LIMITS.place).optional(),
    /** Items only. */
    hasGps: z.boolean().optional(),
    /** Items in a case where some person (other than an alleged perpetrator) has this consent state. Items only. */
    consentState: z.enum(CONSENT_STATES).optional(),
    /** The mechanism `consentState` is about; absent = any mechanism. */
    consentMechanism: mechanismId.optional(),
    docTypes: z.array(z.enum(SEARCH_DOC_TYPES)).min(1).max(SEARCH_DOC_TYPES.length).optional(),
  })
  .strict();
export type SearchFilters = z.input<typeof SearchFilters>;

export const SearchQuery = z
  .object({
    text: z.string().max(LIMITS.query, { message: V('problem.validation.tooLong') }).optional(),
    filters: SearchFilters.optional(),
    sort: z.enum(SEARCH_SORTS).optional(),
    offset: z.number().int().min(0).max(10_000_000).optional(),
    limit: z.number().int().min(1).max(500, { message: V('problem.validation.tooLarge') }).optional(),
  })
  .strict();
export type SearchQuery = z.input<typeof SearchQuery>;

/** The object type an id names, or undefined. */
export function typeOfId(id: string): LinkEndpointType | undefined {
  const prefix = id.slice(0, id.indexOf('_'));
  return Object.hasOwn(ID_PREFIX_TYPES, prefix) ? ID_PREFIX_TYPES[prefix as keyof typeof ID_PREFIX_TYPES] : undefined;
}
