import { useId, type ReactNode } from 'react';

/** A labelled form control with an optional hint, wired with aria-describedby. */
export function Field({ label, hint, children }: { readonly label: string; readonly hint?: string; readonly children: (props: { id: string; 'aria-describedby'?: string }) => ReactNode }) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(hint ? { id, 'aria-describedby': hintId } : { id })}
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
