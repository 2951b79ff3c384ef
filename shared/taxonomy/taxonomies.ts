import detentionPlaceTypes from './detention-place-types.json';
import istanbulProtocolMethods from './istanbul-protocol-methods.json';
import perpetratorTypes from './perpetrator-types.json';
import { createTaxonomyRegistry } from './registry';
import { taxonomySchema } from './schema';
import { createTermSearch } from './search';
import type { Taxonomy } from './types';
import violationTypes from './violation-types.json';
import wgadCategories from './wgad-categories.json';

// The bundled taxonomies. The JSON files are imported statically (no fs at runtime: this also runs in the
// renderer) and parsed once at load, so every consumer sees checked, typed data.

/** Every taxonomy, in the order the UI lists them. */
export const TAXONOMIES: readonly Taxonomy[] = [
  istanbulProtocolMethods,
  violationTypes,
  wgadCategories,
  perpetratorTypes,
  detentionPlaceTypes,
].map((data: unknown) => taxonomySchema.parse(data));

const registry = createTaxonomyRegistry(TAXONOMIES);

export const { getTaxonomy, isKnownTerm, resolveTerm, termLabel, childTerms } = registry;

/** Type-ahead over the bundled taxonomies; see createTermSearch. */
export const searchTerms = createTermSearch(TAXONOMIES);
