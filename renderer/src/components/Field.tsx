import { useId, type ReactNode } from 'react';

type ControlProps = { id: string; 'aria-describedby'?: string; 'aria-invalid'?: true };

/**
 * A labelled form control with an optional hint and, when the value was refused, the reason in the person's
 * language, marked on the control (aria-invalid) and read with it (aria-describedby).
 */
export function Field({
  label,
  hint,
  error,
  children,
}: {
  readonly label: string;
  readonly hint?: string;
  readonly error?: string | undefined;
  readonly children: (props: ControlProps) => ReactNode;
}) {
  const id = useId();
  const describedBy = describedByOf(id, hint, error);
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(describedBy ? { 'aria-describedby': describedBy } : {}), ...(error ? { 'aria-invalid': true as const } : {}) })}
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}

/** What a field's control is described by: the ids of its refusal and hint (FieldNotes), undefined when neither is shown. */
export function describedByOf(id: string, hint: string | undefined, error: string | undefined): string | undefined {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

/** Under a field's control: why its value was refused, then its hint, with the ids describedByOf names. */
export function FieldNotes({ id, hint, error }: { readonly id: string; readonly hint?: string | undefined; readonly error?: string | undefined }) {
  return (
    <>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </>
  );
}
