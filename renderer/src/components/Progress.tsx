import { useFormat } from '../lib/format';

/** A labelled progress bar; value unknown (scanning) shows an indeterminate bar. */
export function Progress({ label, done, total }: { readonly label: string; readonly done: number; readonly total: number }) {
  const f = useFormat();
  return (
    <div className="progress">
      <div className="progress-label">
        <span>{label}</span>
        {total > 0 ? <span>{f.percent(done, total)}</span> : null}
      </div>
      {total > 0 ? <progress aria-label={label} max={total} value={Math.min(done, total)} /> : <progress aria-label={label} />}
    </div>
  );
}
