import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PacketPlan, PacketPlanInput } from '../../../../shared/model/packet';
import { ErrorNote } from '../../components/ErrorNote';
import { Screen } from '../../components/Screen';
import { useFormat } from '../../lib/format';
import { ContentsStep } from './ContentsStep';
import { ExhibitPanel } from './ExhibitPanel';
import { ExportStep } from './ExportStep';
import { FieldsStep } from './FieldsStep';
import { MechanismStep } from './MechanismStep';
import { ProfileStep } from './ProfileStep';
import { ReviewStep } from './ReviewStep';
import { STEPS, type Choices, type Step } from './wizard-state';

/** The wizard as drawn: the stepper, the current step, Back and Next. */
export function PacketWizardView({
  step,
  choices,
  set,
  input,
  plan,
  planStale,
  planError,
  canNext,
  onBack,
  onNext,
  onGoTo,
  restored,
  onStartOver,
  onExported,
}: {
  readonly step: Step;
  readonly choices: Choices;
  readonly set: (patch: Partial<Choices>) => void;
  readonly input: PacketPlanInput | undefined;
  readonly plan: PacketPlan | undefined;
  readonly planStale: boolean;
  readonly planError: unknown;
  readonly canNext: boolean;
  readonly onBack: (() => void) | undefined;
  readonly onNext: (() => void) | undefined;
  readonly onGoTo: (step: Step) => void;
  /** The state was brought back from the packet's draft in the vault. */
  readonly restored: boolean;
  readonly onStartOver: () => void;
  readonly onExported: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const index = STEPS.indexOf(step);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [step]);
  // The exhibit open beside the wizard, and the link that opened it (focus goes back there on closing).
  const [peek, setPeek] = useState<{ readonly itemId: string; readonly opener: HTMLElement | null }>();
  const openExhibit = useCallback((itemId: string, opener: HTMLElement | null) => setPeek({ itemId, opener }), []);
  const closeExhibit = (): void => {
    const opener = peek?.opener;
    setPeek(undefined);
    if (opener?.isConnected) opener.focus();
    else heading.current?.focus();
  };
  // An item of the case left out of the packet (contents step) opens too, saying it is not in the packet.
  const peeked = peek ? plan?.items.find((x) => x.itemId === peek.itemId) : undefined;
  return (
    <Screen title={t('packet.title')}>
      {restored ? (
        <p className="note" role="status" data-testid="packet-restored">
          {t('packet.draftRestored')}{' '}
          <button type="button" className="link" onClick={onStartOver}>
            {t('packet.startOver')}
          </button>
        </p>
      ) : null}
      <ol className="stepper" aria-label={t('packet.steps')}>
        {STEPS.map((s, i) => (
          <li key={s} aria-current={s === step ? 'step' : undefined} className={i < index ? 'done' : ''}>
            <span className="step-number">{f.digits(i + 1)}</span> {t(`packet.step.${s}`)}
          </li>
        ))}
      </ol>
      <div className={peek ? 'wizard-split' : 'wizard-single'}>
        <section className="card" aria-labelledby="packet-step-title">
          <h2 id="packet-step-title" ref={heading} tabIndex={-1}>
            {t(`packet.step.${step}`)}
          </h2>
          {step === 'mechanism' ? <MechanismStep choices={choices} set={set} /> : null}
          {step === 'fields' ? <FieldsStep choices={choices} set={set} plan={plan} /> : null}
          {step === 'contents' ? <ContentsStep choices={choices} set={set} onOpenExhibit={openExhibit} /> : null}
          {step === 'profile' ? <ProfileStep choices={choices} set={set} /> : null}
          {step === 'review' ? <ReviewStep plan={plan} stale={planStale} choices={choices} set={set} onGoTo={onGoTo} onOpenExhibit={openExhibit} /> : null}
          {step === 'export' && input ? <ExportStep input={input} plan={plan} choices={choices} set={set} onExported={onExported} /> : null}
          <ErrorNote error={planError} />
          <div className="actions">
            {onBack ? (
              <button type="button" onClick={onBack}>
                {t('common.back')}
              </button>
            ) : null}
            {onNext ? (
              <button type="button" className="primary" disabled={!canNext} onClick={onNext}>
                {t('packet.next')}
              </button>
            ) : null}
          </div>
        </section>
        {peek ? <ExhibitPanel itemId={peek.itemId} planned={peeked} blocked={plan?.blockers.some((b) => b.itemId === peek.itemId) ?? false} onClose={closeExhibit} /> : null}
      </div>
    </Screen>
  );
}
