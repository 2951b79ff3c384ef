import { useTranslation } from 'react-i18next';
import { pickLocalized } from '../../../../shared/localized';
import { MECHANISMS, getMechanism } from '../../../../shared/mechanisms';
import { CasePicker } from '../../components/CasePicker';
import { currentLanguage } from '../../lib/i18n';
import type { StepProps } from './wizard-state';

export function MechanismStep({ choices, set }: StepProps) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  return (
    <>
      <CasePicker id="packet-case" label={t('packet.case')} emptyLabel={t('item.chooseCase')} value={choices.caseId} onChange={(caseId) => set({ caseId, itemIds: undefined, testimonyIds: undefined })} />
      <fieldset className="field">
        <legend>{t('packet.mechanism')}</legend>
        {MECHANISMS.map((m) => (
          <div className="check mechanism" key={m.id}>
            <input id={`mech-${m.id}`} type="radio" name="mechanism" value={m.id} checked={choices.mechanismId === m.id} onChange={() => set({ mechanismId: m.id, answers: {} })} />
            <label htmlFor={`mech-${m.id}`}>
              {pickLocalized(m.title, lang)}{' '}
              {m.status !== 'confirmed' ? <span className="badge badge-warn">{t(`packet.templateStatus.${m.status}`)}</span> : null}
            </label>
          </div>
        ))}
      </fieldset>
      {getMechanism(choices.mechanismId)?.status === 'draft' ? <p className="note note-warn">{t('packet.draftWarning')}</p> : null}
    </>
  );
}
