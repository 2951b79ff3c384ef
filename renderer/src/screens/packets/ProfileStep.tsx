import { useTranslation } from 'react-i18next';
import { AppLanguageOptions } from '../../components/pickers';
import { isLanguage } from '../../lib/i18n';
import { PROFILES, type StepProps } from './wizard-state';

export function ProfileStep({ choices, set }: StepProps) {
  const { t } = useTranslation();
  return (
    <>
      <fieldset className="field">
        <legend>{t('packet.profile')}</legend>
        {PROFILES.map((p) => (
          <div className="check stacked" key={p}>
            <input id={`profile-${p}`} type="radio" name="profile" checked={choices.profile === p} onChange={() => set({ profile: p, keepCaptureDate: undefined })} aria-describedby={`profile-${p}-help`} />
            <span className="check-text">
              <label htmlFor={`profile-${p}`}>{t(`packet.profiles.${p}`)}</label>
              <span className="hint" id={`profile-${p}-help`}>
                {t(`packet.profileHelp.${p}`)}
              </span>
            </span>
          </div>
        ))}
      </fieldset>
      {choices.profile === 'forensic' ? (
        <div className="field">
          <label htmlFor="packet-recipient">{t('packet.recipient')}</label>
          <input id="packet-recipient" type="text" dir="ltr" spellCheck={false} value={choices.recipient} onChange={(e) => set({ recipient: e.target.value })} aria-describedby="packet-recipient-help" />
          <p className="hint" id="packet-recipient-help">
            {t('packet.recipientHelp')}
          </p>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="packet-lang">{t('packet.language')}</label>
        <select id="packet-lang" value={choices.lang} onChange={(e) => isLanguage(e.target.value) && set({ lang: e.target.value })}>
          <AppLanguageOptions />
        </select>
      </div>
      <div className="check">
        <input id="packet-keepdate" type="checkbox" checked={choices.keepCaptureDate ?? choices.profile === 'forensic'} onChange={(e) => set({ keepCaptureDate: e.target.checked })} />
        <label htmlFor="packet-keepdate">{t('packet.keepCaptureDate')}</label>
      </div>
      <div className="check">
        <input id="packet-filenames" type="checkbox" checked={choices.includeFileNames} onChange={(e) => set({ includeFileNames: e.target.checked })} />
        <label htmlFor="packet-filenames">{t('packet.includeFileNames')}</label>
      </div>
      <div className="check stacked">
        <input
          id="packet-keepcc"
          type="checkbox"
          checked={choices.keepContentCredentials ?? false}
          onChange={(e) => set({ keepContentCredentials: e.target.checked })}
          aria-describedby="packet-keepcc-help"
        />
        <span className="check-text">
          <label htmlFor="packet-keepcc">{t('packet.keepContentCredentials')}</label>
          <span className="hint" id="packet-keepcc-help">
            {t('packet.keepContentCredentialsHelp')}
          </span>
        </span>
      </div>
    </>
  );
}
