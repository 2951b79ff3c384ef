import type { Language } from '../../../../shared/api';
import type { AnswerValue } from '../../../../shared/mechanisms';
import type { PacketPlanInput, PacketProfile } from '../../../../shared/model/packet';

export const STEPS = ['mechanism', 'fields', 'contents', 'profile', 'review', 'export'] as const;
export type Step = (typeof STEPS)[number];
export const PROFILES: readonly PacketProfile[] = ['redacted', 'forensic'];
/** How the packet is written: one zip file, or a folder (BagIt either way). */
export const PACKET_FORMATS = ['zip', 'folder'] as const;
export type PacketFormat = (typeof PACKET_FORMATS)[number];

/** Everything the person chose in the wizard: the plan input is derived from it. */
export type Choices = {
  readonly caseId: string;
  readonly mechanismId: string;
  /** undefined = everything in the case. */
  readonly itemIds?: readonly string[];
  readonly testimonyIds?: readonly string[];
  readonly profile: PacketProfile;
  readonly recipient: string;
  readonly lang: Language;
  readonly keepCaptureDate?: boolean;
  readonly includeFileNames: boolean;
  /** Keep the Content Credentials (C2PA) of every item that has them; or of these items only. */
  readonly keepContentCredentials?: boolean;
  readonly keepContentCredentialsItemIds?: readonly string[];
  readonly answers: Readonly<Record<string, AnswerValue>>;
  /**
   * Date answers typed halfway (DateField's typedDate()), by field: kept in the draft and brought back as typed. While
   * one is there the plan gets it as the answer, which is no date, so the review blocks the export: the date it
   * replaced is never sent in its place.
   */
  readonly typedAnswers?: Readonly<Record<string, string>>;
  /** A zip file or a folder, as chosen on the export step (undefined: zip). */
  readonly packetFormat?: PacketFormat;
  /** Required answers left on purpose "to be completed before sending". */
  readonly deferredFields?: readonly string[];
};

export type StepProps = { readonly choices: Choices; readonly set: (patch: Partial<Choices>) => void };

export function planInput(c: Choices): PacketPlanInput | undefined {
  if (!c.caseId || !c.mechanismId) return undefined;
  // A date typed halfway is the answer as far as the plan is concerned: not a date, so it blocks (never the old date).
  const answers: Record<string, AnswerValue> = { ...c.answers };
  for (const [id, typed] of Object.entries(c.typedAnswers ?? {})) if (typed) answers[id] = typed;
  return {
    caseId: c.caseId,
    mechanismId: c.mechanismId,
    profile: c.profile,
    lang: c.lang,
    includeFileNames: c.includeFileNames,
    // Always given: a required answer is then either given or deferred on purpose, else the plan blocks.
    deferredFields: [...(c.deferredFields ?? [])],
    ...(c.itemIds ? { itemIds: [...c.itemIds] } : {}),
    ...(c.testimonyIds ? { testimonyIds: [...c.testimonyIds] } : {}),
    ...(c.profile === 'forensic' && c.recipient.trim() ? { recipient: c.recipient.trim() } : {}),
    ...(c.keepCaptureDate !== undefined ? { keepCaptureDate: c.keepCaptureDate } : {}),
    ...(c.keepContentCredentials ? { keepContentCredentials: true } : {}),
    ...(!c.keepContentCredentials && c.keepContentCredentialsItemIds?.length ? { keepContentCredentialsItemIds: [...c.keepContentCredentialsItemIds] } : {}),
    ...(Object.keys(answers).length > 0 ? { answers: Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, Array.isArray(v) ? [...(v as readonly string[])] : (v as string | boolean | null)])) } : {}),
  };
}
