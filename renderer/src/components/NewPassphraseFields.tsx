import { useTranslation } from 'react-i18next';
import { Field } from './Field';

/** The shortest passphrase a vault accepts (creating it, or changing it). */
export const MIN_PASSPHRASE = 10;

/**
 * A new passphrase typed twice (creating a vault, changing its passphrase): the passphrase with its minimum length,
 * marked and said at the field when it is too short, the confirmation marked, and said in an alert, while it differs (`mismatch`, computed by the caller, which also
 * refuses to submit then).
 */
export function NewPassphraseFields({
  label,
  value,
  onChange,
  confirm,
  onConfirm,
  mismatch,
}: {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly confirm: string;
  readonly onConfirm: (value: string) => void;
  readonly mismatch: boolean;
}) {
  const { t } = useTranslation();
  // Said once the person has gone on to the confirmation: otherwise the only sign was a greyed-out button.
  const tooShort = value.length > 0 && confirm.length > 0 && [...value].length < MIN_PASSPHRASE;
  return (
    <>
      <Field label={label} hint={t('create.passphraseHint', { count: MIN_PASSPHRASE })} error={tooShort ? t('create.tooShort', { count: MIN_PASSPHRASE }) : undefined}>
        {(p) => <input {...p} type="password" value={value} onChange={(e) => onChange(e.target.value)} autoComplete="new-password" minLength={MIN_PASSPHRASE} required />}
      </Field>
      <Field label={t('create.confirm')}>
        {(p) => <input {...p} type="password" value={confirm} onChange={(e) => onConfirm(e.target.value)} autoComplete="new-password" aria-invalid={mismatch} required />}
      </Field>
      {mismatch ? (
        <p className="note note-error" role="alert">
          {t('create.mismatch')}
        </p>
      ) : null}
    </>
  );
}
