import { useTranslation } from 'react-i18next';
import { ERROR_CODES } from '../../../shared/errors';
import { ApiFailure } from '../lib/api';
import { useMessage } from '../lib/message';

/**
 * An error a person can act on, in their language: the main process's sentence for this case (a Message) or,
 * when it sent none, the general sentence for the error's stable code; each refused field with its reason (forms
 * also show these at the fields); the code itself folded under "Technical detail" for a support request.
 * Announced to screen readers.
 */
export function ErrorNote({
  error,
  context,
  fieldsShown,
  fieldLabels,
}: {
  readonly error: unknown;
  readonly context?: string;
  /** The form shows every refused field at the field: do not list them again. */
  readonly fieldsShown?: boolean;
  /** Labels of the form's fields by input path, so a listed refusal names the field as the person reads it. */
  readonly fieldLabels?: Readonly<Record<string, string>>;
}) {
  const { t } = useTranslation();
  const text = useMessage();
  if (!error) return null;
  const failure = error instanceof ApiFailure ? error : undefined;
  const code = failure && (ERROR_CODES as readonly string[]).includes(failure.code) ? failure.code : 'INTERNAL';
  const sentence = text(failure?.text) ?? t(`errors.${code}`);
  const issues = fieldsShown ? [] : (failure?.issues ?? []);
  return (
    <div className="note note-error" role="alert">
      <p>
        {context ? <strong>{context} </strong> : null}
        {sentence}
      </p>
      {issues.length > 0 ? (
        <ul className="issues">
          {issues.map((i, n) => (
            <li key={n}>
              {fieldLabels?.[i.path.join('.')] ? <strong>{t('common.labelled', { label: fieldLabels[i.path.join('.')] })} </strong> : null}
              {text(i.message) ?? t('problem.validation.notValid')}
            </li>
          ))}
        </ul>
      ) : null}
      <details className="technical">
        <summary>{t('common.technicalDetail')}</summary>
        <p>
          {t('common.errorCode')} <code dir="ltr" translate="no">{code}</code>
        </p>
      </details>
    </div>
  );
}
