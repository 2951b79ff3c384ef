import { z } from 'zod';
import { LIMITS, caseId, itemId, termId } from './fields';
import { SearchFilters } from './catalogue';
import { V } from '../validation';

/**
 * Several items chosen at once in the library or in search results, for one action (add to a case, tag, remove).
 * Either the ids themselves, or "everything that matches" a library filter or a search, minus the ones the person
 * unticked afterwards: the main process resolves it, so "select all 4,000 that match" never ships 4,000 ids. One
 * action is one API call and one transaction, at most LIMITS.idsPerCall items.
 */
const idList = z.array(itemId).max(LIMITS.idsPerCall, { message: V('problem.validation.tooMany') });

/** The library's filters (the same shape as items.list). */
export const LibraryMatch = z
  .object({
    mediaTypePrefix: z.string().max(100).optional(),
    caseId: caseId.optional(),
    tag: z.string().max(200).optional(),
    hasGps: z.boolean().optional(),
    includeDeleted: z.boolean().optional(),
    dateFrom: z.string().max(40).optional(),
    dateTo: z.string().max(40).optional(),
  })
  .strict();

export const ItemSelection = z.union([
  z.object({ ids: idList.min(1, { message: V('problem.validation.needsOne') }) }).strict(),
  z.object({ library: LibraryMatch, except: idList.optional() }).strict(),
  z
    .object({
      search: z.object({ text: z.string().max(LIMITS.query, { message: V('problem.validation.tooLong') }).optional(), filters: SearchFilters.optional() }).strict(),
      except: idList.optional(),
    })
    .strict(),
]);
export type ItemSelection = z.input<typeof ItemSelection>;

export const SelectionAddToCaseInput = z.object({ selection: ItemSelection, caseId }).strict();
export const SelectionTagInput = z
  .object({
    selection: ItemSelection,
    termId,
    details: z.record(z.string().regex(/^[a-z][a-zA-Z0-9]{0,63}$/, { message: V('problem.validation.notAFieldName') }), z.union([z.string().max(LIMITS.notesBytes), z.array(z.string().max(LIMITS.detailValue)).max(100)])).optional(),
  })
  .strict();
export const SelectionDeleteInput = z.object({ selection: ItemSelection, reason: z.string().trim().min(1, { message: V('problem.validation.required') }).max(LIMITS.reason, { message: V('problem.validation.tooLong') }) }).strict();

/** What an action on a selection did: how many items it changed, and how many already were so (left alone). */
export type SelectionResult = { readonly selected: number; readonly changed: number; readonly unchanged: number };
