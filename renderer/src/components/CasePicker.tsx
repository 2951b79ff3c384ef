import { useTranslation } from 'react-i18next';
import { call } from '../lib/api';
import { useAsync } from '../lib/useAsync';

/**
 * The one case chooser: a labelled <select> of the vault's cases (fed by cases.list), with an empty first choice
 * whose words the caller gives ("No case", "Any case", "Choose a case…"). `enabled: false` delays the list (the
 * library waits for its first page: the main process answers one request at a time).
 */
export function CasePicker({
  id,
  label,
  value,
  onChange,
  emptyLabel,
  exclude,
  inline,
  enabled = true,
  describedBy,
}: {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  /** The chosen case's id ('' for the empty choice) and its title as listed, so a caller that names the case needs no list of its own. */
  readonly onChange: (caseId: string, title: string) => void;
  readonly emptyLabel?: string;
  /** Cases not offered (e.g. those the item is already in). */
  readonly exclude?: ReadonlySet<string>;
  readonly inline?: boolean;
  readonly enabled?: boolean;
  readonly describedBy?: string;
}) {
  const { t } = useTranslation();
  const load = enabled || value !== '';
  const cases = useAsync(() => (load ? call('cases.list', {}) : Promise.resolve([])), [load]);
  return (
    <div className={inline ? 'field inline' : 'field'}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value, cases.value?.find((c) => c.id === e.target.value)?.title ?? '')} aria-describedby={describedBy}>
        <option value="">{emptyLabel ?? t('item.chooseCase')}</option>
        {(cases.value ?? [])
          .filter((c) => c.id === value || !exclude?.has(c.id))
          .map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
            </option>
          ))}
      </select>
    </div>
  );
}
