import type { Language } from '../api';
import type { Localized } from '../localized';

/**
 * Versioned controlled vocabularies that documenters tag with (DESIGN §4) and that packets quote (DESIGN §6).
 *
 * Contract for the data files (see README.md): a term id is a stable slug, published once and never removed or
 * reused. A term that should no longer be offered is marked `retired` (with the taxonomy version that retired it
 * and, when there is one, the id that replaces it) and stays resolvable forever, because old tags, custody events
 * and exported packets keep referring to it.
 */

export const TAXONOMY_IDS = [
  'istanbul-protocol-methods',
  'violation-types',
  'wgad-categories',
  'perpetrator-types',
  'detention-place-types',
] as const;

export type TaxonomyId = (typeof TAXONOMY_IDS)[number];

/** A stable term id: lowercase namespace, a dot, then a kebab-case slug (e.g. "ip.electric-shock"). */
export const TERM_ID_PATTERN = /^[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*$/;

export type Retirement = {
  /** The taxonomy version in which the term stopped being offered. */
  readonly version: number;
  /** The term to use instead, when there is one (same taxonomy). */
  readonly replacedBy?: string;
};

export type Term = {
  readonly id: string;
  /** The group this term sits under (a term of the same taxonomy); absent for top-level terms. */
  readonly parent?: string;
  readonly labels: Localized;
  readonly description?: Localized;
  /**
   * Where the term comes from: a paragraph or section reference, or a string starting "unconfirmed: " that says
   * what could not be checked against the primary source.
   */
  readonly source: string;
  readonly retired?: Retirement;
};

/** How far the labels in one language can be trusted. */
export type TranslationState =
  /** The language the terms were written in from the sources (English). */
  | 'source-language'
  /** Every label was compared with the official UN text in that language. */
  | 'checked-against-official-text'
  /** Some labels were compared with an official UN text; the note says which. The rest need human review. */
  | 'partly-checked'
  /** Written by us using the UN terminology we know; a fluent reviewer must check before relying on it. */
  | 'drafted-needs-review';

export type TranslationStatus = {
  readonly [L in Language]: { readonly state: TranslationState; readonly note: string };
};

/** Field types of the details recorded with one tag assignment (Istanbul Protocol: per-method details). */
export const ASSIGNMENT_FIELD_TYPES = ['text', 'longtext', 'multichoice', 'persons'] as const;
export type AssignmentFieldType = (typeof ASSIGNMENT_FIELD_TYPES)[number];

export type AssignmentChoice = { readonly id: string; readonly label: Localized };

/**
 * One detail recorded with a tag assignment rather than as a separate tag: e.g. for "electric shock", where on
 * the body, for how long, how often, with what, and who was present. `persons` holds catalogue person ids.
 */
export type AssignmentField = {
  readonly id: string;
  readonly type: AssignmentFieldType;
  readonly label: Localized;
  readonly help: Localized;
  readonly choices?: readonly AssignmentChoice[];
  readonly source: string;
};

export type Taxonomy = {
  readonly id: TaxonomyId;
  /** Integer, bumped on any change to the file (labels included), so a tag can say which wording it saw. */
  readonly version: number;
  readonly title: Localized;
  /** The edition or document the vocabulary follows. */
  readonly source: string;
  readonly translationStatus: TranslationStatus;
  readonly assignmentFields?: readonly AssignmentField[];
  readonly terms: readonly Term[];
};

export type ResolvedTerm = {
  readonly taxonomy: Taxonomy;
  readonly term: Term;
  readonly retired: boolean;
  /** For a retired term with a successor: the successor, followed through any chain of replacements. */
  readonly replacement?: Term;
};

export type TermSearchHit = {
  readonly taxonomyId: TaxonomyId;
  readonly term: Term;
  /** The label in the requested language (English when that one is blank). */
  readonly label: string;
  /** Higher is better; only meaningful for ordering hits of one query. */
  readonly score: number;
};

export type TermSearchOptions = {
  /** Restrict to these taxonomies (default: all). */
  readonly taxonomies?: readonly TaxonomyId[];
  /** At most this many hits (default 20). */
  readonly limit?: number;
};
