export type {
  AssignmentChoice,
  AssignmentField,
  AssignmentFieldType,
  ResolvedTerm,
  Retirement,
  Taxonomy,
  TaxonomyId,
  Term,
  TermSearchHit,
  TermSearchOptions,
  TranslationState,
  TranslationStatus,
} from './types';
export type { TaxonomyRegistry } from './registry';
export type { TermSearch } from './search';
export { ASSIGNMENT_FIELD_TYPES, TAXONOMY_IDS, TERM_ID_PATTERN } from './types';
export { createTaxonomyRegistry } from './registry';
export { createTermSearch } from './search';
export { TAXONOMIES, childTerms, getTaxonomy, isKnownTerm, resolveTerm, searchTerms, termLabel } from './taxonomies';
