import { useTranslation } from 'react-i18next';
import { ERROR_CODES } from '../../../shared/errors';
import { ApiFailure } from '../lib/api';

/**
 * An error a person can act on: the translated text for its stable code, and the archive's own (English,
 * specific) explanation under "Details". Announced to screen readers.
 */
export function ErrorNote({ error, context }: { readonly error: unknown; readonly context?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  const code = error instanceof ApiFailure && (ERROR_CODES as readonly string[]).includes(error.code) ? error.code : 'INTERNAL';
  const detail = error instanceof ApiFailure ? error.message : undefined;
  return (
    <div className="note note-error" role="alert">
      <p>
        {context ? <strong>{context} </strong> : null}
        {t(`errors.${code}`)}
      </p>
      {detail ? (
        <details>
          <summary>{t('common.details')}</summary>
          <p dir="auto">{detail}</p>
        </details>
      ) : null}
    </div>
  );
}
