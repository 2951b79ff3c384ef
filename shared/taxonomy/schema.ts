import { z } from 'zod';
import type { Taxonomy } from './types';
import { ASSIGNMENT_FIELD_TYPES, TAXONOMY_IDS, TERM_ID_PATTERN } from './types';

// Runtime shape check of the JSON data files. The files are bundled with the app, so a failure here is a
// programming error caught by the unit tests, not something a user can cause; it still beats a silent `as` cast.

export const localizedSchema = z
  .object({ en: z.string(), es: z.string(), fr: z.string(), ar: z.string() })
  .strict();

const translationSchema = z
  .object({
    state: z.enum(['source-language', 'checked-against-official-text', 'partly-checked', 'drafted-needs-review']),
    note: z.string(),
  })
  .strict();

const termSchema = z
  .object({
    id: z.string().regex(TERM_ID_PATTERN),
    parent: z.string().regex(TERM_ID_PATTERN).optional(),
    labels: localizedSchema,
    description: localizedSchema.optional(),
    source: z.string().min(1),
    retired: z
      .object({ version: z.number().int().positive(), replacedBy: z.string().regex(TERM_ID_PATTERN).optional() })
      .strict()
      .optional(),
  })
  .strict();

const assignmentFieldSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-zA-Z0-9]*$/),
    type: z.enum(ASSIGNMENT_FIELD_TYPES),
    label: localizedSchema,
    help: localizedSchema,
    choices: z.array(z.object({ id: z.string().regex(/^[a-z0-9-]+$/), label: localizedSchema }).strict()).optional(),
    source: z.string().min(1),
  })
  .strict();

export const taxonomySchema: z.ZodType<Taxonomy> = z
  .object({
    id: z.enum(TAXONOMY_IDS),
    version: z.number().int().positive(),
    title: localizedSchema,
    source: z.string().min(1),
    translationStatus: z
      .object({ en: translationSchema, es: translationSchema, fr: translationSchema, ar: translationSchema })
      .strict(),
    assignmentFields: z.array(assignmentFieldSchema).optional(),
    terms: z.array(termSchema).min(1),
  })
  .strict();
