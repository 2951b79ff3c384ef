import { useTranslation } from 'react-i18next';
import { call } from '../../lib/api';
import { href } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import type { StepProps } from './wizard-state';

/**
 * The case's items and testimonies, each ticked in or out of the packet. An item opens beside the wizard (a plain
 * click or Enter on 'View'), as on the review step: the step and the selection stay as they are.
 */
export function ContentsStep({ choices, set, onOpenExhibit }: StepProps & { readonly onOpenExhibit?: (itemId: string, opener: HTMLElement | null) => void }) {
  const { t } = useTranslation();
  const items = useAsync(() => call('items.list', { offset: 0, limit: 1000, sort: 'captured-asc', filters: { caseId: choices.caseId } }), [choices.caseId]);
  const testimonies = useAsync(() => call('testimonies.list', { caseId: choices.caseId }), [choices.caseId]);
  const allItems = (items.value?.items ?? []).map((i) => i.id);
  const chosenItems = new Set(choices.itemIds ?? allItems);
  const allTestimonies = (testimonies.value ?? []).map((x) => x.id);
  const chosenTestimonies = new Set(choices.testimonyIds ?? allTestimonies);
  const toggle = (set0: Set<string>, id: string, on: boolean) => {
    const next = new Set(set0);
    if (on) next.add(id);
    else next.delete(id);
    return [...next];
  };
  return (
    <>
      <fieldset className="field">
        <legend>{t('packet.items', { count: chosenItems.size })}</legend>
        {items.value && items.value.items.length === 0 ? <p>{t('cases.noItems')}</p> : null}
        {(items.value?.items ?? []).map((it) => (
          <div className="check" key={it.id}>
            <input id={`pi-${it.id}`} type="checkbox" checked={chosenItems.has(it.id)} onChange={(e) => set({ itemIds: toggle(chosenItems, it.id, e.target.checked) })} />
            <label htmlFor={`pi-${it.id}`}>
              <bdi>{it.title ?? it.originalName}</bdi> {it.hasGps ? <span className="badge badge-gps">{t('library.gpsBadge')}</span> : null}
            </label>{' '}
            <a
              href={href({ name: 'item', id: it.id })}
              aria-label={t('packet.exhibit.viewNamed', { name: it.title ?? it.originalName })}
              onClick={(e) => {
                // A modified click still follows the link to the item's page (the wizard's draft brings it back).
                if (!onOpenExhibit || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
                e.preventDefault();
                onOpenExhibit(it.id, e.currentTarget);
              }}
            >
              {t('packet.exhibit.view')}
            </a>
          </div>
        ))}
      </fieldset>
      <fieldset className="field">
        <legend>{t('packet.testimonies', { count: chosenTestimonies.size })}</legend>
        {testimonies.value && testimonies.value.length === 0 ? <p>{t('cases.noTestimonies')}</p> : null}
        {(testimonies.value ?? []).map((x) => (
          <div className="check" key={x.id}>
            <input id={`pt-${x.id}`} type="checkbox" checked={chosenTestimonies.has(x.id)} onChange={(e) => set({ testimonyIds: toggle(chosenTestimonies, x.id, e.target.checked) })} />
            <label htmlFor={`pt-${x.id}`}>
              <bdi>{x.title}</bdi>
            </label>
          </div>
        ))}
      </fieldset>
    </>
  );
}
