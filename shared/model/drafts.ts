import { z } from 'zod';
import { tagTargetId } from './catalogue';
import { caseId, itemId, personId, testimonyId } from './fields';

/**
 * Drafts (issue 13, "nothing typed is ever lost"): what a person typed into a form and has not saved for real yet,
 * kept encrypted in the vault's database while they type, whether or not the fields are valid. A draft is not a
 * record and not a custody event: saving the form for real is. Deleting the record discards its drafts.
 *
 * One draft per form and record: `recordId` is the record the form edits ('new' for the forms that create one).
 *  - testimony      tes_…   the testimony editor
 *  - case           case_…  the case's description (title, summary, notes…)
 *  - case-new       new     the "open a new case" form
 *  - person         per_…   the person's identity form
 *  - person-new     new     the "add a person" form
 *  - consent        per_…   the "record a consent decision" form of that person
 *  - item           it_…    the item's description
 *  - packet         case_…  the packet wizard for that case (every choice and answer, and the step)
 *  - tag-new        it_…, tes_…, case_…  the details form of a tag being added to that item, testimony or case
 *                   (the term and its details)
 *  - tag-edit       it_…, tes_…, case_…  the details form of one of its tags being edited (the assignment and details)
 *
 * `base` is an opaque fingerprint of the saved record the draft started from (the renderer computes it): when the
 * record has been saved since (elsewhere, by the CLI, or in another form), the draft is "older than the saved
 * record" and the form says so instead of silently overwriting either.
 */

export const DRAFT_FORMS = ['testimony', 'case', 'case-new', 'person', 'person-new', 'consent', 'item', 'packet', 'tag-new', 'tag-edit'] as const;
export type DraftForm = (typeof DRAFT_FORMS)[number];

/** The largest draft accepted, as JSON (a testimony may hold 2 MiB of text; room for its other fields). */
export const DRAFT_MAX_JSON = 2 * 1024 * 1024 + 256 * 1024;

const NEW = z.literal('new');

/** Which record ids each form accepts. */
export const DRAFT_RECORD_IDS: { readonly [F in DraftForm]: z.ZodType<string> } = {
  testimony: testimonyId,
  case: caseId,
  'case-new': NEW,
  person: personId,
  'person-new': NEW,
  consent: personId,
  item: itemId,
  packet: caseId,
  'tag-new': tagTargetId,
  'tag-edit': tagTargetId,
};

export const DraftKey = z
  .object({ form: z.enum(DRAFT_FORMS), recordId: z.string().max(40) })
  .strict()
  .superRefine((k, ctx) => {
    if (!DRAFT_RECORD_IDS[k.form].safeParse(k.recordId).success) {
      ctx.addIssue({ code: 'custom', path: ['recordId'], message: `is not a record id for a '${k.form}' draft` });
    }
  });
export type DraftKey = z.input<typeof DraftKey>;

/** A form's values: any JSON object (strings, numbers, booleans, null, lists, nested objects), at most DRAFT_MAX_JSON. */
export const DraftData = z.record(z.string().max(200), z.json()).refine((d) => JSON.stringify(d).length <= DRAFT_MAX_JSON, { message: `is too large (at most ${DRAFT_MAX_JSON / 1024} KB)` });
export type DraftData = Readonly<Record<string, unknown>>;

export const DraftSaveInput = z
  .object({
    form: z.enum(DRAFT_FORMS),
    recordId: z.string().max(40),
    data: DraftData,
    base: z.string().max(200).optional(),
  })
  .strict()
  .superRefine((k, ctx) => {
    if (!DRAFT_RECORD_IDS[k.form].safeParse(k.recordId).success) {
      ctx.addIssue({ code: 'custom', path: ['recordId'], message: `is not a record id for a '${k.form}' draft` });
    }
  });
export type DraftSaveInput = z.input<typeof DraftSaveInput>;

export type Draft = {
  readonly form: DraftForm;
  readonly recordId: string;
  readonly data: DraftData;
  readonly base?: string;
  /** When this draft was first written and last written (ISO-8601 UTC). */
  readonly createdAt: string;
  readonly savedAt: string;
};

export type DraftSummary = Omit<Draft, 'data'>;
