import { z } from 'zod';
import { localizedSchema } from '../taxonomy/schema';
import type { MechanismTemplate } from './types';
import { FIELD_TYPES, FILL_PATHS } from './types';

// Runtime shape check of the bundled template files (see ../taxonomy/schema.ts for why parse rather than cast).

const fieldId = z.string().regex(/^[a-z][a-zA-Z0-9]*$/);
const choiceId = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/);

const fieldSchema = z
  .object({
    id: fieldId,
    label: localizedSchema,
    help: localizedSchema,
    type: z.enum(FIELD_TYPES),
    required: z.boolean(),
    requiredWhen: z.object({ field: fieldId, equals: z.union([z.string(), z.boolean()]) }).strict().optional(),
    choices: z.array(z.object({ id: choiceId, label: localizedSchema }).strict()).min(1).optional(),
    confidential: z.boolean().optional(),
    fill: z.object({ from: z.enum(FILL_PATHS) }).strict().optional(),
    source: z.string().min(1).optional(),
  })
  .strict();

const addresseeSchema = z
  .object({
    name: localizedSchema,
    // An address is one string (no spaces), the same in every language; a sentence is translated.
    contact: z.union([z.string().regex(/^\S+$/, 'an address has no spaces: write a sentence as a localized object'), localizedSchema]),
    contactSource: z.string().min(1),
  })
  .strict();

export const mechanismTemplateSchema: z.ZodType<MechanismTemplate> = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
    version: z.number().int().positive(),
    status: z.enum(['confirmed', 'partial', 'draft']),
    title: localizedSchema,
    addressee: addresseeSchema,
    sourceUrl: z.url(),
    citation: z.string().min(1),
    submissionLanguages: z
      .object({ values: z.array(z.string().regex(/^[a-z]{2}$/)).min(1), source: z.string().min(1) })
      .strict(),
    sections: z
      .array(
        z
          .object({ id: fieldId, title: localizedSchema, source: z.string().min(1), fields: z.array(fieldSchema).min(1) })
          .strict(),
      )
      .min(1),
    consent: z
      .object({
        anonymousAccepted: z.boolean(),
        sourceIdentity: localizedSchema,
        sentToState: localizedSchema,
        publication: localizedSchema,
        mustBeTrue: z.array(fieldId),
        source: z.string().min(1),
      })
      .strict(),
    variants: z
      .array(
        z
          .object({ id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/), title: localizedSchema, addressee: addresseeSchema })
          .strict(),
      )
      .optional(),
  })
  .strict();
