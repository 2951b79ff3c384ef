import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { getTaxonomy, searchTerms, type TaxonomyId, type TermSearchHit } from '../../../shared/taxonomy';
import { pickLocalized } from '../../../shared/localized';
import { currentLanguage } from '../lib/i18n';

/**
 * Type-ahead over the taxonomies (ARIA 1.2 combobox with a listbox popup): type a few letters in any of the four
 * languages, move with the arrow keys, Enter to choose, Escape to close. Search runs locally on the bundled
 * taxonomies, so nothing leaves the renderer.
 */
export function TermCombobox({ label, onChoose, taxonomies, exclude }: { readonly label: string; readonly onChoose: (hit: TermSearchHit) => void; readonly taxonomies?: readonly TaxonomyId[]; readonly exclude?: ReadonlySet<string> }) {
  const { t } = useTranslation();
  const id = useId();
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const lang = currentLanguage();
  const hits = useMemo(() => (query.trim() ? searchTerms(query, lang, { limit: 12, ...(taxonomies ? { taxonomies } : {}) }).filter((h) => !exclude?.has(h.term.id)) : []), [query, lang, taxonomies, exclude]);
  const listId = `${id}-list`;
  const choose = (h: TermSearchHit) => {
    onChoose(h);
    setQuery('');
    setOpen(false);
    setActive(0);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(hits.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      const h = hits[active];
      if (open && h) {
        e.preventDefault();
        choose(h);
      }
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        setOpen(false);
      }
    }
  };
  const expanded = open && hits.length > 0;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="combobox">
        <input
          id={id}
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded ? `${id}-opt-${active}` : undefined}
          aria-describedby={`${id}-hint`}
          autoComplete="off"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setOpen(true);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => window.setTimeout(() => setOpen(false), 150)}
        />
        <ul id={listId} role="listbox" aria-label={label} hidden={!expanded}>
          {hits.map((h, i) => (
            <li
              key={h.term.id}
              id={`${id}-opt-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(h)}
              onMouseEnter={() => setActive(i)}
            >
              {h.label}
              <span className="option-meta">{pickLocalized(getTaxonomy(h.taxonomyId).title, lang)}</span>
            </li>
          ))}
        </ul>
      </div>
      <p className="hint" id={`${id}-hint`}>
        {query.trim() && hits.length === 0 ? t('tags.noMatch') : t('tags.typeAhead')}
      </p>
    </div>
  );
}
