import catArt22 from './cat-art22.json';
import hrcComplaint from './hrc-complaint.json';
import { mechanismTemplateSchema } from './schema';
import spCommunication from './sp-communication.json';
import type { Answers, Mechanism, MechanismField, MechanismTemplate } from './types';
import wgadIndividual from './wgad-individual.json';

// Template files are imported statically (this module also runs in the renderer) and parsed once at load.

/** Every template file, as parsed. */
export const MECHANISM_TEMPLATES: readonly MechanismTemplate[] = [
  wgadIndividual,
  spCommunication,
  catArt22,
  hrcComplaint,
].map((data: unknown) => mechanismTemplateSchema.parse(data));

function entries(template: MechanismTemplate): Mechanism[] {
  const { variants, ...base } = template;
  const own: Mechanism = { ...base, templateId: template.id };
  return [own, ...(variants ?? []).map((v) => ({ ...base, id: v.id, title: v.title, addressee: v.addressee, templateId: template.id }))];
}

/**
 * Every selectable mechanism: each template, then its variants (e.g. the Special Rapporteur on torture uses the
 * generic Special Procedures template with its own addressee).
 */
export const MECHANISMS: readonly Mechanism[] = MECHANISM_TEMPLATES.flatMap(entries);

const byId = new Map<string, Mechanism>();
for (const m of MECHANISMS) {
  if (byId.has(m.id)) throw new Error(`Duplicate mechanism id ${m.id}`);
  byId.set(m.id, m);
}

/** The mechanism with this id, or undefined (ids stored in old cases may name a mechanism since removed). */
export function getMechanism(id: string): Mechanism | undefined {
  return byId.get(id);
}

/** All fields of a mechanism, in form order. */
export function allFields(mechanism: Mechanism): MechanismField[] {
  return mechanism.sections.flatMap((s) => s.fields);
}

/**
 * The fields that must be answered: those marked required, plus, when `answers` is given, those whose
 * `requiredWhen` condition holds for these answers.
 */
export function requiredFields(mechanism: Mechanism, answers?: Answers): MechanismField[] {
  return allFields(mechanism).filter((f) => isRequired(f, answers));
}

export function isRequired(field: MechanismField, answers?: Answers): boolean {
  if (field.required) return true;
  if (!field.requiredWhen || !answers) return false;
  return answers[field.requiredWhen.field] === field.requiredWhen.equals;
}
