import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlannedItem } from '../../../../shared/model/packet';
import { ErrorNote } from '../../components/ErrorNote';
import { call, previewUrl } from '../../lib/api';
import { useFormat } from '../../lib/format';
import { mediaFamily } from '../../lib/media';
import { href } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';

/**
 * An exhibit opened from the wizard, beside it (issue 13 item 4): the file as it is in the vault and what the packet
 * does with it, while the wizard stays where it was — its step, answers and selection are untouched, since nothing
 * navigates. Closing it (the button or Escape) returns focus to the link that opened it. The item's full page is one
 * link away; going there leaves the wizard, which its draft brings back.
 */
export function ExhibitPanel({ itemId, planned, blocked, onClose }: { readonly itemId: string; readonly planned: PlannedItem | undefined; readonly blocked: boolean; readonly onClose: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const state = useAsync(() => call('items.get', { id: itemId }), [itemId]);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [itemId]);
  const item = state.value?.item;
  return (
    // Escape anywhere inside closes it, like a side sheet; it is not modal: the wizard stays usable beside it.
    <aside
      className="card exhibit-panel"
      aria-labelledby="exhibit-panel-title"
      data-testid="exhibit-panel"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <div className="exhibit-panel-head">
        <h2 id="exhibit-panel-title" ref={heading} tabIndex={-1}>
          {planned ? t('packet.exhibit.title', { label: planned.label }) : <bdi>{state.value?.item.title ?? state.value?.item.originalName ?? t('common.loading')}</bdi>}
        </h2>
        <button type="button" onClick={onClose}>
          {t('packet.exhibit.close')}
        </button>
      </div>
      <p className="hint">{t('packet.exhibit.keeps')}</p>
      <ErrorNote error={state.status === 'error' ? state.error : undefined} />
      {item ? (
        <>
          {item.title ? (
            <p className="exhibit-title">
              <bdi>{item.title}</bdi>
            </p>
          ) : null}
          {item.hasPreview ? (
            <img className="exhibit-preview" src={previewUrl(item.id)} alt={t('item.previewAlt', { name: item.originalName })} />
          ) : (
            <div className="thumb-type large">{t(`media.${mediaFamily(item.mediaType)}`)}</div>
          )}
          <dl className="facts">
            <dt>{t('packet.action')}</dt>
            <dd>
              {!planned ? (
                <span data-testid="exhibit-not-in-packet">{t('packet.exhibit.notInPacket')}</span>
              ) : blocked ? (
                <span className="badge badge-bad">{t('packet.cannotSend')}</span>
              ) : (
                <span className={`badge ${planned.action === 'refuse' ? 'badge-bad' : ''}`}>{t(`packet.actions.${planned.action}`)}</span>
              )}
            </dd>
            {planned ? (
              <>
                <dt>{t('packet.removed')}</dt>
                <dd>{planned.removes.length > 0 ? f.list(planned.removes.map((r) => t(`packet.removes.${r}`, { defaultValue: r }))) : t('packet.nothingToRemove')}</dd>
              </>
            ) : null}
            <dt>{t('item.originalName')}</dt>
            <dd>
              <bdi dir="auto">{item.originalName}</bdi>
            </dd>
            <dt>{t('item.captured')}</dt>
            <dd>{item.captureTime ? f.recordedDateTime(item.captureTime) : t('item.unknown')}</dd>
            <dt>{t('item.size')}</dt>
            <dd>{f.bytes(item.size)}</dd>
            <dt>{t('item.sha256')}</dt>
            <dd>
              <code dir="ltr" className="hash">
                {item.sha256}
              </code>
            </dd>
          </dl>
          <p>
            <a href={href({ name: 'item', id: item.id })}>{t('packet.exhibit.openFull')}</a>
          </p>
        </>
      ) : state.status === 'loading' ? (
        <p aria-busy="true">{t('common.loading')}</p>
      ) : null}
    </aside>
  );
}
