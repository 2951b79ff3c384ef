import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { normalizeForSearch } from '../../../shared/text';

/** One choice of a picker: the stored code, its name in the UI language, and other names it is found by. */
export type CodeOption = { readonly code: string; readonly label: string; readonly alt: readonly string[] };

/** Options that match a query: by name in the UI language, by the other names (English), or by code. */
export function matchOptions(options: readonly CodeOption[], query: string, limit = 400): CodeOption[] {
  const q = normalizeForSearch(query);
  if (!q) return options.slice(0, limit);
  const starts: CodeOption[] = [];
  const contains: CodeOption[] = [];
  for (const o of options) {
    const code = o.code.toLowerCase();
    const names = [o.label, ...o.alt].map(normalizeForSearch);
    if (code === q || names.some((n) => n.startsWith(q) || n.split(' ').some((w) => w.startsWith(q)))) starts.push(o);
    else if (names.some((n) => n.includes(q)) || code.startsWith(q)) contains.push(o);
    if (starts.length >= limit) break;
  }
  // An exact code ("tr", "MX") comes first, then names that start with the query, then the rest.
  starts.sort((a, b) => Number(b.code.toLowerCase() === q) - Number(a.code.toLowerCase() === q));
  return [...starts, ...contains].slice(0, limit);
}

/**
 * Choosing one value of a fixed list (countries, languages) by typing its name: an ARIA 1.2 combobox with a
 * listbox popup. Type a few letters of the name in the UI language, in English, or the code; arrow keys move,
 * Enter or a click chooses, Escape closes and puts the chosen value back, Alt+ArrowDown opens the whole list.
 * Text that is not a choice is never stored: leaving the field with it keeps the text in view, marked, and says why
 * (the caller gets only codes from the list, or null when the person cleared the field). What is typed is also given
 * to `onTyped` as it is typed, for the form's draft, and a draft's `typed` text is brought back marked, so a word
 * that is not a choice survives leaving the screen, locking, or a crash like every other field (issue 13).
 */
export function CodePicker({
  label,
  value,
  options,
  onChange,
  hint,
  refusal,
  error,
  extraOption,
  typed,
  onTyped,
  id: givenId,
}: {
  readonly label: string;
  readonly value: string | undefined;
  readonly options: readonly CodeOption[];
  readonly onChange: (code: string | null) => void;
  readonly hint?: string;
  /** What is said when text that is not a choice is left in the field ("Unknown country…"). */
  readonly refusal: string;
  /** A refusal from the main process for this field, already translated. */
  readonly error?: string | undefined;
  /** For a query that is not in the list but is still acceptable (a language tag with a region). */
  readonly extraOption?: (query: string) => CodeOption | undefined;
  /** Text a form's draft kept that was not (yet) a choice: shown as typed, marked as refused, instead of `value`. */
  readonly typed?: string | undefined;
  /**
   * Each change of the text that is not a choice, for the form's draft; '' when nothing is pending any more without
   * a change of value (the same choice again, Escape, an emptied field). A call of onChange also means nothing is
   * pending.
   */
  readonly onTyped?: (typed: string) => void;
  readonly id?: string;
}) {
  const { t } = useTranslation();
  const autoId = useId();
  const id = givenId ?? autoId;
  const chosen = useMemo(() => options.find((o) => o.code === value) ?? (value ? extraOption?.(value) : undefined), [options, value, extraOption]);
  // undefined: not editing, show the chosen name. A draft's pending text comes back as it was left: refused.
  const [text, setText] = useState<string | undefined>(typed || undefined);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [refused, setRefused] = useState(Boolean(typed));
  const listRef = useRef<HTMLUListElement>(null);
  const query = text ?? '';
  const hits = useMemo(() => {
    const found = matchOptions(options, text === undefined ? '' : query);
    const extra = text ? extraOption?.(text) : undefined;
    return extra && !found.some((o) => o.code === extra.code) ? [extra, ...found] : found;
  }, [options, query, text, extraOption]);
  const listId = `${id}-list`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;

  useEffect(() => {
    if (!open) return;
    listRef.current?.querySelector(`#${CSS.escape(`${id}-opt-${active}`)}`)?.scrollIntoView({ block: 'nearest' });
  }, [active, open, id]);

  const choose = (o: CodeOption) => {
    setText(undefined);
    setOpen(false);
    setRefused(false);
    if (o.code !== value) onChange(o.code);
    else onTyped?.('');
  };
  /** Leaving the field: an empty field clears, an exact name or code chooses, anything else is refused. */
  const settle = () => {
    setOpen(false);
    if (text === undefined) return;
    const q = normalizeForSearch(text);
    if (!q) {
      setText(undefined);
      setRefused(false);
      if (value !== undefined) onChange(null);
      else onTyped?.('');
      return;
    }
    const exact = [...hits].find((o) => o.code.toLowerCase() === q || [o.label, ...o.alt].some((n) => normalizeForSearch(n) === q));
    // Refused text stays in the field, marked, so the person sees what was not taken and can correct it; the
    // stored value is unchanged (Escape puts its name back).
    if (exact) choose(exact);
    else setRefused(true);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (!open) {
          setOpen(true);
          setActive(Math.max(0, hits.findIndex((o) => o.code === value)));
        } else setActive((a) => Math.min(hits.length - 1, a + 1));
        break;
      case 'ArrowUp':
        e.preventDefault();
        if (open) setActive((a) => Math.max(0, a - 1));
        break;
      case 'PageDown':
        if (open) {
          e.preventDefault();
          setActive((a) => Math.min(hits.length - 1, a + 10));
        }
        break;
      case 'PageUp':
        if (open) {
          e.preventDefault();
          setActive((a) => Math.max(0, a - 10));
        }
        break;
      case 'Enter': {
        const h = hits[active];
        if (open && h) {
          e.preventDefault();
          choose(h);
        } else if (text !== undefined) {
          e.preventDefault();
          settle();
        }
        break;
      }
      case 'Escape':
        if (open || text !== undefined) {
          e.preventDefault();
          setOpen(false);
          if (text !== undefined) onTyped?.('');
          setText(undefined);
          setRefused(false);
        }
        break;
      case 'Tab':
        settle();
        break;
      default:
        break;
    }
  };
  const expanded = open && hits.length > 0;
  const shownError = refused ? refusal : error;
  const describedBy = [hint || (text && hits.length === 0) ? hintId : '', shownError ? errorId : ''].filter(Boolean).join(' ');
  return (
    <div className={shownError ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      <div className="combobox picker">
        <input
          id={id}
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          // The list exists only while open, so it is named only then (a hidden list would be a second
          // element labelled like the field).
          aria-controls={expanded ? listId : undefined}
          aria-activedescendant={expanded ? `${id}-opt-${active}` : undefined}
          aria-describedby={describedBy || undefined}
          aria-invalid={shownError ? true : undefined}
          autoComplete="off"
          spellCheck={false}
          value={text ?? chosen?.label ?? ''}
          onChange={(e) => {
            setText(e.target.value);
            onTyped?.(e.target.value);
            setOpen(true);
            setActive(0);
            setRefused(false);
          }}
          onFocus={(e) => e.currentTarget.select()}
          onKeyDown={onKeyDown}
          onBlur={() => settle()}
        />
        {value !== undefined ? (
          <button
            type="button"
            className="picker-clear"
            aria-label={t('picker.clear', { label })}
            onClick={() => {
              setText(undefined);
              setRefused(false);
              onChange(null);
            }}
          >
            ✕
          </button>
        ) : null}
        {expanded ? (
          <ul id={listId} ref={listRef} role="listbox" aria-label={label}>
            {hits.map((o, i) => (
              <li
                key={o.code}
                id={`${id}-opt-${i}`}
                role="option"
                aria-selected={i === active}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => choose(o)}
                onMouseEnter={() => setActive(i)}
              >
                <span>{o.label}</span>{' '}
                <span className="option-code" dir="ltr" translate="no">
                  {o.code}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      {shownError ? (
        <p className="field-error" id={errorId} role={refused ? 'alert' : undefined}>
          {shownError}
        </p>
      ) : null}
      {text && hits.length === 0 ? (
        <p className="hint" id={hintId}>
          {t('picker.noMatch')}
        </p>
      ) : hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
