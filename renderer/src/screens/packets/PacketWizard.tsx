import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DraftSaveInput } from '../../../../shared/model/drafts';
import type { PacketPlan } from '../../../../shared/model/packet';
import { Screen } from '../../components/Screen';
import { call } from '../../lib/api';
import { currentLanguage } from '../../lib/i18n';
import { useAutosave } from '../../lib/useAutosave';
import { PacketWizardView } from './PacketWizardView';
import { PACKET_FORMATS, STEPS, planInput, type Choices, type Step } from './wizard-state';

/**
 * The packet wizard (DESIGN §6–7): pick the case and the mechanism, answer what the catalogue cannot fill, choose
 * the items and testimonies, choose the profile, then review exactly what will leave the vault (what each file
 * loses, who is named and why, what blocks the export) before anything is written. The plan is computed by the
 * main process on every change; the renderer decides nothing about what is safe. This container holds the state;
 * PacketWizardView and the step components draw it.
 */
export function PacketWizard({ caseId }: { readonly caseId: string | undefined }) {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>('mechanism');
  const fresh = (): Choices => ({ caseId: caseId ?? '', mechanismId: '', profile: 'redacted', recipient: '', lang: currentLanguage(), includeFileNames: false, answers: {} });
  const [choices, setChoices] = useState<Choices>(fresh);
  const [restoring, setRestoring] = useState(true);
  const [restored, setRestored] = useState(false);
  const set = (patch: Partial<Choices>) => setChoices((c) => ({ ...c, ...patch }));
  const input = useMemo(() => planInput(choices), [choices]);
  const plan = usePlan(input);
  const index = STEPS.indexOf(step);

  // The wizard's state lives in a draft in the vault (issue 13 item 4): opening an exhibit, leaving for another
  // screen, locking or a crash brings it back where it was. Without a case in the route, the latest packet draft.
  useEffect(() => {
    let live = true;
    void (async () => {
      let key = caseId;
      if (!key) key = (await call('drafts.list', {})).filter((d) => d.form === 'packet').sort((a, b) => b.savedAt.localeCompare(a.savedAt))[0]?.recordId;
      const draft = key ? await call('drafts.get', { form: 'packet', recordId: key }) : null;
      const data = draft ? wizardDraft(draft.data) : undefined;
      if (live && data) {
        setChoices(data.choices);
        setStep(data.step);
        setRestored(true);
      }
    })()
      .catch(() => undefined)
      .finally(() => live && setRestoring(false));
    return () => {
      live = false;
    };
  }, [caseId]);
  const draft = useAutosave<{ step: Step; choices: Choices }>({
    delayMs: 300,
    maxWaitMs: 1500,
    save: useCallback(async (v: { step: Step; choices: Choices }) => {
      await call('drafts.save', { form: 'packet', recordId: v.choices.caseId, data: { step: v.step, choices: v.choices } as unknown as DraftSaveInput['data'] });
    }, []),
  });
  const scheduleDraft = draft.schedule;
  useEffect(() => {
    if (!restoring && choices.caseId) scheduleDraft({ step, choices });
  }, [restoring, step, choices, scheduleDraft]);
  const cancelDraft = draft.cancel;
  const discard = useCallback(
    (recordId: string) => {
      cancelDraft();
      void call('drafts.discard', { form: 'packet', recordId }).catch(() => undefined);
    },
    [cancelDraft],
  );

  const exportedCase = choices.caseId;
  const onExported = useCallback(() => discard(exportedCase), [discard, exportedCase]);

  if (restoring) return <Screen title={t('packet.title')}>{<p aria-busy="true">{t('common.loading')}</p>}</Screen>;
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
      onGoTo={setStep}
      restored={restored}
      onStartOver={() => {
        if (choices.caseId) discard(choices.caseId);
        setRestored(false);
        setChoices(fresh());
        setStep('mechanism');
      }}
      onExported={onExported}
    />
  );
}

/** A packet draft's data, checked (a draft written by an older version, or damaged, is ignored). */
function wizardDraft(data: Readonly<Record<string, unknown>>): { step: Step; choices: Choices } | undefined {
  const step = data['step'];
  const c = data['choices'] as Partial<Choices> | undefined;
  if (typeof step !== 'string' || !(STEPS as readonly string[]).includes(step)) return undefined;
  if (!c || typeof c !== 'object' || typeof c.caseId !== 'string' || typeof c.mechanismId !== 'string' || typeof c.answers !== 'object' || c.answers === null) return undefined;
  if (c.profile !== 'redacted' && c.profile !== 'forensic') return undefined;
  const deferredFields = Array.isArray(c.deferredFields) ? c.deferredFields.filter((x): x is string => typeof x === 'string') : [];
  const typedAnswers = Object.fromEntries(Object.entries(typeof c.typedAnswers === 'object' && c.typedAnswers !== null ? c.typedAnswers : {}).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  return {
    step: step as Step,
    choices: {
      ...(c as Choices),
      recipient: typeof c.recipient === 'string' ? c.recipient : '',
      includeFileNames: c.includeFileNames === true,
      deferredFields,
      typedAnswers,
      packetFormat: (PACKET_FORMATS as readonly unknown[]).includes(c.packetFormat) ? c.packetFormat : undefined,
    },
  };
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
