import { useEffect, useMemo, useState } from 'react';
import type { PacketPlan } from '../../../../shared/model/packet';
import { call } from '../../lib/api';
import { currentLanguage } from '../../lib/i18n';
import { PacketWizardView } from './PacketWizardView';
import { STEPS, planInput, type Choices, type Step } from './wizard-state';

/**
 * The packet wizard (DESIGN §6–7): pick the case and the mechanism, answer what the catalogue cannot fill, choose
 * the items and testimonies, choose the profile, then review exactly what will leave the vault (what each file
 * loses, who is named and why, what blocks the export) before anything is written. The plan is computed by the
 * main process on every change; the renderer decides nothing about what is safe. This container holds the state;
 * PacketWizardView and the step components draw it.
 */
export function PacketWizard({ caseId }: { readonly caseId: string | undefined }) {
  const [step, setStep] = useState<Step>('mechanism');
  const [choices, setChoices] = useState<Choices>({ caseId: caseId ?? '', mechanismId: '', profile: 'redacted', recipient: '', lang: currentLanguage(), includeFileNames: false, answers: {} });
  const set = (patch: Partial<Choices>) => setChoices((c) => ({ ...c, ...patch }));
  const input = useMemo(() => planInput(choices), [choices]);
  const plan = usePlan(input);
  const index = STEPS.indexOf(step);
  return (
    <PacketWizardView
      step={step}
      choices={choices}
      set={set}
      input={input}
      plan={plan.plan}
      planStale={plan.stale}
      planError={plan.error}
      canNext={step === 'mechanism' ? Boolean(input) : true}
      onBack={index > 0 ? () => setStep(STEPS[index - 1]!) : undefined}
      onNext={index < STEPS.length - 1 ? () => setStep(STEPS[index + 1]!) : undefined}
    />
  );
}

/** The plan for the current input, recomputed (debounced) on every change; an older answer is marked stale. */
function usePlan(input: ReturnType<typeof planInput>): { plan: PacketPlan | undefined; stale: boolean; error: unknown } {
  const [plan, setPlan] = useState<{ key: string; plan?: PacketPlan; error?: unknown }>();
  const key = JSON.stringify(input ?? null);
  useEffect(() => {
    if (!input) return;
    let current = true;
    const timer = window.setTimeout(() => {
      call('packets.plan', input).then(
        (p) => current && setPlan({ key, plan: p }),
        (e: unknown) => current && setPlan({ key, error: e }),
      );
    }, 250);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [input, key]);
  return { plan: plan?.plan, stale: plan?.key !== key, error: plan?.key === key ? plan.error : undefined };
}
