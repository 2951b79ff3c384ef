import type { Localized } from '../localized';
import type { TaxonomyId } from '../taxonomy/types';

/**
 * UN mechanism templates (DESIGN §6): what each mechanism asks for, in its own order, and which catalogue data can
 * fill each answer. A new mechanism is a new JSON file, not new code. The packet builder and the wizard/CLI read
 * these; anything a template field has no `fill` for is asked of the documenter.
 */

export const FIELD_TYPES = ['text', 'longtext', 'date', 'choice', 'multichoice', 'boolean', 'country', 'person', 'items'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/**
 * Catalogue paths a field can be pre-filled from. A closed list: the packet builder implements each one, and a
 * template naming anything else fails its unit test. Every path resolves for the case the packet is built for.
 */
export const FILL_PATHS = [
  /** The case's title. */
  'case.title',
  /** The case's country, ISO 3166-1 alpha-2. */
  'case.country',
  /**
   * The victim's name as the consent record allows for THIS mechanism: the real name when consent to disclose it
   * to this mechanism is recorded, otherwise the pseudonym. Never the real name by default.
   */
  'victim.displayName',
  /**
   * The victim's family name (the last word of the real name) when consent to disclose it to this mechanism is
   * recorded, otherwise the pseudonym. Never the real name by default.
   */
  'victim.familyName',
  /** The victim's given names (the real name but its last word) as consent allows, otherwise the pseudonym. */
  'victim.givenNames',
  /** The victim's sex as recorded, one of SEX_VALUES; nothing when not recorded or recorded as unknown. */
  'victim.sex',
  /** The victim's date of birth (ISO date, possibly only year or year-month). */
  'victim.birthDate',
  /** The victim's nationality, ISO 3166-1 alpha-2. */
  'victim.nationality',
  /** The victim's occupation or role (e.g. journalist, human rights defender). */
  'victim.occupation',
  /** Names of the case's persons with the role 'alleged-perpetrator', as recorded (names, units, ranks). */
  'perpetrators.displayNames',
  /** The earliest event date recorded in the case's testimonies (ISO date). */
  'testimony.earliestDate',
  /** The place recorded with the case's earliest dated testimony (else the first testimony with a place). */
  'testimony.earliestPlace',
  /** The case's summary (what happened, as the documenter wrote it). */
  'case.summary',
  /**
   * From the victim's consent in force for this mechanism: may the name be disclosed. True for the consent states
   * 'granted' and 'material-withheld'; false for every other state, 'none' included (never asked = not allowed).
   */
  'consent.nameDisclosure',
  /**
   * From the victim's consent in force for this mechanism: may the material be shared with it. True for the
   * consent states 'granted' and 'name-withheld'; false otherwise.
   */
  'consent.sharing',
  /**
   * From the victim's consent records for this mechanism: was the person asked and informed (any decision recorded,
   * granting or refusing). False when nothing is recorded.
   */
  'consent.recorded',
  /** The case's tags from the WGAD categories taxonomy (term ids; labels in the packet language). */
  'tags.wgad-categories',
  /** The case's tags from the Istanbul Protocol methods taxonomy, with their assignment details. */
  'tags.istanbul-protocol-methods',
  /** The case's tags from the violation types taxonomy. */
  'tags.violation-types',
  /** The case's tags from the perpetrator types taxonomy. */
  'tags.perpetrator-types',
  /** The case's tags from the detention place types taxonomy. */
  'tags.detention-place-types',
  /** The items chosen for the packet, as a numbered list (title, date, type, exported file name). */
  'items.index',
  /** The name of the documenter preparing the packet (the app's configured actor). */
  'submitter.name',
  /** How to reach the documenter preparing the packet (Settings: contact for packets). */
  'submitter.contact',
  /** The day the packet is prepared (ISO date, UTC). */
  'packet.date',
] as const;

export type FillPath = (typeof FILL_PATHS)[number];

export type FillRule = { readonly from: FillPath };

/** What `victim.sex` yields; a field filled from it must offer these choices. */
export const SEX_VALUES = ['female', 'male', 'other'] as const;

/** Which field types each fill path can fill (the builder converts, e.g. a list of tag labels into text). */
export const FILL_TARGETS: { readonly [P in FillPath]: readonly FieldType[] } = {
  'case.title': ['text', 'longtext'],
  'case.country': ['country'],
  'victim.displayName': ['text'],
  'victim.familyName': ['text'],
  'victim.givenNames': ['text'],
  'victim.sex': ['choice'],
  'victim.birthDate': ['date', 'text'],
  'victim.nationality': ['country'],
  'victim.occupation': ['text'],
  'perpetrators.displayNames': ['text', 'longtext'],
  'testimony.earliestDate': ['date'],
  'testimony.earliestPlace': ['text', 'longtext'],
  'case.summary': ['text', 'longtext'],
  'consent.nameDisclosure': ['boolean'],
  'consent.sharing': ['boolean'],
  'consent.recorded': ['boolean'],
  'tags.wgad-categories': ['multichoice', 'text', 'longtext'],
  'tags.istanbul-protocol-methods': ['multichoice', 'text', 'longtext'],
  'tags.violation-types': ['multichoice', 'text', 'longtext'],
  'tags.perpetrator-types': ['multichoice', 'text', 'longtext'],
  'tags.detention-place-types': ['multichoice', 'text', 'longtext'],
  'items.index': ['items'],
  'submitter.name': ['text'],
  'submitter.contact': ['text', 'longtext'],
  'packet.date': ['date'],
};

/** The taxonomy a `tags.*` path reads; a multichoice filled from it must use that taxonomy's term ids as choices. */
export function taxonomyOfFillPath(path: FillPath): TaxonomyId | undefined {
  return path.startsWith('tags.') ? (path.slice('tags.'.length) as TaxonomyId) : undefined;
}

export type Choice = { readonly id: string; readonly label: Localized };

/** Makes a field required only when another field of the template has the given answer. */
export type RequiredWhen = { readonly field: string; readonly equals: string | boolean };

export type MechanismField = {
  /** Unique within the template; the key of the answer. */
  readonly id: string;
  readonly label: Localized;
  readonly help: Localized;
  readonly type: FieldType;
  readonly required: boolean;
  readonly requiredWhen?: RequiredWhen;
  readonly choices?: readonly Choice[];
  /** The mechanism keeps this answer from the State and from publication (e.g. the source's identity). */
  readonly confidential?: boolean;
  readonly fill?: FillRule;
  /** Where this field comes from, when it differs from the section's source. */
  readonly source?: string;
};

export type MechanismSection = {
  readonly id: string;
  readonly title: Localized;
  readonly source: string;
  readonly fields: readonly MechanismField[];
};

/**
 * How far the template can be trusted: `confirmed` (every field checked against the mechanism's current form),
 * `partial` (structure checked against the mechanism's own documents; some fields from secondary sources, see
 * each source), `draft` (the current form was not found; do not submit from this template without checking).
 */
export type TemplateStatus = 'confirmed' | 'partial' | 'draft';

export type Addressee = {
  readonly name: Localized;
  /**
   * Where submissions go, as published by the mechanism. Shown to the documenter; the app never sends anything.
   * An address (e-mail, URL) is one string, the same in every language; a sentence is Localized, so that a cover in
   * Arabic never carries an English instruction.
   */
  readonly contact: string | Localized;
  /** Where `contact` was seen, or "unconfirmed: …": the wizard tells the documenter to check it. */
  readonly contactSource: string;
};

/** What the mechanism requires or does about consent and confidentiality (drives the wizard's consent step). */
export type ConsentPolicy = {
  /** Whether the mechanism accepts submissions whose author is not identified to it. */
  readonly anonymousAccepted: boolean;
  /** What the mechanism does with the source's identity. */
  readonly sourceIdentity: Localized;
  /** What is transmitted to the State concerned. */
  readonly sentToState: Localized;
  /** What becomes public, and when. */
  readonly publication: Localized;
  /** Boolean fields that must be answered `true` before a packet can be exported. */
  readonly mustBeTrue: readonly string[];
  readonly source: string;
};

export type MechanismTemplate = {
  readonly id: string;
  readonly version: number;
  readonly status: TemplateStatus;
  readonly title: Localized;
  readonly addressee: Addressee;
  readonly sourceUrl: string;
  readonly citation: string;
  /** Languages the mechanism accepts submissions in (ISO 639-1), with where that was seen. */
  readonly submissionLanguages: { readonly values: readonly string[]; readonly source: string };
  readonly sections: readonly MechanismSection[];
  readonly consent: ConsentPolicy;
  /** Further entries that share this template but go to another addressee (e.g. one Special Rapporteur). */
  readonly variants?: readonly { readonly id: string; readonly title: Localized; readonly addressee: Addressee }[];
};

/** One selectable mechanism: a template, or a variant of one with its own id, title and addressee. */
export type Mechanism = Omit<MechanismTemplate, 'variants'> & {
  /** The template file this entry comes from (equal to `id` unless it is a variant). */
  readonly templateId: string;
};

/** An answer as the wizard or CLI collects it; `null`/absent means unanswered. Items and multichoice are lists. */
export type AnswerValue = string | boolean | readonly string[] | null;
export type Answers = Readonly<Record<string, AnswerValue | undefined>>;

export type InvalidReason =
  | 'unknown-field'
  | 'wrong-type'
  | 'not-a-choice'
  | 'duplicate-value'
  | 'bad-date'
  | 'bad-country'
  | 'consent-not-given';

export type InvalidAnswer = { readonly fieldId: string; readonly reason: InvalidReason };

export type AnswerCheck = { readonly missing: readonly string[]; readonly invalid: readonly InvalidAnswer[] };
