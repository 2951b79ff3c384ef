import type { Language } from '../../../../shared/api';
import type { AnswerValue } from '../../../../shared/mechanisms';
import type { PacketPlanInput, PacketProfile } from '../../../../shared/model/packet';

export const STEPS = ['mechanism', 'fields', 'contents', 'profile', 'review', 'export'] as const;
export type Step = (typeof STEPS)[number];
export const PROFILES: readonly PacketProfile[] = ['redacted', 'forensic'];

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
  /** Required answers left on purpose "to be completed before sending". */
  readonly deferredFields?: readonly string[];
};

export type StepProps = { readonly choices: Choices; readonly set: (patch: Partial<Choices>) => void };

export function planInput(c: Choices): PacketPlanInput | undefined {
  if (!c.caseId || !c.mechanismId) return undefined;
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
    ...(Object.keys(c.answers).length > 0 ? { answers: Object.fromEntries(Object.entries(c.answers).map(([k, v]) => [k, Array.isArray(v) ? [...(v as readonly string[])] : (v as string | boolean | null)])) } : {}),
  };
}
